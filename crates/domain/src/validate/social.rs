//! Social-security identifiers: the NIR (numéro de sécurité sociale) and the
//! health-insurance organisation code.

use super::common::{fixed_digits, strip_spaces, DigitsMsgs};
use super::msg;

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
pub(super) fn nir_key(body: &str) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::msg::*;
    use crate::validate::testing::{check_table, digit_mutations, valid_nir};
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn gen_nir_always_valid(n in valid_nir()) {
            prop_assert_eq!(n.len(), 15);
            prop_assert_eq!(nir(&n), Ok(()));
        }

        #[test]
        fn nir_detects_any_single_digit_change(n in valid_nir()) {
            for m in digit_mutations(&n) {
                prop_assert!(nir(&m).is_err());
            }
        }
    }
}
