//! The two public calls of a widget (API.md "Public lead capture"): no session, no
//! cookie (`credentials: omit`), so nothing of a CRM user's session can ride along if
//! one is open in the same browser.

use super::config::WidgetConfig;
use crate::api::ApiError;
use gloo_net::http::{Request, RequestBuilder};
use wasm_bindgen::JsValue;
use web_sys::RequestCredentials;

fn public_path(key: &str) -> String {
    format!("{}/public/widgets/{key}", crate::api::API_BASE)
}

/// Why the form could not be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// 404: unknown or inactive widget.
    Unavailable,
    /// Anything else (network, server).
    Failed,
}

/// `GET /api/v1/public/widgets/{key}`.
pub async fn load(key: &str) -> Result<WidgetConfig, LoadError> {
    let response = Request::get(&public_path(key))
        .credentials(RequestCredentials::Omit)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|_| LoadError::Failed)?;
    match response.status() {
        200 => response.json().await.map_err(|_| LoadError::Failed),
        404 | 410 => Err(LoadError::Unavailable),
        _ => Err(LoadError::Failed),
    }
}

/// `POST /api/v1/public/widgets/{key}/leads` with the JSON `body` and its
/// `Idempotency-Key` (the same on a retry of the same fill, so it makes one lead).
pub async fn send_lead(key: &str, body: String, idempotency_key: String) -> Result<(), ApiError> {
    let request = RequestBuilder::new(&format!("{}/leads", public_path(key)))
        .method(gloo_net::http::Method::POST)
        .credentials(RequestCredentials::Omit)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", &idempotency_key)
        // The page is served by Oubli itself, so this POST is same-origin: the header
        // costs no preflight and passes the server's CSRF check wherever it applies.
        .header(crate::api::CSRF_HEADER, "1")
        .body(JsValue::from(body))
        .map_err(|_| ApiError::network())?;
    let response = request.send().await.map_err(|_| ApiError::network())?;
    let status = response.status();
    if response.ok() {
        return Ok(());
    }
    if status == 429 {
        let retry = response.headers().get("Retry-After");
        return Err(too_many(retry.as_deref()));
    }
    let text = response.text().await.unwrap_or_default();
    Err(ApiError::from_response(status, &text))
}

/// The 429 answer, in French, with the wait the server asked for (`Retry-After` in
/// seconds; a date or nothing gives the general message).
pub fn too_many(retry_after: Option<&str>) -> ApiError {
    let mut e = ApiError::from_response(429, "");
    e.message = match retry_after.and_then(|s| s.trim().parse::<u32>().ok()) {
        Some(1) => "Trop de demandes, réessayez dans 1 seconde.".to_owned(),
        Some(n) => format!("Trop de demandes, réessayez dans {n} secondes."),
        None => "Trop de demandes, réessayez dans quelques instants.".to_owned(),
    };
    e
}

/// A random key for one fill of the form: 128 bits from the browser's CSPRNG, in hex.
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    if bytes == [0; 16] {
        // No CSPRNG (never in a browser that runs this wasm): still unique enough to
        // tell two fills apart.
        let seed = (js_sys::Math::random() * 2f64.powi(52)) as u64;
        let now = js_sys::Date::now() as u64;
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..].copy_from_slice(&now.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
