//! Field validators for what a broker types: contact details, French company and
//! social-security identifiers, bank details.
//!
//! The same functions run in the browser (wasm32, instant feedback) and on the server
//! (the authority), so both sides refuse exactly the same input.
//!
//! Rules shared by every validator:
//! - the error is a French sentence meant for the end user, and it never repeats the
//!   input: these values are personal data and must not end up in logs or error reports;
//! - the spaces people type to group digits are ignored (and, for phone numbers, dots
//!   and dashes); lower-case letters are accepted where the canonical form is upper-case
//!   (IBAN, BIC, "2A"/"2B" in a NIR); everything else is checked strictly;
//! - check keys are verified (Luhn, mod 97), so a typo is caught at entry rather than
//!   when a payment or a claim bounces months later.
//!
//! Store values through [`compact`] (or [`normalize_phone_fr`] for phones) so the
//! database only holds the canonical form.
//!
//! One file per family: `email`, `phone`, `postal`, `company` (SIREN, SIRET), `social`
//! (NIR, code organisme), `bank` (IBAN, BIC); `common` holds [`compact`] and the digit
//! checks they share, `msg` every message, `gen` the check-digit helpers.

mod bank;
mod common;
mod company;
mod email;
pub mod gen;
mod msg;
mod phone;
mod postal;
mod social;
#[cfg(test)]
mod testing;
mod web;

pub use bank::{bic, iban};
pub use common::compact;
pub use company::{siren, siret};
pub use email::email;
pub use phone::{normalize_phone_fr, phone_fr};
pub use postal::postal_code;
pub use social::{code_organisme, nir};
pub use web::{origin_of_page, page_url, web_origin};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn validators_never_panic(s in any::<String>()) {
            let _ = email(&s);
            let _ = phone_fr(&s);
            let _ = normalize_phone_fr(&s);
            let _ = postal_code(&s);
            let _ = siren(&s);
            let _ = siret(&s);
            let _ = nir(&s);
            let _ = code_organisme(&s);
            let _ = iban(&s);
            let _ = bic(&s);
            let _ = compact(&s);
        }

        /// Arbitrary strings rarely get past the first check; these do.
        #[test]
        fn validators_never_panic_on_near_misses(s in "[0-9A-Za-z +.@-]{0,40}") {
            let _ = email(&s);
            let _ = normalize_phone_fr(&s);
            let _ = postal_code(&s);
            let _ = siret(&s);
            let _ = nir(&s);
            let _ = code_organisme(&s);
            let _ = iban(&s);
            let _ = bic(&s);
        }
    }
}
