//! Consent records and the right to object: `GET/POST /contacts/{id}/consents`,
//! `POST /contacts/{id}/opposition`.

use super::ApiError;
use oubli_domain::{Consent, ConsentInput, Contact, OppositionInput};

/// The full history of opt-ins and opt-outs, oldest first.
pub async fn list(contact_id: &str) -> Result<Vec<Consent>, ApiError> {
    super::get(&format!("/contacts/{contact_id}/consents")).await
}

pub async fn create(contact_id: &str, input: &ConsentInput) -> Result<Consent, ApiError> {
    super::post(&format!("/contacts/{contact_id}/consents"), input).await
}

/// Records the objection; answers the updated contact.
pub async fn oppose(contact_id: &str, input: &OppositionInput) -> Result<Contact, ApiError> {
    super::post(&format!("/contacts/{contact_id}/opposition"), input).await
}
