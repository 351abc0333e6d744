//! What the family tests share: the table runner and the proptest strategies of valid
//! NIRs and IBANs.

use super::bank::IBAN_LENGTHS;
use super::common::strip_spaces;
use super::gen;
use proptest::prelude::*;

/// Runs a validator over a table; each invalid case names the exact refusal reason,
/// so a case that fails for another reason than intended is caught too. Also checks
/// that no message leaks the input.
pub(super) fn check_table(
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

/// Every position holding an ASCII digit, with each other digit it could become.
pub(super) fn digit_mutations(s: &str) -> Vec<String> {
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

pub(super) fn nir_dept() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u8..=95).prop_map(|d| format!("{d:02}")),
        Just("2A".to_owned()),
        Just("2B".to_owned()),
        Just("99".to_owned()),
        (1u8..=8).prop_map(|d| format!("97{d}")),
    ]
}

pub(super) fn nir_month() -> impl Strategy<Value = u8> {
    prop_oneof![1u8..=12, 20u8..=42, 50u8..=99]
}

pub(super) fn nir_sex() -> impl Strategy<Value = u8> {
    prop::sample::select(vec![1u8, 2, 3, 4, 7, 8])
}

pub(super) fn valid_nir() -> impl Strategy<Value = String> {
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

pub(super) fn valid_iban() -> impl Strategy<Value = String> {
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
