//! Encryption at rest for the offline cache, in Rust: synchronous, so that the values
//! of a whole batch are sealed before the IndexedDB transaction opens and nothing is
//! awaited inside it (an await on WebCrypto would let the transaction commit early).
//!
//! - Records: XChaCha20-Poly1305 under the database's random 32-byte cache key, a fresh
//!   random 24-byte nonce per write, the record's id as associated data (a value moved
//!   under another id does not open). Stored as `nonce ‖ ciphertext ‖ tag`.
//! - The cache key is stored only wrapped (sealed the same way) by a key derived from
//!   the user's password (PBKDF2-HMAC-SHA256, random salt) and, optionally, by the
//!   per-user key the server gives a logged-in session (`GET /sync/key`).

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Length of a key (cache key, password-derived key, server key).
pub const KEY_LEN: usize = 32;
/// Length of the random nonce stored in front of each sealed value.
pub const NONCE_LEN: usize = 24;
/// Length of the authentication tag at the end of each sealed value.
pub const TAG_LEN: usize = 16;
/// Length of the PBKDF2 salt.
pub const SALT_LEN: usize = 16;
/// PBKDF2-HMAC-SHA256 iterations for new caches (the count is stored beside the salt,
/// so it can be raised later without breaking existing caches). Chosen so that the
/// derivation takes a few hundred milliseconds in Chromium (see tests/cache.rs,
/// `kdf_takes_a_noticeable_time`).
pub const PBKDF2_ITERATIONS: u32 = 250_000;
/// Fewest iterations accepted from the database: a tampered count cannot make the
/// password cheap to guess from a copied cache.
pub const MIN_ITERATIONS: u32 = 100_000;
/// Most iterations accepted from the database: a tampered count cannot hang the tab.
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// Associated data of the cache key wrapped by the password-derived key.
const AAD_PASSWORD: &[u8] = b"oubli-cache/v1/key/password/";
/// Associated data of the cache key wrapped by the server's key.
const AAD_SERVER: &[u8] = b"oubli-cache/v1/key/server/";
/// Prefix of the associated data of a record (then its id).
const AAD_RECORD: &[u8] = b"oubli-cache/v1/record/";
/// Prefix of the associated data of a record's list entry (then its id): a list entry
/// cannot be read as a record, nor the other way round.
const AAD_SUMMARY: &[u8] = b"oubli-cache/v1/summary/";

/// A 32-byte key. Its `Debug` shows nothing.
#[derive(Clone)]
pub struct Key(pub [u8; KEY_LEN]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        // Best effort: the bytes do not outlive the key in this allocation.
        self.0.iter_mut().for_each(|b| *b = 0);
    }
}

/// Which key wraps the cache key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrap {
    Password,
    Server,
}

/// The browser's cryptographic random generator (`crypto.getRandomValues`).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    let crypto = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(|_| "no crypto")?;
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| "getRandomValues failed")?;
    Ok(bytes)
}

/// A fresh random key.
pub fn new_key() -> Result<Key, String> {
    random_bytes().map(Key)
}

/// The key derived from the password (PBKDF2-HMAC-SHA256), by the browser's WebCrypto
/// (native code: about four times faster here than this module's own PBKDF2, and the
/// same bytes, `tests/cache.rs`), else by [`derive`]. Only at unlocking: no IndexedDB
/// transaction is open while it runs.
pub async fn derive_key(password: &str, salt: &[u8], iterations: u32) -> Key {
    match derive_native(password, salt, iterations).await {
        Some(key) => key,
        None => derive(password, salt, iterations),
    }
}

/// PBKDF2-HMAC-SHA256 through `crypto.subtle` (`importKey`, then `deriveBits`); `None`
/// where the browser has none (a page that is not a secure context).
pub async fn derive_native(password: &str, salt: &[u8], iterations: u32) -> Option<Key> {
    use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    let get = |o: &JsValue, k: &str| {
        Reflect::get(o, &k.into())
            .ok()
            .filter(|v| !v.is_undefined())
    };
    let call = |o: &JsValue, f: &str, args: Array| -> Option<Promise> {
        let f: Function = get(o, f)?.dyn_into().ok()?;
        f.apply(o, &args).ok()?.dyn_into().ok()
    };
    let subtle = get(&get(&js_sys::global(), "crypto")?, "subtle")?;
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"PBKDF2".into()).ok()?;
    let usages = Array::of1(&"deriveBits".into());
    let raw = Uint8Array::from(password.as_bytes());
    let args = Array::of5(&"raw".into(), &raw, &algorithm, &JsValue::FALSE, &usages);
    let base = wasm_bindgen_futures::JsFuture::from(call(&subtle, "importKey", args)?)
        .await
        .ok()?;
    let params = Object::new();
    for (k, v) in [
        ("name", JsValue::from("PBKDF2")),
        ("hash", JsValue::from("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from(iterations)),
    ] {
        Reflect::set(&params, &k.into(), &v).ok()?;
    }
    let bits_len = JsValue::from((KEY_LEN * 8) as u32);
    let args = Array::of3(&params, &base, &bits_len);
    let bits = wasm_bindgen_futures::JsFuture::from(call(&subtle, "deriveBits", args)?)
        .await
        .ok()?;
    let bytes = Uint8Array::new(&bits).to_vec();
    bytes.try_into().ok().map(Key)
}

/// The key derived from the password (PBKDF2-HMAC-SHA256), in this module.
pub fn derive(password: &str, salt: &[u8], iterations: u32) -> Key {
    let mut key = Key([0; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut key.0);
    key
}

fn seal(key: &Key, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, String> {
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let sealed = XChaCha20Poly1305::new((&key.0).into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| "encryption failed")?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// `None` when the value does not open under this key and associated data: wrong key,
/// altered bytes, or a value moved from another id.
fn open(key: &Key, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    XChaCha20Poly1305::new((&key.0).into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .ok()
}

fn wrap_aad(wrap: Wrap, user_id: &str) -> Vec<u8> {
    let prefix = match wrap {
        Wrap::Password => AAD_PASSWORD,
        Wrap::Server => AAD_SERVER,
    };
    [prefix, user_id.as_bytes()].concat()
}

/// The cache key sealed by `wrapping` (the password-derived or the server key), bound
/// to the user and to the kind of wrap.
pub fn wrap_key(
    wrapping: &Key,
    wrap: Wrap,
    user_id: &str,
    cache_key: &Key,
) -> Result<Vec<u8>, String> {
    seal(wrapping, &wrap_aad(wrap, user_id), &cache_key.0)
}

/// The cache key, if `wrapping` is the key that wrapped it.
pub fn unwrap_key(wrapping: &Key, wrap: Wrap, user_id: &str, wrapped: &[u8]) -> Option<Key> {
    let bytes = open(wrapping, &wrap_aad(wrap, user_id), wrapped)?;
    let key: [u8; KEY_LEN] = bytes.as_slice().try_into().ok()?;
    Some(Key(key))
}

fn record_aad(id: &str) -> Vec<u8> {
    [AAD_RECORD, id.as_bytes()].concat()
}

/// A record's JSON sealed under the cache key, bound to its id.
pub fn seal_record(cache_key: &Key, id: &str, json: &[u8]) -> Result<Vec<u8>, String> {
    seal(cache_key, &record_aad(id), json)
}

/// A record's JSON, if the value opens under the cache key for this id.
pub fn open_record(cache_key: &Key, id: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    open(cache_key, &record_aad(id), sealed)
}

fn summary_aad(id: &str) -> Vec<u8> {
    [AAD_SUMMARY, id.as_bytes()].concat()
}

/// Encrypts a record's list entry (JSON) under the cache key, bound to its id.
pub fn seal_summary(cache_key: &Key, id: &str, json: &[u8]) -> Result<Vec<u8>, String> {
    seal(cache_key, &summary_aad(id), json)
}

/// A list entry's JSON, if the value opens under the cache key for this id.
pub fn open_summary(cache_key: &Key, id: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    open(cache_key, &summary_aad(id), sealed)
}
