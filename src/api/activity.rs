//! Activity around a contact: `GET/POST /contacts/{id}/{kind}`,
//! `PATCH /contacts/{id}/{kind}/{item}`, and document uploads (multipart).

use super::{ApiError, API_BASE};
use oubli_domain::{Activity, ActivityInput, ActivityKind, Page};

/// Newest first; the first `limit` items.
pub async fn list(
    contact_id: &str,
    kind: ActivityKind,
    limit: u32,
) -> Result<Page<Activity>, ApiError> {
    super::get(&format!("/contacts/{contact_id}/{kind}?limit={limit}")).await
}

pub async fn create(
    contact_id: &str,
    kind: ActivityKind,
    input: &ActivityInput,
) -> Result<Activity, ApiError> {
    super::post(&format!("/contacts/{contact_id}/{kind}"), input).await
}

/// A JSON merge patch of one item (e.g. `{"done": true}` for a task).
pub async fn patch(
    contact_id: &str,
    kind: ActivityKind,
    item: &str,
    body: &serde_json::Value,
) -> Result<Activity, ApiError> {
    super::patch(&format!("/contacts/{contact_id}/{kind}/{item}"), body).await
}

/// Where the browser downloads a stored document (an attachment, same-origin cookie).
pub fn document_url(contact_id: &str, item: &str) -> String {
    format!("{API_BASE}/contacts/{contact_id}/documents/{item}/content")
}

/// Uploads a document as `multipart/form-data` with the fields `file` and `title`,
/// through the same guarded request as every JSON call.
pub async fn upload(
    contact_id: &str,
    file: &web_sys::File,
    title: &str,
) -> Result<Activity, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::network())?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| ApiError::network())?;
    if !title.trim().is_empty() {
        form.append_with_str("title", title.trim())
            .map_err(|_| ApiError::network())?;
    }
    super::post_form(&format!("/contacts/{contact_id}/documents"), form).await
}
