//! The sorted lists (`?sort=` on /contacts and /projects) through the real router and
//! a real database (SQLite, or PostgreSQL when DATABASE_URL is set): every sort walked
//! page by page gives every row once, in the documented order; a cursor only works
//! with the sort that made it.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const INVALID_MSG: &str = "Certains champs sont invalides.";
const OTHER_SORT_MSG: &str =
    "Ce curseur de pagination appartient à un autre tri : reprenez à la première page.";

async fn raw_sql(t: &TestApp, sql: &str) {
    t.state.db.raw(sql).await.expect(sql);
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id_of).collect()
}

#[track_caller]
fn assert_invalid(s: StatusCode, v: &Value, field: &str, message: &str) {
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid", "{v}");
    assert_eq!(v["error"]["message"], INVALID_MSG, "{v}");
    assert_eq!(v["error"]["fields"][field], message, "field {field}: {v}");
}

fn with(base: &str, extra: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{extra}")
}

/// Every page of `base` (a path with its query) by pages of `size`: checks the total
/// on every page, the page sizes, no duplicates, and that the pages put together are
/// the one-page answer. Returns the items in order.
async fn walk(t: &TestApp, token: &str, base: &str, size: usize) -> Vec<Value> {
    let (s, all) = t.get(&with(base, "limit=500"), token).await;
    assert_eq!(s, StatusCode::OK, "{base}: {all}");
    let whole: Vec<Value> = all["items"].as_array().expect("items").clone();
    let total = all["total"].as_u64().expect("total") as usize;
    assert_eq!(whole.len(), total, "{base}");
    assert!(all["next"].is_null(), "{base}: one page holds everything");

    let mut seen: Vec<Value> = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = with(base, &format!("limit={size}"));
        if let Some(c) = &after {
            path = with(&path, &format!("after={c}"));
        }
        let (s, v) = t.get(&path, token).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        assert_eq!(v["total"], total, "{path}: total on every page");
        let items = v["items"].as_array().expect("items");
        pages += 1;
        match v["next"].as_str() {
            Some(n) => {
                assert_eq!(items.len(), size, "{path}: a page before the last is full");
                // The cursor travels in a URL as it is.
                assert!(
                    n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'~'),
                    "{n}"
                );
                after = Some(n.to_string());
                seen.extend(items.iter().cloned());
            }
            None => {
                assert!(items.len() <= size && (!items.is_empty() || total == 0));
                seen.extend(items.iter().cloned());
                break;
            }
        }
        assert!(pages <= total + 1, "{base}: pagination does not end");
    }
    let got = ids(&seen);
    let unique: BTreeSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "{base}: duplicates");
    assert_eq!(
        got,
        ids(&whole),
        "{base}: pages put together = the whole list"
    );
    assert_eq!(pages, total.div_ceil(size).max(1), "{base}: page count");
    seen
}

/// The documented name key, for the ASCII names of these tests: `0` + last name (else
/// company) + space + first name, lower-cased; `1` without a name.
fn name_key(last: Option<&str>, company: Option<&str>, first: Option<&str>) -> String {
    let last = last.filter(|s| !s.is_empty());
    let company = company.filter(|s| !s.is_empty());
    match last.or(company) {
        None => "1".into(),
        Some(n) => format!(
            "0{} {}",
            n.to_lowercase(),
            first.unwrap_or_default().to_lowercase()
        ),
    }
}

fn contact_key(c: &Value) -> String {
    if !c["anonymized_at"].is_null() {
        return "1".into();
    }
    name_key(
        c["last_name"].as_str(),
        c["company_name"].as_str(),
        c["first_name"].as_str(),
    )
}

fn created(v: &Value) -> String {
    // Milliseconds, zero-padded so they sort as text.
    let t: chrono::DateTime<chrono::Utc> = v["created_at"]
        .as_str()
        .expect("created_at")
        .parse()
        .expect("date");
    format!("{:020}", t.timestamp_millis())
}

#[track_caller]
fn assert_sorted(what: &str, keys: Vec<(String, String, String)>, desc: bool) {
    let mut want = keys.clone();
    want.sort();
    if desc {
        want.reverse();
    }
    assert_eq!(keys, want, "{what}");
}

/// Contacts of every naming case: same last name (first name decides), same full name
/// (the id decides), upper and lower case, company only, anonymized (no name), and
/// creation instants shared by several.
async fn contacts(t: &TestApp, token: &str) -> Vec<String> {
    let bodies = [
        json!({"last_name": "Martin", "first_name": "Zoé"}),
        json!({"last_name": "martin", "first_name": "Alain"}),
        json!({"last_name": "MARTIN", "first_name": "Bruno"}),
        json!({"last_name": "Durand", "first_name": "Claire"}),
        json!({"last_name": "Durand", "first_name": "Claire"}),
        json!({"last_name": "Durand", "first_name": "Claire"}),
        json!({"last_name": "Dupont"}),
        json!({"last_name": "Duponteil", "first_name": "Anne"}),
        json!({"company_name": "Assurances Arnaud SARL"}),
        json!({"company_name": "zeta conseil", "first_name": "Marc"}),
        json!({"last_name": "Aubert", "first_name": "Léa", "status": "client"}),
        json!({"last_name": "Vidal", "first_name": "Paul"}),
        json!({"last_name": "Caron", "first_name": "Eve"}),
        json!({"last_name": "Bernard", "first_name": "Hugo"}),
    ];
    let mut out = Vec::new();
    for b in bodies {
        out.push(t.contact(token, b).await);
    }
    // Two anonymized contacts: no name left, kept in the lists.
    for i in [3, 12] {
        raw_sql(
            t,
            &format!(
                "UPDATE contacts SET first_name = NULL, last_name = NULL, company_name = NULL, name_key = NULL, \
                 anonymized_at = 1700000000000 WHERE id = '{}'",
                out[i]
            ),
        )
        .await;
    }
    // Shared instants, so the id breaks ties in the date orders too.
    let base = 1_650_000_000_000_i64;
    for (i, id) in out.iter().enumerate() {
        let at = base + (i as i64 % 4) * 60_000;
        raw_sql(
            t,
            &format!("UPDATE contacts SET created_at = {at} WHERE id = '{id}'"),
        )
        .await;
    }
    out
}

#[tokio::test]
async fn contacts_every_sort_walks_every_page_in_order() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let made = contacts(&t, &admin).await;
    let mine: BTreeSet<&String> = made.iter().collect();
    // The demo seed may hold contacts of its own: the checks below are on the order
    // of everything listed, ours included.
    for size in [1, 3, 5] {
        for sort in ["created_desc", "created_asc", "name_asc", "name_desc"] {
            let base = format!("/api/v1/contacts?sort={sort}");
            let items = walk(&t, &admin, &base, size).await;
            let listed: BTreeSet<String> = ids(&items).into_iter().collect();
            assert!(mine.iter().all(|id| listed.contains(*id)), "{base}");
            let keys: Vec<(String, String, String)> = items
                .iter()
                .map(|c| {
                    let key = if sort.starts_with("created") {
                        created(c)
                    } else {
                        contact_key(c)
                    };
                    (key, id_of(c), String::new())
                })
                .collect();
            assert_sorted(&base, keys, sort.ends_with("desc"));
        }
    }
    // The default is newest first.
    let (_, a) = t.get("/api/v1/contacts?limit=500", &admin).await;
    let (_, b) = t
        .get("/api/v1/contacts?limit=500&sort=created_desc", &admin)
        .await;
    assert_eq!(a, b);

    // What brokers see: A to Z by last name, then first name, case ignored; the
    // anonymized at the end.
    let items = walk(&t, &admin, "/api/v1/contacts?sort=name_asc", 4).await;
    let names: Vec<String> = items
        .iter()
        .filter(|c| mine.contains(&id_of(c)))
        .map(|c| {
            c["last_name"]
                .as_str()
                .or(c["company_name"].as_str())
                .map(|l| format!("{l} {}", c["first_name"].as_str().unwrap_or("")))
                .unwrap_or_else(|| "—".into())
                .trim()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "Assurances Arnaud SARL",
            "Aubert Léa",
            "Bernard Hugo",
            "Dupont",
            "Duponteil Anne",
            "Durand Claire",
            "Durand Claire",
            "martin Alain",
            "MARTIN Bruno",
            "Martin Zoé",
            "Vidal Paul",
            "zeta conseil Marc",
            "—",
            "—",
        ]
    );
    let reversed = walk(&t, &admin, "/api/v1/contacts?sort=name_desc", 4).await;
    let mut back = ids(&reversed);
    back.reverse();
    assert_eq!(back, ids(&items), "name_desc is name_asc backwards");

    // Filters and search keep the order and the paging.
    let items = walk(
        &t,
        &admin,
        "/api/v1/contacts?sort=name_desc&status=prospect&q=mar",
        2,
    )
    .await;
    let got: Vec<&str> = items
        .iter()
        .map(|c| c["first_name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(got, ["Marc", "Zoé", "Bruno", "Alain"]);
}

/// Accents do not move a name out of its letter: "Écuyer" sorts among the E (after
/// "Eckert", before "Eden"), "Œuvray" among the O, not after Z; both ways, and the same
/// on both databases.
#[tokio::test]
async fn accented_names_sort_with_their_letter() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let tag = format!(
        "Accents-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let names = [
        ("Zola", "Émile"),
        ("Eden", "Luc"),
        ("Écuyer", "Jean"),
        ("Œuvray", "Anne"),
        ("Eckert", "Zoé"),
        ("ÉCUYER", "Éric"),
        ("Olivier", "Ève"),
    ];
    for (last, first) in names {
        t.contact(
            &admin,
            json!({"last_name": last, "first_name": first, "supplier": tag}),
        )
        .await;
    }
    let want = [
        "Eckert Zoé",
        "Écuyer Éric",
        "Écuyer Jean",
        "Eden Luc",
        "Œuvray Anne",
        "Olivier Ève",
        "Zola Émile",
    ];
    for (sort, reversed) in [("name_asc", false), ("name_desc", true)] {
        let (s, v) = t
            .get(
                &format!("/api/v1/contacts?supplier={tag}&sort={sort}"),
                &admin,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let got: Vec<String> = v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| {
                let last = c["last_name"].as_str().unwrap_or_default();
                // ÉCUYER and Écuyer tie on the key: compare them case-blind.
                let last = if last == "ÉCUYER" { "Écuyer" } else { last };
                format!("{last} {}", c["first_name"].as_str().unwrap_or_default())
            })
            .collect();
        let mut expected: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        if reversed {
            expected.reverse();
        }
        assert_eq!(got, expected, "{sort}");
    }
}

#[tokio::test]
async fn a_sales_user_sorts_their_own_contacts() {
    let t = TestApp::new().await;
    let sales = t.login("commercial1@demo.fr").await;
    let admin = t.login("admin@demo.fr").await;
    contacts(&t, &sales).await;
    t.contact(&admin, json!({"last_name": "Aaron"})).await;
    let items = walk(&t, &sales, "/api/v1/contacts?sort=name_asc", 3).await;
    assert!(items.len() >= 14);
    assert!(
        items.iter().all(|c| c["last_name"] != "Aaron"),
        "only their own"
    );
    let keys = items
        .iter()
        .map(|c| (contact_key(c), id_of(c), String::new()))
        .collect();
    assert_sorted("sales name_asc", keys, false);
}

#[tokio::test]
async fn projects_every_sort_walks_every_page_in_order_with_the_contact_name() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let made = contacts(&t, &admin).await;
    // Several projects per contact (the contact's id, then the project's, break ties),
    // including the anonymized contacts (made before their anonymization in real life;
    // inserted here through the API before it, so by hand after).
    let mut projects = Vec::new();
    for (i, c) in made.iter().enumerate() {
        if [3, 12].contains(&i) {
            continue;
        }
        for kind in ["auto", "sante", "habitation"].iter().take(1 + i % 3) {
            let (s, v) = t
                .post(
                    "/api/v1/projects",
                    &admin,
                    json!({"contact_id": c, "type": kind, "supplier": "Lead Plus"}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            projects.push((id_of(&v), c.clone()));
        }
    }
    for (i, (p, _)) in projects.iter().enumerate() {
        let at = 1_650_000_000_000_i64 + (i as i64 % 5) * 1000;
        raw_sql(
            &t,
            &format!("UPDATE projects SET created_at = {at} WHERE id = '{p}'"),
        )
        .await;
    }
    let anon_project = "0190a0b0-0000-7000-8000-00000000a0a0";
    raw_sql(
        &t,
        &format!(
            "INSERT INTO projects (id, cabinet_id, contact_id, type, status, created_at, updated_at) \
             SELECT '{anon_project}', cabinet_id, id, 'auto', 'nouveau', 1650000000000, 1650000000000 \
             FROM contacts WHERE id = '{}'",
            made[3]
        ),
    )
    .await;

    // Contact keys by id, from the contacts list.
    let (_, all) = t.get("/api/v1/contacts?limit=500", &admin).await;
    let keys: std::collections::HashMap<String, String> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| (id_of(c), contact_key(c)))
        .collect();

    for size in [1, 4, 7] {
        for sort in ["created_desc", "created_asc", "contact_asc", "contact_desc"] {
            let base = format!("/api/v1/projects?sort={sort}");
            let items = walk(&t, &admin, &base, size).await;
            let rows = items
                .iter()
                .map(|p| {
                    let contact = p["contact_id"].as_str().expect("contact_id").to_string();
                    if sort.starts_with("created") {
                        (created(p), id_of(p), String::new())
                    } else {
                        (keys[&contact].clone(), contact, id_of(p))
                    }
                })
                .collect();
            assert_sorted(&base, rows, sort.ends_with("desc"));
        }
    }

    // The contact's name comes with each project; none for an anonymized contact.
    let items = walk(&t, &admin, "/api/v1/projects?sort=contact_asc", 50).await;
    let first = &items[0];
    assert_eq!(first["contact_name"], "Assurances Arnaud SARL", "{first}");
    let named: Vec<&str> = items
        .iter()
        .filter_map(|p| p["contact_name"].as_str())
        .collect();
    assert!(named.contains(&"Zoé Martin"), "{named:?}");
    assert!(named.contains(&"zeta conseil"), "{named:?}");
    let last = items.last().expect("rows");
    assert_eq!(last["id"], anon_project);
    assert!(last["contact_name"].is_null(), "{last}");
    assert!(!last["anonymized_at"].is_null(), "{last}");
    // The project fields are all there beside it (the response only grew).
    assert_eq!(first["type"], "auto");
    assert!(first["beneficiaries"].is_array());

    // A filter with a sort.
    let items = walk(
        &t,
        &admin,
        "/api/v1/projects?sort=contact_desc&type=habitation",
        2,
    )
    .await;
    assert!(items.iter().all(|p| p["type"] == "habitation"));
    assert!(!items.is_empty());
}

#[tokio::test]
async fn a_cursor_works_only_with_its_own_sort() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let made = contacts(&t, &admin).await;
    for c in made.iter().take(3) {
        let (s, _) = t
            .post(
                "/api/v1/projects",
                &admin,
                json!({"contact_id": c, "type": "auto"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    for (list, sorts) in [
        (
            "contacts",
            ["created_desc", "created_asc", "name_asc", "name_desc"],
        ),
        (
            "projects",
            ["created_desc", "created_asc", "contact_asc", "contact_desc"],
        ),
    ] {
        for from in sorts {
            let (s, v) = t
                .get(&format!("/api/v1/{list}?sort={from}&limit=1"), &admin)
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            let next = v["next"].as_str().expect("a second page").to_string();
            for to in sorts {
                let path = format!("/api/v1/{list}?sort={to}&limit=1&after={next}");
                let (s, v) = t.get(&path, &admin).await;
                if to == from {
                    assert_eq!(s, StatusCode::OK, "{path}: {v}");
                } else {
                    assert_invalid(s, &v, "after", OTHER_SORT_MSG);
                }
            }
            // Without `sort`, the list is in its default order.
            let path = format!("/api/v1/{list}?limit=1&after={next}");
            let (s, v) = t.get(&path, &admin).await;
            if from == "created_desc" {
                assert_eq!(s, StatusCode::OK, "{path}: {v}");
            } else {
                assert_invalid(s, &v, "after", OTHER_SORT_MSG);
            }
        }
    }
    // Unknown sorts, and one list's sort on the other list.
    for (path, allowed) in [
        (
            "/api/v1/contacts?sort=nom",
            "created_desc, created_asc, name_asc, name_desc",
        ),
        (
            "/api/v1/contacts?sort=contact_asc",
            "created_desc, created_asc, name_asc, name_desc",
        ),
        (
            "/api/v1/projects?sort=name_asc",
            "created_desc, created_asc, contact_asc, contact_desc",
        ),
    ] {
        let (s, v) = t.get(path, &admin).await;
        assert_invalid(
            s,
            &v,
            "sort",
            &format!("Tri inconnu. Valeurs possibles : {allowed}."),
        );
    }
    // A forged or damaged cursor is a bad request, not a 500.
    for bad in [
        "name_asc~zz~abc",
        "name_asc~6~abc",
        "name_asc~61",
        "name_asc~61~a~b",
        "contact_asc~61~abc",
        "created_desc~x~abc",
    ] {
        let sort = bad.split('~').next().unwrap_or_default();
        let list = if sort.starts_with("contact") {
            "projects"
        } else {
            "contacts"
        };
        let (s, v) = t
            .get(&format!("/api/v1/{list}?sort={sort}&after={bad}"), &admin)
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert_eq!(v["error"]["message"], "Curseur de pagination invalide.");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_the_sort_and_the_contact_name() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let (s, doc) = t.get("/api/v1/openapi.json", &admin).await;
    assert_eq!(s, StatusCode::OK);
    for path in ["/api/v1/contacts", "/api/v1/projects"] {
        let params = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} parameters"));
        let sort = params
            .iter()
            .find(|p| p["name"] == "sort")
            .unwrap_or_else(|| panic!("{path}: no sort parameter"));
        let text = sort["description"].as_str().unwrap_or_default();
        for value in ["created_desc", "name_asc", "contact_asc"] {
            assert!(text.contains(value), "{path}: {text}");
        }
    }
    let item = &doc["components"]["schemas"]["ProjectListItem"];
    assert!(!item.is_null(), "ProjectListItem schema");
    assert!(
        item.to_string().contains("contact_name"),
        "ProjectListItem: {item}"
    );
    let page = doc["paths"]["/api/v1/projects"]["get"]["responses"]["200"].to_string();
    assert!(page.contains("ProjectListItem"), "{page}");
}

/// The lists keep their totals between requests (counting is what grows with the
/// cabinet), but never past a change: creating, editing, anonymizing or deleting
/// moves the totals at once, for every filter.
#[tokio::test]
async fn list_totals_follow_every_change_at_once() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let total = |v: &Value| v["total"].as_i64().expect("total");
    let q = "/api/v1/contacts?q=Totalement&limit=1";
    let (s, v) = t.get(q, &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let base = total(&v);
    // Asked twice, same answer.
    assert_eq!(total(&t.get(q, &admin).await.1), base);

    let c = t
        .contact(
            &admin,
            json!({"last_name": "Totalement", "status": "prospect"}),
        )
        .await;
    assert_eq!(total(&t.get(q, &admin).await.1), base + 1);
    let prospects = format!("{q}&status=prospect");
    let p0 = total(&t.get(&prospects, &admin).await.1);
    let (s, v) = t
        .patch(
            &format!("/api/v1/contacts/{c}"),
            &admin,
            json!({"status": "client"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(total(&t.get(&prospects, &admin).await.1), p0 - 1);

    let (s, v) = t
        .post(
            "/api/v1/projects",
            &admin,
            json!({"contact_id": c, "type": "sante"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let projects = "/api/v1/projects?q=Totalement&limit=1";
    let before = total(&t.get(projects, &admin).await.1);
    assert!(before >= 1);
    let (s, _) = t.delete(&format!("/api/v1/contacts/{c}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(total(&t.get(q, &admin).await.1), base);
    assert_eq!(total(&t.get(projects, &admin).await.1), before - 1);
}
