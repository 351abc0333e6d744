//! The offline cache's sync (src/cache/sync.rs) and batches as the server sends them,
//! in a headless Chromium: `cargo test -p oubli --target wasm32-unknown-unknown --test
//! cache_sync`. `/sync` is played by closures (`sync_with`), no server.
#![cfg(target_arch = "wasm32")]

mod cache_support;

use cache_support::*;
use oubli::api::ApiError;
use oubli::cache::sync::{sync_with, Synced};
use oubli::cache::{Applied, Cache, CacheError, SyncBatch};
use oubli_domain::{SyncRecord, SyncResponse};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
