//! The offline cache (PRODUCT.md §6 and §9 "Offline view"): the contacts a user may
//! see, with their household, projects, contracts, notes, tasks and appointments, kept
//! in IndexedDB encrypted at rest, filled by `/sync` ([`sync::sync`]).
//!
//! One database per user (`oubli-cache-<user id>`); its random cache key is stored only
//! wrapped by a key derived from the user's password and, optionally, by the key the
//! server gives a logged-in session (`GET /sync/key`), so that an online reload asks
//! for nothing and an offline opening asks for the password. No personal value is a
//! database name, a key or an index: records are keyed by their UUID and searched in
//! memory after [`Cache::all`]. Logout calls [`Cache::delete`].
//!
//! - `crypto.rs`: the AEAD, the KDF, key wrapping.
//! - `store.rs`: IndexedDB (stores, one-transaction writes, reads).
//! - `sync.rs`: the `/sync` loop.

pub mod crypto;
pub mod store;
pub mod sync;

use chrono::{DateTime, Utc};
use crypto::{Key, Wrap, KEY_LEN, SALT_LEN};
use oubli_domain::{
    Activity, Civility, ContactDetail, ContactInput, ContactStatus, SyncRecord, SyncResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use store::*;
use wasm_bindgen::JsValue;
use web_sys::IdbDatabase as Database;

/// One `/sync` answer (the shape of [`SyncResponse`]) with each upsert kept as the JSON
/// text the server sent: the cache seals that text as it is, so the app carries no
/// serializer for whole records (measured: serializing `SyncRecord` again cost more
/// of the first load than the rest of the cache).
#[derive(Deserialize)]
pub struct SyncBatch {
    pub upserts: Vec<Box<RawValue>>,
    pub tombstones: Vec<String>,
    pub cursor: String,
    pub more: bool,
    #[serde(default)]
    pub reset: bool,
}

impl std::fmt::Debug for SyncBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncBatch")
            .field("upserts", &self.upserts.len())
            .field("tombstones", &self.tombstones)
            .field("cursor", &self.cursor)
            .field("more", &self.more)
            .field("reset", &self.reset)
            .finish()
    }
}

impl SyncBatch {
    /// The batch of a typed answer (tests, or a caller that has one).
    pub fn from_response(response: &SyncResponse) -> Result<SyncBatch, CacheError> {
        let upserts = response
            .upserts
            .iter()
            .map(|r| serde_json::value::to_raw_value(r).map_err(|_| CacheError::Corrupt))
            .collect::<Result<_, _>>()?;
        Ok(SyncBatch {
            upserts,
            tombstones: response.tombstones.clone(),
            cursor: response.cursor.clone(),
            more: response.more,
            reset: response.reset,
        })
    }
}

/// The activity lists of a stored record (the rest is its `ContactDetail`).
#[derive(Deserialize)]
struct Activities {
    notes: Vec<Activity>,
    tasks: Vec<Activity>,
    appointments: Vec<Activity>,
}

/// A record's entry in the offline list: what the list shows and searches, read from
/// the record's JSON (the rest skipped) and sealed beside it, so that the list opens
/// without decrypting and decoding every whole record.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    #[serde(default)]
    pub civility: Option<Civility>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub landline_phone: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub status: Option<ContactStatus>,
}

impl std::fmt::Debug for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Summary")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Summary {
    /// The entry's fields as a contact's (the others empty), for the names and the
    /// search the CRM uses.
    pub fn fields(&self) -> ContactInput {
        ContactInput {
            civility: self.civility,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company_name: self.company_name.clone(),
            email: self.email.clone(),
            mobile_phone: self.mobile_phone.clone(),
            landline_phone: self.landline_phone.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            status: self.status,
            ..ContactInput::default()
        }
    }
}

/// What can go wrong with the cache. Carries no personal value: the details are
/// IndexedDB's own messages, for the log.
#[derive(Clone, Debug, PartialEq)]
pub enum CacheError {
    /// The password does not open this cache. Nothing was changed.
    WrongPassword,
    /// The server's key does not open this cache (it was changed, or belongs to
    /// another cache). Nothing was changed.
    WrongServerKey,
    /// No cache for this user, or no copy of its key wrapped the way asked.
    Missing,
    /// The user id is not the UUID-like id the database name may carry.
    BadUserId,
    /// A stored value does not open or decode: altered, or moved to another id.
    Corrupt,
    /// IndexedDB or the browser's random generator failed.
    Storage(String),
    /// `/sync` failed; what was applied before stays, with its cursor.
    Api(crate::api::ApiError),
    /// The server answered in a way that would loop: a reset right after a reset (or
    /// answering a sync from zero), or more to come under an unchanged cursor.
    SyncStuck,
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::WrongPassword => f.write_str("Mot de passe incorrect."),
            CacheError::WrongServerKey => {
                f.write_str("La clé du serveur n'ouvre pas les données hors ligne.")
            }
            CacheError::Missing => f.write_str("Aucune donnée hors ligne sur cet appareil."),
            CacheError::BadUserId => f.write_str("Identifiant d'utilisateur invalide."),
            CacheError::Corrupt => f.write_str("Les données hors ligne sont illisibles."),
            CacheError::Storage(_) => {
                f.write_str("Le stockage du navigateur est indisponible (IndexedDB).")
            }
            CacheError::Api(e) => f.write_str(&e.message),
            CacheError::SyncStuck => {
                f.write_str("La synchronisation ne progresse pas. Réessayez plus tard.")
            }
        }
    }
}

impl std::error::Error for CacheError {}

impl From<String> for CacheError {
    fn from(detail: String) -> Self {
        CacheError::Storage(detail)
    }
}

/// An open, unlocked cache: the user's database and its cache key.
pub struct Cache {
    db: Database,
    key: Key,
    user_id: String,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

impl Drop for Cache {
    /// A dropped cache closes its connection (the browser lets its transactions finish
    /// first); otherwise the connection would live on, held by its `versionchange`
    /// handler.
    fn drop(&mut self) {
        self.db.close();
    }
}

/// What [`Cache::apply`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The batch is stored with its cursor.
    Batch,
    /// The server asked for a reset: records and cursor were cleared, the batch was
    /// not applied; sync again from no cursor.
    Reset,
}

fn number(value: Option<JsValue>) -> Option<f64> {
    value.and_then(|v| v.as_f64())
}

impl Cache {
    /// Creates (or replaces, losing what it held) the cache of `user_id`: a new random
    /// cache key wrapped by the key derived from `password` and, if given, by the
    /// server's key. Takes the time of one key derivation.
    pub async fn create(
        user_id: &str,
        password: &str,
        server_key: Option<[u8; KEY_LEN]>,
    ) -> Result<Cache, CacheError> {
        let name = db_name(user_id)?;
        let key = crypto::new_key()?;
        let salt: [u8; SALT_LEN] = crypto::random_bytes()?;
        let iterations = crypto::PBKDF2_ITERATIONS;
        let by_password = crypto::derive_key(password, &salt, iterations).await;
        let mut meta = vec![
            (META_SALT, bytes(&salt)),
            (META_ITERATIONS, JsValue::from_f64(iterations.into())),
            (
                META_KEY_PASSWORD,
                bytes(&crypto::wrap_key(
                    &by_password,
                    Wrap::Password,
                    user_id,
                    &key,
                )?),
            ),
        ];
        if let Some(server) = server_key {
            let wrapped = crypto::wrap_key(&Key(server), Wrap::Server, user_id, &key)?;
            meta.push((META_KEY_SERVER, bytes(&wrapped)));
        }
        let db = open(&name).await?;
        let writes = Writes {
            clear_records: true,
            clear_meta: true,
            meta,
            ..Writes::default()
        };
        write(&db, writes).await?;
        Ok(Cache {
            db,
            key,
            user_id: user_id.to_owned(),
        })
    }

    /// Whether this device holds a cache for `user_id` that can be unlocked.
    pub async fn exists(user_id: &str) -> Result<bool, CacheError> {
        let name = db_name(user_id)?;
        if !store::exists(&name).await? {
            return Ok(false);
        }
        let db = open(&name).await?;
        let [wrapped] = read_meta(&db, [META_KEY_PASSWORD]).await?;
        db.close();
        Ok(wrapped.is_some())
    }

    /// Opens the cache of `user_id` with the user's password (offline opening).
    /// [`CacheError::WrongPassword`] when it does not open; nothing is changed either way.
    pub async fn unlock_with_password(user_id: &str, password: &str) -> Result<Cache, CacheError> {
        let db = Self::open_existing(user_id).await?;
        let [salt, iterations, wrapped] =
            read_meta(&db, [META_SALT, META_ITERATIONS, META_KEY_PASSWORD]).await?;
        let (Some(salt), Some(iterations), Some(wrapped)) = (
            salt.as_ref().and_then(as_bytes),
            number(iterations),
            wrapped.as_ref().and_then(as_bytes),
        ) else {
            db.close();
            return Err(CacheError::Missing);
        };
        let iterations = iterations as u32;
        if !(crypto::MIN_ITERATIONS..=crypto::MAX_ITERATIONS).contains(&iterations) {
            db.close();
            return Err(CacheError::Corrupt);
        }
        let by_password = crypto::derive_key(password, &salt, iterations).await;
        let key = crypto::unwrap_key(&by_password, Wrap::Password, user_id, &wrapped);
        Self::unlocked(db, key, user_id, CacheError::WrongPassword)
    }

    /// Opens the cache of `user_id` with the server's key (online reload).
    pub async fn unlock_with_server_key(
        user_id: &str,
        server_key: [u8; KEY_LEN],
    ) -> Result<Cache, CacheError> {
        let db = Self::open_existing(user_id).await?;
        let [wrapped] = read_meta(&db, [META_KEY_SERVER]).await?;
        let Some(wrapped) = wrapped.as_ref().and_then(as_bytes) else {
            db.close();
            return Err(CacheError::Missing);
        };
        let key = crypto::unwrap_key(&Key(server_key), Wrap::Server, user_id, &wrapped);
        Self::unlocked(db, key, user_id, CacheError::WrongServerKey)
    }

    /// The cache opened with `key` if the wrapping key unwrapped it; otherwise the
    /// database closed and `refused`.
    fn unlocked(
        db: Database,
        key: Option<Key>,
        user_id: &str,
        refused: CacheError,
    ) -> Result<Cache, CacheError> {
        match key {
            Some(key) => Ok(Cache {
                db,
                key,
                user_id: user_id.to_owned(),
            }),
            None => {
                db.close();
                Err(refused)
            }
        }
    }

    async fn open_existing(user_id: &str) -> Result<Database, CacheError> {
        let name = db_name(user_id)?;
        if !store::exists(&name).await? {
            return Err(CacheError::Missing);
        }
        open(&name).await
    }

    /// Wraps the cache key by the server's key too (after a password unlock, or when
    /// the server's key changed), replacing any previous server wrap.
    pub async fn set_server_key(&self, server_key: [u8; KEY_LEN]) -> Result<(), CacheError> {
        let wrapped = crypto::wrap_key(&Key(server_key), Wrap::Server, &self.user_id, &self.key)?;
        let writes = Writes {
            meta: vec![(META_KEY_SERVER, bytes(&wrapped))],
            ..Writes::default()
        };
        write(&self.db, writes).await
    }

    /// Deletes the cache database of `user_id` (logout). Succeeds when there is none.
    /// A connection this page holds closes itself first; close your [`Cache`] anyway.
    pub async fn delete(user_id: &str) -> Result<(), CacheError> {
        store::delete(&db_name(user_id)?).await
    }

    /// Closes the connection (dropping the cache does the same).
    pub fn close(self) {
        drop(self);
    }

    /// Applies one `/sync` answer in one transaction: upserts put, tombstones deleted,
    /// cursor and `synced_at` saved; all of it or nothing. The records are encrypted
    /// before the transaction opens. On `reset`, clears the records and the cursor
    /// instead (also one transaction) and applies nothing of the batch.
    pub async fn apply(
        &self,
        batch: &SyncBatch,
        synced_at: DateTime<Utc>,
    ) -> Result<Applied, CacheError> {
        if batch.reset {
            let writes = Writes {
                clear_records: true,
                meta_delete: vec![META_CURSOR, META_SYNCED_AT],
                ..Writes::default()
            };
            write(&self.db, writes).await?;
            return Ok(Applied::Reset);
        }
        let mut records = Vec::with_capacity(batch.upserts.len());
        for json in &batch.upserts {
            let summary: Summary =
                serde_json::from_str(json.get()).map_err(|_| CacheError::Corrupt)?;
            let listed = serde_json::to_vec(&summary).map_err(|_| CacheError::Corrupt)?;
            let id = summary.id;
            let sealed = crypto::seal_record(&self.key, &id, json.get().as_bytes())?;
            let sealed_entry = crypto::seal_summary(&self.key, &id, &listed)?;
            records.push((id, bytes(&sealed), bytes(&sealed_entry)));
        }
        let writes = Writes {
            records,
            purge: batch.tombstones.clone(),
            meta: vec![
                (META_CURSOR, JsValue::from_str(&batch.cursor)),
                (
                    META_SYNCED_AT,
                    JsValue::from_f64(synced_at.timestamp_millis() as f64),
                ),
            ],
            ..Writes::default()
        };
        write(&self.db, writes).await?;
        Ok(Applied::Batch)
    }

    /// [`Cache::apply`] of a typed answer.
    pub async fn apply_response(
        &self,
        response: &SyncResponse,
        synced_at: DateTime<Utc>,
    ) -> Result<Applied, CacheError> {
        self.apply(&SyncBatch::from_response(response)?, synced_at)
            .await
    }

    fn open_record(&self, id: &str, value: &JsValue) -> Result<SyncRecord, CacheError> {
        let sealed = as_bytes(value).ok_or(CacheError::Corrupt)?;
        let json = crypto::open_record(&self.key, id, &sealed).ok_or(CacheError::Corrupt)?;
        let json = String::from_utf8(json).map_err(|_| CacheError::Corrupt)?;
        // Decoded as the contact record the record page already decodes from the API
        // (`from_str::<ContactDetail>`, extra keys ignored), then its three lists: the
        // app then carries no second decoder of the whole record (measured: decoding
        // `SyncRecord` itself, through its flattened detail, cost several KB of brotli).
        let corrupt = |_| CacheError::Corrupt;
        let detail: ContactDetail = serde_json::from_str(&json).map_err(corrupt)?;
        let Activities {
            notes,
            tasks,
            appointments,
        } = serde_json::from_str(&json).map_err(corrupt)?;
        if detail.contact.id != id {
            return Err(CacheError::Corrupt);
        }
        Ok(SyncRecord {
            detail,
            notes,
            tasks,
            appointments,
        })
    }

    /// The cursor of the last applied batch; `None` before the first sync or after a
    /// reset.
    pub async fn cursor(&self) -> Result<Option<String>, CacheError> {
        let [cursor] = read_meta(&self.db, [META_CURSOR]).await?;
        Ok(cursor.and_then(|c| c.as_string()))
    }

    /// When the last batch was applied.
    pub async fn last_synced(&self) -> Result<Option<DateTime<Utc>>, CacheError> {
        let [at] = read_meta(&self.db, [META_SYNCED_AT]).await?;
        Ok(number(at).and_then(|ms| DateTime::from_timestamp_millis(ms as i64)))
    }

    /// Every cached record, decrypted, in id order.
    pub async fn all(&self) -> Result<Vec<SyncRecord>, CacheError> {
        read_records(&self.db, RECORDS)
            .await?
            .iter()
            .map(|(id, value)| self.open_record(id, value))
            .collect()
    }

    /// Every cached record's list entry, decrypted (for the in-memory list and
    /// search), in id order.
    pub async fn summaries(&self) -> Result<Vec<Summary>, CacheError> {
        read_records(&self.db, SUMMARIES)
            .await?
            .iter()
            .map(|(id, value)| {
                let sealed = as_bytes(value).ok_or(CacheError::Corrupt)?;
                let json =
                    crypto::open_summary(&self.key, id, &sealed).ok_or(CacheError::Corrupt)?;
                let entry: Summary =
                    serde_json::from_slice(&json).map_err(|_| CacheError::Corrupt)?;
                if entry.id != *id {
                    return Err(CacheError::Corrupt);
                }
                Ok(entry)
            })
            .collect()
    }

    /// One cached record, decrypted.
    pub async fn get(&self, id: &str) -> Result<Option<SyncRecord>, CacheError> {
        match read_record(&self.db, id).await? {
            Some(value) => self.open_record(id, &value).map(Some),
            None => Ok(None),
        }
    }
}
