//! What the filter panel edits ([`FilterState`]), and the list's address ([`ListUrl`])
//! and API query string it becomes.

use oubli_domain::filter::{page_limit, Filter, ListQuery, Resource, Sort, DEFAULT_LIMIT};
use oubli_domain::FieldErrors;

/// What the inputs of the panel hold, as typed. Dates are `YYYY-MM-DD` (what
/// `<input type="date">` gives); tri-states are `""` (any), `"true"` or `"false"`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterState {
    pub created_after: String,
    pub created_before: String,
    pub status: Vec<String>,
    pub status_not: Vec<String>,
    pub types: Vec<String>,
    pub supplier: String,
    pub assigned_to: String,
    pub last_interaction_before: String,
    pub anonymized: String,
    pub opposition: String,
    /// The ready-made filter "Prospects de plus de 3 ans sans contrat actif".
    pub retention: bool,
}

fn text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn joined(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(","))
}

impl FilterState {
    /// The raw query of API.md for these inputs plus the search text `q`.
    pub fn to_list_query(&self, q: &str) -> ListQuery {
        ListQuery {
            created_before: text(&self.created_before),
            created_after: text(&self.created_after),
            status: joined(&self.status),
            status_not: joined(&self.status_not),
            kind: joined(&self.types),
            supplier: text(&self.supplier),
            assigned_to: text(&self.assigned_to),
            last_interaction_before: text(&self.last_interaction_before),
            anonymized: text(&self.anonymized),
            opposition: text(&self.opposition),
            q: text(q),
            preset: self.retention.then(|| "retention".to_owned()),
            sort: None,
            limit: None,
            after: None,
        }
    }

    /// Checks the inputs with the server's own parser; errors are French, keyed by
    /// query parameter name.
    pub fn to_filter(&self, resource: Resource, q: &str) -> Result<Filter, FieldErrors> {
        self.to_list_query(q).parse(resource).map(|(f, _)| f)
    }

    /// How many filters are set (shown on the panel so a narrowed list is obvious).
    pub fn active_count(&self) -> usize {
        [
            !self.created_after.trim().is_empty(),
            !self.created_before.trim().is_empty(),
            !self.status.is_empty(),
            !self.status_not.is_empty(),
            !self.types.is_empty(),
            !self.supplier.trim().is_empty(),
            !self.assigned_to.is_empty(),
            !self.last_interaction_before.trim().is_empty(),
            !self.anonymized.is_empty(),
            !self.opposition.is_empty(),
            self.retention,
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }
}

/// Percent-encodes one query component (RFC 3986 unreserved characters pass as is).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The query string (without `?`) of one page of a filtered list. The sort is left
/// out when it is the default, so the default list asks what it always asked.
pub fn query_string(filter: &Filter, sort: Sort, limit: i64, after: Option<&str>) -> String {
    let mut parts: Vec<String> = filter
        .to_query()
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode_component(&v)))
        .collect();
    if sort != Sort::default() {
        parts.push(format!("sort={}", sort.as_str()));
    }
    parts.push(format!("limit={limit}"));
    if let Some(cursor) = after {
        parts.push(format!("after={}", encode_component(cursor)));
    }
    parts.join("&")
}

/// What a list's own URL holds (`/contacts?status=prospect&sort=name_asc`): the
/// applied filters, the search, the sort and the page size, under the API's parameter
/// names, so a reload or a shared link shows the same list. The page position is left
/// out: a link shows the first page.
#[derive(Clone, Debug, PartialEq)]
pub struct ListUrl {
    pub filters: FilterState,
    pub q: String,
    pub sort: Sort,
    pub limit: i64,
}

impl Default for ListUrl {
    fn default() -> Self {
        ListUrl {
            filters: FilterState::default(),
            q: String::new(),
            sort: Sort::default(),
            limit: DEFAULT_LIMIT,
        }
    }
}

fn split_list(v: Option<String>) -> Vec<String> {
    v.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl ListUrl {
    /// Reads the URL's parameters (`get` returns a decoded value). Filters are taken
    /// as written, so a wrong value shows in the panel with its error; an unknown
    /// sort or page size falls back to the default.
    pub fn from_query(resource: Resource, get: impl Fn(&str) -> Option<String>) -> ListUrl {
        let text = |k: &str| get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let filters = FilterState {
            created_after: text("created_after"),
            created_before: text("created_before"),
            status: split_list(get("status")),
            status_not: split_list(get("status_not")),
            types: split_list(get("type")),
            supplier: text("supplier"),
            assigned_to: text("assigned_to"),
            last_interaction_before: text("last_interaction_before"),
            anonymized: text("anonymized"),
            opposition: text("opposition"),
            retention: text("preset") == "retention",
        };
        ListUrl {
            filters,
            q: text("q"),
            sort: Sort::for_list(resource, get("sort").as_deref()).unwrap_or_default(),
            limit: page_limit(get("limit").as_deref()).unwrap_or(DEFAULT_LIMIT),
        }
    }

    /// The encoded query (without `?`), defaults left out: `""` for the plain list.
    pub fn to_query(&self) -> String {
        let mut q = self.filters.to_list_query(&self.q);
        if self.sort != Sort::default() {
            q.sort = Some(self.sort.as_str().to_owned());
        }
        if self.limit != DEFAULT_LIMIT {
            q.limit = Some(self.limit.to_string());
        }
        let ListQuery {
            created_before,
            created_after,
            status,
            status_not,
            kind,
            supplier,
            assigned_to,
            last_interaction_before,
            anonymized,
            opposition,
            q,
            preset,
            sort,
            limit,
            after: _,
        } = q;
        [
            ("created_after", created_after),
            ("created_before", created_before),
            ("status", status),
            ("status_not", status_not),
            ("type", kind),
            ("supplier", supplier),
            ("assigned_to", assigned_to),
            ("last_interaction_before", last_interaction_before),
            ("anonymized", anonymized),
            ("opposition", opposition),
            ("preset", preset),
            ("q", q),
            ("sort", sort),
            ("limit", limit),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", encode_component(&v))))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The list's path with this query: `/contacts`, `/projects?sort=contact_asc`…
    pub fn href(&self, resource: Resource) -> String {
        let path = match resource {
            Resource::Contacts => "/contacts",
            Resource::Projects => "/projects",
        };
        match self.to_query() {
            q if q.is_empty() => path.to_owned(),
            q => format!("{path}?{q}"),
        }
    }
}
