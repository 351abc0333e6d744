//! French postal codes.

use super::common::{fixed_digits, DigitsMsgs};
use super::msg;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::msg::*;
    use crate::validate::testing::check_table;

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
}
