//! HSTS, only with secure cookies.

use crate::common::TestApp;
use crate::support::*;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request};

#[tokio::test]
async fn hsts_only_with_secure_cookies() {
    let hsts = |h: &HeaderMap| {
        h.get(header::STRICT_TRANSPORT_SECURITY)
            .map(|v| v.to_str().expect("ascii").to_string())
    };
    let get = |path: &str| {
        Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request")
    };
    for secure in [false, true] {
        let t = TestApp::with_config(|cfg| cfg.secure_cookies = secure).await;
        let (_, login, _) = login_as(&t, None, None, "admin@demo.fr", "demo1234").await;
        let mut answers = vec![login];
        for path in [
            "/api/v1/health",
            "/api/v1/me",
            "/api/v1/nulle-part",
            "/ailleurs",
        ] {
            let (_, h, _) = t.send_raw(get(path)).await;
            answers.push(h);
        }
        for h in &answers {
            if secure {
                assert_eq!(
                    hsts(h).as_deref(),
                    Some("max-age=31536000; includeSubDomains"),
                    "{h:?}"
                );
            } else {
                assert_eq!(hsts(h), None, "{h:?}");
            }
        }
    }
}
