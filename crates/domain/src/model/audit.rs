//! The audit log as read back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of the audit log: who did what to which id, with counts. Never a name,
/// email or number of the person concerned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "crate::date::utc")]
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<String>,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}
