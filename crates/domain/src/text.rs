//! Cleaning of the text people type or upload, before it is checked and stored: no
//! invisible characters that change how a value reads (bidi overrides that show
//! "gpj.exe" as "exe.jpg", zero-width spaces that make two equal names differ, control
//! characters), and one Unicode form for the same letters (NFC: "é" typed as `e` +
//! combining accent is stored as the single "é"), so searches, sorts and duplicate
//! checks see one value.
//!
//! NFC needs Unicode's composition tables; they are compiled in with the `unicode`
//! feature, which the server turns on. The browser app leaves it off (its size budget):
//! it strips the same characters, and the server's answer carries the stored form.

/// Formatting characters that are removed everywhere: the bidi embeddings, overrides
/// and isolates (U+202A–U+202E, U+2066–U+2069), the left-to-right and right-to-left
/// marks (U+200E, U+200F, U+061C), the zero-width space (U+200B), the word joiner
/// (U+2060) and the byte-order mark (U+FEFF). The zero-width joiners (U+200C, U+200D)
/// stay: some scripts and emoji need them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// A one-line value (a name, an email, a file name): control characters (tabs and line
/// breaks included) and invisible formatting removed, then NFC, then trimmed.
pub fn clean_line(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c))
        .collect();
    nfc(kept.trim())
}

/// A text of several lines (a comment, a note): as [`clean_line`], but line breaks and
/// tabs stay (`\r\n` and lone `\r` become `\n`).
pub fn clean_text(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    let kept: String = unified
        .chars()
        .filter(|c| (*c == '\n' || *c == '\t' || !c.is_control()) && !is_invisible_format(*c))
        .collect();
    nfc(kept.trim())
}

#[cfg(feature = "unicode")]
fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

#[cfg(not(feature = "unicode"))]
fn nfc(s: &str) -> String {
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_overrides_and_zero_width_characters_are_removed() {
        assert_eq!(clean_line("photo\u{202E}gpj.exe"), "photogpj.exe");
        assert_eq!(clean_line("Du\u{200B}pont\u{FEFF}"), "Dupont");
        assert_eq!(clean_line("\u{2066}Martin\u{2069}"), "Martin");
        assert_eq!(clean_line("a\u{200D}b"), "a\u{200D}b");
    }

    #[test]
    fn controls_go_from_lines_and_stay_as_line_breaks_in_texts() {
        assert_eq!(clean_line(" Jean\n\tPierre\u{0007} "), "JeanPierre");
        assert_eq!(
            clean_text("un\r\ndeux\rtrois\u{0000}\tquatre"),
            "un\ndeux\ntrois\tquatre"
        );
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn decomposed_letters_are_composed() {
        let decomposed = "Ele\u{0301}onore Lefe\u{0300}vre";
        assert_eq!(clean_line(decomposed), "El\u{E9}onore Lef\u{E8}vre");
    }
}
