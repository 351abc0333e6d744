//! The contact record: `POST /contacts`, `GET/PATCH /contacts/{id}`. Erasing it goes
//! through `api::erasures`.

use super::ApiError;
use oubli_domain::{Contact, ContactDetail, ContactInput};

/// `GET /contacts/{id}`: the whole record.
pub async fn get(id: &str) -> Result<ContactDetail, ApiError> {
    super::get(&format!("/contacts/{id}")).await
}

/// `POST /contacts`.
pub async fn create(input: &ContactInput) -> Result<Contact, ApiError> {
    super::post("/contacts", input).await
}

/// `PATCH /contacts/{id}` with every field: absent values (null) are cleared.
pub async fn update(id: &str, input: &ContactInput) -> Result<Contact, ApiError> {
    super::patch(&format!("/contacts/{id}"), input).await
}
