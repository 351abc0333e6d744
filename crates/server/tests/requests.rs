//! Erasure requests approved again after an unconfirmed approval, and
//! `DELETE /contacts/{id}` going through the erasure engine (one deletion path).
//! Runs on SQLite, and on PostgreSQL when DATABASE_URL is set.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{json, Value};

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

#[tokio::test]
async fn an_approval_left_unconfirmed_can_be_approved_again_and_only_the_new_token_works() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let c = t.contact(&sales, json!({"last_name": "Reprise"})).await;
    let (s, r) = t
        .post(
            "/api/v1/erasure-requests",
            &sales,
            json!({"action": "anonymize", "target": {"contacts": [c]}, "reason": "Demande du client"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = id_of(&r);

    // First approval: the dialog was closed, nothing confirmed.
    let (s, first) = approve(&t, &admin, &rid).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    // Approving again gives a new preview and kills the first token.
    let (s, second) = approve(&t, &admin, &rid).await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    assert_ne!(first["id"], second["id"]);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&first)),
            &admin,
            json!({"confirm_token": first["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        d["anonymized_at"].is_null(),
        "the dead token erased nothing"
    );

    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{}/confirm", id_of(&second)),
            &admin,
            json!({"confirm_token": second["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["status"], "done", "{v}");
    let (_, d) = t.get(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert!(d["anonymized_at"].is_string());

    // Once confirmed, approving again is refused, and the requester sees "done".
    let (s, v) = approve(&t, &admin, &rid).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "already_decided", "{v}");
    let (_, list) = t.get("/api/v1/erasure-requests", &sales).await;
    let mine = list["items"]
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["id"] == rid.as_str())
        .cloned()
        .expect("the requester sees the request");
    assert_eq!(mine["status"], "done", "{mine}");
}

#[tokio::test]
async fn delete_contact_goes_through_the_erasure_engine() {
    let t = TestApp::new().await;
    let deputy = t.login("suppleant@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let c = t.contact(&sales, json!({"last_name": "Parti"})).await;
    let (s, p) = t
        .post(
            "/api/v1/projects",
            &sales,
            json!({"contact_id": c, "type": "sante"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");

    let (s, v) = t.delete(&format!("/api/v1/contacts/{c}"), &sales).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, _) = t.delete("/api/v1/contacts/nope", &deputy).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, v) = t.delete(&format!("/api/v1/contacts/{c}"), &deputy).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, _) = t.get(&format!("/api/v1/contacts/{c}"), &deputy).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .get(&format!("/api/v1/projects/{}", id_of(&p)), &deputy)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The engine's trail: a done deletion job of one contact, and the audit entry.
    let (s, jobs) = t.get("/api/v1/erasures", &deputy).await;
    assert_eq!(s, StatusCode::OK, "{jobs}");
    let items = jobs["items"].as_array().expect("job list");
    assert!(
        items
            .iter()
            .any(|j| j["action"] == "delete" && j["status"] == "done" && j["total"] == 1),
        "{jobs}"
    );
    let (_, audit) = t.get("/api/v1/audit?limit=50", &deputy).await;
    assert!(
        audit["items"]
            .as_array()
            .expect("audit")
            .iter()
            .any(|e| e["action"] == "contact.delete" && e["target_id"] == c.as_str()),
        "{audit}"
    );
}

// ------------------------------------------------- requests for a whole selection

/// A supplier name no other test uses, so each test's filter selects its own records.
fn new_tag() -> String {
    format!("Req-{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

async fn request(t: &TestApp, who: &str, action: &str, target: Value) -> (StatusCode, Value) {
    t.post(
        "/api/v1/erasure-requests",
        who,
        json!({"action": action, "target": target, "reason": "Nettoyage du portefeuille"}),
    )
    .await
}

async fn project(t: &TestApp, who: &str, contact: &str, tag: &str) -> String {
    let (s, v) = t
        .post(
            "/api/v1/projects",
            who,
            json!({"contact_id": contact, "type": "sante", "supplier": tag}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    id_of(&v)
}

async fn anonymized(t: &TestApp, admin: &str, id: &str) -> bool {
    let (s, v) = t.get(&format!("/api/v1/contacts/{id}"), admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["anonymized_at"].is_string()
}

async fn exists(t: &TestApp, admin: &str, path: &str) -> bool {
    let (s, v) = t.get(path, admin).await;
    match s {
        StatusCode::OK => true,
        StatusCode::NOT_FOUND => false,
        _ => panic!("{path}: {s} {v}"),
    }
}

/// Rows of a table, counted straight in the database.
async fn rows(t: &TestApp, table: &'static str) -> i64 {
    let mut tx = t.state.db.read().await.expect("read");
    let q = sea_query::Query::select()
        .expr(sea_query::Expr::cust("COUNT(*)"))
        .from(sea_query::Alias::new(table))
        .to_owned();
    let n = tx.int(&q).await.expect("count");
    tx.commit().await.expect("commit");
    n
}

/// The cabinet's requests as an admin sees them.
async fn requests_seen(t: &TestApp, admin: &str) -> Vec<Value> {
    let (s, v) = t.get("/api/v1/erasure-requests", admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"].as_array().expect("list").clone()
}

/// Every audit entry of the cabinet, oldest first.
async fn audit_entries(t: &TestApp, admin: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/api/v1/audit?limit=500".to_string()
        } else {
            format!("/api/v1/audit?limit=500&after={after}")
        };
        let (s, v) = t.get(&path, admin).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        out.extend(v["items"].as_array().into_iter().flatten().cloned());
        match v["next"].as_str() {
            Some(c) => after = c.to_string(),
            None => break,
        }
    }
    out
}

/// `POST /erasure-requests/{rid}/approve` as `who`: the status and the preview (or error).
async fn approve(t: &TestApp, who: &str, rid: &str) -> (StatusCode, Value) {
    t.post(
        &format!("/api/v1/erasure-requests/{rid}/approve"),
        who,
        json!({}),
    )
    .await
}

/// Confirms an approval's preview; waits for the job to end.
async fn confirm(t: &TestApp, admin: &str, created: &Value) -> Value {
    let eid = id_of(created);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasures/{eid}/confirm"),
            admin,
            json!({"confirm_token": created["confirm_token"]}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let job = t.wait_job(admin, &eid).await;
    assert_eq!(job["status"], "done", "{job}");
    job
}

#[tokio::test]
async fn a_salesperson_requests_anonymization_of_a_filter_selection_and_exactly_it_is_anonymized() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let other = t.login("commercial2@demo.fr").await;
    let tag = new_tag();
    // The search term is a surname: it must not reach the audit log.
    let surname = format!("Vasseur{}", &tag[4..]);
    let mut mine = Vec::new();
    for i in 0..6 {
        mine.push(
            t.contact(
                &sales,
                json!({"first_name": format!("Léa{i}"), "last_name": surname,
                       "email": format!("lea{i}@exemple.fr"), "status": "prospect", "supplier": tag}),
            )
            .await,
        );
    }
    // Not matching (another supplier), and another salesperson's matching contacts.
    let unmatched = t
        .contact(
            &sales,
            json!({"last_name": surname, "status": "prospect", "supplier": "Autre"}),
        )
        .await;
    let mut theirs = Vec::new();
    for _ in 0..3 {
        theirs.push(
            t.contact(
                &other,
                json!({"last_name": surname, "status": "prospect", "supplier": tag}),
            )
            .await,
        );
    }
    let before = requests_seen(&t, &admin).await.len();

    let excluded = [mine[0].clone(), mine[1].clone()];
    let (s, r) = request(
        &t,
        &sales,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag, "q": surname}, "exclude": excluded}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["count"], 4, "{r}");
    assert_eq!(r["target_kind"], "contacts", "{r}");
    assert!(r["target_id"].is_null(), "{r}");
    assert_eq!(r["status"], "open", "{r}");
    let rid = id_of(&r);
    // One request, one task, whatever the size.
    let list = requests_seen(&t, &admin).await;
    assert_eq!(list.len(), before + 1);
    assert_eq!(
        list.iter().filter(|x| x["id"] == rid.as_str()).count(),
        1,
        "{list:?}"
    );
    assert_eq!(rows(&t, "erasure_request_members").await, 4);

    // Starts matching after the request: not part of it.
    let late = t
        .contact(
            &sales,
            json!({"last_name": surname, "status": "prospect", "supplier": tag}),
        )
        .await;

    let (s, created) = approve(&t, &admin, &rid).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["preview"]["contacts"], 4, "{created}");
    let job = confirm(&t, &admin, &created).await;
    assert_eq!(job["total"], 4, "{job}");
    assert_eq!(job["request_id"], rid.as_str(), "{job}");

    for id in &mine[2..] {
        assert!(anonymized(&t, &admin, id).await, "{id} was requested");
    }
    for id in excluded.iter().chain(&theirs).chain([&unmatched, &late]) {
        assert!(!anonymized(&t, &admin, id).await, "{id} was not requested");
    }
    // The requester sees the outcome.
    let (_, list) = t.get("/api/v1/erasure-requests", &sales).await;
    let r = list["items"]
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["id"] == rid.as_str())
        .cloned()
        .expect("the requester sees the request");
    assert_eq!(r["status"], "done", "{r}");
    assert_eq!(r["count"], 4, "{r}");

    // One audit entry for the request: its id and the count, nothing about anyone and
    // nothing of the filter.
    let audit = audit_entries(&t, &admin).await;
    let entries: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "erasure_request.anonymize")
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = entries[0];
    assert_eq!(e["target_kind"], "erasure_request", "{e}");
    assert_eq!(e["target_id"], rid.as_str(), "{e}");
    assert_eq!(e["detail"]["count"], 4, "{e}");
    assert_eq!(e["detail"]["request_id"], rid.as_str(), "{e}");
    let text = serde_json::to_string(&audit).expect("json");
    for secret in [surname.as_str(), &tag[4..], "Léa", "exemple.fr"] {
        assert!(!text.contains(secret), "the audit log holds {secret:?}");
    }
}

#[tokio::test]
async fn a_team_lead_requests_deletion_of_a_projects_filter_selection_within_the_team() {
    let t = TestApp::new().await;
    let deputy = t.login("suppleant@demo.fr").await;
    let lead = t.login("chef@demo.fr").await;
    let north = t.login("commercial1@demo.fr").await;
    let south = t.login("commercial2@demo.fr").await;
    let tag = new_tag();
    let mut team = Vec::new();
    for who in [&north, &north, &lead] {
        let c = t
            .contact(who, json!({"last_name": "Perrin", "status": "client"}))
            .await;
        team.push(project(&t, who, &c, &tag).await);
        team.push(project(&t, who, &c, &tag).await);
    }
    let mut outside = Vec::new();
    let c = t
        .contact(&south, json!({"last_name": "Roux", "status": "client"}))
        .await;
    outside.push(project(&t, &south, &c, &tag).await);
    outside.push(project(&t, &south, &c, &tag).await);

    let (s, r) = request(
        &t,
        &lead,
        "delete",
        json!({"projects_filter": {"supplier": tag}, "exclude": [team[0]]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["count"], 5, "{r}");
    assert_eq!(r["target_kind"], "projects", "{r}");
    assert!(r["target_id"].is_null(), "{r}");
    let rid = id_of(&r);
    // Matches only after the request.
    let c = t
        .contact(&north, json!({"last_name": "Tardif", "status": "client"}))
        .await;
    let late = project(&t, &north, &c, &tag).await;

    let (s, created) = approve(&t, &deputy, &rid).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["preview"]["projects"], 5, "{created}");
    assert_eq!(created["preview"]["contacts"], 0, "{created}");
    confirm(&t, &deputy, &created).await;
    for p in &team[1..] {
        assert!(
            !exists(&t, &deputy, &format!("/api/v1/projects/{p}")).await,
            "{p} was requested"
        );
    }
    for p in [&team[0], &late].into_iter().chain(&outside) {
        assert!(
            exists(&t, &deputy, &format!("/api/v1/projects/{p}")).await,
            "{p} was not requested"
        );
    }
    let (_, list) = t.get("/api/v1/erasure-requests", &lead).await;
    assert!(
        list["items"]
            .as_array()
            .expect("list")
            .iter()
            .any(|x| x["id"] == rid.as_str() && x["status"] == "done"),
        "{list}"
    );
}

#[tokio::test]
async fn anonymizing_a_projects_selection_is_a_request_about_their_contacts() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let tag = new_tag();
    let a = t
        .contact(&sales, json!({"last_name": "Aubert", "status": "client"}))
        .await;
    let b = t
        .contact(&sales, json!({"last_name": "Bazin", "status": "client"}))
        .await;
    let pa1 = project(&t, &sales, &a, &tag).await;
    let pa2 = project(&t, &sales, &a, &tag).await;
    let pb = project(&t, &sales, &b, &tag).await;
    let (s, r) = request(&t, &sales, "anonymize", json!({"projects": [pa1, pa2, pb]})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(
        (r["target_kind"].as_str(), r["count"].as_i64()),
        (Some("contacts"), Some(2)),
        "{r}"
    );
    let (s, created) = approve(&t, &admin, &id_of(&r)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["preview"]["contacts"], 2, "{created}");
    assert_eq!(created["preview"]["projects"], 3, "{created}");
    confirm(&t, &admin, &created).await;
    assert!(anonymized(&t, &admin, &a).await && anonymized(&t, &admin, &b).await);
}

#[tokio::test]
async fn an_empty_selection_is_refused_and_nothing_is_stored() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let other = t.login("commercial2@demo.fr").await;
    let tag = new_tag();
    // Matches only another salesperson's contacts: empty within the requester's scope.
    t.contact(
        &other,
        json!({"last_name": "Hors", "status": "prospect", "supplier": tag}),
    )
    .await;
    let mine = t
        .contact(
            &sales,
            json!({"last_name": "Moi", "status": "prospect", "supplier": tag}),
        )
        .await;
    let before = (
        requests_seen(&t, &admin).await.len(),
        rows(&t, "erasure_requests").await,
        rows(&t, "erasure_request_members").await,
        audit_entries(&t, &admin).await.len(),
    );
    for target in [
        json!({"contacts_filter": {"supplier": new_tag()}, "exclude": []}),
        json!({"contacts_filter": {"supplier": tag, "q": "Hors"}}),
        json!({"contacts_filter": {"supplier": tag}, "exclude": [mine]}),
        json!({"projects_filter": {"supplier": tag}}),
    ] {
        for action in ["anonymize", "delete"] {
            let (s, v) = request(&t, &sales, action, target.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{target} {v}");
            let m = v["error"]["fields"]["target"].as_str().unwrap_or_default();
            assert!(m.starts_with("Aucun"), "{v}");
            assert!(m.contains("aucune demande n'a été créée"), "{v}");
        }
    }
    // A filter value the list refuses is a 422 too.
    let (s, v) = request(
        &t,
        &sales,
        "anonymize",
        json!({"contacts_filter": {"created_before": "hier"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let after = (
        requests_seen(&t, &admin).await.len(),
        rows(&t, "erasure_requests").await,
        rows(&t, "erasure_request_members").await,
        audit_entries(&t, &admin).await.len(),
    );
    assert_eq!(before, after, "nothing stored, nothing audited");
}

#[tokio::test]
async fn an_id_list_with_a_record_out_of_scope_is_not_found_and_stores_nothing() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let other = t.login("commercial2@demo.fr").await;
    let a = t.contact(&sales, json!({"last_name": "Un"})).await;
    let b = t.contact(&sales, json!({"last_name": "Deux"})).await;
    let foreign = t.contact(&other, json!({"last_name": "Trois"})).await;
    for ids in [json!([a, b, foreign]), json!([a, b, "inconnu"])] {
        let (s, v) = request(&t, &sales, "delete", json!({"contacts": ids})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    }
    assert_eq!(rows(&t, "erasure_requests").await, 0);
    assert_eq!(rows(&t, "erasure_request_members").await, 0);

    let (s, r) = request(&t, &sales, "delete", json!({"contacts": [a, b]})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["count"], 2, "{r}");
    assert!(r["target_id"].is_null(), "{r}");
    // Deleted meanwhile: the approval previews what is left of the set.
    let (s, _) = t.delete(&format!("/api/v1/contacts/{b}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, created) = approve(&t, &admin, &id_of(&r)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["preview"]["contacts"], 1, "{created}");
    confirm(&t, &admin, &created).await;
    assert!(!exists(&t, &admin, &format!("/api/v1/contacts/{a}")).await);
    assert!(exists(&t, &admin, &format!("/api/v1/contacts/{foreign}")).await);
}

#[tokio::test]
async fn a_selection_request_can_be_rejected() {
    let t = TestApp::new().await;
    let deputy = t.login("suppleant@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let tag = new_tag();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            t.contact(
                &sales,
                json!({"last_name": "Garde", "status": "prospect", "supplier": tag}),
            )
            .await,
        );
    }
    let (s, r) = request(
        &t,
        &sales,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag}}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["count"], 3, "{r}");
    let rid = id_of(&r);
    // Only admins and deputies decide.
    let (s, _) = approve(&t, &sales, &rid).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = t
        .post(
            &format!("/api/v1/erasure-requests/{rid}/reject"),
            &deputy,
            json!({"reason": "Clients à conserver"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "rejected", "{v}");
    assert_eq!(v["count"], 3, "{v}");
    let (s, v) = approve(&t, &deputy, &rid).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    for id in &ids {
        assert!(!anonymized(&t, &deputy, id).await);
    }
}

/// A few thousand contacts, written straight into the database (through the API it
/// would take most of the test's time): `n` prospects of supplier `tag` assigned to
/// `user`.
async fn many_contacts(t: &TestApp, user: &str, n: usize, tag: &str) {
    let now = chrono::Utc::now().timestamp_millis();
    let cabinet = &t.acc.demo_cabinet;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "('{}', '{cabinet}', 'prospect', '{tag}', 'Masse{i}', '{user}', 0, {now}, {now})",
                    uuid::Uuid::new_v4()
                )
            })
            .collect();
        t.state
            .db
            .raw(&format!(
                "INSERT INTO contacts (id, cabinet_id, status, supplier, last_name, assigned_to, \
                 change_seq, created_at, updated_at) VALUES {}",
                values.join(", ")
            ))
            .await
            .expect("insert contacts");
    }
}

#[tokio::test]
async fn a_selection_of_thousands_is_one_request_and_one_preview_of_all_of_it() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let sales = t.login("commercial1@demo.fr").await;
    let tag = new_tag();
    let n = 3000;
    many_contacts(&t, &t.acc.sales1, n, &tag).await;
    many_contacts(&t, &t.acc.sales2, 200, &tag).await;
    let (s, r) = request(
        &t,
        &sales,
        "anonymize",
        json!({"contacts_filter": {"supplier": tag}, "exclude": []}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["count"], n, "{r}");
    let list = requests_seen(&t, &admin).await;
    assert_eq!(list.len(), 1, "one request, one task: {list:?}");
    assert_eq!(rows(&t, "erasure_request_members").await, n as i64);
    let (s, created) = approve(&t, &admin, &id_of(&r)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["preview"]["contacts"], n, "{created}");
}
