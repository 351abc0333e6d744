//! Web origins and page addresses: the allowed origins of a lead widget and the host
//! page a lead comes from.

/// An origin as browsers serialize it in the `Origin` header: `scheme://host[:port]`,
/// lower case, no default port, no path, no trailing slash. Returns that form, or the
/// French message.
pub fn web_origin(s: &str) -> Result<String, &'static str> {
    const MSG: &str =
        "Indiquez une origine de la forme https://exemple.fr (schéma, hôte et port éventuel, sans chemin).";
    let s = s.trim();
    let (scheme, rest) = s.split_once("://").ok_or(MSG)?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(MSG);
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\', ' ', '*']) {
        return Err(MSG);
    }
    let (host, port) = match rest.rsplit_once(':') {
        // An IPv6 literal keeps its colons inside brackets.
        Some((h, p)) if !h.is_empty() && (!h.starts_with('[') || h.ends_with(']')) => {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MSG);
            }
            let port: u32 = p.parse().map_err(|_| MSG)?;
            if port == 0 || port > 65535 {
                return Err(MSG);
            }
            (h, Some(port))
        }
        _ => (rest, None),
    };
    let host = host.to_ascii_lowercase();
    let ok_host = if host.starts_with('[') {
        host.len() > 2
            && host.ends_with(']')
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains("..")
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    if !ok_host || host.len() > 253 {
        return Err(MSG);
    }
    let default = if scheme == "https" { 443 } else { 80 };
    Ok(match port {
        Some(p) if p != default => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// The origin of a page address (`https://exemple.fr/devis?x=1` → `https://exemple.fr`),
/// in the form of [`web_origin`]; None when it is no http(s) URL.
pub fn origin_of_page(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    web_origin(&format!("{scheme}://{}", &rest[..end])).ok()
}

/// The host page of a lead: an http(s) URL of at most 2,000 characters.
pub fn page_url(s: &str) -> Result<(), &'static str> {
    if s.chars().count() > 2000 || s.chars().any(char::is_control) || origin_of_page(s).is_none() {
        return Err("L'adresse de la page d'origine est invalide.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            web_origin("https://Exemple.fr").unwrap(),
            "https://exemple.fr"
        );
        assert_eq!(
            web_origin("https://exemple.fr:443").unwrap(),
            "https://exemple.fr"
        );
        assert_eq!(
            web_origin("http://127.0.0.1:8081").unwrap(),
            "http://127.0.0.1:8081"
        );
        assert_eq!(
            web_origin("http://[::1]:8080").unwrap(),
            "http://[::1]:8080"
        );
        for bad in [
            "exemple.fr",
            "https://exemple.fr/",
            "https://exemple.fr/devis",
            "ftp://exemple.fr",
            "https://*.exemple.fr",
            "https://user@exemple.fr",
            "https://exemple.fr:0",
            "https://exemple.fr:99999",
            "https://",
            "https://exe mple.fr",
        ] {
            assert!(web_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages() {
        assert_eq!(
            origin_of_page("https://exemple.fr/devis?x=1").as_deref(),
            Some("https://exemple.fr")
        );
        assert_eq!(
            origin_of_page("http://localhost:8081").as_deref(),
            Some("http://localhost:8081")
        );
        assert!(page_url("javascript:alert(1)").is_err());
        assert!(page_url("https://exemple.fr/a").is_ok());
    }
}
