//! Lists: what matches (a domain filter and the actor's scope as sea-query
//! conditions, [`filter`]), keyset pages in a list's order ([`page`]), and the cache of
//! their totals ([`totals`]). Shared by the contacts and projects lists (and by bulk
//! selections), so "what matches" has one definition; the other lists page with the
//! same function.

mod filter;
mod page;
mod totals;

pub use filter::{
    contacts_cond, projects_cond, projects_with_contact, retention_cutoff, scope_cond,
};
pub use page::{page, Cursor, ListOrder, NAME_KEY_SQL, TASKS_TAG};
pub use totals::{TotalCache, TOTAL_TTL};
