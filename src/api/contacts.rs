//! Contacts list: `GET /contacts?<filters>` (API.md, list filters and keyset pagination).

use super::ApiError;
use oubli_domain::{Contact, Page};

/// One page of contacts. `query` is an already encoded query string without the `?`
/// (built by the filter panel from the domain's `Filter`, so it carries only valid
/// parameters).
pub async fn list(query: &str) -> Result<Page<Contact>, ApiError> {
    super::get(&with_query("/contacts", query)).await
}

/// The suppliers the cabinet's contacts came from (the keys of `GET /stats/summary`'s
/// `leads_by_supplier`, without the "none" bucket), sorted, for the supplier filter.
pub async fn suppliers() -> Result<Vec<String>, ApiError> {
    let stats: oubli_domain::StatsSummary = super::get("/stats/summary").await?;
    Ok(stats
        .leads_by_supplier
        .into_keys()
        .filter(|s| !s.trim().is_empty() && s != NO_SUPPLIER)
        .collect())
}

/// The bucket of `leads_by_supplier` for contacts without a supplier.
const NO_SUPPLIER: &str = "(aucun)";

/// `path?query`, or `path` alone for an empty query.
pub(crate) fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}
