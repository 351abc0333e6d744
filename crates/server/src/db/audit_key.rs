//! The key of the audit chain: 256 random bits kept outside the database, so that
//! someone who can write to the database alone cannot recompute the chain after
//! editing, inserting or deleting an entry.
//!
//! Taken from `OUBLI_AUDIT_KEY` (64 hex digits; several instances on one PostgreSQL
//! must share it), else from the file `audit.key` of the data directory, created with
//! mode 0600 at the first start. A database that already holds entries never gets a
//! new key silently: with no key found, the server refuses to start.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

pub const ENV: &str = "OUBLI_AUDIT_KEY";
pub const FILE: &str = "audit.key";

#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

fn parse_hex(s: &str) -> Option<[u8; 32]> {
    let b = hex::decode(s.trim()).ok()?;
    b.try_into().ok()
}

impl AuditKey {
    pub fn from_bytes(b: [u8; 32]) -> AuditKey {
        AuditKey(b)
    }

    /// The key for `data_dir`: from the environment, else the file, else (only when
    /// `log_is_empty`) a new one written to the file. The message of an error is
    /// French and names no key material.
    pub fn load(data_dir: &Path, log_is_empty: bool) -> Result<AuditKey, String> {
        if let Ok(v) = std::env::var(ENV) {
            return parse_hex(&v).map(AuditKey).ok_or_else(|| {
                format!("{ENV} doit contenir 64 chiffres hexadécimaux (256 bits).")
            });
        }
        let path = data_dir.join(FILE);
        match std::fs::read_to_string(&path) {
            Ok(s) => parse_hex(&s).map(AuditKey).ok_or_else(|| {
                format!(
                    "{} est illisible : 64 chiffres hexadécimaux attendus.",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !log_is_empty {
                    return Err(format!(
                        "Clé du journal d'audit introuvable ({} ou {ENV}) alors que le journal \
                         contient des entrées : restaurez la clé d'origine ; une nouvelle clé \
                         rendrait tout le journal invérifiable.",
                        path.display()
                    ));
                }
                Self::create(&path)
            }
            Err(e) => Err(format!("{} : lecture impossible ({e}).", path.display())),
        }
    }

    fn create(path: &Path) -> Result<AuditKey, String> {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        use std::io::Write;
        let mut b = [0u8; 32];
        OsRng.fill_bytes(&mut b);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{} : {e}", dir.display()))?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| format!("{} : création impossible ({e}).", path.display()))?;
        f.write_all(hex::encode(b).as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| format!("{} : écriture impossible ({e}).", path.display()))?;
        Ok(AuditKey(b))
    }

    /// HMAC-SHA256 of `data` under this key, hex; `purpose` separates the uses of the
    /// key (entries, exported heads).
    pub fn mac(&self, purpose: &str, data: &[u8]) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(data);
        hex::encode(m.finalize().into_bytes())
    }
}
