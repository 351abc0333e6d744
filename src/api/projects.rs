//! Projects list: `GET /projects?<filters>` (API.md, list filters and keyset pagination).

use super::contacts::with_query;
use super::ApiError;
use oubli_domain::{Page, Project};

/// One page of projects; `query` is an encoded query string without the `?`.
pub async fn list(query: &str) -> Result<Page<Project>, ApiError> {
    super::get(&with_query("/projects", query)).await
}
