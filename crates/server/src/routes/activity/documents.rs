//! Documents: the multipart upload of `POST /contacts/{id}/documents` (read only once
//! the permission is checked) and `GET …/documents/{item}/content`, the stored file.

use super::load;
use crate::access;
use crate::auth::Auth;
use crate::error::{ApiError, Result};
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use oubli_domain::{Action, ActivityKind};

/// The multipart form of `POST /contacts/{id}/documents`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// The file (its name and type are kept).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    title: Option<String>,
}

pub(super) struct Upload {
    pub(super) file_name: String,
    pub(super) content_type: String,
    pub(super) bytes: Vec<u8>,
    pub(super) title: Option<String>,
}

pub(super) async fn read_upload(req: Request, state: &AppState) -> Result<Upload> {
    let mut mp = Multipart::from_request(req, state).await.map_err(|_| {
        ApiError::BadRequest("Envoyez le document en multipart/form-data (champ « file »).".into())
    })?;
    let mut up = Upload {
        file_name: String::new(),
        content_type: String::new(),
        bytes: Vec::new(),
        title: None,
    };
    let mut got_file = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::TooLarge(
                    "Le document dépasse la taille maximale autorisée.".into(),
                ))
            }
            Err(_) => return Err(ApiError::BadRequest("Envoi multipart illisible.".into())),
        };
        match field.name() {
            Some("file") => {
                // Only the last path component, cleaned as any one-line text (no
                // controls, no bidi overrides that would show "gpj.exe" as "exe.jpg", NFC).
                let last = field
                    .file_name()
                    .unwrap_or("document")
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("document");
                let name: String = oubli_domain::text::clean_line(last)
                    .chars()
                    .take(200)
                    .collect();
                up.file_name = if name.trim().is_empty() {
                    "document".into()
                } else {
                    name
                };
                up.content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .chars()
                    .take(100)
                    .collect();
                up.bytes = field
                    .bytes()
                    .await
                    .map_err(|e| {
                        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                            ApiError::TooLarge(
                                "Le document dépasse la taille maximale autorisée.".into(),
                            )
                        } else {
                            ApiError::BadRequest("Envoi multipart illisible.".into())
                        }
                    })?
                    .to_vec();
                got_file = true;
            }
            Some("title") => {
                let t = field
                    .text()
                    .await
                    .map_err(|_| ApiError::BadRequest("Envoi multipart illisible.".into()))?;
                up.title =
                    Some(t.trim().chars().take(200).collect()).filter(|t: &String| !t.is_empty());
            }
            _ => {}
        }
    }
    if !got_file {
        return Err(ApiError::invalid("file", "Joignez un fichier."));
    }
    if up.bytes.is_empty() {
        return Err(ApiError::invalid("file", "Le fichier est vide."));
    }
    if up.bytes.len() > state.cfg.max_upload_bytes {
        return Err(ApiError::TooLarge(
            "Le document dépasse la taille maximale autorisée.".into(),
        ));
    }
    Ok(up)
}

/// The stored file of a document, as an attachment.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/documents/{item}/content", tag = "activity",
    params(("id" = String, Path), ("item" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn download(
    State(st): State<AppState>,
    auth: Auth,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response> {
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::View, "contact").await?;
    let row = load(&mut tx, &id, ActivityKind::Documents, &item).await?;
    tx.commit().await?;
    let key = row.blob_key.ok_or(ApiError::NotFound)?;
    let bytes = tokio::fs::read(st.cfg.blob_dir().join(&key))
        .await
        .map_err(|_| ApiError::NotFound)?;
    let name: String = row
        .file_name
        .unwrap_or_else(|| "document".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response())
}
