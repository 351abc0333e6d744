//! The contact's own forms and sections, one file per section: identity and address
//! ([`form`]), household ([`household`]), consents and the right to object
//! ([`consents`]), its projects and contracts ([`lists`]).

mod consents;
mod form;
mod household;
mod lists;

pub use consents::ConsentsSection;
pub use form::ContactForm;
pub use household::{
    household_rows, household_rows_validator, household_validator, HouseholdSection,
};
pub use lists::{opposition_badge, ContractsList, ProjectsList};

use crate::api::ApiError;
use crate::components::form::{dated_validator, FormState, Validator};
use oubli_domain::{ContactInput, FieldErrors};

/// The domain's contact validator, as the form runs it on every keystroke.
pub fn contact_validator() -> Validator<ContactInput> {
    dated_validator(ContactInput::normalize, ContactInput::validate)
}

/// A new, empty contact form.
pub fn contact_form_state(value: ContactInput) -> FormState<ContactInput> {
    FormState::new(value, contact_validator())
}

/// Puts `prefix.` before every field name.
pub fn prefixed(prefix: &str, errors: FieldErrors) -> FieldErrors {
    errors
        .into_iter()
        .map(|(k, v)| (format!("{prefix}.{k}"), v))
        .collect()
}

/// An [`ApiError`] whose field names get `prefix.`.
pub fn prefixed_error(prefix: &str, e: &ApiError) -> ApiError {
    ApiError {
        fields: prefixed(prefix, e.fields.clone()),
        ..e.clone()
    }
}
