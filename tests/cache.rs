//! The offline cache (src/cache/) against the real IndexedDB of a headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test cache`.
//! Each test works on the database of its own user id, deleted first, so tests do not
//! see each other's data. `/sync` is played by closures (`sync_with`), no server.
#![cfg(target_arch = "wasm32")]

use chrono::{TimeZone, Utc};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use js_sys::Uint8Array;
use oubli::api::ApiError;
use oubli::cache::sync::{sync_with, Synced};
use oubli::cache::{crypto, Applied, Cache, CacheError, SyncBatch};
use oubli_domain::{SyncRecord, SyncResponse};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PASSWORD: &str = "correct horse battery staple";
const NAME: &str = "Séverine";
const EMAIL: &str = "severine.dupont@example.fr";

/// A UUID-like user id of its own per test.
fn user(n: u8) -> String {
    format!("00000000-0000-4000-8000-0000000000{n:02x}")
}

fn contact_id(n: u16) -> String {
    format!("c0000000-0000-4000-8000-{n:012x}")
}

/// A whole record with personal values in the contact and in a note.
fn record(n: u16, last_name: &str) -> SyncRecord {
    let id = contact_id(n);
    serde_json::from_value(json!({
        "id": id,
        "first_name": NAME,
        "last_name": last_name,
        "email": EMAIL,
        "mobile_phone": "06 12 34 56 78",
        "city": "Lyon",
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:05Z",
        "household": [],
        "projects": [],
        "contracts": [],
        "activity_counts": {"notes": 1},
        "notes": [{
            "id": format!("a0000000-0000-4000-8000-{n:012x}"),
            "contact_id": id,
            "kind": "notes",
            "author_id": null,
            "body": "Rappeler Séverine au sujet de sa mutuelle.",
            "file_name": null,
            "content_type": null,
            "size_bytes": null,
            "created_at": "2026-01-03T10:00:00Z",
            "updated_at": "2026-01-03T10:00:00Z"
        }],
        "tasks": [],
        "appointments": []
    }))
    .expect("a valid SyncRecord")
}

fn batch(upserts: Vec<SyncRecord>, tombstones: &[u16], cursor: &str, more: bool) -> SyncResponse {
    SyncResponse {
        upserts,
        tombstones: tombstones.iter().map(|n| contact_id(*n)).collect(),
        cursor: cursor.into(),
        more,
        reset: false,
    }
}

fn reset() -> SyncResponse {
    SyncResponse {
        upserts: vec![record(99, "Ignoré")],
        tombstones: vec![],
        cursor: "999".into(),
        more: false,
        reset: true,
    }
}

fn ids(records: &[SyncRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.detail.contact.id.clone())
        .collect()
}

async fn fresh(user_id: &str, server_key: Option<[u8; 32]>) -> Cache {
    Cache::delete(user_id)
        .await
        .expect("delete before the test");
    Cache::create(user_id, PASSWORD, server_key)
        .await
        .expect("create")
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap()
}

#[wasm_bindgen_test]
async fn records_in_come_out_equal() {
    let user_id = user(1);
    let cache = fresh(&user_id, None).await;
    assert_eq!(cache.cursor().await.unwrap(), None);
    assert_eq!(cache.last_synced().await.unwrap(), None);

    let records = vec![
        record(3, "Dupont"),
        record(1, "Martin"),
        record(2, "Durand"),
    ];
    let applied = cache
        .apply_response(&batch(records.clone(), &[], "42", false), now())
        .await
        .unwrap();
    assert_eq!(applied, Applied::Batch);

    let mut expected = records.clone();
    expected.sort_by(|a, b| a.detail.contact.id.cmp(&b.detail.contact.id));
    assert!(cache.all().await.unwrap() == expected, "all() in id order");
    assert!(cache.get(&contact_id(2)).await.unwrap() == Some(records[2].clone()));
    assert!(cache.get(&contact_id(7)).await.unwrap().is_none());
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("42"));
    assert_eq!(cache.last_synced().await.unwrap(), Some(now()));

    // Still there, and still equal, after closing and opening with the password.
    cache.close();
    let cache = Cache::unlock_with_password(&user_id, PASSWORD)
        .await
        .unwrap();
    assert!(cache.all().await.unwrap() == expected);
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn tombstones_purge_and_upserts_replace() {
    let user_id = user(2);
    let cache = fresh(&user_id, None).await;
    let first = vec![
        record(1, "Martin"),
        record(2, "Durand"),
        record(3, "Dupont"),
    ];
    cache
        .apply_response(&batch(first, &[], "1", false), now())
        .await
        .unwrap();

    // Contact 2 erased, 3 changed, 4 new; a tombstone for an id never cached is harmless.
    let second = vec![record(3, "Dupont-Moreau"), record(4, "Petit")];
    cache
        .apply_response(&batch(second, &[2, 9], "2", false), now())
        .await
        .unwrap();

    let all = cache.all().await.unwrap();
    assert_eq!(ids(&all), vec![contact_id(1), contact_id(3), contact_id(4)]);
    assert_eq!(
        all[1].detail.contact.fields.last_name.as_deref(),
        Some("Dupont-Moreau")
    );
    assert!(cache.get(&contact_id(2)).await.unwrap().is_none());
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("2"));
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn reset_clears_records_and_cursor() {
    let user_id = user(3);
    let cache = fresh(&user_id, None).await;
    let records = vec![record(1, "Martin"), record(2, "Durand")];
    cache
        .apply_response(&batch(records, &[], "7", false), now())
        .await
        .unwrap();

    assert_eq!(
        cache.apply_response(&reset(), now()).await.unwrap(),
        Applied::Reset
    );
    assert!(
        cache.all().await.unwrap().is_empty(),
        "records cleared, batch ignored"
    );
    assert_eq!(cache.cursor().await.unwrap(), None);
    assert_eq!(cache.last_synced().await.unwrap(), None);

    // The key is kept: the cache still opens and fills again.
    cache.close();
    let cache = Cache::unlock_with_password(&user_id, PASSWORD)
        .await
        .unwrap();
    cache
        .apply_response(&batch(vec![record(5, "Roux")], &[], "1", false), now())
        .await
        .unwrap();
    assert_eq!(ids(&cache.all().await.unwrap()), vec![contact_id(5)]);
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn wrong_password_is_refused_and_changes_nothing() {
    let user_id = user(4);
    let cache = fresh(&user_id, None).await;
    cache
        .apply_response(&batch(vec![record(1, "Martin")], &[], "3", false), now())
        .await
        .unwrap();
    cache.close();

    for wrong in [
        "",
        "correct horse battery stapl",
        "Correct horse battery staple",
    ] {
        let refused = Cache::unlock_with_password(&user_id, wrong).await;
        assert_eq!(refused.err(), Some(CacheError::WrongPassword), "{wrong:?}");
    }
    assert!(Cache::exists(&user_id).await.unwrap());

    let cache = Cache::unlock_with_password(&user_id, PASSWORD)
        .await
        .expect("the right password still opens");
    assert_eq!(ids(&cache.all().await.unwrap()), vec![contact_id(1)]);
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("3"));
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

/// `haystack` contains `needle` as a run of bytes.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn assert_no_personal_value(bytes: &[u8], what: &str) {
    for value in [NAME, EMAIL, "Dupont", "mutuelle", "06 12 34 56 78", "Lyon"] {
        assert!(
            !contains(bytes, value.as_bytes()),
            "{what}: {value} in UTF-8"
        );
        assert!(
            !contains(bytes, &utf16(value, false)),
            "{what}: {value} in UTF-16LE"
        );
        assert!(
            !contains(bytes, &utf16(value, true)),
            "{what}: {value} in UTF-16BE"
        );
    }
}

/// Opens the cache's database directly, as anyone with access to the profile could,
/// and returns every (key, value) of `store`.
async fn raw(user_id: &str, store: &str) -> Vec<(JsValue, JsValue)> {
    let db = Database::open(format!("oubli-cache-{user_id}").as_str())
        .await
        .expect("open raw");
    let tx = db.transaction(store).build().unwrap();
    let os = tx.object_store(store).unwrap();
    let keys = os.get_all_keys::<JsValue>().primitive().unwrap();
    let values = os.get_all::<JsValue>().primitive().unwrap();
    let keys: Vec<JsValue> = keys.await.unwrap().map(Result::unwrap).collect();
    let values: Vec<JsValue> = values.await.unwrap().map(Result::unwrap).collect();
    drop(tx);
    db.close();
    keys.into_iter().zip(values).collect()
}

#[wasm_bindgen_test]
async fn a_record_read_raw_from_indexeddb_is_ciphertext() {
    let user_id = user(5);
    let cache = fresh(&user_id, Some([7; 32])).await;
    let dupont = record(1, "Dupont");
    let json_len = serde_json::to_vec(&dupont).unwrap().len();
    cache
        .apply_response(&batch(vec![dupont], &[], "1", false), now())
        .await
        .unwrap();
    // Control: the plaintext does hold the values looked for, so the search can fail.
    let plain = serde_json::to_vec(&cache.get(&contact_id(1)).await.unwrap().unwrap()).unwrap();
    assert!(contains(&plain, NAME.as_bytes()) && contains(&plain, EMAIL.as_bytes()));

    let records = raw(&user_id, "records").await;
    assert_eq!(records.len(), 1);
    let (key, value) = &records[0];
    assert_eq!(key.as_string(), Some(contact_id(1)), "keyed by the UUID");
    let bytes = value
        .dyn_ref::<Uint8Array>()
        .expect("the value is bytes")
        .to_vec();
    assert_eq!(
        bytes.len(),
        crypto::NONCE_LEN + json_len + crypto::TAG_LEN,
        "nonce ‖ ciphertext ‖ tag"
    );
    assert_no_personal_value(&bytes, "record");
    console_log!(
        "one record: JSON {json_len} B, stored {} B (nonce 24 + tag 16)",
        bytes.len()
    );

    // Nor anything in meta: names are fixed, values are a cursor, a time, a salt, a
    // count and wrapped keys.
    for (key, value) in raw(&user_id, "meta").await {
        let name = key.as_string().expect("meta keys are names");
        let text = value.as_string().unwrap_or_default();
        let bytes = match value.dyn_ref::<Uint8Array>() {
            Some(b) => b.to_vec(),
            None => text.clone().into_bytes(),
        };
        assert_no_personal_value(name.as_bytes(), "meta key");
        assert_no_personal_value(&bytes, &name);
    }
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_value_moved_under_another_id_does_not_open() {
    let user_id = user(6);
    let cache = fresh(&user_id, None).await;
    let records = vec![record(1, "Martin"), record(2, "Durand")];
    cache
        .apply_response(&batch(records, &[], "1", false), now())
        .await
        .unwrap();
    cache.close();

    // Copy record 1's value over record 2, directly in the store.
    let (_, value) = raw(&user_id, "records").await.remove(0);
    let db = Database::open(format!("oubli-cache-{user_id}").as_str())
        .await
        .unwrap();
    let tx = db
        .transaction("records")
        .with_mode(indexed_db_futures::transaction::TransactionMode::Readwrite)
        .build()
        .unwrap();
    let os = tx.object_store("records").unwrap();
    drop(
        os.put(&value)
            .with_key(contact_id(2).as_str())
            .primitive()
            .unwrap(),
    );
    drop(os);
    tx.commit().await.unwrap();
    db.close();

    let cache = Cache::unlock_with_password(&user_id, PASSWORD)
        .await
        .unwrap();
    assert!(cache.get(&contact_id(1)).await.unwrap().is_some());
    assert_eq!(
        cache.get(&contact_id(2)).await.err(),
        Some(CacheError::Corrupt)
    );
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_full_batch_applies_and_reads_back() {
    let user_id = user(12);
    let cache = fresh(&user_id, None).await;
    let n = oubli_domain::SYNC_BATCH as u16;
    let records: Vec<SyncRecord> = (0..n).map(|i| record(i, "Dupont")).collect();
    let start = js_sys::Date::now();
    cache
        .apply_response(&batch(records, &[], "500", true), now())
        .await
        .unwrap();
    let applied = js_sys::Date::now() - start;
    let start = js_sys::Date::now();
    let all = cache.all().await.unwrap();
    let read = js_sys::Date::now() - start;
    console_log!("{n} records: apply {applied:.0} ms, all() {read:.0} ms");
    assert_eq!(all.len(), usize::from(n));
    assert_eq!(all[0].detail.contact.id, contact_id(0));

    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

/// A `/sync` played by a list of answers; records the cursor of each call.
#[derive(Clone, Default)]
struct Server {
    answers: Rc<RefCell<Vec<Result<SyncResponse, ApiError>>>>,
    asked: Rc<RefCell<Vec<Option<String>>>>,
}

impl Server {
    fn new(answers: Vec<Result<SyncResponse, ApiError>>) -> Self {
        Server {
            answers: Rc::new(RefCell::new(answers)),
            asked: Rc::default(),
        }
    }

    async fn sync(&self, cache: &Cache) -> Result<Synced, CacheError> {
        sync_with(cache, |since| {
            self.asked.borrow_mut().push(since);
            let answer = self.answers.borrow_mut().remove(0);
            let answer = answer.map(|r| SyncBatch::from_response(&r).unwrap());
            async move { answer }
        })
        .await
    }

    fn asked(&self) -> Vec<Option<String>> {
        self.asked.borrow().clone()
    }
}

fn some(cursor: &str) -> Option<String> {
    Some(cursor.into())
}

#[wasm_bindgen_test]
async fn an_interrupted_sync_resumes_from_the_last_committed_cursor() {
    let user_id = user(7);
    let cache = fresh(&user_id, None).await;
    let server = Server::new(vec![
        Ok(batch(
            vec![record(1, "Martin"), record(2, "Durand")],
            &[],
            "10",
            true,
        )),
        Err(ApiError::network()),
    ]);
    let failed = server.sync(&cache).await;
    assert_eq!(failed.err(), Some(CacheError::Api(ApiError::network())));
    assert_eq!(server.asked(), vec![None, some("10")]);
    // The tab goes away; a later opening finds batch 1 and its cursor.
    cache.close();

    let cache = Cache::unlock_with_password(&user_id, PASSWORD)
        .await
        .unwrap();
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("10"));
    assert_eq!(
        ids(&cache.all().await.unwrap()),
        vec![contact_id(1), contact_id(2)]
    );

    let server = Server::new(vec![
        Ok(batch(vec![record(3, "Dupont")], &[1], "20", true)),
        Ok(batch(vec![record(4, "Petit")], &[], "30", false)),
    ]);
    let done = server.sync(&cache).await.unwrap();
    assert_eq!(
        server.asked(),
        vec![some("10"), some("20")],
        "resumed at 10"
    );
    assert_eq!(
        done,
        Synced {
            batches: 2,
            upserts: 2,
            tombstones: 1,
            reset: false
        }
    );
    assert_eq!(
        ids(&cache.all().await.unwrap()),
        vec![contact_id(2), contact_id(3), contact_id(4)]
    );
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("30"));
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_reset_during_sync_clears_and_restarts_from_no_cursor() {
    let user_id = user(8);
    let cache = fresh(&user_id, None).await;
    cache
        .apply_response(
            &batch(
                vec![record(1, "Martin"), record(2, "Durand")],
                &[],
                "5",
                false,
            ),
            now(),
        )
        .await
        .unwrap();

    let server = Server::new(vec![
        Ok(reset()),
        Ok(batch(
            vec![record(2, "Durand"), record(3, "Dupont")],
            &[],
            "8",
            false,
        )),
    ]);
    let done = server.sync(&cache).await.unwrap();
    assert_eq!(server.asked(), vec![some("5"), None]);
    assert!(done.reset);
    assert_eq!(
        ids(&cache.all().await.unwrap()),
        vec![contact_id(2), contact_id(3)]
    );
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("8"));

    // A server that answers a sync from zero with a reset would loop: refused.
    let server = Server::new(vec![Ok(reset()), Ok(reset())]);
    assert_eq!(server.sync(&cache).await.err(), Some(CacheError::SyncStuck));
    assert_eq!(server.asked(), vec![some("8"), None]);
    // So would more to come under the same cursor.
    let server = Server::new(vec![
        Ok(batch(vec![record(4, "Petit")], &[], "9", true)),
        Ok(batch(vec![], &[], "9", true)),
    ]);
    assert_eq!(server.sync(&cache).await.err(), Some(CacheError::SyncStuck));
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_server_key_opens_without_the_password() {
    let user_id = user(9);
    let server_key = [42u8; 32];
    let cache = fresh(&user_id, Some(server_key)).await;
    cache
        .apply_response(&batch(vec![record(1, "Martin")], &[], "1", false), now())
        .await
        .unwrap();
    cache.close();

    let cache = Cache::unlock_with_server_key(&user_id, server_key)
        .await
        .expect("the server key opens");
    assert_eq!(ids(&cache.all().await.unwrap()), vec![contact_id(1)]);
    cache.close();
    let wrong = Cache::unlock_with_server_key(&user_id, [43u8; 32]).await;
    assert_eq!(wrong.err(), Some(CacheError::WrongServerKey));
    // The password opens too.
    let cache = Cache::unlock_with_password(&user_id, PASSWORD)
        .await
        .unwrap();
    cache.close();

    // A cache created without it: no server wrap, until one is set.
    let other = user(10);
    let cache = fresh(&other, None).await;
    cache.close();
    let missing = Cache::unlock_with_server_key(&other, server_key).await;
    assert_eq!(missing.err(), Some(CacheError::Missing));
    let cache = Cache::unlock_with_password(&other, PASSWORD).await.unwrap();
    cache.set_server_key(server_key).await.unwrap();
    cache.close();
    let cache = Cache::unlock_with_server_key(&other, server_key)
        .await
        .expect("opens once set");
    cache.close();
    Cache::delete(&user_id).await.unwrap();
    Cache::delete(&other).await.unwrap();
}

#[wasm_bindgen_test]
async fn delete_removes_the_database() {
    let user_id = user(11);
    let name = format!("oubli-cache-{user_id}");
    let listed = |dbs: Vec<String>| dbs.contains(&name);

    // An open connection does not block the delete (logout with the cache open).
    let cache = fresh(&user_id, None).await;
    cache
        .apply_response(&batch(vec![record(1, "Martin")], &[], "1", false), now())
        .await
        .unwrap();
    assert!(Cache::exists(&user_id).await.unwrap());
    assert!(listed(database_names().await));

    Cache::delete(&user_id).await.unwrap();
    assert!(!listed(database_names().await));
    assert!(!Cache::exists(&user_id).await.unwrap());
    assert!(!listed(database_names().await), "exists() creates nothing");
    assert_eq!(
        Cache::unlock_with_password(&user_id, PASSWORD).await.err(),
        Some(CacheError::Missing)
    );
    // Deleting what is not there is fine.
    Cache::delete(&user_id).await.unwrap();
    drop(cache);
}

async fn database_names() -> Vec<String> {
    indexed_db_futures::factory::DBFactory::new()
        .unwrap()
        .databases()
        .unwrap()
        .await
        .unwrap()
        .map(|d| d.unwrap().name().to_owned())
        .collect()
}

#[wasm_bindgen_test]
async fn a_user_id_that_is_not_a_uuid_is_refused() {
    for bad in ["", "severine.dupont@example.fr", "../x", "Dupont"] {
        assert_eq!(
            Cache::create(bad, PASSWORD, None).await.err(),
            Some(CacheError::BadUserId)
        );
        assert_eq!(Cache::delete(bad).await.err(), Some(CacheError::BadUserId));
    }
}

/// The key derivation's cost in this browser, with the iterations new caches use
/// (printed with `--nocapture`). Loose bounds: debug builds are slower than the app.
#[wasm_bindgen_test]
fn kdf_takes_a_noticeable_time() {
    let start = js_sys::Date::now();
    let key = crypto::derive(PASSWORD, &[1; crypto::SALT_LEN], crypto::PBKDF2_ITERATIONS);
    let ms = js_sys::Date::now() - start;
    console_log!(
        "PBKDF2-HMAC-SHA256, {} iterations: {ms:.0} ms",
        crypto::PBKDF2_ITERATIONS
    );
    assert!(ms > 50.0 && ms < 5_000.0, "{ms} ms");
    // Deterministic, and the salt matters.
    assert_eq!(
        key.0,
        crypto::derive(PASSWORD, &[1; crypto::SALT_LEN], crypto::PBKDF2_ITERATIONS).0
    );
    assert_ne!(
        key.0,
        crypto::derive(PASSWORD, &[2; crypto::SALT_LEN], crypto::PBKDF2_ITERATIONS).0
    );
}

#[wasm_bindgen_test]
fn the_server_key_is_decoded_from_base64() {
    use oubli::api::sync::decode_key;
    let key: [u8; 32] = std::array::from_fn(|i| (i * 8) as u8);
    // The same 32 bytes, base64 (standard alphabet, padded).
    let text = "AAgQGCAoMDhASFBYYGhweICIkJigqLC4wMjQ2ODo8Pg=";
    assert_eq!(decode_key(text), Some(key));
    assert_eq!(
        decode_key(&format!(" {text}\n")),
        Some(key),
        "surrounding blanks"
    );
    assert_eq!(decode_key("AAgQ"), None, "3 bytes");
    assert_eq!(decode_key("not base64!"), None);
    assert_eq!(decode_key(""), None);
}

/// Upserts are stored as the JSON text the server sent, and come out as the record.
#[wasm_bindgen_test]
async fn a_batch_as_sent_by_the_server_is_stored() {
    let user_id = user(13);
    let cache = fresh(&user_id, None).await;
    let text = serde_json::json!({
        "upserts": [record(1, "Martin"), record(2, "Durand")],
        "tombstones": [],
        "cursor": "12",
        "more": false
    })
    .to_string();
    let batch: SyncBatch = serde_json::from_str(&text).unwrap();
    assert_eq!(cache.apply(&batch, now()).await.unwrap(), Applied::Batch);
    assert!(cache.all().await.unwrap() == vec![record(1, "Martin"), record(2, "Durand")]);
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("12"));

    // An upsert without an id is refused, and nothing of its batch is kept.
    let bad: SyncBatch = serde_json::from_str(
        r#"{"upserts": [{"first_name": "x"}], "tombstones": ["c0000000-0000-4000-8000-000000000001"], "cursor": "13", "more": false}"#,
    )
    .unwrap();
    assert_eq!(
        cache.apply(&bad, now()).await.err(),
        Some(CacheError::Corrupt)
    );
    assert_eq!(cache.all().await.unwrap().len(), 2);
    assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("12"));
    cache.close();
    Cache::delete(&user_id).await.unwrap();
}
