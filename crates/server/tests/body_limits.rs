//! Body limits (issue 14, item 6): no JSON body over 1 MB is read (413, a French
//! message, nothing changed), and an upload is not read before the permission check.
//! Real database: SQLite, or PostgreSQL when DATABASE_URL points at a server.

mod common;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use serde_json::{json, Value};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

fn post_raw(path: &str, cookie: &str, content_type: &str, body: Body) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("x-oubli-request", "1")
        .header(header::COOKIE, format!("oubli_session={cookie}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .expect("request")
}

#[tokio::test]
async fn json_over_one_megabyte_is_refused_unread_and_changes_nothing() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let before = t.rows("contacts").await;

    // A valid contact padded past 1 MB: declared length over the limit.
    let big = json!({"first_name": "Alice", "last_name": "Martin", "status": "prospect",
                     "comment": "x".repeat(1_100_000)});
    let (s, v) = t.post("/api/v1/contacts", &admin, big).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "too_large", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("1 Mo"),
        "{v}"
    );

    // The audit's case: an object of 900,000 keys (about 10 MB) on the erasure route.
    let mut keys = String::from("{\"contacts_filter\":{");
    for i in 0..900_000 {
        if i > 0 {
            keys.push(',');
        }
        keys.push_str(&format!("\"k{i}\":1"));
    }
    keys.push_str("}}");
    let started = std::time::Instant::now();
    let (s, v) = t
        .send(post_raw(
            "/api/v1/erasures",
            &admin,
            "application/json",
            Body::from(keys),
        ))
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    eprintln!("900k-key object refused in {:?}", started.elapsed());

    // No Content-Length (a chunked body): cut off once past the limit.
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..20)
        .map(|_| Ok(Bytes::from(vec![b' '; 64 * 1024])))
        .collect();
    let stream = Streamed(chunks.into_iter());
    let (s, v) = t
        .send(post_raw(
            "/api/v1/contacts",
            &admin,
            "application/json",
            Body::new(stream),
        ))
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");

    // Just under the limit, an ordinary answer.
    let ok = json!({"first_name": "Alice", "last_name": "Martin", "status": "prospect",
                    "comment": "x".repeat(2_000)});
    let (s, v) = t.post("/api/v1/contacts", &admin, ok).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(t.rows("contacts").await, before + 1);
}

/// A body given chunk by chunk, with no length known in advance.
struct Streamed<I>(I);

impl<I: Iterator<Item = Result<Bytes, std::io::Error>> + Unpin> HttpBody for Streamed<I> {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.next().map(|r| r.map(http_body::Frame::data)))
    }
}

/// A body that never arrives: any handler that reads it waits forever.
struct Never;

impl HttpBody for Never {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Poll::Pending
    }
}

#[tokio::test]
async fn an_upload_is_refused_before_its_body_is_read() {
    let t = TestApp::new().await;
    let witness = t.login("admin@temoin.fr").await;
    let theirs = t
        .contact(
            &witness,
            json!({"first_name": "Zoé", "last_name": "Roux", "status": "client"}),
        )
        .await;
    let sales = t.login("commercial1@demo.fr").await;
    let admin = t.login("admin@demo.fr").await;
    let own = t
        .contact(
            &admin,
            json!({"first_name": "Luc", "last_name": "Blanc", "status": "client"}),
        )
        .await;
    let ct = "multipart/form-data; boundary=XyZ";
    // Another cabinet's contact: 404 at once, the (endless) upload never read.
    let req = post_raw(
        &format!("/api/v1/contacts/{theirs}/documents"),
        &sales,
        ct,
        Body::new(Never),
    );
    let answered = tokio::time::timeout(Duration::from_secs(10), t.send(req)).await;
    let (s, v): (StatusCode, Value) = answered.expect("answered without reading the body");
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    // An unknown contact: the same.
    let req = post_raw(
        "/api/v1/contacts/00000000-0000-0000-0000-000000000000/documents",
        &admin,
        ct,
        Body::new(Never),
    );
    let (s, _) = tokio::time::timeout(Duration::from_secs(10), t.send(req))
        .await
        .expect("answered without reading the body");
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Allowed: the same route reads the upload and stores it.
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
                Content-Type: text/plain\r\n\r\nbonjour\r\n--XyZ--\r\n";
    let req = post_raw(
        &format!("/api/v1/contacts/{own}/documents"),
        &admin,
        ct,
        Body::from(body),
    );
    let (s, v) = t.send(req).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["file_name"], "a.txt", "{v}");
}
