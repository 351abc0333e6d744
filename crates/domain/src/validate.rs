//! Field validators for what a broker types: contact details, French company and
//! social-security identifiers, bank details.
//!
//! The same functions run in the browser (wasm32, instant feedback) and on the server
//! (the authority), so both sides refuse exactly the same input.
//!
//! Rules shared by every validator:
//! - the error is a French sentence meant for the end user, and it never repeats the
//!   input: these values are personal data and must not end up in logs or error reports;
//! - the spaces people type to group digits are ignored (and, for phone numbers, dots
//!   and dashes); lower-case letters are accepted where the canonical form is upper-case
//!   (IBAN, BIC, "2A"/"2B" in a NIR); everything else is checked strictly;
//! - check keys are verified (Luhn, mod 97), so a typo is caught at entry rather than
//!   when a payment or a claim bounces months later.
//!
//! Store values through [`compact`] (or [`normalize_phone_fr`] for phones) so the
//! database only holds the canonical form.

/// User-facing messages, kept in one place so the tests can assert the exact reason of
/// a refusal and so the wording stays consistent. None of them embeds the input.
mod msg {
    pub const EMAIL_EMPTY: &str = "L'adresse e-mail est vide.";
    pub const EMAIL_TOO_LONG: &str =
        "L'adresse e-mail est trop longue (254 caractères au maximum).";
    pub const EMAIL_SPACE: &str = "L'adresse e-mail ne doit pas contenir d'espace.";
    pub const EMAIL_NO_AT: &str = "L'adresse e-mail doit contenir le caractère @.";
    pub const EMAIL_MANY_AT: &str = "L'adresse e-mail ne doit contenir qu'un seul caractère @.";
    pub const EMAIL_LOCAL_EMPTY: &str = "Il manque la partie avant le @ de l'adresse e-mail.";
    pub const EMAIL_LOCAL_TOO_LONG: &str =
        "La partie avant le @ de l'adresse e-mail est trop longue (64 caractères au maximum).";
    pub const EMAIL_LOCAL_CHARS: &str =
        "La partie avant le @ de l'adresse e-mail contient un caractère non autorisé.";
    pub const EMAIL_LOCAL_DOTS: &str = "La partie avant le @ de l'adresse e-mail ne peut ni commencer ni finir par un point, ni contenir deux points de suite.";
    pub const EMAIL_DOMAIN_EMPTY: &str =
        "Il manque le nom de domaine après le @ (ex. : exemple.fr).";
    pub const EMAIL_DOMAIN_NO_DOT: &str =
        "Le nom de domaine après le @ doit contenir un point (ex. : exemple.fr).";
    pub const EMAIL_DOMAIN_BAD: &str = "Le nom de domaine après le @ est mal formé.";
    pub const EMAIL_TLD_BAD: &str =
        "L'extension du nom de domaine (après le dernier point) est invalide.";

    pub const PHONE_EMPTY: &str = "Le numéro de téléphone est vide.";
    pub const PHONE_CHARS: &str = "Le numéro de téléphone ne peut contenir que des chiffres, des espaces, des points, des tirets et un + au début.";
    pub const PHONE_PREFIX: &str =
        "Le numéro de téléphone doit commencer par 0, +33 ou 0033 (ou un indicatif d'outre-mer).";
    pub const PHONE_NOT_FRENCH: &str = "Seuls les numéros français sont acceptés : l'indicatif doit être +33 (ou +262, +590, +594, +596 pour l'outre-mer).";
    pub const PHONE_NATIONAL_LEN: &str =
        "Un numéro de téléphone français compte 10 chiffres (ex. : 06 12 34 56 78).";
    pub const PHONE_INTL_LEN: &str =
        "Après l'indicatif, un numéro de téléphone français compte 9 chiffres (sans le 0 initial).";
    pub const PHONE_FIRST_DIGIT: &str =
        "Après l'indicatif, le numéro de téléphone ne doit pas commencer par 0.";
    pub const PHONE_OVERSEAS_MISMATCH: &str =
        "Ce numéro ne correspond pas à l'indicatif d'outre-mer saisi.";

    pub const POSTAL_EMPTY: &str = "Le code postal est vide.";
    pub const POSTAL_CHARS: &str = "Le code postal ne doit contenir que des chiffres.";
    pub const POSTAL_LEN: &str = "Le code postal doit comporter 5 chiffres.";
    pub const POSTAL_DEPT: &str = "Ce code postal ne correspond à aucun département français.";

    pub const SIREN_EMPTY: &str = "Le numéro SIREN est vide.";
    pub const SIREN_CHARS: &str = "Le numéro SIREN ne doit contenir que des chiffres.";
    pub const SIREN_LEN: &str = "Le numéro SIREN doit comporter 9 chiffres.";
    pub const SIREN_KEY: &str =
        "Le numéro SIREN est invalide : vérifiez les chiffres saisis (clé de contrôle incorrecte).";

    pub const SIRET_EMPTY: &str = "Le numéro SIRET est vide.";
    pub const SIRET_CHARS: &str = "Le numéro SIRET ne doit contenir que des chiffres.";
    pub const SIRET_LEN: &str = "Le numéro SIRET doit comporter 14 chiffres.";
    pub const SIRET_KEY: &str =
        "Le numéro SIRET est invalide : vérifiez les chiffres saisis (clé de contrôle incorrecte).";
    pub const SIRET_SIREN_KEY: &str =
        "Les 9 premiers chiffres du SIRET (le numéro SIREN) sont invalides.";

    pub const NIR_EMPTY: &str = "Le numéro de sécurité sociale est vide.";
    pub const NIR_CHARS: &str = "Le numéro de sécurité sociale ne doit contenir que des chiffres (et 2A ou 2B pour un département de Corse).";
    pub const NIR_LEN: &str =
        "Le numéro de sécurité sociale doit comporter 15 caractères (13 chiffres et la clé).";
    pub const NIR_SEX: &str = "Le premier chiffre du numéro de sécurité sociale est invalide.";
    pub const NIR_MONTH: &str =
        "Le mois de naissance (4e et 5e chiffres) du numéro de sécurité sociale est invalide.";
    pub const NIR_DEPT: &str = "Le département de naissance (6e et 7e caractères) du numéro de sécurité sociale est invalide.";
    pub const NIR_KEY: &str = "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas : vérifiez les chiffres saisis.";

    pub const ORGANISME_EMPTY: &str = "Le code organisme est vide.";
    pub const ORGANISME_CHARS: &str = "Le code organisme ne doit contenir que des chiffres.";
    pub const ORGANISME_LEN: &str =
        "Le code organisme doit comporter 9 chiffres (régime, caisse et centre).";
    pub const ORGANISME_REGIME: &str = "Le code régime (2 premiers chiffres) est invalide.";

    pub const IBAN_EMPTY: &str = "L'IBAN est vide.";
    pub const IBAN_CHARS: &str = "L'IBAN ne doit contenir que des lettres et des chiffres.";
    pub const IBAN_COUNTRY: &str =
        "L'IBAN doit commencer par les 2 lettres du code pays (ex. : FR).";
    pub const IBAN_UNKNOWN_COUNTRY: &str =
        "Ce code pays n'utilise pas l'IBAN ou n'est pas reconnu.";
    pub const IBAN_LEN: &str =
        "La longueur de l'IBAN ne correspond pas à son pays (27 caractères pour la France).";
    pub const IBAN_CHECK_CHARS: &str =
        "Les 2 caractères qui suivent le code pays de l'IBAN doivent être des chiffres.";
    pub const IBAN_KEY: &str =
        "L'IBAN est invalide : vérifiez les caractères saisis (clé de contrôle incorrecte).";

    pub const BIC_EMPTY: &str = "Le code BIC est vide.";
    pub const BIC_CHARS: &str = "Le code BIC ne doit contenir que des lettres et des chiffres.";
    pub const BIC_LEN: &str = "Le code BIC doit comporter 8 ou 11 caractères.";
    pub const BIC_BANK: &str =
        "Les 4 premiers caractères du code BIC (la banque) doivent être des lettres.";
    pub const BIC_COUNTRY: &str =
        "Les 5e et 6e caractères du code BIC (le code pays) doivent être des lettres.";
}

/// Prepares a value for storage: removes the whitespace typed for readability and, when
/// what remains is purely alphanumeric (IBAN, BIC, NIR, SIREN, postal code...), upper-cases
/// it so equal values compare equal in the database and in searches.
///
/// Values with other characters (an e-mail address, a phone number with a `+`) only lose
/// their whitespace: their case is left alone. Use [`normalize_phone_fr`] for phones.
pub fn compact(s: &str) -> String {
    let out = strip_spaces(s);
    if out.chars().all(|c| c.is_ascii_alphanumeric()) {
        out.to_ascii_uppercase()
    } else {
        out
    }
}

/// The input without any whitespace (including the no-break spaces that word processors
/// and PDF forms put between digit groups).
fn strip_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True for a non-empty string of ASCII digits only (not Unicode digits such as `٣`).
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Messages for an identifier made of a fixed number of digits, so each validator only
/// spells out its own rules.
struct DigitsMsgs {
    empty: &'static str,
    chars: &'static str,
    len: &'static str,
}

/// Strips spaces and checks "exactly `len` ASCII digits", reporting the first problem
/// (empty, then foreign characters, then length) so the user gets one clear reason.
fn fixed_digits(s: &str, len: usize, m: &DigitsMsgs) -> Result<String, &'static str> {
    let c = strip_spaces(s);
    if c.is_empty() {
        return Err(m.empty);
    }
    if !all_digits(&c) {
        return Err(m.chars);
    }
    if c.len() != len {
        return Err(m.len);
    }
    Ok(c)
}

/// The Luhn key of ASCII digits: the digit to append so that the whole string is
/// Luhn-valid. Walking from the right, the payload's rightmost digit is doubled (the key
/// will take the undoubled rightmost place), then every other one.
fn luhn_key(payload: &str) -> char {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0'));
            match (i % 2 == 0, d * 2) {
                (true, d2) if d2 > 9 => d2 - 9,
                (true, d2) => d2,
                (false, _) => d,
            }
        })
        .sum();
    let k = (10 - sum % 10) % 10;
    char::from(b'0' + k as u8)
}

/// Luhn (mod 10) check used by SIREN and SIRET: the last digit must be the key of the
/// others. Catches every single-digit typo and most swaps of adjacent digits.
fn luhn_valid(digits: &str) -> bool {
    match digits.char_indices().last() {
        Some((i, last)) => luhn_key(&digits[..i]) == last,
        None => false,
    }
}

/// ISO 7064 MOD 97-10 remainder of an alphanumeric string read as one number with
/// letters worth 10 (A) to 35 (Z). Computed piecewise, so it never needs big integers
/// (an IBAN is up to 34 characters, i.e. about 60 decimal digits). `None` on any other
/// character.
fn mod97(chars: impl Iterator<Item = char>) -> Option<u32> {
    let mut r = 0u32;
    for c in chars {
        let v = c.to_digit(36)?;
        r = (r * if v > 9 { 100 } else { 10 } + v) % 97;
    }
    Some(r)
}

/// Pragmatic e-mail check: what people actually type and what mail servers accept, not
/// the whole of RFC 5322 (no quoted local parts, no IP-literal domains).
///
/// One `@`, a non-empty local part of at most 64 characters (letters, digits and
/// ``!#$%&'*+/=?^_`{|}~.-``, no leading, trailing or doubled dot), a domain with at least
/// one dot whose labels are letters, digits and inner hyphens, at most 254 characters in
/// all. Surrounding whitespace is ignored; inner whitespace is refused, because it is
/// always a typo. Internationalised addresses (accented letters) are accepted.
pub fn email(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let s = s.trim();
    if s.is_empty() {
        return Err(EMAIL_EMPTY);
    }
    if s.chars().any(char::is_whitespace) {
        return Err(EMAIL_SPACE);
    }
    if s.chars().count() > 254 {
        return Err(EMAIL_TOO_LONG);
    }
    let (local, domain) = match s.split_once('@') {
        None => return Err(EMAIL_NO_AT),
        Some((_, d)) if d.contains('@') => return Err(EMAIL_MANY_AT),
        Some(parts) => parts,
    };

    if local.is_empty() {
        return Err(EMAIL_LOCAL_EMPTY);
    }
    if local.chars().count() > 64 {
        return Err(EMAIL_LOCAL_TOO_LONG);
    }
    let local_char_ok = |c: char| {
        c.is_ascii_alphanumeric()
            || "!#$%&'*+/=?^_`{|}~.-".contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    if !local.chars().all(local_char_ok) {
        return Err(EMAIL_LOCAL_CHARS);
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EMAIL_LOCAL_DOTS);
    }

    if domain.is_empty() {
        return Err(EMAIL_DOMAIN_EMPTY);
    }
    if !domain.contains('.') {
        return Err(EMAIL_DOMAIN_NO_DOT);
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.chars().count() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c == '-' || c.is_alphanumeric())
    };
    if !domain.split('.').all(label_ok) {
        return Err(EMAIL_DOMAIN_BAD);
    }
    // A top-level domain is letters only (or an IDN "xn--" label), never a number:
    // "jean@exemple.f" or "jean@10.0.0.1" are typos or not deliverable addresses.
    let tld = domain.rsplit('.').next().unwrap_or_default();
    let tld_ok = tld.chars().count() >= 2
        && (tld.chars().all(char::is_alphabetic) || tld.to_ascii_lowercase().starts_with("xn--"));
    if !tld_ok {
        return Err(EMAIL_TLD_BAD);
    }
    Ok(())
}

/// Overseas departments that share the French 10-digit numbering plan but have their own
/// international calling code: the national prefix (3 digits after the trunk 0) decides
/// the code, so `0692 12 34 56` is `+262 692 12 34 56`, not `+33 692...`.
const OVERSEAS_PHONE: &[(&str, &[&str])] = &[
    // La Réunion and Mayotte.
    ("262", &["262", "263", "269", "639", "692", "693"]),
    // Guadeloupe, Saint-Barthélemy, Saint-Martin.
    ("590", &["590", "690", "691"]),
    // Guyane.
    ("594", &["594", "694"]),
    // Martinique.
    ("596", &["596", "696", "697"]),
];

/// The calling code of an overseas national significant number, `None` for mainland.
fn overseas_code(nsn: &str) -> Option<&'static str> {
    OVERSEAS_PHONE
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| nsn.starts_with(p)))
        .map(|(code, _)| *code)
}

/// Parses a French phone number into (calling code, 9-digit national significant number).
fn parse_phone_fr(s: &str) -> Result<(&'static str, String), &'static str> {
    use msg::*;
    let c: String = s
        .chars()
        .filter(|&ch| !ch.is_whitespace() && ch != '.' && ch != '-')
        .collect();
    if c.is_empty() {
        return Err(PHONE_EMPTY);
    }
    let (plus, body) = match c.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, c.as_str()),
    };
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PHONE_CHARS);
    }

    // International form: "+CC..." or "00CC...".
    let international = if plus {
        Some(body)
    } else {
        body.strip_prefix("00")
    };
    let (given_code, nsn) = match international {
        Some(rest) => {
            if rest.is_empty() {
                return Err(PHONE_INTL_LEN);
            }
            let code = ["33", "262", "590", "594", "596"]
                .into_iter()
                .find(|code| rest.starts_with(code))
                .ok_or(PHONE_NOT_FRENCH)?;
            let nsn = &rest[code.len()..];
            if nsn.len() != 9 {
                return Err(PHONE_INTL_LEN);
            }
            (Some(code), nsn)
        }
        None => {
            let nsn = body.strip_prefix('0').ok_or(PHONE_PREFIX)?;
            if body.len() != 10 {
                return Err(PHONE_NATIONAL_LEN);
            }
            (None, nsn)
        }
    };
    if nsn.starts_with('0') {
        return Err(PHONE_FIRST_DIGIT);
    }
    let code = match (given_code, overseas_code(nsn)) {
        (None | Some("33"), found) => found.unwrap_or("33"),
        (Some(given), Some(found)) if given == found => found,
        (Some(_), _) => return Err(PHONE_OVERSEAS_MISMATCH),
    };
    Ok((code, nsn.to_owned()))
}

/// French phone number (mainland and overseas departments): `0X XX XX XX XX` with X from
/// 1 to 9, `+33 X XX XX XX XX` or `0033 X XX XX XX XX`; spaces, dots and dashes between
/// digits are ignored. Overseas numbers may also be written with their own calling code
/// (`+262 692 ...`, `+590`, `+594`, `+596`). Foreign numbers are refused: the CRM calls and
/// texts French policyholders, and a foreign number here is almost always a typo.
pub fn phone_fr(s: &str) -> Result<(), &'static str> {
    parse_phone_fr(s).map(|_| ())
}

/// The E.164 form of a French number (`+33612345678`, or `+262692123456` for La Réunion),
/// which is what SMS gateways and telephony links expect; `None` when [`phone_fr`] refuses
/// the input. Normalising an already normalised number gives it back unchanged.
pub fn normalize_phone_fr(s: &str) -> Option<String> {
    parse_phone_fr(s)
        .ok()
        .map(|(code, nsn)| format!("+{code}{nsn}"))
}

/// French postal code: 5 digits whose first two are a department that exists. Mainland
/// 01–95 (Corsica keeps 20, i.e. 20000–20999), overseas 971–978 (DOM and COM) and
/// 980 (Monaco), 984, 986–988 (TAAF, Wallis-et-Futuna, Polynésie, Nouvelle-Calédonie).
/// 00xxx, 96xxx and 99xxx do not exist.
pub fn postal_code(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = fixed_digits(
        s,
        5,
        &DigitsMsgs {
            empty: POSTAL_EMPTY,
            chars: POSTAL_CHARS,
            len: POSTAL_LEN,
        },
    )?;
    let third = c.as_bytes()[2];
    let exists = match &c[..2] {
        "00" | "96" | "99" => false,
        "97" => (b'1'..=b'8').contains(&third),
        "98" => matches!(third, b'0' | b'4' | b'6' | b'7' | b'8'),
        _ => true,
    };
    if exists {
        Ok(())
    } else {
        Err(POSTAL_DEPT)
    }
}

/// SIREN (company number from the INSEE register): 9 digits, the last being a Luhn key.
pub fn siren(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = fixed_digits(
        s,
        9,
        &DigitsMsgs {
            empty: SIREN_EMPTY,
            chars: SIREN_CHARS,
            len: SIREN_LEN,
        },
    )?;
    if luhn_valid(&c) {
        Ok(())
    } else {
        Err(SIREN_KEY)
    }
}

/// La Poste's SIREN: it has more establishments than a 4-digit NIC plus a Luhn key can
/// number, so INSEE lets its SIRETs use a weaker key (sum of the digits multiple of 5).
const LA_POSTE_SIREN: &str = "356000000";

/// SIRET (establishment number): the SIREN, a 4-digit NIC and a key, 14 digits in all,
/// Luhn-valid. The SIREN part must be valid too: every real SIRET starts with a real
/// SIREN, so this catches a few more double typos. La Poste's establishments are accepted
/// when the digit sum is a multiple of 5 (INSEE exception) or when they are Luhn-valid.
pub fn siret(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = fixed_digits(
        s,
        14,
        &DigitsMsgs {
            empty: SIRET_EMPTY,
            chars: SIRET_CHARS,
            len: SIRET_LEN,
        },
    )?;
    if c.starts_with(LA_POSTE_SIREN) {
        let digit_sum_mod5 = c
            .bytes()
            .fold(0u32, |acc, b| (acc + u32::from(b - b'0')) % 5);
        return if luhn_valid(&c) || digit_sum_mod5 == 0 {
            Ok(())
        } else {
            Err(SIRET_KEY)
        };
    }
    if !luhn_valid(&c) {
        return Err(SIRET_KEY);
    }
    if !luhn_valid(&c[..9]) {
        return Err(SIRET_SIREN_KEY);
    }
    Ok(())
}

/// The 13-digit NIR body as a number, Corsica's "2A"/"2B" read as 19/18 as INSEE
/// prescribes for the key. The caller guarantees 13 ASCII characters that are digits
/// except possibly "2A"/"2B" at positions 5–6.
fn nir_body_value(body: &str) -> u64 {
    let numeric = match &body[5..7] {
        "2A" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_owned(),
    };
    numeric
        .bytes()
        .fold(0u64, |n, b| n * 10 + u64::from(b.wrapping_sub(b'0')))
}

/// NIR key: 97 minus the body modulo 97, so 01 to 97.
fn nir_key(body: &str) -> u64 {
    97 - nir_body_value(body) % 97
}

/// French social security number (NIR), 15 characters: sex (1/2, or 3/4/7/8 for
/// provisional and foreigners' numbers), year (2 digits), month (01–12, or the 20–42 and
/// 50–99 INSEE uses when the month is unknown), department (01–99, 2A/2B for Corsica),
/// commune (3), order number (3), then a 2-digit key = 97 − (number mod 97), with 2A read
/// as 19 and 2B as 18. Lower-case "2a"/"2b" are accepted.
pub fn nir(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = strip_spaces(s).to_ascii_uppercase();
    if c.is_empty() {
        return Err(NIR_EMPTY);
    }
    if !c
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'A' || b == b'B')
    {
        return Err(NIR_CHARS);
    }
    if c.len() != 15 {
        return Err(NIR_LEN);
    }
    // Letters are only meaningful as Corsica's department code.
    let dept = &c[5..7];
    let letters_elsewhere = c
        .bytes()
        .enumerate()
        .any(|(i, b)| b.is_ascii_alphabetic() && !(i == 6 && (dept == "2A" || dept == "2B")));
    if letters_elsewhere {
        return Err(NIR_CHARS);
    }
    if !matches!(c.as_bytes()[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return Err(NIR_SEX);
    }
    let month: u8 = c[3..5].parse().map_err(|_| NIR_MONTH)?;
    if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
        return Err(NIR_MONTH);
    }
    if dept == "00" {
        return Err(NIR_DEPT);
    }
    let key: u64 = c[13..].parse().map_err(|_| NIR_KEY)?;
    if key != nir_key(&c[..13]) {
        return Err(NIR_KEY);
    }
    Ok(())
}

/// Health-insurance organisation code as printed on the "attestation de droits":
/// 9 digits, régime (2) + caisse (3) + centre (4). There is no key; régime 00 does not
/// exist.
pub fn code_organisme(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = fixed_digits(
        s,
        9,
        &DigitsMsgs {
            empty: ORGANISME_EMPTY,
            chars: ORGANISME_CHARS,
            len: ORGANISME_LEN,
        },
    )?;
    if c.starts_with("00") {
        return Err(ORGANISME_REGIME);
    }
    Ok(())
}

/// IBAN length of every country in the SWIFT IBAN registry (ISO 13616), sorted by
/// country code. French overseas territories, Monaco aside, use FR IBANs; Jersey,
/// Guernsey and the Isle of Man use GB ones.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// Expected IBAN length for an upper-case country code.
fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .binary_search_by(|(c, _)| (*c).cmp(country))
        .ok()
        .map(|i| IBAN_LENGTHS[i].1)
}

/// IBAN (ISO 13616): 2-letter country code, 2 check digits, then the national account
/// number (BBAN), with the exact length the country registered and a valid MOD 97-10 key
/// (remainder 1 once the first 4 characters are moved to the end). Check digits 00, 01
/// and 99 are never issued and are refused. Spaces and lower case are accepted. The
/// BBAN's own national key (French RIB key...) is not checked.
pub fn iban(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = strip_spaces(s);
    if c.is_empty() {
        return Err(IBAN_EMPTY);
    }
    if !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        return Err(IBAN_CHARS);
    }
    let c = c.to_ascii_uppercase();
    let b = c.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_alphabetic() || !b[1].is_ascii_alphabetic() {
        return Err(IBAN_COUNTRY);
    }
    let expected = iban_length(&c[..2]).ok_or(IBAN_UNKNOWN_COUNTRY)?;
    if b.len() != expected {
        return Err(IBAN_LEN);
    }
    if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return Err(IBAN_CHECK_CHARS);
    }
    if matches!(&c[2..4], "00" | "01" | "99") {
        return Err(IBAN_KEY);
    }
    match mod97(c[4..].chars().chain(c[..4].chars())) {
        Some(1) => Ok(()),
        _ => Err(IBAN_KEY),
    }
}

/// BIC / SWIFT code (ISO 9362): 4 letters for the bank, 2 letters for the country,
/// 2 letters or digits for the location, then optionally 3 letters or digits for the
/// branch (8 or 11 characters). Spaces and lower case are accepted.
pub fn bic(s: &str) -> Result<(), &'static str> {
    use msg::*;
    let c = strip_spaces(s);
    if c.is_empty() {
        return Err(BIC_EMPTY);
    }
    if !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        return Err(BIC_CHARS);
    }
    let b = c.as_bytes();
    if b.len() != 8 && b.len() != 11 {
        return Err(BIC_LEN);
    }
    if !b[..4].iter().all(u8::is_ascii_alphabetic) {
        return Err(BIC_BANK);
    }
    if !b[4..6].iter().all(u8::is_ascii_alphabetic) {
        return Err(BIC_COUNTRY);
    }
    Ok(())
}

/// Helpers that complete check digits, used by the demo seeder and by property tests.
///
/// They build syntactically valid identifiers from arbitrary parts, so demo data and
/// tests never need real people's or companies' numbers. They are for developers: a
/// malformed argument is a bug in the caller and panics (see each function).
pub mod gen {
    use super::{all_digits, luhn_key, mod97, nir_key, strip_spaces};

    /// A valid SIREN: `base8 % 10^8`, zero-padded to 8 digits, plus its Luhn key.
    pub fn siren_from(base8: u32) -> String {
        let mut s = format!("{:08}", base8 % 100_000_000);
        let key = luhn_key(&s);
        s.push(key);
        s
    }

    /// A valid SIRET: the SIREN (spaces allowed), `nic4 % 10^4` zero-padded to 4 digits,
    /// and the key making the 14 digits Luhn-valid.
    ///
    /// # Panics
    /// If `siren` is not 9 digits once spaces are removed.
    pub fn siret_from(siren: &str, nic4: u16) -> String {
        let siren = strip_spaces(siren);
        assert!(
            siren.len() == 9 && all_digits(&siren),
            "siret_from: the SIREN must be 9 digits"
        );
        let mut s = format!("{siren}{:04}", nic4 % 10_000);
        let key = luhn_key(&s);
        s.push(key);
        s
    }

    /// A NIR with its key. Each numeric part is reduced to its width (`year2 % 100`,
    /// `commune3 % 1000`...); no other check is made, so pass a valid sex and month to
    /// get a NIR that [`super::nir`] accepts.
    ///
    /// `dept` is "75", "1" (read as "01"), "2A"/"2B" (Corsica), "99" (born abroad,
    /// `commune3` being then the INSEE country code) or a 3-digit overseas code such as
    /// "971": the NIR then holds "97" as department and the third digit followed by
    /// `commune3 % 100` as commune, as INSEE does.
    ///
    /// # Panics
    /// If `dept` is none of the forms above.
    pub fn nir_from(
        sex: u8,
        year2: u8,
        month: u8,
        dept: &str,
        commune3: u16,
        order3: u16,
    ) -> String {
        let dept = strip_spaces(dept).to_ascii_uppercase();
        let (dept2, commune) = match dept.len() {
            1 if all_digits(&dept) => (format!("0{dept}"), commune3 % 1000),
            2 if all_digits(&dept) || dept == "2A" || dept == "2B" => (dept, commune3 % 1000),
            3 if all_digits(&dept) && (dept.starts_with("97") || dept.starts_with("98")) => {
                let third = u16::from(dept.as_bytes()[2] - b'0');
                (dept[..2].to_owned(), third * 100 + commune3 % 100)
            }
            _ => panic!("nir_from: unknown department code"),
        };
        let body = format!(
            "{}{:02}{:02}{dept2}{commune:03}{:03}",
            sex % 10,
            year2 % 100,
            month % 100,
            order3 % 1000
        );
        let key = nir_key(&body);
        format!("{body}{key:02}")
    }

    /// A valid French IBAN (27 characters) from the parts of a RIB: bank code, branch
    /// code (each reduced to 5 digits), 11-character account number (spaces allowed,
    /// upper-cased) and RIB key (reduced to 2 digits, taken as given: the IBAN check
    /// digits are computed, the RIB key is not).
    ///
    /// # Panics
    /// If `account11` is not 11 letters or digits once spaces are removed.
    pub fn iban_fr(bank5: u32, branch5: u32, account11: &str, rib_key2: u8) -> String {
        let account = strip_spaces(account11).to_ascii_uppercase();
        assert!(
            account.len() == 11 && account.bytes().all(|b| b.is_ascii_alphanumeric()),
            "iban_fr: the account number must be 11 letters or digits"
        );
        let bban = format!(
            "{:05}{:05}{account}{:02}",
            bank5 % 100_000,
            branch5 % 100_000,
            rib_key2 % 100
        );
        iban_with_country("FR", &bban)
    }

    /// Country code + computed check digits + BBAN (spaces removed, upper-cased). The
    /// BBAN length is not checked against the country: pass the registered length to get
    /// an IBAN that [`super::iban`] accepts.
    ///
    /// # Panics
    /// If `country` is not 2 letters or `bban` holds anything but letters and digits.
    pub fn iban_with_country(country: &str, bban: &str) -> String {
        let country = strip_spaces(country).to_ascii_uppercase();
        assert!(
            country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()),
            "iban_with_country: the country code must be 2 letters"
        );
        let bban = strip_spaces(bban).to_ascii_uppercase();
        let remainder = mod97(bban.chars().chain(country.chars()).chain("00".chars()))
            .expect("iban_with_country: the BBAN must hold only letters and digits");
        format!("{country}{:02}{bban}", 98 - remainder)
    }
}

#[cfg(test)]
mod tests {
    use super::msg::*;
    use super::*;
    use proptest::prelude::*;

    /// Runs a validator over a table; each invalid case names the exact refusal reason,
    /// so a case that fails for another reason than intended is caught too. Also checks
    /// that no message leaks the input.
    fn check_table(
        name: &str,
        f: fn(&str) -> Result<(), &'static str>,
        cases: &[(&str, Result<(), &'static str>)],
    ) {
        for (input, expected) in cases {
            let got = f(input);
            assert_eq!(got, *expected, "{name}({input:?})");
            if let Err(m) = got {
                let c = strip_spaces(input);
                assert!(
                    c.len() < 3 || !m.contains(c.as_str()),
                    "{name}: message leaks the input"
                );
            }
        }
    }

    #[test]
    fn email_table() {
        let long_local = "a".repeat(65) + "@exemple.fr";
        let long_total = format!("{}@{}.fr", "a".repeat(60), "b".repeat(200));
        check_table(
            "email",
            email,
            &[
                ("jean.dupont@exemple.fr", Ok(())),
                ("  Jean.Dupont@Exemple.FR ", Ok(())),
                ("j+assurance@sous.domaine.co.uk", Ok(())),
                ("o'brien@exemple.ie", Ok(())),
                ("hélène@exemple.fr", Ok(())),
                ("contact@xn--exemple-9ua.fr", Ok(())),
                ("contact@exemple.xn--p1ai", Ok(())),
                ("", Err(EMAIL_EMPTY)),
                ("   ", Err(EMAIL_EMPTY)),
                ("jean dupont@exemple.fr", Err(EMAIL_SPACE)),
                (&long_total, Err(EMAIL_TOO_LONG)),
                ("jean.dupont.exemple.fr", Err(EMAIL_NO_AT)),
                ("jean@dupont@exemple.fr", Err(EMAIL_MANY_AT)),
                ("@exemple.fr", Err(EMAIL_LOCAL_EMPTY)),
                (&long_local, Err(EMAIL_LOCAL_TOO_LONG)),
                ("jean(dupont)@exemple.fr", Err(EMAIL_LOCAL_CHARS)),
                ("\"jean\"@exemple.fr", Err(EMAIL_LOCAL_CHARS)),
                (".jean@exemple.fr", Err(EMAIL_LOCAL_DOTS)),
                ("jean.@exemple.fr", Err(EMAIL_LOCAL_DOTS)),
                ("jean..dupont@exemple.fr", Err(EMAIL_LOCAL_DOTS)),
                ("jean@", Err(EMAIL_DOMAIN_EMPTY)),
                ("jean@localhost", Err(EMAIL_DOMAIN_NO_DOT)),
                ("jean@exemple..fr", Err(EMAIL_DOMAIN_BAD)),
                ("jean@.exemple.fr", Err(EMAIL_DOMAIN_BAD)),
                ("jean@exemple.fr.", Err(EMAIL_DOMAIN_BAD)),
                ("jean@-exemple.fr", Err(EMAIL_DOMAIN_BAD)),
                ("jean@exem_ple.fr", Err(EMAIL_DOMAIN_BAD)),
                ("jean@exemple.f", Err(EMAIL_TLD_BAD)),
                ("jean@10.0.0.1", Err(EMAIL_TLD_BAD)),
                ("jean@exemple.fr2", Err(EMAIL_TLD_BAD)),
            ],
        );
    }

    #[test]
    fn phone_table() {
        check_table(
            "phone_fr",
            phone_fr,
            &[
                ("06 12 34 56 78", Ok(())),
                ("0612345678", Ok(())),
                ("01.23.45.67.89", Ok(())),
                ("09-87-65-43-21", Ok(())),
                ("+33 6 12 34 56 78", Ok(())),
                ("+33612345678", Ok(())),
                ("0033 1 23 45 67 89", Ok(())),
                ("0692 12 34 56", Ok(())),
                ("+262 692 12 34 56", Ok(())),
                ("+596 696 12 34 56", Ok(())),
                ("", Err(PHONE_EMPTY)),
                (" . - ", Err(PHONE_EMPTY)),
                ("06 12 34 56 7a", Err(PHONE_CHARS)),
                ("(0)6 12 34 56 78", Err(PHONE_CHARS)),
                ("06+12345678", Err(PHONE_CHARS)),
                ("6 12 34 56 78", Err(PHONE_PREFIX)),
                ("33 6 12 34 56 78", Err(PHONE_PREFIX)),
                ("+44 20 7946 0958", Err(PHONE_NOT_FRENCH)),
                ("0049 30 123456", Err(PHONE_NOT_FRENCH)),
                ("06 12 34 56 7", Err(PHONE_NATIONAL_LEN)),
                ("06 12 34 56 789", Err(PHONE_NATIONAL_LEN)),
                ("+33 06 12 34 56 78", Err(PHONE_INTL_LEN)),
                ("+33 6 12 34 56", Err(PHONE_INTL_LEN)),
                ("+", Err(PHONE_INTL_LEN)),
                ("00 12 34 56 78", Err(PHONE_NOT_FRENCH)), // 00 is the international prefix
                ("+33 012 345 678", Err(PHONE_FIRST_DIGIT)),
                ("+262 6 12 34 56 78", Err(PHONE_OVERSEAS_MISMATCH)),
                ("+590 692 12 34 56", Err(PHONE_OVERSEAS_MISMATCH)),
            ],
        );
    }

    #[test]
    fn phone_normalisation() {
        let cases = [
            ("06 12 34 56 78", "+33612345678"),
            ("+33 6.12.34.56.78", "+33612345678"),
            ("0033-1-23-45-67-89", "+33123456789"),
            ("0692 12 34 56", "+262692123456"),
            ("+33 692 12 34 56", "+262692123456"),
            ("0269 61 00 00", "+262269610000"),
            ("0590 12 34 56", "+590590123456"),
            ("0694 12 34 56", "+594694123456"),
            ("0596 12 34 56", "+596596123456"),
        ];
        for (input, e164) in cases {
            assert_eq!(normalize_phone_fr(input).as_deref(), Some(e164), "{input}");
            assert_eq!(normalize_phone_fr(e164).as_deref(), Some(e164), "{input}");
        }
        assert_eq!(normalize_phone_fr("06 12"), None);
        assert_eq!(normalize_phone_fr(""), None);
    }

    #[test]
    fn postal_code_table() {
        check_table(
            "postal_code",
            postal_code,
            &[
                ("75001", Ok(())),
                ("01000", Ok(())),
                ("13 008", Ok(())),
                ("20000", Ok(())),
                ("20200", Ok(())),
                ("95000", Ok(())),
                ("97100", Ok(())),
                ("97400", Ok(())),
                ("97600", Ok(())),
                ("98000", Ok(())),
                ("98800", Ok(())),
                ("", Err(POSTAL_EMPTY)),
                ("7500A", Err(POSTAL_CHARS)),
                ("75-001", Err(POSTAL_CHARS)),
                ("7501", Err(POSTAL_LEN)),
                ("750011", Err(POSTAL_LEN)),
                ("00100", Err(POSTAL_DEPT)),
                ("96000", Err(POSTAL_DEPT)),
                ("99000", Err(POSTAL_DEPT)),
                ("97000", Err(POSTAL_DEPT)),
                ("97900", Err(POSTAL_DEPT)),
                ("98100", Err(POSTAL_DEPT)),
            ],
        );
    }

    #[test]
    fn siren_table() {
        check_table(
            "siren",
            siren,
            &[
                // Public SIRENs, each checked by Luhn in this very test.
                ("552 100 554", Ok(())),
                ("542 051 180", Ok(())), // TotalEnergies
                ("552 081 317", Ok(())), // EDF
                ("380 129 866", Ok(())), // Orange
                ("662 042 449", Ok(())), // BNP Paribas
                ("572 093 920", Ok(())), // AXA
                ("356 000 000", Ok(())), // La Poste
                ("732829320", Ok(())),   // LVMH
                ("", Err(SIREN_EMPTY)),
                ("552 100 55A", Err(SIREN_CHARS)),
                ("552-100-554", Err(SIREN_CHARS)),
                ("55210055", Err(SIREN_LEN)),
                ("5521005540", Err(SIREN_LEN)),
                ("552 100 555", Err(SIREN_KEY)),
                ("552 010 554", Err(SIREN_KEY)), // two digits swapped
                ("123456789", Err(SIREN_KEY)),
            ],
        );
    }

    #[test]
    fn siret_table() {
        check_table(
            "siret",
            siret,
            &[
                ("732 829 320 00074", Ok(())), // LVMH head office
                ("356 000 000 00048", Ok(())), // La Poste head office (also Luhn-valid)
                ("356 000 000 00001", Ok(())), // La Poste rule only: digit sum 15, not Luhn
                ("552 100 554 00013", Ok(())),
                ("", Err(SIRET_EMPTY)),
                ("732 829 320 0007O", Err(SIRET_CHARS)), // letter O instead of zero
                ("732 829 320 0007", Err(SIRET_LEN)),
                ("732 829 320", Err(SIRET_LEN)),
                ("732 829 320 00075", Err(SIRET_KEY)),
                ("356 000 000 00002", Err(SIRET_KEY)), // La Poste, neither rule
                // Luhn-valid over 14 digits, but 123456789 is not a SIREN.
                ("123 456 789 00015", Err(SIRET_SIREN_KEY)),
            ],
        );
    }

    #[test]
    fn nir_table() {
        check_table(
            "nir",
            nir,
            &[
                ("1 85 05 78 006 084 91", Ok(())),
                ("185057800608491", Ok(())),
                ("2 90 01 2A 004 123 85", Ok(())), // Corse-du-Sud: 2A read as 19
                ("2 90 01 2a 004 123 85", Ok(())),
                ("1 69 05 2B 033 456 52", Ok(())), // Haute-Corse: 2B read as 18
                ("2 55 08 99 135 012 07", Ok(())), // born abroad (99)
                ("1 80 01 97 105 001 73", Ok(())), // born in Guadeloupe (971)
                ("2 93 12 75 115 003 48", Ok(())),
                ("", Err(NIR_EMPTY)),
                ("1 85 05 78 006 084 9X", Err(NIR_CHARS)),
                ("1 85 05 78 0A6 084 91", Err(NIR_CHARS)), // letter outside the department
                ("2 90 01 A2 004 123 85", Err(NIR_CHARS)),
                ("1 85 05 78 006 084", Err(NIR_LEN)), // key missing
                ("1 85 05 78 006 084 910", Err(NIR_LEN)),
                ("5 85 05 78 006 084 91", Err(NIR_SEX)),
                ("1 85 13 78 006 084 91", Err(NIR_MONTH)),
                ("1 85 00 78 006 084 91", Err(NIR_MONTH)),
                ("1 85 45 78 006 084 91", Err(NIR_MONTH)),
                ("1 85 05 00 006 084 91", Err(NIR_DEPT)),
                ("1 85 05 78 006 084 36", Err(NIR_KEY)),
                ("1 85 05 78 006 084 00", Err(NIR_KEY)),
                ("2 90 01 19 004 123 86", Err(NIR_KEY)),
            ],
        );
        // 2A is read as 19: Corsica and Corrèze NIRs with the same other digits share the key.
        assert_eq!(nir("2 90 01 19 004 123 85"), Ok(()));
    }

    #[test]
    fn nir_keys_are_computed_not_remembered() {
        // The keys in the table above, recomputed from the definition with plain integers.
        assert_eq!(97 - 1_850_578_006_084_u64 % 97, 91);
        assert_eq!(97 - 2_900_119_004_123_u64 % 97, 85);
        assert_eq!(97 - 1_690_518_033_456_u64 % 97, 52);
        assert_eq!(97 - 2_550_899_135_012_u64 % 97, 7);
    }

    #[test]
    fn code_organisme_table() {
        check_table(
            "code_organisme",
            code_organisme,
            &[
                ("01 751 0000", Ok(())), // régime général
                ("011750000", Ok(())),
                ("02 751 1234", Ok(())), // MSA
                ("", Err(ORGANISME_EMPTY)),
                ("01 751 000A", Err(ORGANISME_CHARS)),
                ("01 751 000", Err(ORGANISME_LEN)),
                ("01 751 00000", Err(ORGANISME_LEN)),
                ("00 751 0000", Err(ORGANISME_REGIME)),
            ],
        );
    }

    #[test]
    fn iban_table() {
        check_table(
            "iban",
            iban,
            &[
                ("FR76 3000 6000 0112 3456 7890 189", Ok(())),
                ("fr76 3000 6000 0112 3456 7890 189", Ok(())),
                ("FR14 2004 1010 0505 0001 3M02 606", Ok(())),
                ("DE89 3704 0044 0532 0130 00", Ok(())),
                ("GB82 WEST 1234 5698 7654 32", Ok(())),
                ("GB29 NWBK 6016 1331 9268 19", Ok(())),
                ("BE68 5390 0754 7034", Ok(())),
                ("ES91 2100 0418 4502 0005 1332", Ok(())),
                ("IT60 X054 2811 1010 0000 0123 456", Ok(())),
                ("LU28 0019 4006 4475 0000", Ok(())),
                ("MC58 1122 2000 0101 2345 6789 030", Ok(())),
                ("CH93 0076 2011 6238 5295 7", Ok(())),
                ("NL91 ABNA 0417 1643 00", Ok(())),
                ("PT50 0002 0123 1234 5678 9015 4", Ok(())),
                ("AT61 1904 3002 3457 3201", Ok(())),
                ("IE29 AIBK 9311 5212 3456 78", Ok(())),
                ("NO93 8601 1117 947", Ok(())),
                ("MT84 MALT 0110 0001 2345 MTLC AST0 01S", Ok(())),
                ("", Err(IBAN_EMPTY)),
                ("FR76-3000-6000-0112-3456-7890-189", Err(IBAN_CHARS)),
                ("FR76 3000 6000 0112 3456 7890 18é", Err(IBAN_CHARS)),
                ("7630 0060 0011 2345 6789 0189", Err(IBAN_COUNTRY)),
                ("F", Err(IBAN_COUNTRY)),
                ("US12 3456 7890 1234 5678 90", Err(IBAN_UNKNOWN_COUNTRY)),
                ("FR76 3000 6000 0112 3456 7890 18", Err(IBAN_LEN)),
                ("FR76 3000 6000 0112 3456 7890 1890", Err(IBAN_LEN)),
                // A valid German IBAN relabelled as Belgian: wrong length for BE.
                ("BE89 3704 0044 0532 0130 00", Err(IBAN_LEN)),
                ("FR", Err(IBAN_LEN)),
                ("FRAB 3000 6000 0112 3456 7890 189", Err(IBAN_CHECK_CHARS)),
                ("FR77 3000 6000 0112 3456 7890 189", Err(IBAN_KEY)),
                ("FR76 3000 6000 0112 3456 7890 198", Err(IBAN_KEY)), // swapped digits
                ("DE89 3704 0044 0532 0130 01", Err(IBAN_KEY)),
                ("GB82 WEST 1234 5698 7654 33", Err(IBAN_KEY)),
                ("BE68 5390 0754 7035", Err(IBAN_KEY)),
            ],
        );
    }

    #[test]
    fn iban_refuses_check_digits_never_issued() {
        // 00 ≡ 97 modulo 97, so a plain remainder test would accept "00" wherever "97" is
        // right. Find a BBAN whose check digits are 97 and make sure "00" is refused.
        let bban = (0..10_000u32)
            .map(|n| format!("3000600001{n:013}"))
            .find(|b| gen::iban_with_country("FR", b)[2..4] == *"97")
            .expect("some BBAN has check digits 97");
        assert_eq!(iban(&gen::iban_with_country("FR", &bban)), Ok(()));
        assert_eq!(iban(&format!("FR00{bban}")), Err(IBAN_KEY));
    }

    #[test]
    fn iban_length_table_is_sorted_and_plausible() {
        assert!(IBAN_LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(IBAN_LENGTHS.iter().all(|(_, n)| (15..=34).contains(n)));
        for (country, len) in [
            ("FR", 27),
            ("DE", 22),
            ("BE", 16),
            ("ES", 24),
            ("IT", 27),
            ("LU", 20),
            ("MC", 27),
            ("CH", 21),
            ("GB", 22),
            ("NL", 18),
            ("PT", 25),
            ("AT", 20),
            ("IE", 22),
        ] {
            assert_eq!(iban_length(country), Some(len), "{country}");
        }
        // All SEPA countries are known.
        for c in [
            "AD", "AL", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
            "GB", "GI", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD",
            "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "SM", "VA",
        ] {
            assert!(iban_length(c).is_some(), "{c}");
        }
    }

    #[test]
    fn bic_table() {
        check_table(
            "bic",
            bic,
            &[
                ("BNPAFRPPXXX", Ok(())),
                ("BNPAFRPP", Ok(())),
                ("DEUTDEFF", Ok(())),
                ("DEUTDEFF500", Ok(())),
                ("SOGE FR PP", Ok(())),
                ("agrifrpp", Ok(())),
                ("NWBKGB2L", Ok(())),
                ("", Err(BIC_EMPTY)),
                ("BNPA-FRPP", Err(BIC_CHARS)),
                ("BNPAFRP", Err(BIC_LEN)),
                ("BNPAFRPPXX", Err(BIC_LEN)),
                ("BNPAFRPPXXXX", Err(BIC_LEN)),
                ("BNP1FRPP", Err(BIC_BANK)),
                ("BNPAF1PP", Err(BIC_COUNTRY)),
            ],
        );
    }

    #[test]
    fn compact_canonicalises_identifiers_only() {
        assert_eq!(
            compact(" fr76 3000 6000 0112 3456 7890 189 "),
            "FR7630006000011234567890189"
        );
        assert_eq!(compact("bnpa fr pp"), "BNPAFRPP");
        assert_eq!(compact("2 90 01 2a 004 123 85"), "290012A00412385");
        assert_eq!(compact("552\u{a0}100\u{202f}554"), "552100554");
        assert_eq!(
            compact(" Jean.Dupont@Exemple.fr "),
            "Jean.Dupont@Exemple.fr"
        );
        assert_eq!(compact("+33 6 12"), "+33612");
    }

    #[test]
    fn gen_examples() {
        assert_eq!(gen::siren_from(55_210_055), "552100554");
        assert_eq!(gen::siren_from(0), "000000000");
        assert_eq!(gen::siret_from("732 829 320", 7), "73282932000074");
        assert_eq!(gen::nir_from(1, 85, 5, "78", 6, 84), "185057800608491");
        assert_eq!(gen::nir_from(2, 90, 1, "2a", 4, 123), "290012A00412385");
        assert_eq!(gen::nir_from(1, 80, 1, "971", 5, 1), "180019710500173");
        assert_eq!(gen::nir_from(1, 80, 1, "1", 5, 1).get(5..7), Some("01"));
        assert_eq!(
            gen::iban_fr(30006, 1, "12345678901", 89),
            "FR7630006000011234567890189"
        );
        assert_eq!(
            gen::iban_with_country("de", "370400440532013000"),
            "DE89370400440532013000"
        );
        assert_eq!(
            gen::iban_with_country("GB", "WEST12345698765432"),
            "GB82WEST12345698765432"
        );
    }

    #[test]
    #[should_panic(expected = "unknown department code")]
    fn gen_nir_refuses_unknown_department() {
        let _ = gen::nir_from(1, 80, 1, "ZZ", 1, 1);
    }

    /// Every position holding an ASCII digit, with each other digit it could become.
    fn digit_mutations(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, b) in s.bytes().enumerate() {
            if b.is_ascii_digit() {
                for d in b'0'..=b'9' {
                    if d != b {
                        let mut v = s.as_bytes().to_vec();
                        v[i] = d;
                        out.push(String::from_utf8(v).expect("ASCII"));
                    }
                }
            }
        }
        out
    }

    fn nir_dept() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u8..=95).prop_map(|d| format!("{d:02}")),
            Just("2A".to_owned()),
            Just("2B".to_owned()),
            Just("99".to_owned()),
            (1u8..=8).prop_map(|d| format!("97{d}")),
        ]
    }

    fn nir_month() -> impl Strategy<Value = u8> {
        prop_oneof![1u8..=12, 20u8..=42, 50u8..=99]
    }

    fn nir_sex() -> impl Strategy<Value = u8> {
        prop::sample::select(vec![1u8, 2, 3, 4, 7, 8])
    }

    fn valid_nir() -> impl Strategy<Value = String> {
        (
            nir_sex(),
            0u8..100,
            nir_month(),
            nir_dept(),
            0u16..1000,
            0u16..1000,
        )
            .prop_map(|(s, y, m, d, c, o)| gen::nir_from(s, y, m, &d, c, o))
    }

    fn valid_iban() -> impl Strategy<Value = String> {
        prop::sample::select(IBAN_LENGTHS.to_vec()).prop_flat_map(|(country, len)| {
            prop::collection::vec(
                prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
                len - 4,
            )
            .prop_map(move |bban| {
                gen::iban_with_country(country, &String::from_utf8(bban).expect("ASCII"))
            })
        })
    }

    /// Phone numbers as people type them: any prefix form, random separators.
    fn typed_phone() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["0", "+33", "0033", "+33 ", "0033 "]),
            1u8..=9,
            prop::collection::vec((0u8..=9, prop::sample::select(vec!["", " ", ".", "-"])), 8),
        )
            .prop_map(|(prefix, first, rest)| {
                let mut s = format!("{prefix}{first}");
                for (d, sep) in rest {
                    s.push_str(sep);
                    s.push(char::from(b'0' + d));
                }
                s
            })
    }

    proptest! {
        #[test]
        fn gen_siren_always_valid(base in any::<u32>()) {
            let s = gen::siren_from(base);
            prop_assert_eq!(s.len(), 9);
            prop_assert_eq!(siren(&s), Ok(()));
        }

        #[test]
        fn gen_siret_always_valid(base in any::<u32>(), nic in any::<u16>()) {
            let s = gen::siret_from(&gen::siren_from(base), nic);
            prop_assert_eq!(s.len(), 14);
            prop_assert_eq!(siret(&s), Ok(()));
        }

        #[test]
        fn gen_nir_always_valid(n in valid_nir()) {
            prop_assert_eq!(n.len(), 15);
            prop_assert_eq!(nir(&n), Ok(()));
        }

        #[test]
        fn gen_iban_fr_always_valid(
            bank in any::<u32>(),
            branch in any::<u32>(),
            account in "[0-9A-Za-z]{11}",
            key in any::<u8>(),
        ) {
            let i = gen::iban_fr(bank, branch, &account, key);
            prop_assert_eq!(i.len(), 27);
            prop_assert_eq!(iban(&i), Ok(()));
        }

        #[test]
        fn gen_iban_any_country_always_valid(i in valid_iban()) {
            prop_assert_eq!(iban(&i), Ok(()));
        }

        #[test]
        fn siren_detects_any_single_digit_change(base in any::<u32>()) {
            for m in digit_mutations(&gen::siren_from(base)) {
                prop_assert_eq!(siren(&m), Err(SIREN_KEY));
            }
        }

        #[test]
        fn siret_detects_any_single_digit_change(base in any::<u32>(), nic in any::<u16>()) {
            let s = gen::siret_from(&gen::siren_from(base), nic);
            // La Poste's digit-sum rule cannot see a digit changed by 5: excluded.
            prop_assume!(!s.starts_with(LA_POSTE_SIREN));
            for m in digit_mutations(&s) {
                if !m.starts_with(LA_POSTE_SIREN) {
                    prop_assert!(siret(&m).is_err());
                }
            }
        }

        #[test]
        fn nir_detects_any_single_digit_change(n in valid_nir()) {
            for m in digit_mutations(&n) {
                prop_assert!(nir(&m).is_err());
            }
        }

        #[test]
        fn iban_detects_any_single_digit_change(i in valid_iban()) {
            for m in digit_mutations(&i) {
                prop_assert!(iban(&m).is_err());
            }
        }

        #[test]
        fn validators_never_panic(s in any::<String>()) {
            let _ = email(&s);
            let _ = phone_fr(&s);
            let _ = normalize_phone_fr(&s);
            let _ = postal_code(&s);
            let _ = siren(&s);
            let _ = siret(&s);
            let _ = nir(&s);
            let _ = code_organisme(&s);
            let _ = iban(&s);
            let _ = bic(&s);
            let _ = compact(&s);
        }

        /// Arbitrary strings rarely get past the first check; these do.
        #[test]
        fn validators_never_panic_on_near_misses(s in "[0-9A-Za-z +.@-]{0,40}") {
            let _ = email(&s);
            let _ = normalize_phone_fr(&s);
            let _ = postal_code(&s);
            let _ = siret(&s);
            let _ = nir(&s);
            let _ = code_organisme(&s);
            let _ = iban(&s);
            let _ = bic(&s);
        }

        #[test]
        fn phone_validation_and_normalisation_agree(s in any::<String>()) {
            prop_assert_eq!(phone_fr(&s).is_ok(), normalize_phone_fr(&s).is_some());
        }

        #[test]
        fn normalize_phone_round_trips(s in typed_phone()) {
            let n = normalize_phone_fr(&s);
            prop_assert!(n.is_some());
            let n = n.unwrap_or_default();
            prop_assert!(n.starts_with('+'));
            prop_assert_eq!(phone_fr(&n), Ok(()));
            prop_assert_eq!(normalize_phone_fr(&n), Some(n.clone()));
        }

        #[test]
        fn normalize_phone_is_idempotent(s in "[+0-9 .-]{0,20}") {
            if let Some(n) = normalize_phone_fr(&s) {
                prop_assert_eq!(normalize_phone_fr(&n), Some(n.clone()));
            }
        }

        #[test]
        fn compact_keeps_validity(n in valid_nir(), i in valid_iban()) {
            let spaced_iban = i
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            prop_assert_eq!(iban(&spaced_iban), Ok(()));
            prop_assert_eq!(compact(&spaced_iban), i);
            prop_assert_eq!(nir(&compact(&n.to_lowercase())), Ok(()));
        }
    }
}
