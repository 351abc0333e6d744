//! E-mail addresses.

use super::msg;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::msg::*;
    use crate::validate::testing::check_table;

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
}
