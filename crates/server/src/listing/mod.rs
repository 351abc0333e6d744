//! Lists: what matches (a domain filter and the actor's scope as sea-query
//! conditions, [`filter`]), keyset pages in a list's order ([`page`]), and the cache of
//! their totals ([`totals`]). Shared by the contacts and projects lists (and by bulk
//! selections), so "what matches" has one definition; the other lists page with the
//! same function.

mod filter;
mod page;
mod totals;

pub use filter::{
    contacts_cond, contracts_with_contact, projects_cond, projects_with_contact, retention_cutoff,
    scope_cond,
};
pub use page::{page, page_rows, Cursor, ListOrder, ListRow, NAME_KEY_SQL, TASKS_TAG};
pub use totals::{TotalCache, TOTAL_TTL};

use crate::error::{ApiError, Result};
use oubli_domain::filter::{Filter, ListQuery, Resource};

/// The query of `GET /contacts` or `GET /projects`, read: its filter, page size,
/// order and cursor (422 on a bad value, 400 on a garbled cursor).
pub struct ListRequest {
    pub filter: Filter,
    pub limit: i64,
    pub order: ListOrder,
    pub cursor: Option<Cursor>,
}

impl ListRequest {
    pub fn parse(q: &ListQuery, resource: Resource) -> Result<ListRequest> {
        let (filter, limit) = q.parse(resource).map_err(ApiError::Invalid)?;
        let sort = q
            .sort(resource)
            .map_err(|m| ApiError::invalid("sort", &m))?;
        let order = match resource {
            Resource::Contacts => ListOrder::contacts(sort),
            Resource::Projects => ListOrder::projects(sort),
        };
        let cursor = order.cursor(q.after.as_deref())?;
        Ok(ListRequest {
            filter,
            limit,
            order,
            cursor,
        })
    }
}

/// `?limit=` of any list: the domain's page size, or a 422 on `limit` in French.
pub fn page_limit(raw: Option<&str>) -> Result<i64> {
    oubli_domain::filter::page_limit(raw).map_err(|m| ApiError::invalid("limit", &m))
}
