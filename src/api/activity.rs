//! Activity around a contact: `GET/POST /contacts/{id}/{kind}`,
//! `PATCH /contacts/{id}/{kind}/{item}`, and document uploads (multipart).

use super::{ApiError, API_BASE, CSRF_HEADER};
use gloo_net::http::{Method, RequestBuilder};
use oubli_domain::{Activity, ActivityInput, ActivityKind, Page};
use web_sys::{AbortController, RequestCredentials};

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

/// Uploads a document as `multipart/form-data` with the fields `file` and `title`.
/// The shared JSON client cannot send a form, so this keeps its rules by hand:
/// same-origin credentials, the CSRF header, abort on drop, one [`ApiError`].
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
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let _guard = Abort(controller);
    let request = RequestBuilder::new(&format!("{API_BASE}/contacts/{contact_id}/documents"))
        .method(Method::POST)
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
        .header(CSRF_HEADER, "1")
        .abort_signal(signal.as_ref())
        .body(form)
        .map_err(|_| ApiError::network())?;
    let response = request.send().await.map_err(|_| ApiError::network())?;
    let status = response.status();
    if response.ok() {
        response
            .json::<Activity>()
            .await
            .map_err(|_| ApiError::unexpected_body(status))
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(ApiError::from_response(status, &body))
    }
}

struct Abort(Option<AbortController>);

impl Drop for Abort {
    fn drop(&mut self) {
        if let Some(c) = &self.0 {
            c.abort();
        }
    }
}
