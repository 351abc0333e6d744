//! The IndexedDB side of the cache, through `indexed_db_futures`: one database per
//! user, two object stores with out-of-line keys and no index.
//!
//! - `records`: key = the contact's id (a UUID), value = a `Uint8Array` holding
//!   `nonce ‖ ciphertext ‖ tag` (crypto.rs) of the record's JSON.
//! - `meta`: key = one of the `META_*` names, value = clear data that is not personal
//!   (the sync cursor, the last sync time, the KDF salt and iterations) or a wrapped key.
//!
//! Writes go through [`write`]: every change of one call in one transaction, built from
//! values prepared beforehand, then `commit().await`; nothing else is awaited while it
//! is open. `indexed_db_futures` rolls back a transaction dropped without `commit`.

use super::CacheError;
use indexed_db_futures::database::Database;
use indexed_db_futures::factory::DBFactory;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The encrypted records.
pub const RECORDS: &str = "records";
/// Cursor, times, salt, wrapped keys.
pub const META: &str = "meta";
/// Schema version of the cache database.
const VERSION: u8 = 1;

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

impl From<indexed_db_futures::error::Error> for CacheError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        CacheError::Storage(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for CacheError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        CacheError::Storage(e.to_string())
    }
}

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

/// Opens (creating the stores the first time) the database. The connection closes
/// itself when another one asks to delete or upgrade the database (logout in another
/// tab), instead of blocking it.
pub async fn open(name: &str) -> Result<Database, CacheError> {
    let db = Database::open(name)
        .with_version(VERSION)
        .with_on_upgrade_needed(|event, db| {
            if event.old_version() < 1.0 {
                db.create_object_store(RECORDS).build()?;
                db.create_object_store(META).build()?;
            }
            Ok(())
        })
        .await?;
    let sys: &web_sys::IdbDatabase = db.as_sys().unchecked_ref();
    let to_close = sys.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || to_close.close());
    sys.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
    // Lives as long as the connection's JS object refers to it.
    on_change.forget();
    Ok(db)
}

/// Whether a database of that name exists (without creating it).
pub async fn exists(name: &str) -> Result<bool, CacheError> {
    let factory = DBFactory::new()?;
    let mut listed = factory.databases()?.await?;
    Ok(listed.any(|d| d.is_ok_and(|d| d.name() == name)))
}

/// Deletes the database; open connections of this page close themselves first (see
/// [`open`]). Through web-sys rather than `indexed_db_futures`: logout reaches this from
/// the first load, where the library's request machinery cost about 3 KB of brotli.
pub async fn delete(name: &str) -> Result<(), CacheError> {
    let failed = |_| CacheError::Storage("deleteDatabase failed".into());
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| CacheError::Storage("no IndexedDB".into()))?;
    let request = factory.delete_database(name).map_err(failed)?;
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .map_err(failed)?;
    Ok(())
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
    /// Records to put: (id, sealed value).
    pub records: Vec<(String, JsValue)>,
    /// Record ids to delete.
    pub purge: Vec<String>,
    /// Meta entries to put.
    pub meta: Vec<(&'static str, JsValue)>,
    /// Meta entries to delete.
    pub meta_delete: Vec<&'static str>,
}

/// Applies `w` in one read-write transaction on both stores, then commits. On any
/// error nothing of `w` is kept.
pub async fn write(db: &Database, w: Writes) -> Result<(), CacheError> {
    let tx = db
        .transaction([RECORDS, META])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let records = tx.object_store(RECORDS)?;
    let meta = tx.object_store(META)?;
    // The requests go out as they are built; their results are not awaited one by one:
    // a failed request aborts the transaction, and `commit` then reports it.
    if w.clear_records {
        drop(records.clear()?);
    }
    if w.clear_meta {
        drop(meta.clear()?);
    }
    for (id, value) in &w.records {
        drop(records.put(value).with_key(id.as_str()).primitive()?);
    }
    for id in &w.purge {
        drop(records.delete(id.as_str()).primitive()?);
    }
    for (name, value) in &w.meta {
        drop(meta.put(value).with_key(*name).primitive()?);
    }
    for name in &w.meta_delete {
        drop(meta.delete(*name).primitive()?);
    }
    tx.commit().await?;
    Ok(())
}

/// The values of the meta entries `names`, read in one transaction (`None` for an
/// absent entry).
pub async fn read_meta<const N: usize>(
    db: &Database,
    names: [&str; N],
) -> Result<[Option<JsValue>; N], CacheError> {
    let tx = db.transaction(META).build()?;
    let meta = tx.object_store(META)?;
    let mut requests = Vec::with_capacity(N);
    for name in names {
        requests.push(meta.get::<JsValue, _, _>(name).primitive()?);
    }
    let mut out: [Option<JsValue>; N] = std::array::from_fn(|_| None);
    for (slot, request) in out.iter_mut().zip(requests) {
        *slot = request.await?;
    }
    Ok(out)
}

/// Every stored record as (id, value), in id order, read in one transaction.
pub async fn read_records(db: &Database) -> Result<Vec<(String, JsValue)>, CacheError> {
    let tx = db.transaction(RECORDS).build()?;
    let store = tx.object_store(RECORDS)?;
    let keys = store.get_all_keys::<String>().primitive()?;
    let values = store.get_all::<JsValue>().primitive()?;
    let keys = keys.await?.collect::<Result<Vec<_>, _>>()?;
    let values = values.await?.collect::<Result<Vec<_>, _>>()?;
    if keys.len() != values.len() {
        return Err(CacheError::Storage(
            "keys and values differ in number".into(),
        ));
    }
    Ok(keys.into_iter().zip(values).collect())
}

/// One stored record's value.
pub async fn read_record(db: &Database, id: &str) -> Result<Option<JsValue>, CacheError> {
    let tx = db.transaction(RECORDS).build()?;
    let store = tx.object_store(RECORDS)?;
    let value = store.get::<JsValue, _, _>(id).primitive()?.await?;
    Ok(value)
}
