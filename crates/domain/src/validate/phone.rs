//! French phone numbers, mainland and overseas: validation and E.164 form.

use super::msg;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::msg::*;
    use crate::validate::testing::check_table;
    use proptest::prelude::*;

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
    }
}
