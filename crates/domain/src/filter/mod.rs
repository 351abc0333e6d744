//! List filters of API.md (`/contacts` and `/projects`), parsed once from the query
//! string into typed values with French errors. The same typed filter is stored with
//! bulk selections later, and the browser's filter panel builds the query from it.
//!
//! A filter also travels inside JSON bodies (`contacts_filter`, `projects_filter` of an
//! erasure target) as a [`JsonFilter`]: the same keys, read by the same code into the
//! same [`ListQuery`], with JSON types accepted besides their string forms, and
//! unknown keys or wrong types kept as French field errors for [`JsonFilter::parse`].

mod names;
mod read;
mod search;
mod sort;
#[cfg(test)]
mod tests;

pub use names::{fold, name_key};
pub use read::{filter_keys, JsonFilter};
use read::{limit_invalid, DATE_INVALID, FLAG_INVALID};
pub use search::matches_search;
pub use sort::{Sort, SortField};

use crate::{ContactStatus, FieldErrors, Project, ProjectStatus, ProjectType};
use chrono::NaiveDate;

use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// The raw query string, every value as text, so a wrong value becomes a French 422
/// instead of a framework error. Deserialized by `read::read_filter` (shared with
/// [`JsonFilter`]): a JSON boolean, integer or array of strings is taken in its string
/// form (`false` as `"false"`, `["a", "b"]` as `"a,b"`); unknown keys are ignored, as
/// they always were in a query string.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListQuery {
    /// Created strictly before this date (YYYY-MM-DD).
    pub created_before: Option<String>,
    /// Created on or after this date (YYYY-MM-DD).
    pub created_after: Option<String>,
    /// Comma-separated statuses to keep (contact status on /contacts, project status on /projects).
    pub status: Option<String>,
    /// Comma-separated statuses to leave out.
    pub status_not: Option<String>,
    /// Comma-separated project types (on /contacts: contacts having such a project).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", param(rename = "type"))]
    pub kind: Option<String>,
    pub supplier: Option<String>,
    /// User id.
    pub assigned_to: Option<String>,
    /// Last inbound interaction strictly before this date, or none at all.
    pub last_interaction_before: Option<String>,
    /// `true` or `false`.
    pub anonymized: Option<String>,
    /// `true` or `false`.
    pub opposition: Option<String>,
    /// Text search on names, company, email, city.
    pub q: Option<String>,
    /// `retention`: prospects older than the cabinet's retention period without an active contract.
    pub preset: Option<String>,
    /// Order of the rows. On /contacts: `created_desc` (default, newest first),
    /// `created_asc`, `name_asc`, `name_desc` (last name, or company name, then first
    /// name; contacts without a name, such as anonymized ones, come after the named
    /// ones in `name_asc`). On /projects: `created_desc` (default), `created_asc`,
    /// `contact_asc`, `contact_desc` (by the contact's name, as `name_*` on /contacts).
    /// Not part of a bulk selection's filter (it does not change what matches).
    pub sort: Option<String>,
    /// Page size, default 50, max 500.
    pub limit: Option<String>,
    /// Cursor from the previous page's `next`; it belongs to the sort that produced it,
    /// and another `sort` with it is refused (422 on `after`).
    pub after: Option<String>,
}

/// One row of `GET /projects`: the project, plus the name of its contact so the list
/// can show who the project is for without one request per row.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectListItem {
    #[serde(flatten)]
    pub project: Project,
    /// The contact as lists name it: first and last name, else the company name; null
    /// when the contact is anonymized (or has no name).
    #[serde(default)]
    pub contact_name: Option<String>,
}
crate::masked_debug!(ProjectListItem, project);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Retention,
}

/// What the status filters apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Contacts,
    Projects,
}

/// A checked filter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    #[serde(default, with = "crate::date::opt")]
    pub created_before: Option<NaiveDate>,
    #[serde(default, with = "crate::date::opt")]
    pub created_after: Option<NaiveDate>,
    pub status: Vec<String>,
    pub status_not: Vec<String>,
    pub types: Vec<ProjectType>,
    pub supplier: Option<String>,
    pub assigned_to: Option<String>,
    #[serde(default, with = "crate::date::opt")]
    pub last_interaction_before: Option<NaiveDate>,
    pub anonymized: Option<bool>,
    pub opposition: Option<bool>,
    pub q: Option<String>,
    pub preset: Option<Preset>,
}

fn date(e: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<NaiveDate> {
    let s = v.as_deref()?.trim();
    if s.is_empty() {
        return None;
    }
    match crate::date::parse_iso(s) {
        Some(d) => Some(d),
        None => {
            e.insert(field.into(), DATE_INVALID.into());
            None
        }
    }
}

fn boolean(e: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<bool> {
    match v.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("true") | Some("1") => Some(true),
        Some("false") | Some("0") => Some(false),
        Some(_) => {
            e.insert(field.into(), FLAG_INVALID.into());
            None
        }
    }
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// The page size of any list (`?limit=`): default 50, from 1 to 500, else a French
/// message for the `limit` field.
pub fn page_limit(v: Option<&str>) -> Result<i64, String> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(limit_invalid),
    }
}

impl ListQuery {
    /// The checked `?sort=` (also checked by [`ListQuery::parse`]).
    pub fn sort(&self, resource: Resource) -> Result<Sort, String> {
        Sort::for_list(resource, self.sort.as_deref())
    }

    /// Checks every value (the sort too); errors are keyed by parameter name.
    pub fn parse(&self, resource: Resource) -> Result<(Filter, i64), FieldErrors> {
        let mut e = FieldErrors::new();
        let status = list(&self.status);
        let status_not = list(&self.status_not);
        let valid_status = |s: &str| match resource {
            Resource::Contacts => ContactStatus::parse(s).is_some(),
            Resource::Projects => ProjectStatus::parse(s).is_some(),
        };
        for (field, values) in [("status", &status), ("status_not", &status_not)] {
            if values.iter().any(|s| !valid_status(s)) {
                let allowed: Vec<&str> = match resource {
                    Resource::Contacts => ContactStatus::ALL.iter().map(|s| s.as_str()).collect(),
                    Resource::Projects => ProjectStatus::ALL.iter().map(|s| s.as_str()).collect(),
                };
                e.insert(
                    field.into(),
                    format!(
                        "Statut inconnu. Valeurs possibles : {}.",
                        allowed.join(", ")
                    ),
                );
            }
        }
        let mut types = Vec::new();
        for t in list(&self.kind) {
            match ProjectType::parse(&t) {
                Some(k) => types.push(k),
                None => {
                    e.insert("type".into(), "Type de projet inconnu.".into());
                }
            }
        }
        let preset = match nonempty(&self.preset).as_deref() {
            None => None,
            Some("retention") => Some(Preset::Retention),
            Some(_) => {
                e.insert(
                    "preset".into(),
                    "Filtre prédéfini inconnu (valeur possible : retention).".into(),
                );
                None
            }
        };
        let q = nonempty(&self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
            e.insert(
                "q".into(),
                "La recherche ne peut pas dépasser 100 caractères.".into(),
            );
        }
        let limit = page_limit(self.limit.as_deref()).unwrap_or_else(|m| {
            e.insert("limit".into(), m);
            DEFAULT_LIMIT
        });
        if let Err(m) = self.sort(resource) {
            e.insert("sort".into(), m);
        }
        let f = Filter {
            created_before: date(&mut e, "created_before", &self.created_before),
            created_after: date(&mut e, "created_after", &self.created_after),
            status,
            status_not,
            types,
            supplier: nonempty(&self.supplier),
            assigned_to: nonempty(&self.assigned_to),
            last_interaction_before: date(
                &mut e,
                "last_interaction_before",
                &self.last_interaction_before,
            ),
            anonymized: boolean(&mut e, "anonymized", &self.anonymized),
            opposition: boolean(&mut e, "opposition", &self.opposition),
            q,
            preset,
        };
        if e.is_empty() {
            Ok((f, limit))
        } else {
            Err(e)
        }
    }
}

impl Filter {
    /// The query string that reproduces this filter (used by the browser's filter panel).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let d = |d: NaiveDate| d.to_string();
        if let Some(v) = self.created_before {
            q.push(("created_before", d(v)));
        }
        if let Some(v) = self.created_after {
            q.push(("created_after", d(v)));
        }
        if !self.status.is_empty() {
            q.push(("status", self.status.join(",")));
        }
        if !self.status_not.is_empty() {
            q.push(("status_not", self.status_not.join(",")));
        }
        if !self.types.is_empty() {
            q.push((
                "type",
                self.types
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ));
        }
        if let Some(v) = &self.supplier {
            q.push(("supplier", v.clone()));
        }
        if let Some(v) = &self.assigned_to {
            q.push(("assigned_to", v.clone()));
        }
        if let Some(v) = self.last_interaction_before {
            q.push(("last_interaction_before", d(v)));
        }
        if let Some(v) = self.anonymized {
            q.push(("anonymized", v.to_string()));
        }
        if let Some(v) = self.opposition {
            q.push(("opposition", v.to_string()));
        }
        if let Some(v) = &self.q {
            q.push(("q", v.clone()));
        }
        if self.preset == Some(Preset::Retention) {
            q.push(("preset", "retention".into()));
        }
        q
    }

    /// The same filter as a [`ListQuery`] (what a bulk selection sends), from
    /// [`Filter::to_query`], without sort or paging.
    pub fn to_list_query(&self) -> ListQuery {
        let mut l = ListQuery::default();
        for (k, v) in self.to_query() {
            *l.slot(k) = Some(v);
        }
        l
    }
}
