//! Lead capture (issue 16, server side): the administrator's set-up (`admin`: CGU
//! versions and supplier keys; `widgets`), the public widget endpoints (`public`), the
//! supplier API (`supplier`) and the widget page `/w/{key}` (`page`, mounted outside
//! `/api/v1` by `lib.rs`). The intake itself is the `intake` engine.

use crate::AppState;
use axum::http::{header, HeaderMap};
use axum::Router;

pub mod admin;
pub mod page;
pub mod public;
pub mod supplier;
pub mod widgets;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(widgets::router())
        .merge(public::router())
        .merge(supplier::router())
}

/// The origin browsers reach this server at: the configured one, else the request's
/// `Host` (https when the server runs behind TLS, `secure_cookies`).
pub fn own_origin(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(o) = &st.cfg.public_origin {
        return o.clone();
    }
    let scheme = if st.cfg.secure_cookies {
        "https"
    } else {
        "http"
    };
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| oubli_domain::validate::web_origin(&format!("{scheme}://{h}")).ok())
        .unwrap_or_else(|| format!("{scheme}://localhost"))
}

/// Reads a request body of at most `limit` bytes: 413 (French) past it.
pub async fn read_limited(body: axum::body::Body, limit: usize) -> crate::error::Result<Vec<u8>> {
    use http_body_util::BodyExt;
    let too_large = || {
        crate::error::ApiError::TooLarge(format!(
            "Le formulaire dépasse {} Ko, la taille maximale d'un envoi.",
            limit / 1024
        ))
    };
    let limited = http_body_util::Limited::new(body, limit);
    match limited.collect().await {
        Ok(c) => Ok(c.to_bytes().to_vec()),
        Err(_) => Err(too_large()),
    }
}

/// The JSON of `bytes` as `T`: 400 when it is no JSON, 422 naming the field (never its
/// value) when a type is wrong or a field unknown.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> crate::error::Result<T> {
    use crate::error::ApiError;
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| {
        ApiError::BadRequest("Le corps de la requête n'est pas un JSON valide.".into())
    })?;
    serde_path_to_error::deserialize(v).map_err(|e| {
        let msg = e.inner().to_string();
        let path = e.path().to_string();
        let field = match msg.split('`').nth(1) {
            Some(name) if msg.contains("unknown field") => {
                if path.is_empty() || path == "." {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                }
            }
            Some(name) if msg.contains("missing field") => {
                if path.is_empty() || path == "." {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                }
            }
            _ if path.is_empty() || path == "." => "body".to_string(),
            _ => path,
        };
        ApiError::invalid(
            &field,
            "Valeur de type incorrect, champ manquant ou champ inconnu.",
        )
    })
}

/// The `User-Agent`, cut to 300 characters, for the consent proof.
pub fn user_agent(h: &HeaderMap) -> Option<String> {
    h.get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect())
}
