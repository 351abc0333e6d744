//! The contact record: `POST /contacts`, `GET/PATCH /contacts/{id}`, and its deletion
//! through `/erasures`.

use super::ApiError;
use oubli_domain::{
    ConfirmInput, Contact, ContactDetail, ContactInput, EraseAction, ErasureCreated, ErasureInput,
    ErasureStatus, ErasureTarget,
};

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

/// Deletes the contact through the server's two-step erasure (admin and deputy):
/// `POST /erasures` returns the preview and a single-use token, `POST
/// /erasures/{id}/confirm` executes. The user has already confirmed in the dialog.
pub async fn delete(id: &str) -> Result<ErasureStatus, ApiError> {
    let input = ErasureInput {
        action: EraseAction::Delete,
        target: ErasureTarget {
            contacts: Some(vec![id.to_string()]),
            ..Default::default()
        },
    };
    let created: ErasureCreated = super::post("/erasures", &input).await?;
    super::post(
        &format!("/erasures/{}/confirm", created.id),
        &ConfirmInput {
            confirm_token: created.confirm_token,
        },
    )
    .await
}
