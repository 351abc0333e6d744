//! The offline contacts list's search (PRODUCT.md §9 "Offline view"): the browser
//! searches the contacts it holds, in memory, with no server.

use crate::ContactInput;

/// Whether the search `query` finds the contact `c`: every word of the query (accents
/// and case folded, [`super::fold`]) appears in the name, company, email, postal code
/// or city; a query of digits (and the spaces, dots, dashes and plus of a phone number
/// as typed) is looked for, digits only and together, in the phones and postal code.
/// An empty query finds every contact.
pub fn matches_search(c: &ContactInput, query: &str) -> bool {
    if query.trim().is_empty() {
        return true;
    }
    let mut hay = String::new();
    for v in [
        &c.first_name,
        &c.last_name,
        &c.company_name,
        &c.email,
        &c.postal_code,
        &c.city,
    ]
    .into_iter()
    .flatten()
    {
        hay.push_str(&super::fold(v));
        hay.push(' ');
    }
    for p in [&c.mobile_phone, &c.landline_phone].into_iter().flatten() {
        hay.extend(p.chars().filter(char::is_ascii_digit));
        hay.push(' ');
    }
    // A phone number as typed ("06 12 34 56 78", "06.12…"): its digits together.
    let phone_like = query.chars().any(|ch| ch.is_ascii_digit())
        && query
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, ' ' | '.' | '-' | '+'));
    if phone_like {
        let digits: String = query.chars().filter(char::is_ascii_digit).collect();
        return hay.contains(&digits);
    }
    super::fold(query)
        .split_whitespace()
        .all(|word| hay.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(first: &str, last: &str, phone: &str, city: &str) -> ContactInput {
        ContactInput {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            mobile_phone: Some(phone.into()),
            city: Some(city.into()),
            ..ContactInput::default()
        }
    }

    #[test]
    fn search_folds_accents_and_needs_every_word() {
        let c = contact("Hélène", "Écuyer", "06 12 34 56 78", "Saint-Étienne");
        assert!(matches_search(&c, ""));
        assert!(matches_search(&c, "helene"));
        assert!(matches_search(&c, "ÉCUYER hél"));
        assert!(matches_search(&c, "saint-etienne"));
        assert!(matches_search(&c, "0612345678"));
        assert!(matches_search(&c, "06 12 34 56 78"));
        assert!(matches_search(&c, "06.12"));
        // The digits of a number together, not each group anywhere.
        assert!(!matches_search(&c, "06 78"));
        assert!(!matches_search(&c, "helene martin"));
        assert!(!matches_search(&c, "0699"));
    }
}
