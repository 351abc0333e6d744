//! `GET /w/{key}`: the widget page, framed by the host sites. It carries the app's CSP
//! with `frame-ancestors` set to exactly the widget's allowed origins, and no
//! `X-Frame-Options` (`wire` leaves `/w/` pages without it). An unknown or inactive
//! key gets a neutral page, 404, that nothing may frame.

use super::widgets;
use crate::error::Result;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Shown when there is no form to show; no script, no style.
pub const UNAVAILABLE: &str = "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Formulaire indisponible</title></head>\
<body><p>Ce formulaire n'est pas disponible.</p></body></html>\n";

/// The app's CSP with `frame-ancestors` replaced by `origins` (`'none'` when empty).
pub fn widget_csp(origins: &[String]) -> String {
    let base = crate::wire::APP_CSP
        .split("; ")
        .filter(|d| !d.starts_with("frame-ancestors"))
        .collect::<Vec<_>>()
        .join("; ");
    let ancestors = if origins.is_empty() {
        "'none'".to_string()
    } else {
        origins.join(" ")
    };
    format!("{base}; frame-ancestors {ancestors}")
}

fn page(status: StatusCode, body: Vec<u8>, csp: &str) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

/// The widget page: the built `widget/index.html` of the app's files, or the neutral
/// page when there is none.
pub async fn serve(State(st): State<AppState>, Path(key): Path<String>) -> Result<Response> {
    serve_framed(&st, &key, false).await
}

/// `GET /w/{key}/preview`: the same page for the administration's live preview, which
/// only Oubli's own pages may frame (`frame-ancestors 'self'`). The page itself sends
/// nothing from there (`src/widget/`), and a lead from it would be refused anyway: its
/// host page is no allowed origin.
pub async fn preview(State(st): State<AppState>, Path(key): Path<String>) -> Result<Response> {
    serve_framed(&st, &key, true).await
}

async fn serve_framed(st: &AppState, key: &str, preview: bool) -> Result<Response> {
    let mut tx = st.db.read().await?;
    let row = widgets::load(&mut tx, None, key, true).await?;
    tx.commit().await?;
    let Some(w) = row.filter(|w| w.active == 1) else {
        return Ok(page(
            StatusCode::NOT_FOUND,
            UNAVAILABLE.as_bytes().to_vec(),
            &widget_csp(&[]),
        ));
    };
    let csp = if preview {
        widget_csp(&["'self'".to_owned()])
    } else {
        widget_csp(&w.origins())
    };
    let file = match &st.cfg.static_dir {
        Some(dir) => tokio::fs::read(dir.join("widget").join("index.html"))
            .await
            .ok(),
        None => None,
    };
    Ok(page(
        StatusCode::OK,
        file.unwrap_or_else(|| UNAVAILABLE.as_bytes().to_vec()),
        &csp,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn csp_keeps_the_app_policy() {
        let c = super::widget_csp(&["https://a.fr".into(), "http://b.fr:81".into()]);
        assert!(c.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"));
        assert!(
            c.ends_with("; frame-ancestors https://a.fr http://b.fr:81"),
            "{c}"
        );
        assert_eq!(c.matches("frame-ancestors").count(), 1);
    }
}
