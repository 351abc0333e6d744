//! List filters of API.md (`/contacts` and `/projects`), parsed once from the query
//! string into typed values with French errors. The same typed filter is stored with
//! bulk selections later, and the browser's filter panel builds the query from it.
//!
//! A filter also travels inside JSON bodies (`contacts_filter`, `projects_filter` of an
//! erasure target) as a [`JsonFilter`]: the same keys, read by the same code into the
//! same [`ListQuery`], with JSON types accepted besides their string forms, and
//! unknown keys or wrong types kept as French field errors for [`JsonFilter::parse`].

use crate::{ContactStatus, FieldErrors, Project, ProjectStatus, ProjectType};
use chrono::NaiveDate;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// The raw query string, every value as text, so a wrong value becomes a French 422
/// instead of a framework error. Deserialized by [`read_filter`] (shared with
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

// ---------------------------------------------------------------- reading a filter

/// What a key of a filter takes besides text (text is always accepted: it is the
/// query string's form, parsed by [`ListQuery::parse`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Text only.
    Text,
    /// A `YYYY-MM-DD` text.
    Date,
    /// An array of codes, or the codes in one comma-separated text.
    Codes,
    /// A boolean, or `"true"` / `"false"`.
    Flag,
    /// An integer, or its digits.
    Count,
}

/// Every key of a filter, as serde names [`ListQuery`]'s fields, with what it takes.
const KEYS: [(&str, Shape); 15] = [
    ("created_before", Shape::Date),
    ("created_after", Shape::Date),
    ("status", Shape::Codes),
    ("status_not", Shape::Codes),
    ("type", Shape::Codes),
    ("supplier", Shape::Text),
    ("assigned_to", Shape::Text),
    ("last_interaction_before", Shape::Date),
    ("anonymized", Shape::Flag),
    ("opposition", Shape::Flag),
    ("q", Shape::Text),
    ("preset", Shape::Text),
    ("sort", Shape::Text),
    ("limit", Shape::Count),
    ("after", Shape::Text),
];

/// The keys a filter takes, in the order of [`ListQuery`] (the query parameters of
/// `/contacts` and `/projects`, and the keys of a filter object in a JSON body).
pub fn filter_keys() -> impl Iterator<Item = &'static str> {
    KEYS.iter().map(|(k, _)| *k)
}

/// One value of a filter as it arrived, before [`Shape::accept`] turns it into the
/// query string's text.
enum Raw {
    Null,
    Text(String),
    Bool(bool),
    Int(String),
    Texts(Vec<String>),
    /// An object, a number that is not an integer, an array holding anything but text.
    Other,
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a filter value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw::Int(v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw::Int(v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw::Int(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Raw, E> {
                Ok(Raw::Other)
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Raw, E> {
                Ok(Raw::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut texts = Some(Vec::new());
                // Every element is read (and dropped when not text) so the input stays
                // in step.
                while let Some(item) = seq.next_element::<Raw>()? {
                    match (item, &mut texts) {
                        (Raw::Text(s), Some(v)) => v.push(s),
                        _ => texts = None,
                    }
                }
                Ok(texts.map_or(Raw::Other, Raw::Texts))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Raw::Other)
            }
        }
        d.deserialize_any(V)
    }
}

impl Shape {
    /// The query string's text for `raw` (None: not given), or the French message of
    /// a value of the wrong type. Never the value itself (it can be a name).
    fn accept(self, raw: Raw) -> Result<Option<String>, String> {
        match (self, raw) {
            (_, Raw::Null) => Ok(None),
            (_, Raw::Text(s)) => Ok(Some(s)),
            (Shape::Flag, Raw::Bool(b)) => Ok(Some(b.to_string())),
            (Shape::Count, Raw::Int(n)) => Ok(Some(n)),
            (Shape::Codes, Raw::Texts(v)) => Ok(Some(v.join(","))),
            (Shape::Text, _) => Err("Valeur attendue : un texte.".into()),
            (Shape::Date, _) => Err(DATE_INVALID.into()),
            (Shape::Codes, _) => Err(
                "Valeur attendue : une liste de codes, ou des codes séparés par des virgules."
                    .into(),
            ),
            (Shape::Flag, _) => Err(FLAG_INVALID.into()),
            (Shape::Count, _) => Err(limit_invalid()),
        }
    }
}

const DATE_INVALID: &str = "Date invalide : format attendu AAAA-MM-JJ.";
const FLAG_INVALID: &str = "Valeur attendue : true ou false.";

fn limit_invalid() -> String {
    format!("La taille de page doit être comprise entre 1 et {MAX_LIMIT}.")
}

/// A filter as read: the query string's form, the keys whose value had a wrong type
/// (with the French message), and the unknown keys.
#[derive(Default)]
struct Read {
    query: ListQuery,
    wrong: FieldErrors,
    unknown: Vec<String>,
}

/// The one reader of a filter, for the query string ([`ListQuery`]) and for a JSON
/// body ([`JsonFilter`]). A key given twice is an error, as it was with the derived
/// reader.
fn read_filter<'de, A: MapAccess<'de>>(mut map: A) -> Result<Read, A::Error> {
    let mut r = Read::default();
    let mut seen = [false; KEYS.len()];
    while let Some(key) = map.next_key::<String>()? {
        let Some(i) = KEYS.iter().position(|(k, _)| *k == key) else {
            map.next_value::<IgnoredAny>()?;
            r.unknown.push(key);
            continue;
        };
        let (name, shape) = KEYS[i];
        if std::mem::replace(&mut seen[i], true) {
            return Err(de::Error::duplicate_field(name));
        }
        match shape.accept(map.next_value::<Raw>()?) {
            Ok(v) => *r.query.slot(name) = v,
            Err(m) => {
                r.wrong.insert(name.into(), m);
            }
        }
    }
    Ok(r)
}

struct ReadVisitor;

impl<'de> Visitor<'de> for ReadVisitor {
    type Value = Read;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of list filters")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Read, A::Error> {
        read_filter(map)
    }
}

impl<'de> Deserialize<'de> for ListQuery {
    /// A value of the wrong type is a serde error here (a query string has none: every
    /// value is text); [`JsonFilter`] reports it as a field error instead.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ListQuery, D::Error> {
        let r = d.deserialize_map(ReadVisitor)?;
        match r.wrong.into_keys().next() {
            None => Ok(r.query),
            Some(key) => Err(de::Error::custom(format_args!(
                "wrong type for filter `{key}`"
            ))),
        }
    }
}

impl ListQuery {
    /// The field serde names `key` (one of [`KEYS`]).
    fn slot(&mut self, key: &str) -> &mut Option<String> {
        match key {
            "created_before" => &mut self.created_before,
            "created_after" => &mut self.created_after,
            "status" => &mut self.status,
            "status_not" => &mut self.status_not,
            "type" => &mut self.kind,
            "supplier" => &mut self.supplier,
            "assigned_to" => &mut self.assigned_to,
            "last_interaction_before" => &mut self.last_interaction_before,
            "anonymized" => &mut self.anonymized,
            "opposition" => &mut self.opposition,
            "q" => &mut self.q,
            "preset" => &mut self.preset,
            "sort" => &mut self.sort,
            "limit" => &mut self.limit,
            "after" => &mut self.after,
            _ => unreachable!("not a filter key: {key}"),
        }
    }
}

/// A list filter inside a JSON body (`contacts_filter`, `projects_filter` of an
/// erasure target, API.md "Wave 2 additions"): the keys of the query string, with JSON
/// types as well as their string forms (`"anonymized": false` or `"false"`,
/// `"status": ["prospect"]` or `"prospect"`, `"limit": 10` or `"10"`; `null` is "not
/// given"). Read by the query string's reader into the same [`ListQuery`], so
/// [`JsonFilter::parse`] is [`ListQuery::parse`] plus what only a body can get wrong:
/// an unknown key (a typo must not widen the selection to everyone) or a value of the
/// wrong type, each a French message keyed by the key. Serialized as the
/// [`ListQuery`] (string forms).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JsonFilter {
    query: ListQuery,
    /// Unknown keys and values of the wrong type, by key.
    problems: FieldErrors,
}

/// How much of an unknown key an error message repeats.
const KEY_SHOWN: usize = 64;

impl JsonFilter {
    /// The string form of the keys that were understood.
    pub fn query(&self) -> &ListQuery {
        &self.query
    }

    /// Checks every value as [`ListQuery::parse`] does, plus the unknown keys and the
    /// values of the wrong type; errors are keyed by the filter's key.
    pub fn parse(&self, resource: Resource) -> Result<(Filter, i64), FieldErrors> {
        match self.query.parse(resource) {
            Ok(ok) if self.problems.is_empty() => Ok(ok),
            Ok(_) => Err(self.problems.clone()),
            Err(mut e) => {
                e.extend(self.problems.clone());
                Err(e)
            }
        }
    }
}

impl From<ListQuery> for JsonFilter {
    fn from(query: ListQuery) -> JsonFilter {
        JsonFilter {
            query,
            problems: FieldErrors::new(),
        }
    }
}

impl std::ops::Deref for JsonFilter {
    type Target = ListQuery;
    fn deref(&self) -> &ListQuery {
        &self.query
    }
}

impl Serialize for JsonFilter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.query.serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonFilter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JsonFilter, D::Error> {
        let Read {
            query,
            mut wrong,
            unknown,
        } = d.deserialize_map(ReadVisitor)?;
        let known: Vec<&str> = filter_keys().collect();
        for key in unknown {
            let key: String = key.chars().take(KEY_SHOWN).collect();
            let m = format!(
                "Filtre inconnu : {key}. Filtres possibles : {}.",
                known.join(", ")
            );
            wrong.insert(key, m);
        }
        Ok(JsonFilter {
            query,
            problems: wrong,
        })
    }
}

/// The OpenAPI description of [`JsonFilter`]: what [`read_filter`] takes, key by key.
#[cfg(feature = "openapi")]
mod json_filter_schema {
    use super::{Shape, KEYS, MAX_LIMIT};
    use utoipa::openapi::schema::{
        AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat,
        SchemaType, Type,
    };
    use utoipa::openapi::{KnownFormat, RefOr};

    /// What one key of a filter does (the OpenAPI description of [`JsonFilter`]; the same
    /// words as [`ListQuery`]'s fields).
    fn doc(key: &str) -> &'static str {
        match key {
            "created_before" => "Created strictly before this date (YYYY-MM-DD).",
            "created_after" => "Created on or after this date (YYYY-MM-DD).",
            "status" => "Statuses to keep (contact statuses in `contacts_filter`, project statuses in `projects_filter`).",
            "status_not" => "Statuses to leave out.",
            "type" => "Project types (in `contacts_filter`: contacts having such a project).",
            "supplier" => "Lead supplier.",
            "assigned_to" => "User id.",
            "last_interaction_before" => "Last inbound interaction strictly before this date (YYYY-MM-DD), or none at all.",
            "anonymized" => "Anonymized records only (true) or none of them (false).",
            "opposition" => "Contacts on the opposition list (true) or not (false).",
            "q" => "Text search on names, company, email, city (100 characters at most).",
            "preset" => "`retention`: prospects older than the cabinet's retention period without an active contract.",
            "sort" => "A sort of the list, checked as on the list; it does not change what matches.",
            "limit" => "Page size, 1 to 500, checked as on the list; it does not limit a selection.",
            "after" => "A list cursor; ignored by a selection.",
            _ => "",
        }
    }

    fn text(description: &str) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    }

    fn null() -> ObjectBuilder {
        ObjectBuilder::new().schema_type(Type::Null)
    }

    /// What one key takes; `null` always means "not given".
    fn property(key: &str, shape: Shape) -> Schema {
        let described = |s: &str| match shape {
            Shape::Codes => format!("{s} `null`, an empty text or an empty array: not given."),
            _ => format!("{s} `null` or an empty text: not given."),
        };
        match shape {
            Shape::Text => ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some(described(doc(key))))
                .into(),
            Shape::Date => ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .description(Some(described(doc(key))))
                .into(),
            Shape::Codes => OneOfBuilder::new()
                .item(
                    ArrayBuilder::new()
                        .items(ObjectBuilder::new().schema_type(Type::String))
                        .description(Some("The codes, one per element.")),
                )
                .item(text("The codes separated by commas."))
                .item(null())
                .description(Some(described(doc(key))))
                .into(),
            Shape::Flag => OneOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::Boolean))
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(["true", "false", "1", "0", ""])),
                )
                .item(null())
                .description(Some(described(doc(key))))
                .into(),
            Shape::Count => OneOfBuilder::new()
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1))
                        .maximum(Some(MAX_LIMIT)),
                )
                .item(text("The same number in digits."))
                .item(null())
                .description(Some(described(doc(key))))
                .into(),
        }
    }

    impl utoipa::PartialSchema for super::JsonFilter {
        fn schema() -> RefOr<Schema> {
            let mut o = ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(
                    "A list filter in a JSON body: the query parameters of `/contacts` \
                     (for `contacts_filter`) or `/projects` (for `projects_filter`), with \
                     JSON types as well as their string forms. An unknown key, or a value \
                     of another type, is a 422 keyed by the key.",
                ))
                .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)));
            for (key, shape) in KEYS {
                o = o.property(key, property(key, shape));
            }
            o.into()
        }
    }

    impl utoipa::ToSchema for super::JsonFilter {
        fn name() -> std::borrow::Cow<'static, str> {
            "JsonFilter".into()
        }
    }
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

    fn body(v: serde_json::Value) -> JsonFilter {
        serde_json::from_value(v).expect("a filter object always deserializes")
    }

    #[test]
    fn json_types_give_the_filter_of_their_string_forms() {
        let typed = body(serde_json::json!({
            "anonymized": false, "opposition": true, "limit": 10,
            "status": ["prospect", "client"], "status_not": [], "type": ["sante", "auto"],
            "created_before": "2023-01-31", "supplier": null,
        }));
        let text = body(serde_json::json!({
            "anonymized": "false", "opposition": "true", "limit": "10",
            "status": "prospect,client", "status_not": "", "type": "sante,auto",
            "created_before": "2023-01-31",
        }));
        assert_eq!(typed, text);
        assert_eq!(typed.query().anonymized.as_deref(), Some("false"));
        assert_eq!(typed.status.as_deref(), Some("prospect,client"));
        let (f, limit) = typed.parse(Resource::Contacts).unwrap();
        assert_eq!((f.clone(), limit), text.parse(Resource::Contacts).unwrap());
        assert_eq!(f.anonymized, Some(false));
        assert_eq!(f.opposition, Some(true));
        assert_eq!(f.status, vec!["prospect", "client"]);
        assert!(f.status_not.is_empty());
        assert_eq!(f.types, vec![ProjectType::Sante, ProjectType::Auto]);
        assert_eq!(limit, 10);
        // The raw form takes them too (one reader), and the string form is unchanged.
        let raw: ListQuery = serde_json::from_value(
            serde_json::json!({"anonymized": false, "status": ["prospect"]}),
        )
        .unwrap();
        assert_eq!(raw.anonymized.as_deref(), Some("false"));
        assert_eq!(raw.status.as_deref(), Some("prospect"));
        // What the browser sends (the string form, nulls included) reads back the same.
        let sent = serde_json::to_value(&typed).unwrap();
        assert_eq!(sent["anonymized"], "false");
        assert!(sent["q"].is_null());
        assert_eq!(body(sent), typed);
        assert_eq!(JsonFilter::from(text.query().clone()), text);
    }

    #[test]
    fn a_single_code_array_is_that_code_and_values_are_still_checked() {
        let f = body(serde_json::json!({"status": ["prospect"]}));
        assert_eq!(
            f.parse(Resource::Contacts).unwrap().0.status,
            vec!["prospect"]
        );
        // A project status in a contacts filter: the list's message, array or not.
        for v in [serde_json::json!(["perdu"]), serde_json::json!("perdu")] {
            let e = body(serde_json::json!({ "status": v }))
                .parse(Resource::Contacts)
                .unwrap_err();
            assert!(
                e["status"].starts_with("Statut inconnu. Valeurs possibles : "),
                "{e:?}"
            );
        }
        let e = body(serde_json::json!({"anonymized": "peut-être", "limit": 501}))
            .parse(Resource::Contacts)
            .unwrap_err();
        assert_eq!(e["anonymized"], "Valeur attendue : true ou false.");
        assert_eq!(
            e["limit"],
            "La taille de page doit être comprise entre 1 et 500."
        );
    }

    #[test]
    fn an_unknown_key_in_a_body_filter_is_an_error_naming_it() {
        let f = body(serde_json::json!({"statut": ["prospect"], "supplier": "Comparateur"}));
        // Not a filter on nothing: refused, whatever the resource.
        for r in [Resource::Contacts, Resource::Projects] {
            let e = f.parse(r).unwrap_err();
            assert_eq!(e.len(), 1, "{e:?}");
            assert_eq!(
                e["statut"],
                "Filtre inconnu : statut. Filtres possibles : created_before, created_after, \
                 status, status_not, type, supplier, assigned_to, last_interaction_before, \
                 anonymized, opposition, q, preset, sort, limit, after."
            );
        }
        // Reported with the other errors, not instead of them.
        let e = body(serde_json::json!({"typ": "auto", "type": "velo"}))
            .parse(Resource::Projects)
            .unwrap_err();
        assert_eq!(e.keys().collect::<Vec<_>>(), ["typ", "type"]);
        // A very long key is cut in the message.
        let long = "x".repeat(500);
        let e = body(serde_json::json!({ long.clone(): 1 }))
            .parse(Resource::Contacts)
            .unwrap_err();
        let (k, m) = e.iter().next().unwrap();
        assert_eq!(k.len(), KEY_SHOWN);
        assert!(m.len() < 400, "{m}");
        // The query string's form still ignores keys it does not know.
        let q: ListQuery =
            serde_json::from_value(serde_json::json!({"statut": "prospect", "q": "x"})).unwrap();
        assert_eq!(
            q,
            ListQuery {
                q: Some("x".into()),
                ..Default::default()
            }
        );
    }

    #[test]
    fn wrong_types_are_french_messages_keyed_by_the_key() {
        let f = body(serde_json::json!({
            "status": {"in": ["prospect"]},
            "status_not": [1, 2],
            "type": [["sante"]],
            "created_after": 20230131,
            "last_interaction_before": ["2023-01-31"],
            "anonymized": 0,
            "opposition": ["true"],
            "q": true,
            "supplier": 12,
            "limit": 10.5,
        }));
        let e = f.parse(Resource::Contacts).unwrap_err();
        let codes = "Valeur attendue : une liste de codes, ou des codes séparés par des virgules.";
        let expected: FieldErrors = [
            ("status", codes),
            ("status_not", codes),
            ("type", codes),
            (
                "created_after",
                "Date invalide : format attendu AAAA-MM-JJ.",
            ),
            (
                "last_interaction_before",
                "Date invalide : format attendu AAAA-MM-JJ.",
            ),
            ("anonymized", "Valeur attendue : true ou false."),
            ("opposition", "Valeur attendue : true ou false."),
            ("q", "Valeur attendue : un texte."),
            ("supplier", "Valeur attendue : un texte."),
            (
                "limit",
                "La taille de page doit être comprise entre 1 et 500.",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(e, expected);
        // A wrong type never reaches the list query: nothing of it is kept.
        assert_eq!(f.query(), &ListQuery::default());
        // Into the raw form directly, a wrong type is a deserialization error.
        assert!(serde_json::from_value::<ListQuery>(serde_json::json!({"anonymized": 0})).is_err());
        // A key given twice is an error, as it was.
        assert!(serde_json::from_str::<JsonFilter>(r#"{"q": "a", "q": "b"}"#).is_err());
        // Not an object at all.
        assert!(serde_json::from_value::<JsonFilter>(serde_json::json!(["status"])).is_err());
    }

    #[test]
    fn filter_keys_are_the_list_query_fields() {
        let every = ListQuery {
            created_before: Some("1".into()),
            created_after: Some("2".into()),
            status: Some("3".into()),
            status_not: Some("4".into()),
            kind: Some("5".into()),
            supplier: Some("6".into()),
            assigned_to: Some("7".into()),
            last_interaction_before: Some("8".into()),
            anonymized: Some("9".into()),
            opposition: Some("10".into()),
            q: Some("11".into()),
            preset: Some("12".into()),
            sort: Some("13".into()),
            limit: Some("14".into()),
            after: Some("15".into()),
        };
        let json = serde_json::to_value(&every).unwrap();
        let names: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut keys: Vec<&str> = filter_keys().collect();
        keys.sort_unstable();
        let mut names = names;
        names.sort_unstable();
        assert_eq!(names, keys);
        assert_eq!(serde_json::from_value::<ListQuery>(json).unwrap(), every);
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
