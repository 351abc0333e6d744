//! Consents and their withdrawals (the proof kept), and oppositions.

use super::fields::{check_text, MAX_LONG, MAX_SHORT};
use super::{ConsentPurpose, ConsentSource, OppositionChannel};
use crate::FieldErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"purpose": "marketing", "granted": true})))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub purpose: Option<ConsentPurpose>,
    /// `false` records a withdrawal.
    pub granted: Option<bool>,
    #[serde(default)]
    pub cgu_version_id: Option<String>,
    #[serde(default)]
    pub cgu_sha256: Option<String>,
    #[serde(default)]
    pub checkbox_label: Option<String>,
    #[serde(default)]
    pub origin_page: Option<String>,
}
crate::masked_debug!(ConsentInput, purpose, granted);

/// Proof of a consent or of its withdrawal.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub id: String,
    pub contact_id: String,
    pub purpose: ConsentPurpose,
    pub granted: bool,
    pub source: ConsentSource,
    /// The user who recorded it, when recorded by a user.
    pub actor_user_id: Option<String>,
    pub cgu_version_id: Option<String>,
    pub cgu_sha256: Option<String>,
    pub checkbox_label: Option<String>,
    pub origin_page: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
}
crate::masked_debug!(Consent, id, purpose, granted);

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"channel": "phone"})))]
#[serde(deny_unknown_fields)]
pub struct OppositionInput {
    pub channel: Option<OppositionChannel>,
}

impl ConsentInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.purpose.is_none() {
            e.insert("purpose".into(), "Précisez l'objet du consentement.".into());
        }
        if self.granted.is_none() {
            e.insert(
                "granted".into(),
                "Précisez s'il s'agit d'un accord ou d'un retrait.".into(),
            );
        }
        check_text(&mut e, "checkbox_label", &self.checkbox_label, MAX_LONG);
        check_text(&mut e, "origin_page", &self.origin_page, 2000);
        check_text(&mut e, "cgu_version_id", &self.cgu_version_id, MAX_SHORT);
        if let Some(h) = &self.cgu_sha256 {
            if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                e.insert(
                    "cgu_sha256".into(),
                    "L'empreinte SHA-256 doit compter 64 caractères hexadécimaux.".into(),
                );
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}
