//! How lists compare names.

/// How lists name a contact for sorting: `0` then the last name (else the company
/// name), a space, the first name, lower-cased with accents folded ([`fold`]), so that
/// "Écuyer" sorts among the E and "Œuvray" among the O. None without a name (the lists
/// then sort it after the named contacts A to Z: anonymized ones). The server stores it
/// with every write of a contact; derived from the name, anonymization blanks it
/// ([`crate::erasure::PLAN`]).
pub fn name_key(last: Option<&str>, company: Option<&str>, first: Option<&str>) -> Option<String> {
    fn given(s: Option<&str>) -> Option<&str> {
        s.filter(|s| !s.is_empty())
    }
    let name = given(last).or(given(company))?;
    Some(format!(
        "0{} {}",
        fold(name),
        fold(first.unwrap_or_default())
    ))
}

/// Lower case, accented Latin letters to their base letter (œ and æ to two letters).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}
