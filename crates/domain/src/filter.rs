//! List filters of API.md (`/contacts` and `/projects`), parsed once from the query
//! string into typed values with French errors. The same typed filter is stored with
//! bulk selections later, and the browser's filter panel builds the query from it.

use crate::{ContactStatus, FieldErrors, Project, ProjectStatus, ProjectType};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// The raw query string, every value as text, so a wrong value becomes a French 422
/// instead of a framework error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
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

/// The orders a list offers (`?sort=`). Each one is a keyset order backed by an index,
/// so a page deep in the list costs what the first page costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first (the default).
    #[default]
    CreatedDesc,
    CreatedAsc,
    /// Contacts by name, A to Z.
    NameAsc,
    NameDesc,
    /// Projects by their contact's name, A to Z.
    ContactAsc,
    ContactDesc,
}

/// What a sortable column sorts on; a click on its header picks the [`Sort`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortField {
    Created,
    /// The contact's name (contacts list) or the project's contact (projects list).
    Name,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::CreatedDesc,
        Sort::CreatedAsc,
        Sort::NameAsc,
        Sort::NameDesc,
        Sort::ContactAsc,
        Sort::ContactDesc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::CreatedDesc => "created_desc",
            Sort::CreatedAsc => "created_asc",
            Sort::NameAsc => "name_asc",
            Sort::NameDesc => "name_desc",
            Sort::ContactAsc => "contact_asc",
            Sort::ContactDesc => "contact_desc",
        }
    }

    /// Any sort's code, whatever the list.
    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The sorts one list offers.
    pub fn allowed(resource: Resource) -> &'static [Sort] {
        match resource {
            Resource::Contacts => &[
                Sort::CreatedDesc,
                Sort::CreatedAsc,
                Sort::NameAsc,
                Sort::NameDesc,
            ],
            Resource::Projects => &[
                Sort::CreatedDesc,
                Sort::CreatedAsc,
                Sort::ContactAsc,
                Sort::ContactDesc,
            ],
        }
    }

    /// `?sort=` of one list: absent or empty is the default, an unknown value a
    /// French message naming the possible ones.
    pub fn for_list(resource: Resource, v: Option<&str>) -> Result<Sort, String> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Sort::default()),
            Some(s) => Sort::parse(s)
                .filter(|x| Sort::allowed(resource).contains(x))
                .ok_or_else(|| {
                    let allowed: Vec<&str> =
                        Sort::allowed(resource).iter().map(|x| x.as_str()).collect();
                    format!("Tri inconnu. Valeurs possibles : {}.", allowed.join(", "))
                }),
        }
    }

    pub fn is_descending(self) -> bool {
        matches!(self, Sort::CreatedDesc | Sort::NameDesc | Sort::ContactDesc)
    }

    pub fn field(self) -> SortField {
        match self {
            Sort::CreatedDesc | Sort::CreatedAsc => SortField::Created,
            _ => SortField::Name,
        }
    }

    /// The sort a click on `field`'s header gives, on `resource`'s list: the other
    /// direction when the list is sorted on that field already, else its natural
    /// first direction (names A to Z, dates newest first).
    pub fn toggled(self, resource: Resource, field: SortField) -> Sort {
        let (first, second) = match (field, resource) {
            (SortField::Created, _) => (Sort::CreatedDesc, Sort::CreatedAsc),
            (SortField::Name, Resource::Contacts) => (Sort::NameAsc, Sort::NameDesc),
            (SortField::Name, Resource::Projects) => (Sort::ContactAsc, Sort::ContactDesc),
        };
        if self == first {
            second
        } else {
            first
        }
    }
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
            e.insert(
                field.into(),
                "Date invalide : format attendu AAAA-MM-JJ.".into(),
            );
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
            e.insert(field.into(), "Valeur attendue : true ou false.".into());
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
            .ok_or_else(|| format!("La taille de page doit être comprise entre 1 et {MAX_LIMIT}.")),
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
            let slot = match k {
                "created_before" => &mut l.created_before,
                "created_after" => &mut l.created_after,
                "status" => &mut l.status,
                "status_not" => &mut l.status_not,
                "type" => &mut l.kind,
                "supplier" => &mut l.supplier,
                "assigned_to" => &mut l.assigned_to,
                "last_interaction_before" => &mut l.last_interaction_before,
                "anonymized" => &mut l.anonymized,
                "opposition" => &mut l.opposition,
                "q" => &mut l.q,
                "preset" => &mut l.preset,
                _ => continue,
            };
            *slot = Some(v);
        }
        l
    }
}

// ---------------------------------------------------------------- name sorts

/// How lists name a contact for sorting: `0` then the last name (else the company
/// name), a space, the first name, lower-cased with accents folded ([`fold`]), so that
/// "Écuyer" sorts among the E and "Œuvray" among the O. None without a name (the lists
/// then sort it after the named contacts A to Z: anonymized ones). The server stores it
/// with every write of a contact; derived from the name, anonymization blanks it
/// ([`crate::erasure::PLAN`]).
pub fn name_key(last: Option<&str>, company: Option<&str>, first: Option<&str>) -> Option<String> {
    fn given(s: Option<&str>) -> Option<&str> {
        s.filter(|s| !s.is_empty())
    }
    let name = given(last).or(given(company))?;
    Some(format!(
        "0{} {}",
        fold(name),
        fold(first.unwrap_or_default())
    ))
}

/// Lower case, accented Latin letters to their base letter (œ and æ to two letters).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_fold_case_and_accents() {
        assert_eq!(
            name_key(Some("ÉCUYER"), None, Some("Éric")).as_deref(),
            Some("0ecuyer eric")
        );
        assert_eq!(
            name_key(Some(""), Some("Œuvres Ça & Là"), None).as_deref(),
            Some("0oeuvres ca & la ")
        );
        assert_eq!(name_key(None, Some(""), Some("Anne")), None);
        // Sorted by key: among their letter, not after Z.
        let mut names = ["Zola", "Écuyer", "Eckert", "Eden", "Œuvray", "Olivier"];
        names.sort_by_key(|n| name_key(Some(n), None, None));
        assert_eq!(
            names,
            ["Eckert", "Écuyer", "Eden", "Œuvray", "Olivier", "Zola"]
        );
    }

    #[test]
    fn a_filter_becomes_the_list_query_of_its_query_string() {
        let q = ListQuery {
            created_before: Some("2023-01-31".into()),
            created_after: Some("2020-02-01".into()),
            status: Some("prospect".into()),
            status_not: Some("client".into()),
            kind: Some("sante,auto".into()),
            supplier: Some("Comparateur".into()),
            assigned_to: Some("u1".into()),
            last_interaction_before: Some("2024-05-06".into()),
            anonymized: Some("false".into()),
            opposition: Some("true".into()),
            q: Some("dupont".into()),
            preset: Some("retention".into()),
            ..Default::default()
        };
        let (f, _) = q.parse(Resource::Contacts).unwrap();
        let pairs = f.to_query();
        assert_eq!(pairs.len(), 12, "every filter travels: {pairs:?}");
        // The names are those of `ListQuery`'s fields as serde reads them.
        let by_serde: ListQuery = serde_json::from_value(serde_json::Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
                .collect(),
        ))
        .unwrap();
        assert_eq!(f.to_list_query(), by_serde);
        assert_eq!(f.to_list_query().parse(Resource::Contacts).unwrap().0, f);
        assert_eq!(Filter::default().to_list_query(), ListQuery::default());
    }

    #[test]
    fn parses_and_rejects() {
        let q = ListQuery {
            status: Some("prospect, client".into()),
            created_before: Some("2023-01-31".into()),
            anonymized: Some("false".into()),
            limit: Some("10".into()),
            ..Default::default()
        };
        let (f, limit) = q.parse(Resource::Contacts).unwrap();
        assert_eq!(f.status, vec!["prospect", "client"]);
        assert_eq!(f.anonymized, Some(false));
        assert_eq!(limit, 10);
        // A project status is not a contact status.
        let bad = ListQuery {
            status: Some("perdu".into()),
            ..Default::default()
        };
        assert!(bad
            .parse(Resource::Contacts)
            .unwrap_err()
            .contains_key("status"));
        assert!(bad.parse(Resource::Projects).is_ok());
        let bad = ListQuery {
            created_after: Some("31/01/2023".into()),
            limit: Some("501".into()),
            anonymized: Some("peut-être".into()),
            ..Default::default()
        };
        let e = bad.parse(Resource::Projects).unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn sorts_per_list() {
        let q = |s: &str| ListQuery {
            sort: Some(s.into()),
            ..Default::default()
        };
        assert_eq!(q("").sort(Resource::Contacts), Ok(Sort::CreatedDesc));
        assert_eq!(
            ListQuery::default().sort(Resource::Projects),
            Ok(Sort::CreatedDesc)
        );
        assert_eq!(q("name_asc").sort(Resource::Contacts), Ok(Sort::NameAsc));
        assert_eq!(
            q("contact_desc").sort(Resource::Projects),
            Ok(Sort::ContactDesc)
        );
        // A contact sort is not a project sort, and the other way round.
        let e = q("name_asc").parse(Resource::Projects).unwrap_err();
        assert_eq!(
            e["sort"],
            "Tri inconnu. Valeurs possibles : created_desc, created_asc, contact_asc, contact_desc."
        );
        assert!(q("contact_asc").sort(Resource::Contacts).is_err());
        assert!(q("NAME_ASC").sort(Resource::Contacts).is_err());
        for r in [Resource::Contacts, Resource::Projects] {
            for s in Sort::allowed(r) {
                assert_eq!(Sort::parse(s.as_str()), Some(*s));
                // Two clicks on a header come back to where they started.
                let once = s.toggled(r, s.field());
                assert_ne!(once, *s);
                assert_eq!(once.toggled(r, s.field()), *s);
                assert!(Sort::allowed(r).contains(&once));
            }
        }
        assert_eq!(
            Sort::CreatedDesc.toggled(Resource::Contacts, SortField::Name),
            Sort::NameAsc
        );
        assert_eq!(
            Sort::NameAsc.toggled(Resource::Contacts, SortField::Created),
            Sort::CreatedDesc
        );
    }

    #[test]
    fn to_query_round_trips() {
        let q = ListQuery {
            status_not: Some("contrat_actif".into()),
            kind: Some("sante,auto".into()),
            preset: Some("retention".into()),
            ..Default::default()
        };
        let (f, _) = q.parse(Resource::Projects).unwrap();
        let back: std::collections::HashMap<_, _> = f.to_query().into_iter().collect();
        assert_eq!(back["type"], "sante,auto");
        assert_eq!(back["preset"], "retention");
        assert_eq!(back["status_not"], "contrat_actif");
    }
}
