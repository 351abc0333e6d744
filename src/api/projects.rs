//! Projects list: `GET /projects?<filters>` (API.md, list filters and keyset pagination).

use super::contacts::with_query;
use super::ApiError;
use oubli_domain::filter::ProjectListItem;
use oubli_domain::Page;

/// One page of projects, each with its contact's name; `query` is an encoded query
/// string without the `?`.
pub async fn list(query: &str) -> Result<Page<ProjectListItem>, ApiError> {
    super::get(&with_query("/projects", query)).await
}
