//! `reset`: a cursor that is another user's, beyond the cabinet's sequence, or older
//! than a change of what the user may see (role, team, activation, a member moving).

use crate::common::TestApp;
use crate::support::*;
use serde_json::{json, Value};

fn assert_reset(v: &Value) {
    assert_eq!(v["reset"], true, "{v}");
    assert_eq!(v["upserts"], json!([]), "{v}");
    assert_eq!(v["tombstones"], json!([]), "{v}");
    assert_eq!(v["cursor"], "", "{v}");
}

fn assert_no_reset(v: &Value) {
    assert_eq!(v["reset"], false, "{v}");
}

#[tokio::test]
async fn another_users_cursor_or_one_beyond_the_head_resets() {
    let t = TestApp::new().await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let witness = t.login("admin@temoin.fr").await;
    contact_with_note(&t, &s1, "Un", None).await;
    let (_, c1) = sync_all(&t, &s1, None).await;
    let (_, c2) = sync_all(&t, &s2, None).await;
    let (_, cw) = sync_all(&t, &witness, None).await;
    assert_no_reset(&sync(&t, &s1, Some(&c1), None).await);
    // A cache left behind by another user of the same device, or of another cabinet.
    assert_reset(&sync(&t, &s2, Some(&c1), None).await);
    assert_reset(&sync(&t, &s1, Some(&c2), None).await);
    assert_reset(&sync(&t, &s1, Some(&cw), None).await);
    assert_reset(&sync(&t, &witness, Some(&c1), None).await);
    // Own tag, but a sequence the cabinet has not reached (a restored database).
    let (_, tag) = c1.split_once('.').expect("tag");
    let ahead = format!("{}.{tag}", seq(&c1) + 1000);
    assert_reset(&sync(&t, &s1, Some(&ahead), None).await);
    // The head itself and zero are fine.
    assert_no_reset(&sync(&t, &s1, Some(&format!("0.{tag}")), None).await);
    // After a reset the client syncs with no cursor (an empty one says the same).
    let v = sync(&t, &s1, Some(""), None).await;
    assert_no_reset(&v);
    assert_eq!(v["upserts"].as_array().map(Vec::len), Some(1));
    assert_no_reset(&sync(&t, &s1, Some(&cursor(&v)), None).await);
}

#[tokio::test]
async fn a_change_of_role_team_or_activation_resets_older_cursors_once() {
    let t = TestApp::new().await;
    let a = &t.acc;
    let admin = t.login("admin@demo.fr").await;
    let chef = t.login("chef@demo.fr").await;
    let s1 = t.login("commercial1@demo.fr").await;
    let s2 = t.login("commercial2@demo.fr").await;
    let c1 = contact_with_note(&t, &s1, "Nord", None).await;
    let c2 = contact_with_note(&t, &admin, "Sud", Some(&a.sales2)).await;
    let mut cur = Vec::new();
    for token in [&admin, &chef, &s1, &s2] {
        cur.push(sync_all(&t, token, None).await.1);
    }

    // Commercial1 moves to the south team: their cursor, and those of both teams'
    // members (the north lead loses their contacts, the south sees them come) reset;
    // the administrator's scope did not change.
    patch_user(&t, &admin, &a.sales1, json!({"team_id": a.team_south})).await;
    assert_reset(&sync(&t, &s1, Some(&cur[2]), None).await);
    assert_reset(&sync(&t, &chef, Some(&cur[1]), None).await);
    assert_reset(&sync(&t, &s2, Some(&cur[3]), None).await);
    assert_no_reset(&sync(&t, &admin, Some(&cur[0]), None).await);
    // Once synced again from no cursor, no more reset; the lead no longer has c1.
    let (got, chef_cur) = sync_all(&t, &chef, None).await;
    assert!(!got.contains(&c1), "{got:?}");
    assert_eq!(set(&got), list_ids(&t, &chef).await);
    assert_no_reset(&sync(&t, &chef, Some(&chef_cur), None).await);
    let (_, s1_cur) = sync_all(&t, &s1, None).await;
    assert_no_reset(&sync(&t, &s1, Some(&s1_cur), None).await);

    // A role change: commercial2 becomes the south team's lead and sees commercial1's
    // contacts too.
    let (_, s2_cur) = sync_all(&t, &s2, None).await;
    patch_user(&t, &admin, &a.sales2, json!({"role": "team_lead"})).await;
    let s2 = t.login("commercial2@demo.fr").await;
    assert_reset(&sync(&t, &s2, Some(&s2_cur), None).await);
    let (got, _) = sync_all(&t, &s2, None).await;
    assert_eq!(set(&got), set(&[&c1, &c2]));

    // Deactivated, then reactivated: the old cursor resets.
    let (_, s1_cur) = sync_all(&t, &s1, None).await;
    patch_user(&t, &admin, &a.sales1, json!({"active": false})).await;
    patch_user(&t, &admin, &a.sales1, json!({"active": true})).await;
    let s1 = t.login("commercial1@demo.fr").await;
    assert_reset(&sync(&t, &s1, Some(&s1_cur), None).await);
    // A change of name is no change of scope.
    let (_, s1_cur) = sync_all(&t, &s1, None).await;
    patch_user(&t, &admin, &a.sales1, json!({"name": "Camille C."})).await;
    assert_no_reset(&sync(&t, &s1, Some(&s1_cur), None).await);
}
