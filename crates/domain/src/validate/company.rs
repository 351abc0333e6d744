//! Company identifiers: SIREN and SIRET, with their Luhn key.

use super::common::{fixed_digits, DigitsMsgs};
use super::msg;

/// The Luhn key of ASCII digits: the digit to append so that the whole string is
/// Luhn-valid. Walking from the right, the payload's rightmost digit is doubled (the key
/// will take the undoubled rightmost place), then every other one.
pub(super) fn luhn_key(payload: &str) -> char {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::gen;
    use crate::validate::msg::*;
    use crate::validate::testing::{check_table, digit_mutations};
    use proptest::prelude::*;

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
    }
}
