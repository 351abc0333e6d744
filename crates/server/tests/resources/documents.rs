//! Documents: multipart upload, download, the blob on disk, the size limit.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn documents_multipart_upload_download_and_blob() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let bytes: Vec<u8> = {
        let mut b = b"%PDF-1.4\n".to_vec();
        b.extend((0u8..=255).cycle().take(3000));
        b.extend_from_slice(b"\r\n--not-the-boundary\r\n%%EOF");
        b
    };
    let (s, d) = upload(
        &t,
        &admin,
        &c,
        multipart(&[
            ("title", None, "Attestation d'assurance".as_bytes()),
            (
                "file",
                Some(("attestation.pdf", "application/pdf")),
                bytes.as_slice(),
            ),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let doc = id_of(&d);
    assert_eq!(d["kind"], "documents");
    assert_eq!(d["title"], "Attestation d'assurance");
    assert_eq!(d["file_name"], "attestation.pdf");
    assert_eq!(d["content_type"], "application/pdf");
    assert_eq!(d["size_bytes"], bytes.len());
    assert_eq!(d["author_id"], t.acc.admin.as_str());

    // The same bytes come back.
    let (s, h, body) = t
        .send_raw(request(
            Method::GET,
            &format!("/api/v1/contacts/{c}/documents/{doc}/content"),
            Some(&admin),
            &[],
            vec![],
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(h[header::CONTENT_TYPE], "application/octet-stream");
    assert_eq!(
        h[header::CONTENT_DISPOSITION],
        "attachment; filename=\"attestation.pdf\""
    );

    // One file in the blob store, holding those bytes.
    let blobs = t.dir.path().join("blobs");
    let files = files_under(&blobs);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(&files[0]).expect("blob"), bytes);
    assert!(files[0].starts_with(blobs.join(&t.acc.demo_cabinet)));

    // List and item.
    let (_, l) = t
        .get(&format!("/api/v1/contacts/{c}/documents"), &admin)
        .await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["items"], json!([d.clone()]));

    // Without a title the file name is used.
    let (s, d2) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("devis.txt", "text/plain")), b"devis")]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d2}");
    assert_eq!(d2["title"], "devis.txt");
    assert_eq!(files_under(&blobs).len(), 2);

    // No file, an empty file, JSON instead of multipart: refused, nothing stored.
    let (s, v) = upload(&t, &admin, &c, multipart(&[("title", None, b"x")])).await;
    assert_invalid(s, &v, "file", "Joignez un fichier.");
    let (s, v) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("vide.txt", "text/plain")), b"")]),
    )
    .await;
    assert_invalid(s, &v, "file", "Le fichier est vide.");
    let (s, v) = t
        .post(
            &format!("/api/v1/contacts/{c}/documents"),
            &admin,
            json!({"title": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["code"], "bad_request");
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts/{c}/documents")).await,
        2
    );
    assert_eq!(files_under(&blobs).len(), 2);

    // Deleting the item removes its file.
    let (s, _) = t
        .delete(&format!("/api/v1/contacts/{c}/documents/{doc}"), &admin)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let left = files_under(&blobs);
    assert_eq!(left.len(), 1);
    assert_eq!(std::fs::read(&left[0]).expect("blob"), b"devis");
    let (s, v) = t
        .get(
            &format!("/api/v1/contacts/{c}/documents/{doc}/content"),
            &admin,
        )
        .await;
    assert_not_found(s, &v);

    // Deleting the contact removes the remaining file.
    let (s, _) = t.delete(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(files_under(&blobs), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn document_over_the_size_limit_is_413_and_leaves_no_file() {
    let t = TestApp::with_config(|c| c.max_upload_bytes = 1000).await;
    let admin = t.login("admin@demo.fr").await;
    let c = t.contact(&admin, json!({"last_name": "Durand"})).await;
    let big = vec![b'x'; 1001];
    let (s, v) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("gros.bin", "application/octet-stream")), &big)]),
    )
    .await;
    assert_err(
        s,
        &v,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "Le document dépasse la taille maximale autorisée.",
    );
    assert_eq!(
        total(&t, &admin, &format!("/api/v1/contacts/{c}/documents")).await,
        0
    );
    assert_eq!(files_under(&t.dir.path().join("blobs")).len(), 0);
    let ok = vec![b'y'; 1000];
    let (s, v) = upload(
        &t,
        &admin,
        &c,
        multipart(&[("file", Some(("juste.bin", "application/octet-stream")), &ok)]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["size_bytes"], 1000);
}
