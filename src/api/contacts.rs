//! Contacts list: `GET /contacts?<filters>` (API.md, list filters and keyset pagination).

use super::ApiError;
use oubli_domain::{Contact, Page};

/// One page of contacts. `query` is an already encoded query string without the `?`
/// (built by the filter panel from the domain's `Filter`, so it carries only valid
/// parameters).
pub async fn list(query: &str) -> Result<Page<Contact>, ApiError> {
    super::get(&with_query("/contacts", query)).await
}

/// `path?query`, or `path` alone for an empty query.
pub(crate) fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}
