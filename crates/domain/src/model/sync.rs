//! What the browser's offline cache receives from `/sync` (API.md "Offline sync",
//! PRODUCT.md §9 "Offline view").

use super::{Activity, ActivityKind, ContactDetail};
use serde::{Deserialize, Serialize};

/// One contact as the offline cache keeps it: the whole record (household, projects,
/// contracts) with its notes, tasks and appointments.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncRecord {
    #[serde(flatten)]
    pub detail: ContactDetail,
    pub notes: Vec<Activity>,
    pub tasks: Vec<Activity>,
    pub appointments: Vec<Activity>,
}
crate::masked_debug!(SyncRecord, notes, tasks, appointments);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    /// Records to store (replacing any kept under the same id), oldest change first.
    /// Anonymized contacts are never among them: they come as tombstones.
    pub upserts: Vec<SyncRecord>,
    /// Ids of contacts to purge from the cache (erased, deleted, or reassigned away
    /// from the user).
    pub tombstones: Vec<String>,
    /// To send as `since` next time (opaque; empty with `reset`).
    pub cursor: String,
    /// More changes wait: call again with the new cursor.
    pub more: bool,
    /// The cursor cannot be continued (another user's, beyond the cabinet's sequence,
    /// or older than a change of what the user may see; tombstones are never purged,
    /// so age alone never resets): drop the cache and sync again from no cursor.
    #[serde(default)]
    pub reset: bool,
}
crate::masked_debug!(SyncResponse, tombstones, cursor, more, reset);

/// Contacts sent per `/sync` call at most (the client calls again while `more`).
pub const SYNC_BATCH: usize = 500;
/// Minutes between two background syncs while online.
pub const SYNC_EVERY_MINUTES: u32 = 5;

/// `GET /sync/key`: the key a logged-in session gets to unwrap the offline cache's key
/// without asking for the password (PRODUCT.md §9). The same for a user across
/// sessions until their password changes or their account is deactivated.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncKey {
    /// Base64 (standard alphabet, padded) of 32 random bytes.
    pub key: String,
}
crate::masked_debug!(SyncKey);

/// The kinds of activity the offline cache holds (PRODUCT.md §9): documents are not
/// among them, their files stay on the server.
pub const SYNCED_ACTIVITY_KINDS: [ActivityKind; 3] = [
    ActivityKind::Notes,
    ActivityKind::Tasks,
    ActivityKind::Appointments,
];
