//! What every family shares: [`compact`] for storage, and the checks of identifiers
//! made of a fixed number of digits.

/// Prepares a value for storage: removes the whitespace typed for readability and, when
/// what remains is purely alphanumeric (IBAN, BIC, NIR, SIREN, postal code...), upper-cases
/// it so equal values compare equal in the database and in searches.
///
/// Values with other characters (an e-mail address, a phone number with a `+`) only lose
/// their whitespace: their case is left alone. Use [`normalize_phone_fr`] for phones.
///
/// [`normalize_phone_fr`]: super::normalize_phone_fr
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
pub(super) fn strip_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True for a non-empty string of ASCII digits only (not Unicode digits such as `٣`).
pub(super) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Messages for an identifier made of a fixed number of digits, so each validator only
/// spells out its own rules.
pub(super) struct DigitsMsgs {
    pub(super) empty: &'static str,
    pub(super) chars: &'static str,
    pub(super) len: &'static str,
}

/// Strips spaces and checks "exactly `len` ASCII digits", reporting the first problem
/// (empty, then foreign characters, then length) so the user gets one clear reason.
pub(super) fn fixed_digits(s: &str, len: usize, m: &DigitsMsgs) -> Result<String, &'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testing::{valid_iban, valid_nir};
    use crate::validate::{iban, nir};
    use proptest::prelude::*;

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

    proptest! {
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
