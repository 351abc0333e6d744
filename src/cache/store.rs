//! The IndexedDB side of the cache: one database per user, two object stores with
//! out-of-line keys and no index.
//!
//! - `records`: key = the contact's id (a UUID), value = a `Uint8Array` holding
//!   `nonce ‖ ciphertext ‖ tag` (crypto.rs) of the record's JSON.
//! - `summaries`: key = the contact's id, value = the same kind of sealed bytes, of the
//!   record's list entry ([`super::Summary`]: names, email, phones, town, status), so
//!   that the offline list opens without decrypting and decoding every whole record.
//! - `meta`: key = one of the `META_*` names, value = clear data that is not personal
//!   (the sync cursor, the last sync time, the KDF salt and iterations) or a wrapped key.
//!
//! Writes go through [`write`]: every change of one call in one transaction, built from
//! values prepared beforehand, then `commit()`; nothing is awaited while it is open but
//! its end. Straight on web-sys, each request awaited as a promise: measured against
//! `indexed_db_futures` 0.6 (a channel and a closure per request, a rich error type),
//! this layer cost far less of the app's first load for the same behaviour.

use super::CacheError;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbFactory, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The encrypted records.
pub const RECORDS: &str = "records";
/// The encrypted list entries.
pub const SUMMARIES: &str = "summaries";
/// Cursor, times, salt, wrapped keys.
pub const META: &str = "meta";
/// Schema version of the cache database (2: the list entries).
const VERSION: u32 = 2;

/// The opaque cursor of the last applied `/sync` answer (string).
pub const META_CURSOR: &str = "cursor";
/// When the last batch was applied (milliseconds since 1970, number).
pub const META_SYNCED_AT: &str = "synced_at";
/// PBKDF2 salt (bytes).
pub const META_SALT: &str = "kdf_salt";
/// PBKDF2 iterations (number).
pub const META_ITERATIONS: &str = "kdf_iterations";
/// The cache key wrapped by the password-derived key (bytes).
pub const META_KEY_PASSWORD: &str = "key_password";
/// The cache key wrapped by the server's key (bytes), when there is one.
pub const META_KEY_SERVER: &str = "key_server";

/// The database's name for a user: `oubli-cache-<user id>`. The id must look like a
/// UUID (hex digits and dashes) so that nothing personal can end up in a name.
pub fn db_name(user_id: &str) -> Result<String, CacheError> {
    let ok = (1..=64).contains(&user_id.len())
        && user_id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    if ok {
        Ok(format!("oubli-cache-{user_id}"))
    } else {
        Err(CacheError::BadUserId)
    }
}

fn storage(what: &str) -> impl Fn(JsValue) -> CacheError + '_ {
    move |e: JsValue| {
        let detail = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        CacheError::Storage(format!("{what}: {detail}"))
    }
}

fn factory() -> Result<IdbFactory, CacheError> {
    web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| CacheError::Storage("no IndexedDB".into()))
}

/// Resolves with the request's result once it succeeds.
async fn done(request: &IdbRequest, what: &str) -> Result<JsValue, CacheError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(storage(what)),
        Err(_) => Err(storage(what)(
            request
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL),
        )),
    }
}

/// Opens (creating the stores the first time) the database. The connection closes
/// itself when another one asks to delete or upgrade the database (logout in another
/// tab), instead of blocking it.
pub async fn open(name: &str) -> Result<IdbDatabase, CacheError> {
    let request = factory()?
        .open_with_u32(name, VERSION)
        .map_err(storage("open"))?;
    // A new database gets the stores; one of version 1 (records without list entries)
    // is made again empty: its key is gone with its meta, so the next login makes the
    // cache anew and the next sync fills it.
    let target = request.clone();
    let upgrade = Closure::once(move || {
        if let Ok(db) = target.result() {
            let db: IdbDatabase = db.unchecked_into();
            for store in [RECORDS, META, SUMMARIES] {
                // (Fails harmlessly when the store is not there.)
                let _ = db.delete_object_store(store);
                let _ = db.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = done(&request, "open").await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    let db: IdbDatabase = opened?.unchecked_into();
    let to_close = db.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || to_close.close());
    db.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
    // Lives as long as the connection's JS object refers to it.
    on_change.forget();
    Ok(db)
}

/// Whether a database of that name may exist, without creating it: `false` only when
/// `indexedDB.databases()` does not list it. A browser without that call (Firefox
/// before 126) answers `true`; the callers then open the database and look at its
/// meta (an empty database is "no cache").
pub async fn exists(name: &str) -> Result<bool, CacheError> {
    let factory = factory()?;
    let Some(list) = Reflect::get(&factory, &"databases".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return Ok(true);
    };
    let promise: Promise = list
        .call0(&factory)
        .map_err(storage("databases"))?
        .unchecked_into();
    let listed = JsFuture::from(promise)
        .await
        .map_err(storage("databases"))?;
    Ok(Array::from(&listed).iter().any(|d| {
        Reflect::get(&d, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .is_some_and(|n| n == name)
    }))
}

/// Deletes the database; open connections of this page close themselves first (see
/// [`open`]).
pub async fn delete(name: &str) -> Result<(), CacheError> {
    let request = factory()?
        .delete_database(name)
        .map_err(storage("deleteDatabase"))?;
    done(&request, "deleteDatabase").await.map(drop)
}

/// Bytes as the value IndexedDB stores.
pub fn bytes(value: &[u8]) -> JsValue {
    Uint8Array::from(value).into()
}

/// The bytes of a stored value, if it holds bytes.
pub fn as_bytes(value: &JsValue) -> Option<Vec<u8>> {
    value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

/// Changes applied together, in one transaction, by [`write`]. Every value is ready
/// (encrypted, converted to JS) before the transaction opens.
#[derive(Default)]
pub struct Writes {
    /// Empty the records store first.
    pub clear_records: bool,
    /// Empty the meta store first.
    pub clear_meta: bool,
    /// Records to put: (id, sealed record, sealed list entry).
    pub records: Vec<(String, JsValue, JsValue)>,
    /// Record ids to delete.
    pub purge: Vec<String>,
    /// Meta entries to put.
    pub meta: Vec<(&'static str, JsValue)>,
    /// Meta entries to delete.
    pub meta_delete: Vec<&'static str>,
}

/// Resolves when the transaction has committed; fails if it aborted.
fn completion(tx: &IdbTransaction) -> Promise {
    Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    })
}

/// Applies `w` in one read-write transaction on both stores, then commits. On any
/// error nothing of `w` is kept: the transaction is aborted, or aborts by itself when
/// a request fails.
pub async fn write(db: &IdbDatabase, w: Writes) -> Result<(), CacheError> {
    let names = Array::of3(&RECORDS.into(), &SUMMARIES.into(), &META.into());
    let tx = db
        .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)
        .map_err(storage("transaction"))?;
    let committed = completion(&tx);
    if let Err(e) = queue(&tx, &w) {
        let _ = tx.abort();
        let _ = JsFuture::from(committed).await;
        return Err(e);
    }
    // IDBTransaction.commit() is standard (Chromium 76, Firefox 74, Safari 15); web-sys
    // marks it deprecated for want of a spec flag. Without it the transaction would
    // still commit once its requests are done, as nothing else is awaited meanwhile.
    #[allow(deprecated)]
    tx.commit().map_err(storage("commit"))?;
    let outcome = JsFuture::from(committed).await;
    if outcome.is_err() {
        let error = tx.error().map(JsValue::from).unwrap_or(JsValue::NULL);
        return Err(storage("transaction")(error));
    }
    Ok(())
}

/// Sends every request of `w` on `tx` (they run in order; none is awaited).
fn queue(tx: &IdbTransaction, w: &Writes) -> Result<(), CacheError> {
    let records = tx.object_store(RECORDS).map_err(storage(RECORDS))?;
    let summaries = tx.object_store(SUMMARIES).map_err(storage(SUMMARIES))?;
    let meta = tx.object_store(META).map_err(storage(META))?;
    if w.clear_records {
        records.clear().map_err(storage("clear"))?;
        summaries.clear().map_err(storage("clear"))?;
    }
    if w.clear_meta {
        meta.clear().map_err(storage("clear"))?;
    }
    for (id, record, summary) in &w.records {
        let key = JsValue::from(id);
        records.put_with_key(record, &key).map_err(storage("put"))?;
        summaries
            .put_with_key(summary, &key)
            .map_err(storage("put"))?;
    }
    for id in &w.purge {
        let key = JsValue::from(id);
        records.delete(&key).map_err(storage("delete"))?;
        summaries.delete(&key).map_err(storage("delete"))?;
    }
    for (name, value) in &w.meta {
        meta.put_with_key(value, &(*name).into())
            .map_err(storage("put"))?;
    }
    for name in &w.meta_delete {
        meta.delete(&(*name).into()).map_err(storage("delete"))?;
    }
    Ok(())
}

fn read_tx(db: &IdbDatabase, store: &str) -> Result<web_sys::IdbObjectStore, CacheError> {
    db.transaction_with_str(store)
        .and_then(|tx| tx.object_store(store))
        .map_err(storage("transaction"))
}

fn present(value: JsValue) -> Option<JsValue> {
    (!value.is_undefined()).then_some(value)
}

/// The values of the meta entries `names`, read in one transaction (`None` for an
/// absent entry).
pub async fn read_meta<const N: usize>(
    db: &IdbDatabase,
    names: [&str; N],
) -> Result<[Option<JsValue>; N], CacheError> {
    let meta = read_tx(db, META)?;
    let mut requests = Vec::with_capacity(N);
    for name in names {
        requests.push(meta.get(&name.into()).map_err(storage("get"))?);
    }
    let mut out: [Option<JsValue>; N] = std::array::from_fn(|_| None);
    for (slot, request) in out.iter_mut().zip(&requests) {
        *slot = present(done(request, "get").await?);
    }
    Ok(out)
}

/// Every stored value of `store` ([`RECORDS`] or [`SUMMARIES`]) as (id, value), in id
/// order, read in one transaction.
pub async fn read_records(
    db: &IdbDatabase,
    store: &str,
) -> Result<Vec<(String, JsValue)>, CacheError> {
    let store = read_tx(db, store)?;
    let keys = store.get_all_keys().map_err(storage("getAllKeys"))?;
    let values = store.get_all().map_err(storage("getAll"))?;
    let keys = Array::from(&done(&keys, "getAllKeys").await?);
    let values = Array::from(&done(&values, "getAll").await?);
    if keys.length() != values.length() {
        return Err(CacheError::Storage(
            "keys and values differ in number".into(),
        ));
    }
    keys.iter()
        .zip(values.iter())
        .map(|(k, v)| match k.as_string() {
            Some(id) => Ok((id, v)),
            None => Err(CacheError::Corrupt),
        })
        .collect()
}

/// One stored record's value.
pub async fn read_record(db: &IdbDatabase, id: &str) -> Result<Option<JsValue>, CacheError> {
    let store = read_tx(db, RECORDS)?;
    let request = store.get(&id.into()).map_err(storage("get"))?;
    Ok(present(done(&request, "get").await?))
}
