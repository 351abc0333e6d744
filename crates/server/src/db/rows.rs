//! Row types (as stored) and their mapping to the domain types (as sent).

use super::{from_ms, parse_date};
use oubli_domain as d;
use sea_query::{Alias, Value};
use sqlx::FromRow;

/// A table or column name for sea-query; names are static, never user input.
pub fn n(s: &'static str) -> Alias {
    Alias::new(s)
}

/// Column/value pairs for inserts and updates.
pub type Pairs = Vec<(&'static str, Value)>;

pub fn insert(table: &'static str, pairs: Pairs) -> sea_query::InsertStatement {
    let (cols, vals): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    let mut q = sea_query::Query::insert();
    q.into_table(n(table))
        .columns(cols.into_iter().map(n))
        .values_panic(vals.into_iter().map(sea_query::SimpleExpr::Value));
    q
}

/// One insert of several rows; every row names the same columns in the same order
/// (None when `rows` is empty).
pub fn insert_rows(table: &'static str, rows: Vec<Pairs>) -> Option<sea_query::InsertStatement> {
    let mut rows = rows.into_iter();
    let mut q = insert(table, rows.next()?);
    for r in rows {
        q.values_panic(r.into_iter().map(|(_, v)| sea_query::SimpleExpr::Value(v)));
    }
    Some(q)
}

pub fn update(table: &'static str, pairs: Pairs) -> sea_query::UpdateStatement {
    let mut q = sea_query::Query::update();
    q.table(n(table)).values(
        pairs
            .into_iter()
            .map(|(c, v)| (n(c), sea_query::SimpleExpr::Value(v))),
    );
    q
}

/// `SELECT t.c1, t.c2, … FROM table AS t`.
pub fn select(
    table: &'static str,
    alias: &'static str,
    cols: &[&'static str],
) -> sea_query::SelectStatement {
    let mut q = sea_query::Query::select();
    q.from_as(n(table), n(alias));
    columns(&mut q, alias, cols);
    q
}

/// Adds `alias.col` for each of `cols` to `q`'s columns.
pub fn columns(q: &mut sea_query::SelectStatement, alias: &'static str, cols: &[&'static str]) {
    for c in cols {
        q.column((n(alias), n(c)));
    }
}

pub fn b2i(b: Option<bool>) -> Option<i64> {
    b.map(i64::from)
}

fn parse_enum<T>(s: Option<String>, f: fn(&str) -> Option<T>) -> Option<T> {
    s.as_deref().and_then(f)
}

pub const CONTACT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "civility",
    "first_name",
    "last_name",
    "company_name",
    "siret",
    "email",
    "mobile_phone",
    "landline_phone",
    "street",
    "postal_code",
    "city",
    "birth_date",
    "status",
    "supplier",
    "lead_cost_cents",
    "lead_purchased_on",
    "assigned_to",
    "lawful_basis",
    "lawful_basis_source",
    "comment",
    "last_inbound_at",
    "opposition_at",
    "opposition_channel",
    "anonymized_at",
    "change_seq",
    "created_at",
    "updated_at",
];

#[derive(FromRow)]
pub struct ContactRow {
    pub id: String,
    pub cabinet_id: String,
    pub civility: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub siret: Option<String>,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub landline_phone: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub birth_date: Option<String>,
    pub status: String,
    pub supplier: Option<String>,
    pub lead_cost_cents: Option<i64>,
    pub lead_purchased_on: Option<String>,
    pub assigned_to: Option<String>,
    pub lawful_basis: Option<String>,
    pub lawful_basis_source: Option<String>,
    pub comment: Option<String>,
    pub last_inbound_at: Option<i64>,
    pub opposition_at: Option<i64>,
    pub opposition_channel: Option<String>,
    pub anonymized_at: Option<i64>,
    pub change_seq: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ContactRow {
    pub fn into_domain(self) -> d::Contact {
        d::Contact {
            id: self.id,
            fields: d::ContactInput {
                civility: parse_enum(self.civility, d::Civility::parse),
                first_name: self.first_name,
                last_name: self.last_name,
                company_name: self.company_name,
                siret: self.siret,
                email: self.email,
                mobile_phone: self.mobile_phone,
                landline_phone: self.landline_phone,
                street: self.street,
                postal_code: self.postal_code,
                city: self.city,
                birth_date: parse_date(self.birth_date),
                status: d::ContactStatus::parse(&self.status),
                supplier: self.supplier,
                lead_cost_cents: self.lead_cost_cents,
                lead_purchased_on: parse_date(self.lead_purchased_on),
                assigned_to: self.assigned_to,
                lawful_basis: parse_enum(self.lawful_basis, d::LawfulBasis::parse),
                lawful_basis_source: self.lawful_basis_source,
                comment: self.comment,
            },
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
            last_inbound_at: self.last_inbound_at.map(from_ms),
            opposition_at: self.opposition_at.map(from_ms),
            opposition_channel: parse_enum(self.opposition_channel, d::OppositionChannel::parse),
            anonymized_at: self.anonymized_at.map(from_ms),
        }
    }
}

/// The columns a contact input writes.
pub fn contact_pairs(c: &d::ContactInput) -> Pairs {
    vec![
        (
            "civility",
            c.civility.map(|v| v.as_str().to_string()).into(),
        ),
        ("first_name", c.first_name.clone().into()),
        ("last_name", c.last_name.clone().into()),
        ("company_name", c.company_name.clone().into()),
        (
            "name_key",
            oubli_domain::filter::name_key(
                c.last_name.as_deref(),
                c.company_name.as_deref(),
                c.first_name.as_deref(),
            )
            .into(),
        ),
        ("siret", c.siret.clone().into()),
        ("email", c.email.clone().into()),
        ("mobile_phone", c.mobile_phone.clone().into()),
        ("landline_phone", c.landline_phone.clone().into()),
        ("street", c.street.clone().into()),
        ("postal_code", c.postal_code.clone().into()),
        ("city", c.city.clone().into()),
        ("birth_date", super::date_str(c.birth_date).into()),
        (
            "status",
            c.status
                .unwrap_or(d::ContactStatus::Prospect)
                .as_str()
                .to_string()
                .into(),
        ),
        ("supplier", c.supplier.clone().into()),
        ("lead_cost_cents", c.lead_cost_cents.into()),
        (
            "lead_purchased_on",
            super::date_str(c.lead_purchased_on).into(),
        ),
        ("assigned_to", c.assigned_to.clone().into()),
        (
            "lawful_basis",
            c.lawful_basis.map(|v| v.as_str().to_string()).into(),
        ),
        ("lawful_basis_source", c.lawful_basis_source.clone().into()),
        ("comment", c.comment.clone().into()),
    ]
}

pub const PERSON_COLS: &[&str] = &["id", "first_name", "last_name", "birth_date"];

#[derive(FromRow)]
pub struct PersonRow {
    pub id: String,
    pub parent_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<String>,
}

impl PersonRow {
    pub fn into_domain(self) -> d::Person {
        d::Person {
            id: self.id,
            fields: d::PersonInput {
                first_name: self.first_name,
                last_name: self.last_name,
                birth_date: parse_date(self.birth_date),
            },
        }
    }
}

#[derive(FromRow)]
pub struct SubscriptionRow {
    pub id: String,
    pub project_id: String,
    pub nir: Option<String>,
    pub code_organisme: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
}

impl SubscriptionRow {
    pub fn into_domain(self) -> d::Subscription {
        d::Subscription {
            id: self.id,
            fields: d::SubscriptionInput {
                nir: self.nir,
                code_organisme: self.code_organisme,
                iban: self.iban,
                bic: self.bic,
            },
        }
    }
}

pub const HOUSEHOLD_COLS: &[&str] = &[
    "id",
    "contact_id",
    "first_name",
    "last_name",
    "relation",
    "birth_date",
    "created_at",
    "updated_at",
];

#[derive(FromRow)]
pub struct HouseholdRow {
    pub id: String,
    pub contact_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub relation: Option<String>,
    pub birth_date: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl HouseholdRow {
    pub fn into_domain(self) -> d::HouseholdMember {
        d::HouseholdMember {
            id: self.id,
            contact_id: self.contact_id,
            fields: d::HouseholdMemberInput {
                first_name: self.first_name,
                last_name: self.last_name,
                relation: parse_enum(self.relation, d::Relation::parse),
                birth_date: parse_date(self.birth_date),
            },
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
        }
    }
}

pub const PROJECT_COLS: &[&str] = &[
    "id",
    "contact_id",
    "type",
    "status",
    "supplier",
    "assigned_to",
    "comment",
    "opposition_match",
    "created_at",
    "updated_at",
];

#[derive(FromRow)]
pub struct ProjectRow {
    pub id: String,
    pub contact_id: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub status: String,
    pub supplier: Option<String>,
    pub assigned_to: Option<String>,
    pub comment: Option<String>,
    pub opposition_match: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub anonymized_at: Option<i64>,
}

impl ProjectRow {
    pub fn into_domain(
        self,
        beneficiaries: Vec<d::Person>,
        subscriptions: Vec<d::Subscription>,
    ) -> d::Project {
        d::Project {
            id: self.id,
            contact_id: self.contact_id,
            kind: d::ProjectType::parse(&self.kind).unwrap_or(d::ProjectType::Autre),
            status: d::ProjectStatus::parse(&self.status).unwrap_or(d::ProjectStatus::Nouveau),
            supplier: self.supplier,
            assigned_to: self.assigned_to,
            comment: self.comment,
            beneficiaries,
            subscriptions,
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
            anonymized_at: self.anonymized_at.map(from_ms),
            opposition_match: self.opposition_match == 1,
        }
    }
}

pub const CONTRACT_COLS: &[&str] = &[
    "id",
    "project_id",
    "contact_id",
    "insurer",
    "product",
    "monthly_premium_cents",
    "start_date",
    "end_date",
    "status",
    "nir",
    "code_organisme",
    "created_at",
    "updated_at",
];

#[derive(FromRow)]
pub struct ContractRow {
    pub id: String,
    pub project_id: String,
    pub contact_id: String,
    pub insurer: String,
    pub product: Option<String>,
    pub monthly_premium_cents: i64,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: String,
    pub nir: Option<String>,
    pub code_organisme: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub anonymized_at: Option<i64>,
}

impl ContractRow {
    pub fn into_domain(self, insured: Vec<d::Person>) -> d::Contract {
        d::Contract {
            id: self.id,
            project_id: self.project_id,
            contact_id: self.contact_id,
            insurer: self.insurer,
            product: self.product,
            monthly_premium_cents: self.monthly_premium_cents,
            start_date: parse_date(self.start_date),
            end_date: parse_date(self.end_date),
            status: d::ContractStatus::parse(&self.status).unwrap_or(d::ContractStatus::EnAttente),
            nir: self.nir,
            code_organisme: self.code_organisme,
            insured,
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
            anonymized_at: self.anonymized_at.map(from_ms),
        }
    }
}

pub const ACTIVITY_COLS: &[&str] = &[
    "id",
    "contact_id",
    "kind",
    "author_id",
    "assigned_to",
    "title",
    "body",
    "occurred_at",
    "direction",
    "due_date",
    "done",
    "starts_at",
    "ends_at",
    "location",
    "amount_cents",
    "signed",
    "channel",
    "recipient",
    "file_name",
    "content_type",
    "size_bytes",
    "blob_key",
    "created_at",
    "updated_at",
];

#[derive(FromRow)]
pub struct ActivityRow {
    pub id: String,
    pub contact_id: String,
    pub kind: String,
    pub author_id: Option<String>,
    pub assigned_to: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub occurred_at: Option<i64>,
    pub direction: Option<String>,
    pub due_date: Option<String>,
    pub done: Option<i64>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub location: Option<String>,
    pub amount_cents: Option<i64>,
    pub signed: Option<i64>,
    pub channel: Option<String>,
    pub recipient: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub blob_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ActivityRow {
    pub fn into_domain(self) -> d::Activity {
        d::Activity {
            id: self.id,
            contact_id: self.contact_id,
            kind: d::ActivityKind::parse(&self.kind).unwrap_or(d::ActivityKind::Events),
            author_id: self.author_id,
            fields: d::ActivityInput {
                title: self.title,
                body: self.body,
                occurred_at: self.occurred_at.map(from_ms),
                direction: parse_enum(self.direction, d::Direction::parse),
                due_date: parse_date(self.due_date),
                done: self.done.map(|v| v != 0),
                assigned_to: self.assigned_to,
                starts_at: self.starts_at.map(from_ms),
                ends_at: self.ends_at.map(from_ms),
                location: self.location,
                amount_cents: self.amount_cents,
                signed: self.signed.map(|v| v != 0),
                channel: parse_enum(self.channel, d::MessageChannel::parse),
                recipient: self.recipient,
            },
            file_name: self.file_name,
            content_type: self.content_type,
            size_bytes: self.size_bytes,
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
        }
    }
}

pub fn activity_pairs(a: &d::ActivityInput) -> Pairs {
    vec![
        ("title", a.title.clone().into()),
        ("body", a.body.clone().into()),
        ("occurred_at", a.occurred_at.map(super::to_ms).into()),
        (
            "direction",
            a.direction.map(|v| v.as_str().to_string()).into(),
        ),
        ("due_date", super::date_str(a.due_date).into()),
        ("done", b2i(a.done).into()),
        ("assigned_to", a.assigned_to.clone().into()),
        ("starts_at", a.starts_at.map(super::to_ms).into()),
        ("ends_at", a.ends_at.map(super::to_ms).into()),
        ("location", a.location.clone().into()),
        ("amount_cents", a.amount_cents.into()),
        ("signed", b2i(a.signed).into()),
        ("channel", a.channel.map(|v| v.as_str().to_string()).into()),
        ("recipient", a.recipient.clone().into()),
    ]
}

pub const CONSENT_COLS: &[&str] = &[
    "id",
    "contact_id",
    "purpose",
    "granted",
    "source",
    "actor_user_id",
    "cgu_version_id",
    "cgu_sha256",
    "checkbox_label",
    "origin_page",
    "ip",
    "user_agent",
    "created_at",
];

#[derive(FromRow)]
pub struct ConsentRow {
    pub id: String,
    pub contact_id: String,
    pub purpose: String,
    pub granted: i64,
    pub source: String,
    pub actor_user_id: Option<String>,
    pub cgu_version_id: Option<String>,
    pub cgu_sha256: Option<String>,
    pub checkbox_label: Option<String>,
    pub origin_page: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: i64,
}

impl ConsentRow {
    pub fn into_domain(self) -> d::Consent {
        d::Consent {
            id: self.id,
            contact_id: self.contact_id,
            purpose: d::ConsentPurpose::parse(&self.purpose)
                .unwrap_or(d::ConsentPurpose::Marketing),
            granted: self.granted != 0,
            source: d::ConsentSource::parse(&self.source).unwrap_or(d::ConsentSource::User),
            actor_user_id: self.actor_user_id,
            cgu_version_id: self.cgu_version_id,
            cgu_sha256: self.cgu_sha256,
            checkbox_label: self.checkbox_label,
            origin_page: self.origin_page,
            ip: self.ip,
            user_agent: self.user_agent,
            created_at: from_ms(self.created_at),
        }
    }
}
