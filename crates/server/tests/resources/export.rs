//! Export as JSON, CSV and HTML, for admins only.

use crate::common::TestApp;
use crate::support::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test]
async fn export_json_csv_html_for_admins_only() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let c = t
        .contact(
            &admin,
            json!({"first_name": "Élodie", "last_name": "Durand", "email": "elodie.durand@exemple.fr",
                   "assigned_to": t.acc.sales1, "comment": "=1+1"}),
        )
        .await;
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/household"),
            &admin,
            json!({"first_name": "Lucas", "relation": "child"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/notes"),
            &admin,
            json!({"body": "Appeler après 18h <b>"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = t
        .post(
            &format!("/api/v1/contacts/{c}/consents"),
            &admin,
            json!({"purpose": "cgu", "granted": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let get_raw = |token: &str, fmt: &str| {
        request(
            Method::GET,
            &format!("/api/v1/contacts/{c}/export{fmt}"),
            Some(token),
            &[],
            vec![],
        )
    };

    // JSON (also the default).
    for fmt in ["?format=json", ""] {
        let (s, h, body) = t.send_raw(get_raw(&admin, fmt)).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(h[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            h[header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"export-{c}.json\"").as_str()
        );
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        let v: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(v["schema"], "oubli.person-export.v1");
        assert_eq!(v["contact"]["id"], c.as_str());
        assert_eq!(v["contact"]["last_name"], "Durand");
        assert_eq!(v["contact"]["first_name"], "Élodie");
        assert_eq!(v["contact"]["email"], "elodie.durand@exemple.fr");
        assert_eq!(v["contact"]["household"][0]["first_name"], "Lucas");
        assert_eq!(v["activities"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["activities"][0]["body"], "Appeler après 18h <b>");
        assert_eq!(v["consents"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["consents"][0]["purpose"], "cgu");
    }

    // CSV: one "champ,valeur" line per value, formulas neutralised.
    let (s, h, body) = t.send_raw(get_raw(&admin, "?format=csv")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        h[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"export-{c}.csv\"").as_str()
    );
    let csv = String::from_utf8(body).expect("utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "champ,valeur");
    for want in [
        "schema,oubli.person-export.v1",
        "contact.last_name,Durand",
        "contact.first_name,Élodie",
        "contact.email,elodie.durand@exemple.fr",
        "contact.household.0.first_name,Lucas",
        "activities.0.body,Appeler après 18h <b>",
        "consents.0.purpose,cgu",
        "contact.comment,'=1+1",
    ] {
        assert!(lines.contains(&want), "CSV lacks {want:?}:\n{csv}");
    }
    assert!(lines.contains(&format!("contact.id,{c}").as_str()));

    // HTML, escaped.
    let (s, h, body) = t.send_raw(get_raw(&admin, "?format=html")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let html = String::from_utf8(body).expect("utf-8");
    assert!(html.starts_with("<!doctype html>"), "{html}");
    for want in [
        "<tr><td>contact.last_name</td><td>Durand</td></tr>",
        "<tr><td>contact.email</td><td>elodie.durand@exemple.fr</td></tr>",
        "<tr><td>activities.0.body</td><td>Appeler après 18h &lt;b&gt;</td></tr>",
    ] {
        assert!(html.contains(want), "HTML lacks {want:?}");
    }
    assert!(!html.contains("<b>"));

    let (s, v) = t
        .get(&format!("/api/v1/contacts/{c}/export?format=xml"), &admin)
        .await;
    assert_invalid(s, &v, "format", "Format inconnu : json, csv ou html.");

    // Deputy yes; the owning salesperson and the team lead no; others do not see it.
    let deputy = t.login("suppleant@demo.fr").await;
    let (s, _, _) = t.send_raw(get_raw(&deputy, "?format=json")).await;
    assert_eq!(s, StatusCode::OK);
    for who in ["commercial1@demo.fr", "chef@demo.fr"] {
        let tok = t.login(who).await;
        let (s, v) = t
            .get(&format!("/api/v1/contacts/{c}/export?format=json"), &tok)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        assert_eq!(v["error"]["code"], "forbidden");
    }
    let sales2 = t.login("commercial2@demo.fr").await;
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{c}/export"), &sales2)
        .await;
    assert_not_found(s, &v);
    let unknown = uuid::Uuid::new_v4();
    let (s, v) = t
        .get(&format!("/api/v1/contacts/{unknown}/export"), &admin)
        .await;
    assert_not_found(s, &v);

    // Every export is audited: 2 JSON + CSV + HTML by the admin, 1 by the deputy.
    let (_, a) = t.get("/api/v1/audit?limit=500", &admin).await;
    let exports: Vec<&Value> = a["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "contact.export")
        .collect();
    assert_eq!(exports.len(), 5);
    assert!(exports.iter().all(|e| e["target_id"] == c.as_str()));
    assert_eq!(
        exports
            .iter()
            .filter(|e| e["actor_user_id"] == t.acc.deputy.as_str())
            .count(),
        1
    );
    let formats: BTreeSet<&str> = exports
        .iter()
        .filter_map(|e| e["detail"]["format"].as_str())
        .collect();
    assert_eq!(formats, BTreeSet::from(["csv", "html", "json"]));
}
