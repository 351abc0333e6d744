//! Tenant isolation for every resource.

use crate::common::TestApp;
use crate::support::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn assert_error(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

#[tokio::test]
async fn tenant_isolation_for_every_resource() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let w = build_world(&t, &admin, None).await;
    let other = t.login("admin@temoin.fr").await;

    // Témoin's own records, so that its lists are not trivially empty.
    let own = t
        .contact(&other, json!({"last_name": "Témoin", "city": "Lyon"}))
        .await;
    let (s, op) = t
        .post(
            &api("/projects"),
            &other,
            json!({"contact_id": own, "type": "auto"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{op}");
    let own_project = id_of(&op);

    let c = &w.contact;
    let nf = StatusCode::NOT_FOUND;
    let mut checks: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/contacts/{c}"), None),
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            Some(json!({"last_name": "Pirate"})),
        ),
        (Method::DELETE, format!("/contacts/{c}"), None),
        (Method::GET, format!("/contacts/{c}/household"), None),
        (
            Method::POST,
            format!("/contacts/{c}/household"),
            Some(json!({"first_name": "Intrus", "relation": "child"})),
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}/household/{}", w.member),
            Some(json!({"first_name": "Intrus"})),
        ),
        (
            Method::DELETE,
            format!("/contacts/{c}/household/{}", w.member),
            None,
        ),
        (Method::GET, format!("/projects/{}", w.project), None),
        (
            Method::PATCH,
            format!("/projects/{}", w.project),
            Some(json!({"comment": "Piraté", "status": "perdu"})),
        ),
    ];
    checks.extend(record_routes(&w));
    for (kind, item) in &w.items {
        checks.push((Method::GET, format!("/contacts/{c}/{kind}"), None));
        checks.push((Method::GET, format!("/contacts/{c}/{kind}/{item}"), None));
        checks.push((
            Method::PATCH,
            format!("/contacts/{c}/{kind}/{item}"),
            Some(activity_patch(kind)),
        ));
        checks.push((Method::DELETE, format!("/contacts/{c}/{kind}/{item}"), None));
        if *kind != "documents" {
            checks.push((
                Method::POST,
                format!("/contacts/{c}/{kind}"),
                Some(activity_body(kind)),
            ));
        }
    }
    // A Démo item reached through Témoin's own contact: still nothing.
    for (kind, item) in &w.items {
        checks.push((Method::GET, format!("/contacts/{own}/{kind}/{item}"), None));
        checks.push((
            Method::PATCH,
            format!("/contacts/{own}/{kind}/{item}"),
            Some(activity_patch(kind)),
        ));
        checks.push((
            Method::DELETE,
            format!("/contacts/{own}/{kind}/{item}"),
            None,
        ));
    }
    checks.push((
        Method::GET,
        format!("/contacts/{own}/documents/{}/content", w.document),
        None,
    ));
    checks.push((
        Method::PATCH,
        format!("/contacts/{own}/household/{}", w.member),
        Some(json!({"first_name": "Intrus"})),
    ));
    checks.push((
        Method::DELETE,
        format!("/contacts/{own}/household/{}", w.member),
        None,
    ));
    for (method, path, body) in checks {
        let (s, v) = t
            .call(method.clone(), &api(&path), Some(&other), body)
            .await;
        assert_eq!(s, nf, "{method} {path} from another cabinet: {v}");
        assert_error(&v, "not_found");
        let text = v.to_string();
        assert!(
            !text.contains(NAME) && !text.contains(EMAIL),
            "{method} {path} leaks: {text}"
        );
    }
    let (s, v) = t
        .send(multipart_request(
            &api(&format!("/contacts/{c}/documents")),
            Some(&other),
            "intrus.pdf",
            b"%PDF intrus",
        ))
        .await;
    assert_eq!(s, nf, "document upload onto another cabinet's contact: {v}");

    // Creating on the other cabinet's ids: never 201.
    let (s, v) = t
        .post(
            &api("/projects"),
            &other,
            json!({"contact_id": c, "type": "auto"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == nf,
        "project on a Démo contact from Témoin: {s} {v}"
    );
    let (s, v) = t
        .post(
            &api("/contracts"),
            &other,
            json!({"project_id": w.project, "insurer": "Intrus"}),
        )
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == nf,
        "contract on a Démo project from Témoin: {s} {v}"
    );
    // Moving Témoin's project onto the Démo contact, or assigning to a Démo user.
    let (s, v) = t
        .patch(
            &api(&format!("/projects/{own_project}")),
            &other,
            json!({"contact_id": c}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api("/contacts"),
            &other,
            json!({"last_name": "Transfuge", "assigned_to": t.acc.sales1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["assigned_to"].is_string(), "{v}");
    let (s, v) = t
        .patch(
            &api(&format!("/contacts/{own}")),
            &other,
            json!({"assigned_to": t.acc.admin}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = t
        .post(
            &api(&format!("/contacts/{own}/tasks")),
            &other,
            json!({"title": "Tâche", "assigned_to": t.acc.sales2}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Témoin's lists hold only Témoin's records.
    let (s, v) = t.get(&api("/contacts?limit=500"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item_ids(&v), set(&[&own]), "{v}");
    assert_eq!(v["total"], 1);
    let (_, v) = t.get(&api(&format!("/contacts?q={NAME}")), &other).await;
    assert_eq!(v["total"], 0, "{v}");
    let (s, v) = t.get(&api("/projects?limit=500"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item_ids(&v), set(&[&own_project]), "{v}");
    assert_eq!(v["total"], 1);
    let (s, v) = t.get(&api("/contracts?limit=500"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(item_ids(&v), BTreeSet::new(), "{v}");
    assert_eq!(v["total"], 0);
    for q in [
        format!("contact_id={c}"),
        format!("project_id={}", w.project),
    ] {
        let (s, v) = t.get(&api(&format!("/contracts?{q}")), &other).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["total"], 0, "{q}: {v}");
    }
    let (s, v) = t.get(&api("/stats/summary"), &other).await;
    assert_eq!(s, StatusCode::OK, "GET /stats/summary: {v}");
    assert_eq!(v["leads_total"], 1, "{v}");
    assert_eq!(v["lead_cost_total"], 0, "{v}");
    assert_eq!(v["contracts_active"], 0, "{v}");
    assert_eq!(v["monthly_premiums_active"], 0, "{v}");
    assert_eq!(v["leads_by_supplier"], json!({"(aucun)": 1}), "{v}");
    assert_eq!(v["projects_by_type"], json!({"auto": 1}), "{v}");
    let by_user: BTreeSet<String> = v["by_user"]
        .as_object()
        .expect("by_user")
        .keys()
        .cloned()
        .collect();
    assert_eq!(by_user, set(&[&t.acc.witness_admin]), "{v}");
    let (s, v) = t.get(&api("/sync"), &other).await;
    assert_eq!(s, StatusCode::OK);
    let upserts: BTreeSet<String> = v["upserts"]
        .as_array()
        .expect("upserts")
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(upserts, set(&[&own]), "{v}");
    assert_eq!(v["tombstones"], json!([]), "{v}");
    let text = v.to_string();
    assert!(!text.contains(NAME) && !text.contains(c.as_str()), "{text}");
    let (s, v) = t.get(&api("/users"), &other).await;
    assert_eq!(s, StatusCode::OK);
    let emails: Vec<&str> = v
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, vec!["admin@temoin.fr"], "{v}");
    let (s, v) = t.get(&api("/teams"), &other).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v, json!([]), "{v}");

    // Nothing of the Démo record changed.
    let (s, d) = t.get(&api(&format!("/contacts/{c}")), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["last_name"], NAME);
    assert_eq!(d["opposition_at"], Value::Null, "{d}");
    assert_eq!(d["household"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["household"][0]["first_name"], "Marie");
    assert_eq!(d["projects"][0]["status"], "nouveau");
    assert_eq!(d["projects"][0]["comment"], "Projet confidentiel");
    assert_eq!(d["contracts"][0]["status"], "actif");
    for kind in KINDS {
        assert_eq!(d["activity_counts"][kind], 1, "{kind}: {d}");
    }
    for kind in KINDS {
        let (s, a) = t
            .get(
                &api(&format!("/contacts/{c}/{kind}/{}", w.item(kind))),
                &admin,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_ne!(a["title"], "Modifié par un tiers", "{kind}: {a}");
        assert_ne!(a["body"], "Modifié par un tiers", "{kind}: {a}");
    }
    let (s, v) = t
        .get(&api(&format!("/contacts/{c}/consents")), &admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    let consents: Vec<String> = v.as_array().expect("consents").iter().map(id_of).collect();
    assert_eq!(consents, vec![w.consent.clone()], "{v}");
    let (s, _, bytes) = t
        .send_raw(
            Request::builder()
                .uri(api(&format!(
                    "/contacts/{c}/documents/{}/content",
                    w.document
                )))
                .header(header::COOKIE, format!("oubli_session={admin}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(bytes, w.document_bytes);
}
