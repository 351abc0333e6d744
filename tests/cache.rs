//! The offline cache (src/cache/) against the real IndexedDB of a headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test cache`. Storage, keys
//! and encryption at rest; the sync loop is in cache_sync.rs.
//! Each test works on the database of its own user id, deleted first, so tests do not
//! see each other's data.
#![cfg(target_arch = "wasm32")]

mod cache_support;

use cache_support::*;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use js_sys::Uint8Array;
use oubli::cache::{crypto, Applied, Cache, CacheError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
    // The list entries follow the records: the erased one gone, the changed one new.
    let listed = cache.summaries().await.unwrap();
    let names: Vec<(String, Option<String>)> = listed
        .iter()
        .map(|s| (s.id.clone(), s.last_name.clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (contact_id(1), Some("Martin".into())),
            (contact_id(3), Some("Dupont-Moreau".into())),
            (contact_id(4), Some("Petit".into())),
        ]
    );
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

    // The list entry beside it: keyed by the UUID too, bytes, no personal value (its
    // plaintext does hold the name and email: the summaries() call shows it).
    let entry = cache.summaries().await.unwrap();
    assert_eq!(entry.len(), 1);
    assert_eq!(entry[0].first_name.as_deref(), Some(NAME));
    assert_eq!(entry[0].email.as_deref(), Some(EMAIL));
    let summaries = raw(&user_id, "summaries").await;
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].0.as_string(), Some(contact_id(1)));
    let bytes = summaries[0]
        .1
        .dyn_ref::<Uint8Array>()
        .expect("the value is bytes")
        .to_vec();
    assert_no_personal_value(&bytes, "list entry");

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

/// The browser's PBKDF2 (used when unlocking) and the module's give the same key: the
/// published PBKDF2-HMAC-SHA256 value for ("password", "salt", 1 iteration), then each
/// against the other with the iterations new caches use; the native one is printed
/// beside the module's (`--nocapture`).
#[wasm_bindgen_test]
async fn native_kdf_gives_the_same_key() {
    let expected = "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b";
    let hex = |k: &[u8]| k.iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(hex(&crypto::derive("password", b"salt", 1).0), expected);
    let native = crypto::derive_native("password", b"salt", 1)
        .await
        .expect("crypto.subtle in a secure context");
    assert_eq!(hex(&native.0), expected);

    let salt = [7; crypto::SALT_LEN];
    let start = js_sys::Date::now();
    let native = crypto::derive_native(PASSWORD, &salt, crypto::PBKDF2_ITERATIONS)
        .await
        .expect("crypto.subtle");
    let native_ms = js_sys::Date::now() - start;
    let start = js_sys::Date::now();
    let own = crypto::derive(PASSWORD, &salt, crypto::PBKDF2_ITERATIONS);
    let own_ms = js_sys::Date::now() - start;
    console_log!(
        "PBKDF2 {} iterations: WebCrypto {native_ms:.0} ms, wasm {own_ms:.0} ms",
        crypto::PBKDF2_ITERATIONS
    );
    assert_eq!(native.0, own.0);
}
