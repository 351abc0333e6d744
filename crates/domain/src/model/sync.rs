//! What the browser's offline cache receives from `/sync`.

use super::ContactDetail;
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    pub upserts: Vec<ContactDetail>,
    /// Ids of contacts to purge from the cache (erased, deleted or reassigned).
    pub tombstones: Vec<String>,
    pub cursor: String,
    /// More changes wait: call again with the new cursor.
    pub more: bool,
}
crate::masked_debug!(SyncResponse, tombstones, cursor, more);
