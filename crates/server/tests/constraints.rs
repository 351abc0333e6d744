//! Issue 15, item 4: the storage's unique indexes and foreign keys decide races that a
//! check before the write cannot, and their violation answers like the check would
//! (`error::OnConstraint`), on SQLite and PostgreSQL alike: never a 500.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use oubli_server::db::rows::insert;
use oubli_server::error::{ApiError, OnConstraint};
use oubli_server::routes::admin::{USERS_EMAIL, USERS_TEAM};
use oubli_server::{app, AppState, Config};
use serde_json::{json, Value};

fn new_user(email: &str) -> Value {
    json!({"email": email, "name": "Double", "role": "sales",
           "password": "un mot de passe solide"})
}

/// How many users hold `email`, counted by the API.
async fn holders(t: &TestApp, admin: &str, email: &str) -> usize {
    let (s, users) = t.get("/api/v1/users", admin).await;
    assert_eq!(s, StatusCode::OK, "{users}");
    users
        .as_array()
        .expect("users")
        .iter()
        .filter(|u| u["email"] == email)
        .count()
}

/// The answer any taken address gets (issue 14 item 7): the loser of a race must get
/// exactly this, not a 500 and not a message of its own.
async fn taken_answer(t: &TestApp, admin: &str) -> Value {
    let (s, v) = t
        .post("/api/v1/users", admin, new_user("commercial1@demo.fr"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    v
}

fn one_created_one_refused(a: &(StatusCode, Value), b: &(StatusCode, Value), taken: &Value) {
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY],
        "{} / {}",
        a.1,
        b.1
    );
    let refused = if a.0 == StatusCode::CREATED {
        &b.1
    } else {
        &a.1
    };
    assert_eq!(
        refused, taken,
        "the loser gets the answer of any taken address"
    );
}

/// Two creations of one address through one server, a few times over so that they
/// really run at once (argon2 runs on blocking threads, the rest interleaves).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_created_twice_at_once_gives_one_201_and_one_422() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let taken = taken_answer(&t, &admin).await;
    for round in 0..6 {
        let email = format!("double{round}@demo.fr");
        let (a, b) = tokio::join!(
            t.post("/api/v1/users", &admin, new_user(&email)),
            t.post("/api/v1/users", &admin, new_user(&email))
        );
        one_created_one_refused(&a, &b, &taken);
        assert_eq!(holders(&t, &admin, &email).await, 1, "round {round}");
    }
}

/// The same race between two server instances sharing the database (two pools: on
/// SQLite two writers on one file, on PostgreSQL two sets of connections).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_creating_one_address_at_once_give_one_201_and_one_422() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.fr").await;
    let taken = taken_answer(&t, &admin).await;
    let other = TestApp {
        router: app(AppState::new(
            t.same_database().await,
            Config::new(t.dir.path().to_path_buf()),
        )),
        state: t.state.clone(),
        acc: t.acc.clone(),
        dir: tempfile::tempdir().expect("tempdir"),
    };
    for round in 0..6 {
        let email = format!("twice{round}@demo.fr");
        let (a, b) = tokio::join!(
            t.post("/api/v1/users", &admin, new_user(&email)),
            other.post("/api/v1/users", &admin, new_user(&email))
        );
        one_created_one_refused(&a, &b, &taken);
        assert_eq!(holders(&t, &admin, &email).await, 1, "round {round}");
    }
}

/// The helper itself: a violation of the named constraint becomes its answer on the
/// right field, and nothing else is caught by it.
#[tokio::test]
async fn a_violation_becomes_the_answer_of_its_own_constraint_only() {
    let t = TestApp::new().await;
    let user = |email: &str, team: Option<&str>| {
        insert(
            "users",
            vec![
                ("id", uuid::Uuid::new_v4().to_string().into()),
                ("cabinet_id", t.acc.demo_cabinet.clone().into()),
                ("team_id", team.map(String::from).into()),
                ("email", email.to_string().into()),
                ("name", "X".to_string().into()),
                ("role", "sales".to_string().into()),
                ("password_hash", "x".to_string().into()),
                ("active", 1i64.into()),
                ("created_at", 0i64.into()),
                ("updated_at", 0i64.into()),
            ],
        )
    };
    let field = |e: &ApiError| match e {
        ApiError::Invalid(f) => f.keys().cloned().collect::<Vec<_>>(),
        other => panic!("not a 422: {other:?}"),
    };

    // A taken address: USERS_EMAIL answers on `email`; USERS_TEAM lets it through.
    let mut tx = t.state.db.begin().await.expect("begin");
    let r = tx.exec(&user("admin@demo.fr", None)).await;
    let e = r.on_constraint(&USERS_TEAM).expect_err("taken");
    assert!(matches!(e, ApiError::Storage(_)), "{e:?}");
    drop(tx);
    let mut tx = t.state.db.begin().await.expect("begin");
    let r = tx.exec(&user("admin@demo.fr", None)).await;
    let e = r.on_constraint(&USERS_EMAIL).expect_err("taken");
    assert_eq!(field(&e), ["email"]);
    drop(tx);

    // An unknown team: USERS_TEAM answers on `team_id`; USERS_EMAIL lets it through.
    let mut tx = t.state.db.begin().await.expect("begin");
    let r = tx.exec(&user("libre@demo.fr", Some("no-such-team"))).await;
    let e = r.on_constraint(&USERS_EMAIL).expect_err("unknown team");
    assert!(matches!(e, ApiError::Storage(_)), "{e:?}");
    drop(tx);
    let mut tx = t.state.db.begin().await.expect("begin");
    let r = tx.exec(&user("libre@demo.fr", Some("no-such-team"))).await;
    let e = r.on_constraint(&USERS_TEAM).expect_err("unknown team");
    assert_eq!(field(&e), ["team_id"]);
    drop(tx);

    // The answer carries the constraint's French message, not the stored value.
    let body = format!("{:?}", USERS_EMAIL.error());
    assert!(!body.contains("admin@demo.fr"), "{body}");
}
