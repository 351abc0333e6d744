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

impl SyncRecord {
    /// Whether the offline contacts list's search `query` finds this record: every word
    /// of the query (accents and case folded, [`crate::filter::fold`]) appears in the
    /// name, company, email, postal code or city; a query of digits (and the spaces,
    /// dots, dashes and plus of a phone number as typed) is looked for, digits only and
    /// together, in the phones. An empty query finds every record.
    pub fn matches(&self, query: &str) -> bool {
        let f = &self.detail.contact.fields;
        let mut hay = String::new();
        for v in [
            &f.first_name,
            &f.last_name,
            &f.company_name,
            &f.email,
            &f.postal_code,
            &f.city,
        ]
        .into_iter()
        .flatten()
        {
            hay.push_str(&crate::filter::fold(v));
            hay.push(' ');
        }
        for p in [&f.mobile_phone, &f.landline_phone].into_iter().flatten() {
            hay.extend(p.chars().filter(char::is_ascii_digit));
            hay.push(' ');
        }
        // A phone number as typed ("06 12 34 56 78", "06.12…"): its digits together.
        let phone_like = query.chars().any(|c| c.is_ascii_digit())
            && query
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+'));
        if phone_like {
            let digits: String = query.chars().filter(char::is_ascii_digit).collect();
            return hay.contains(&digits);
        }
        crate::filter::fold(query)
            .split_whitespace()
            .all(|word| hay.contains(word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Contact, ContactInput};

    fn record(first: &str, last: &str, phone: &str, city: &str) -> SyncRecord {
        let when = chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0).unwrap_or_default();
        SyncRecord {
            detail: ContactDetail {
                contact: Contact {
                    id: "c1".into(),
                    fields: ContactInput {
                        first_name: Some(first.into()),
                        last_name: Some(last.into()),
                        mobile_phone: Some(phone.into()),
                        city: Some(city.into()),
                        ..ContactInput::default()
                    },
                    created_at: when,
                    updated_at: when,
                    last_inbound_at: None,
                    opposition_at: None,
                    opposition_channel: None,
                    anonymized_at: None,
                },
                household: vec![],
                projects: vec![],
                contracts: vec![],
                activity_counts: Default::default(),
            },
            notes: vec![],
            tasks: vec![],
            appointments: vec![],
        }
    }

    #[test]
    fn search_folds_accents_and_needs_every_word() {
        let r = record("Hélène", "Écuyer", "06 12 34 56 78", "Saint-Étienne");
        assert!(r.matches(""));
        assert!(r.matches("helene"));
        assert!(r.matches("ÉCUYER hél"));
        assert!(r.matches("saint-etienne"));
        assert!(r.matches("0612345678"));
        assert!(r.matches("06 12 34 56 78"));
        assert!(r.matches("06.12"));
        // The digits of a number together, not each group anywhere.
        assert!(!r.matches("06 78"));
        assert!(!r.matches("helene martin"));
        assert!(!r.matches("0699"));
    }
}
