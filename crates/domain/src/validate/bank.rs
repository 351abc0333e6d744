//! Bank details: IBAN (with the length of every country) and BIC.

use super::common::strip_spaces;
use super::msg;

/// ISO 7064 MOD 97-10 remainder of an alphanumeric string read as one number with
/// letters worth 10 (A) to 35 (Z). Computed piecewise, so it never needs big integers
/// (an IBAN is up to 34 characters, i.e. about 60 decimal digits). `None` on any other
/// character.
pub(super) fn mod97(chars: impl Iterator<Item = char>) -> Option<u32> {
    let mut r = 0u32;
    for c in chars {
        let v = c.to_digit(36)?;
        r = (r * if v > 9 { 100 } else { 10 } + v) % 97;
    }
    Some(r)
}

/// IBAN length of every country in the SWIFT IBAN registry (ISO 13616), sorted by
/// country code. French overseas territories, Monaco aside, use FR IBANs; Jersey,
/// Guernsey and the Isle of Man use GB ones.
pub(super) const IBAN_LENGTHS: &[(&str, usize)] = &[
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::gen;
    use crate::validate::msg::*;
    use crate::validate::testing::{check_table, digit_mutations, valid_iban};
    use proptest::prelude::*;

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

    proptest! {
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
        fn iban_detects_any_single_digit_change(i in valid_iban()) {
            for m in digit_mutations(&i) {
                prop_assert!(iban(&m).is_err());
            }
        }
    }
}
