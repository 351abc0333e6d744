//! Reading a filter: the keys and what each takes, shared by the query string
//! ([`ListQuery`]) and the filter objects of JSON bodies ([`JsonFilter`]).

use super::*;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

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

pub(super) const DATE_INVALID: &str = "Date invalide : format attendu AAAA-MM-JJ.";
pub(super) const FLAG_INVALID: &str = "Valeur attendue : true ou false.";

pub(super) fn limit_invalid() -> String {
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
    pub(super) fn slot(&mut self, key: &str) -> &mut Option<String> {
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
pub(super) const KEY_SHOWN: usize = 64;

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
