//! Typed REST client for `/api/v1` (API.md), over gloo-net. One module per resource.
//!
//! Every call, JSON or multipart upload, goes through [`call`], which is where the
//! rules of the contract live: same-origin credentials (the session is an HttpOnly
//! cookie), the CSRF header on every method that changes state, one [`ApiError`] for
//! any non-2xx answer, and an [`AbortOnDrop`] guard per request so a fetch dies with
//! the task that started it.

pub mod activity;
pub mod admin;
pub mod consents;
pub mod contact_record;
pub mod contacts;
pub mod contracts;
pub mod erasures;
pub mod household;
pub mod project_record;
pub mod projects;
pub mod session;
pub mod sync;
pub mod tasks;
pub mod users;

use gloo_net::http::{Method, RequestBuilder};
use oubli_domain::{ErrorBody, FieldErrors};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;
use web_sys::{AbortController, FormData, RequestCredentials};

/// Root of the REST API, on the origin that served the app.
pub const API_BASE: &str = "/api/v1";

/// Header the server demands on POST/PATCH/DELETE. A cross-site form cannot set a
/// custom header, and a cross-site `fetch` that sets one needs a CORS preflight the
/// server never grants, so its presence proves the request came from our own pages.
pub const CSRF_HEADER: &str = "X-Oubli-Request";

/// Whether `method` changes state and must therefore carry [`CSRF_HEADER`].
pub fn needs_csrf_header(method: &Method) -> bool {
    !method.is_safe()
}

/// Any failed call, in the shape of the API's error body, ready to be shown in French
/// next to a field (`fields`) or as a message.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// HTTP status, or 0 when no answer came back (network down, request aborted).
    pub status: u16,
    /// The server's `snake_case` code, or one of ours for failures without a body.
    pub code: String,
    /// French, human-readable.
    pub message: String,
    /// French message per JSON field name (422).
    pub fields: FieldErrors,
}

impl ApiError {
    /// Decodes the body of a non-2xx answer. A body that is not our error shape (a
    /// proxy's HTML page, an empty 502) still yields a French message for the status.
    pub fn from_response(status: u16, body: &str) -> Self {
        match serde_json::from_str::<ErrorBody>(body) {
            Ok(ErrorBody { error }) if !error.message.trim().is_empty() => ApiError {
                status,
                code: error.code,
                message: error.message,
                fields: error.fields,
            },
            Ok(ErrorBody { error }) => ApiError {
                status,
                code: error.code,
                message: status_message(status).to_owned(),
                fields: error.fields,
            },
            Err(_) => ApiError {
                status,
                code: status_code(status).to_owned(),
                message: status_message(status).to_owned(),
                fields: FieldErrors::new(),
            },
        }
    }

    /// The request never got an answer.
    pub fn network() -> Self {
        ApiError {
            status: 0,
            code: "network".to_owned(),
            message: "Impossible de joindre le serveur. Vérifiez votre connexion puis réessayez."
                .to_owned(),
            fields: FieldErrors::new(),
        }
    }

    /// A 2xx answer whose body is not what the contract promises.
    pub fn unexpected_body(status: u16) -> Self {
        ApiError {
            status,
            code: "unexpected_response".to_owned(),
            message: "Réponse inattendue du serveur. Réessayez dans un instant.".to_owned(),
            fields: FieldErrors::new(),
        }
    }

    /// Not logged in, or the session expired.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }

    /// The French message for one field of a 422, if the server gave one.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// Code used when the body gave none, named like the server's codes.
fn status_code(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        422 => "invalid_fields",
        429 => "rate_limited",
        500..=599 => "server_error",
        _ => "http_error",
    }
}

/// French message used when the body gave none.
fn status_message(status: u16) -> &'static str {
    match status {
        400 => "La requête est invalide.",
        401 => "Vous n'êtes pas connecté, ou votre session a expiré.",
        403 => "Vous n'avez pas les droits nécessaires pour cette action.",
        404 => "Élément introuvable.",
        409 => "Cette action est impossible dans l'état actuel de l'élément.",
        422 => "Certaines valeurs sont invalides.",
        429 => "Trop de tentatives. Patientez un instant puis réessayez.",
        500..=599 => "Le serveur a rencontré un problème. Réessayez dans un instant.",
        _ => "Erreur inattendue. Réessayez dans un instant.",
    }
}

/// Aborts the fetch when dropped. It lives inside the request future, so when the task
/// that awaits it is cancelled (its component went away; see
/// `spawn_local_scoped_with_cancellation`), the browser drops the request too.
/// Aborting a fetch that already finished does nothing.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// What a request carries.
enum Payload {
    Empty,
    /// JSON text, sent as `application/json`.
    Json(String),
    /// A multipart form (uploads); the browser writes its `Content-Type`, boundary
    /// included.
    Form(FormData),
}

/// Sends one request and returns the status and text of a 2xx answer, or decodes the
/// [`ApiError`]. Not generic, so the fetch machinery exists once in the wasm whatever
/// the types sent and received (each typed call only adds its serde code). The abort
/// guard lives until the body has been read: aborting earlier would cut the body
/// stream.
async fn call(method: Method, path: &str, body: Payload) -> Result<(u16, String), ApiError> {
    let guard = AbortOnDrop(AbortController::new().ok());
    let signal = guard.0.as_ref().map(AbortController::signal);

    let mut builder = RequestBuilder::new(&format!("{API_BASE}{path}"))
        .method(method.clone())
        .credentials(RequestCredentials::SameOrigin)
        .header("Accept", "application/json")
        .abort_signal(signal.as_ref());
    if needs_csrf_header(&method) {
        builder = builder.header(CSRF_HEADER, "1");
    }
    let request = match body {
        Payload::Empty => builder.build(),
        Payload::Json(text) => builder
            .header("Content-Type", "application/json")
            .body(JsValue::from(text)),
        Payload::Form(form) => builder.body(JsValue::from(form)),
    }
    .map_err(|e| {
        log::error!("building {method} {path}: {e}");
        ApiError::network()
    })?;

    let response = request.send().await.map_err(|e| {
        log::warn!("{method} {path}: {e}");
        ApiError::network()
    })?;

    let status = response.status();
    let text = response.text().await;
    drop(guard);
    if response.ok() {
        text.map(|text| (status, text)).map_err(|e| {
            log::warn!("{method} {path}: reading the answer: {e}");
            ApiError::network()
        })
    } else {
        Err(ApiError::from_response(status, &text.unwrap_or_default()))
    }
}

/// The JSON text of `body`; serializing our own DTOs cannot fail in practice.
fn to_json<B: Serialize + ?Sized>(body: &B) -> String {
    serde_json::to_string(body).unwrap_or_else(|e| {
        log::error!("encoding a request body: {e}");
        String::new()
    })
}

fn decode<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, ApiError> {
    serde_json::from_str(&text).map_err(|e| {
        log::error!("decoding a {status} answer: {e}");
        ApiError::unexpected_body(status)
    })
}

/// `GET` a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(call(Method::GET, path, Payload::Empty).await?)
}

/// `POST` a JSON body and decode the JSON answer.
pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let body = to_json(body);
    decode(call(Method::POST, path, Payload::Json(body)).await?)
}

/// `PATCH` with a JSON merge patch and decode the JSON answer.
pub async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let body = to_json(body);
    decode(call(Method::PATCH, path, Payload::Json(body)).await?)
}

/// `DELETE`, ignoring any body of the answer.
pub async fn delete(path: &str) -> Result<(), ApiError> {
    call(Method::DELETE, path, Payload::Empty).await.map(drop)
}

/// `POST` a multipart form (an upload) and decode the JSON answer.
pub async fn post_form<T: DeserializeOwned>(path: &str, form: FormData) -> Result<T, ApiError> {
    decode(call(Method::POST, path, Payload::Form(form)).await?)
}
