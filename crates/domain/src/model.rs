//! Entities of PRODUCT.md §2 and their request/response types (the JSON of API.md).
//!
//! Inputs (`*Input`) are what a client sends on POST; PATCH is a JSON merge patch
//! (RFC 7396) applied by the server onto the current input, then validated as a whole,
//! so creation and edition share one validator. Responses add ids and timestamps.

use crate::{validate, FieldErrors};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A closed list of string codes stored as text and sent as JSON strings, each with
/// its French label.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
            pub fn label_fr(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
        // Written here rather than derived: the derive does not see a `rename` whose
        // value comes from a macro argument, and documented the Rust variant names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let labels: &[&str] = &[$(concat!("`", $code, "` : ", $label)),+];
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .description(Some(labels.join(" ; ")))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// Civilité.
    Civility { M = "m" / "M.", Mme = "mme" / "Mme" }
);
string_enum!(
    /// Prospect until they hold a contract.
    ContactStatus { Prospect = "prospect" / "Prospect", Client = "client" / "Client" }
);
string_enum!(
    /// The lawful basis (art. 6 GDPR) on which the cabinet processes the contact.
    LawfulBasis {
        Consent = "consent" / "Consentement",
        Contract = "contract" / "Exécution d'un contrat",
        LegitimateInterest = "legitimate_interest" / "Intérêt légitime",
        LegalObligation = "legal_obligation" / "Obligation légale",
    }
);
string_enum!(
    /// Relation of a household member to the contact.
    Relation {
        Spouse = "spouse" / "Conjoint",
        Child = "child" / "Enfant",
        Parent = "parent" / "Parent",
        Other = "other" / "Autre",
    }
);
string_enum!(
    /// Line of business of a project.
    ProjectType {
        Sante = "sante" / "Santé",
        Prevoyance = "prevoyance" / "Prévoyance",
        Emprunteur = "emprunteur" / "Emprunteur",
        Auto = "auto" / "Auto",
        Habitation = "habitation" / "Habitation",
        Obseques = "obseques" / "Obsèques",
        RcPro = "rc_pro" / "RC professionnelle",
        Autre = "autre" / "Autre",
    }
);
string_enum!(
    /// Commercial status of a project.
    ProjectStatus {
        Nouveau = "nouveau" / "Nouveau",
        EnCours = "en_cours" / "En cours",
        DevisEnvoye = "devis_envoye" / "Devis envoyé",
        AttenteSignature = "attente_signature" / "En attente de signature",
        ContratActif = "contrat_actif" / "Contrat actif",
        Perdu = "perdu" / "Perdu",
        SansSuite = "sans_suite" / "Sans suite",
    }
);
string_enum!(
    ContractStatus {
        EnAttente = "en_attente" / "En attente",
        Actif = "actif" / "Actif",
        Suspendu = "suspendu" / "Suspendu",
        Resilie = "resilie" / "Résilié",
    }
);
string_enum!(
    /// The kinds of activity recorded around a contact (the `{kind}` of the routes).
    ActivityKind {
        Events = "events" / "Historique",
        Notes = "notes" / "Notes",
        Tasks = "tasks" / "Tâches",
        Appointments = "appointments" / "Rendez-vous",
        Quotes = "quotes" / "Devis",
        AdviceDocs = "advice_docs" / "Devoirs de conseil",
        MembershipForms = "membership_forms" / "Bulletins d'adhésion",
        Documents = "documents" / "Documents",
        Messages = "messages" / "Emails et SMS",
    }
);
string_enum!(
    MessageChannel { Email = "email" / "Email", Sms = "sms" / "SMS" }
);
string_enum!(
    /// Whether an interaction came from the person (counts for retention) or from us.
    Direction { Inbound = "inbound" / "Entrant", Outbound = "outbound" / "Sortant" }
);
string_enum!(
    ConsentPurpose {
        Cgu = "cgu" / "Acceptation des CGU",
        Marketing = "marketing" / "Prospection commerciale",
        Partners = "partners" / "Transmission aux partenaires",
    }
);
string_enum!(
    /// Through what a consent or withdrawal was recorded.
    ConsentSource {
        Widget = "widget" / "Formulaire web",
        Import = "import" / "Import",
        User = "user" / "Saisie par un utilisateur",
        Api = "api" / "API fournisseur",
    }
);
string_enum!(
    OppositionChannel {
        Email = "email" / "Email",
        Phone = "phone" / "Téléphone",
        Mail = "mail" / "Courrier",
        Web = "web" / "Formulaire web",
        InPerson = "in_person" / "En personne",
    }
);

/// A user as returned by `/session` and `/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: crate::Role,
    pub cabinet_id: String,
    pub cabinet_name: String,
    pub team_id: Option<String>,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}
crate::masked_debug!(LoginRequest);

/// The error body of every non-2xx answer (API.md Conventions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// Per-field messages; empty when the error is not about a field.
    #[serde(default)]
    pub fields: FieldErrors,
}

/// One page of a keyset-paginated list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor for `?after=`, or null on the last page.
    pub next: Option<String>,
    /// Number of records matching the filters (all pages).
    pub total: i64,
}

// ---------------------------------------------------------------- contacts

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"civility": "mme", "first_name": "Camille", "last_name": "Exemple", "email": "camille.exemple@example.fr", "mobile_phone": "06 12 34 56 78", "postal_code": "69003", "city": "Lyon", "birth_date": "1980-05-17", "status": "prospect", "lawful_basis": "consent", "lawful_basis_source": "Formulaire de devis"})))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    pub civility: Option<Civility>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// Raison sociale.
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub siret: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub landline_phone: Option<String>,
    /// Number and way.
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default, with = "crate::date::opt")]
    pub birth_date: Option<NaiveDate>,
    #[serde(default)]
    pub status: Option<ContactStatus>,
    /// Lead source (supplier name).
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub lead_cost_cents: Option<i64>,
    #[serde(default, with = "crate::date::opt")]
    pub lead_purchased_on: Option<NaiveDate>,
    /// User id; defaults to the creator.
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default)]
    pub lawful_basis: Option<LawfulBasis>,
    #[serde(default)]
    pub lawful_basis_source: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}
crate::masked_debug!(ContactInput, status);

/// A contact as listed.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<ContactInput>))]
    pub fields: ContactInput,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::utc")]
    pub updated_at: DateTime<Utc>,
    /// Last interaction that came from the person (reply, form, call, click).
    #[serde(default, with = "crate::date::opt_utc")]
    pub last_inbound_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub opposition_at: Option<DateTime<Utc>>,
    pub opposition_channel: Option<OppositionChannel>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub anonymized_at: Option<DateTime<Utc>>,
}
crate::masked_debug!(Contact, id);

/// GET /contacts/{id}: the whole record.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDetail {
    #[serde(flatten)]
    pub contact: Contact,
    pub household: Vec<HouseholdMember>,
    pub projects: Vec<Project>,
    pub contracts: Vec<Contract>,
    /// Number of activity items per kind (`events`, `notes`, …).
    pub activity_counts: BTreeMap<String, i64>,
}
crate::masked_debug!(ContactDetail, contact);

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"first_name": "Léo", "last_name": "Exemple", "relation": "child", "birth_date": "2012-09-01"})))]
#[serde(deny_unknown_fields)]
pub struct HouseholdMemberInput {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub relation: Option<Relation>,
    #[serde(default, with = "crate::date::opt")]
    pub birth_date: Option<NaiveDate>,
}
crate::masked_debug!(HouseholdMemberInput, relation);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdMember {
    pub id: String,
    pub contact_id: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<HouseholdMemberInput>))]
    pub fields: HouseholdMemberInput,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::utc")]
    pub updated_at: DateTime<Utc>,
}
crate::masked_debug!(HouseholdMember, id);

/// A beneficiary of a project or an insured person of a contract.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default, with = "crate::date::opt")]
    pub birth_date: Option<NaiveDate>,
}
crate::masked_debug!(PersonInput);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<PersonInput>))]
    pub fields: PersonInput,
}
crate::masked_debug!(Person, id);

/// Souscription: the banking and social-security details of a project.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    #[serde(default)]
    pub nir: Option<String>,
    #[serde(default)]
    pub code_organisme: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    #[serde(default)]
    pub bic: Option<String>,
}
crate::masked_debug!(SubscriptionInput);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<SubscriptionInput>))]
    pub fields: SubscriptionInput,
}
crate::masked_debug!(Subscription, id);

// ---------------------------------------------------------------- projects

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Required on creation; a project never moves to another contact.
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<ProjectType>,
    #[serde(default)]
    pub status: Option<ProjectStatus>,
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    /// Replaces the whole list when present.
    #[serde(default)]
    pub beneficiaries: Option<Vec<PersonInput>>,
    /// Replaces the whole list when present.
    #[serde(default)]
    pub subscriptions: Option<Vec<SubscriptionInput>>,
}
crate::masked_debug!(ProjectInput, contact_id, kind, status);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub id: String,
    pub contact_id: String,
    #[serde(rename = "type")]
    pub kind: ProjectType,
    pub status: ProjectStatus,
    pub supplier: Option<String>,
    pub assigned_to: Option<String>,
    pub comment: Option<String>,
    pub beneficiaries: Vec<Person>,
    pub subscriptions: Vec<Subscription>,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::utc")]
    pub updated_at: DateTime<Utc>,
    /// Set when the contact was anonymized: the project is read-only.
    #[serde(default, with = "crate::date::opt_utc")]
    pub anonymized_at: Option<DateTime<Utc>>,
}
crate::masked_debug!(Project, id, kind, status);

impl Project {
    /// The input that would recreate this project (PATCH merges onto it).
    pub fn to_input(&self) -> ProjectInput {
        ProjectInput {
            contact_id: Some(self.contact_id.clone()),
            kind: Some(self.kind),
            status: Some(self.status),
            supplier: self.supplier.clone(),
            assigned_to: self.assigned_to.clone(),
            comment: self.comment.clone(),
            beneficiaries: Some(
                self.beneficiaries
                    .iter()
                    .map(|b| b.fields.clone())
                    .collect(),
            ),
            subscriptions: Some(
                self.subscriptions
                    .iter()
                    .map(|s| s.fields.clone())
                    .collect(),
            ),
        }
    }
}

// ---------------------------------------------------------------- contracts

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    /// Required on creation.
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub insurer: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub monthly_premium_cents: Option<i64>,
    #[serde(default, with = "crate::date::opt")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, with = "crate::date::opt")]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub status: Option<ContractStatus>,
    /// Held only for santé and prévoyance business.
    #[serde(default)]
    pub nir: Option<String>,
    #[serde(default)]
    pub code_organisme: Option<String>,
    /// Replaces the whole list when present.
    #[serde(default)]
    pub insured: Option<Vec<PersonInput>>,
}
crate::masked_debug!(ContractInput, project_id, status);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contract {
    pub id: String,
    pub project_id: String,
    pub contact_id: String,
    pub insurer: String,
    pub product: Option<String>,
    pub monthly_premium_cents: i64,
    #[serde(default, with = "crate::date::opt")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, with = "crate::date::opt")]
    pub end_date: Option<NaiveDate>,
    pub status: ContractStatus,
    pub nir: Option<String>,
    pub code_organisme: Option<String>,
    pub insured: Vec<Person>,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::utc")]
    pub updated_at: DateTime<Utc>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub anonymized_at: Option<DateTime<Utc>>,
}
crate::masked_debug!(Contract, id, status);

impl Contract {
    pub fn to_input(&self) -> ContractInput {
        ContractInput {
            project_id: Some(self.project_id.clone()),
            insurer: Some(self.insurer.clone()),
            product: self.product.clone(),
            monthly_premium_cents: Some(self.monthly_premium_cents),
            start_date: self.start_date,
            end_date: self.end_date,
            status: Some(self.status),
            nir: self.nir.clone(),
            code_organisme: self.code_organisme.clone(),
            insured: Some(self.insured.iter().map(|p| p.fields.clone()).collect()),
        }
    }
}

// ---------------------------------------------------------------- activity

/// One item of activity around a contact. Which fields matter depends on the kind:
/// tasks have a title, a due date and an assignee; appointments a start; messages a
/// channel and a recipient; documents arrive as multipart uploads.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "Appel de suivi", "body": "A rappeler la semaine prochaine.", "direction": "outbound"})))]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    /// When it happened (events, messages); defaults to now.
    #[serde(default, with = "crate::date::opt_utc")]
    pub occurred_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default, with = "crate::date::opt")]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub done: Option<bool>,
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub amount_cents: Option<i64>,
    /// Membership forms: whether this is the signed copy.
    #[serde(default)]
    pub signed: Option<bool>,
    #[serde(default)]
    pub channel: Option<MessageChannel>,
    #[serde(default)]
    pub recipient: Option<String>,
}
crate::masked_debug!(ActivityInput, direction, channel);

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: String,
    pub contact_id: String,
    pub kind: ActivityKind,
    pub author_id: Option<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<ActivityInput>))]
    pub fields: ActivityInput,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::utc")]
    pub updated_at: DateTime<Utc>,
}
crate::masked_debug!(Activity, id, kind);

// ---------------------------------------------------------------- consents

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"purpose": "marketing", "granted": true})))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub purpose: Option<ConsentPurpose>,
    /// `false` records a withdrawal.
    pub granted: Option<bool>,
    #[serde(default)]
    pub cgu_version_id: Option<String>,
    #[serde(default)]
    pub cgu_sha256: Option<String>,
    #[serde(default)]
    pub checkbox_label: Option<String>,
    #[serde(default)]
    pub origin_page: Option<String>,
}
crate::masked_debug!(ConsentInput, purpose, granted);

/// Proof of a consent or of its withdrawal.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub id: String,
    pub contact_id: String,
    pub purpose: ConsentPurpose,
    pub granted: bool,
    pub source: ConsentSource,
    /// The user who recorded it, when recorded by a user.
    pub actor_user_id: Option<String>,
    pub cgu_version_id: Option<String>,
    pub cgu_sha256: Option<String>,
    pub checkbox_label: Option<String>,
    pub origin_page: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
}
crate::masked_debug!(Consent, id, purpose, granted);

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"channel": "phone"})))]
#[serde(deny_unknown_fields)]
pub struct OppositionInput {
    pub channel: Option<OppositionChannel>,
}

// ---------------------------------------------------------------- stats, audit, sync

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserStats {
    pub name: String,
    pub leads: i64,
    pub clients: i64,
    pub lead_cost_total: i64,
}

/// `GET /stats/summary`. Money in cents. Built only from fields that anonymization
/// keeps, so anonymizing never changes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsSummary {
    pub leads_total: i64,
    pub leads_by_supplier: BTreeMap<String, i64>,
    pub leads_by_status: BTreeMap<String, i64>,
    pub lead_cost_total: i64,
    pub by_user: BTreeMap<String, UserStats>,
    /// `YYYY-MM` → leads created that month.
    pub leads_by_month: BTreeMap<String, i64>,
    pub projects_by_status: BTreeMap<String, i64>,
    pub projects_by_type: BTreeMap<String, i64>,
    pub contracts_active: i64,
    pub monthly_premiums_active: i64,
}

/// One line of the audit log: who did what to which id, with counts. Never a name,
/// email or number of the person concerned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "crate::date::utc")]
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<String>,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    pub upserts: Vec<ContactDetail>,
    /// Ids of contacts to purge from the cache (erased, deleted or reassigned).
    pub tombstones: Vec<String>,
    pub cursor: String,
    /// More changes wait: call again with the new cursor.
    pub more: bool,
}
crate::masked_debug!(SyncResponse, tombstones, cursor, more);

/// A user as listed for assignment and administration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: crate::Role,
    pub team_id: Option<String>,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: crate::Role,
    #[serde(default)]
    pub team_id: Option<String>,
    pub password: String,
}
crate::masked_debug!(NewUser, role);

impl NewUser {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Err(m) = validate::email(&self.email) {
            e.insert("email".into(), m.into());
        }
        check_user_name(&mut e, &self.name);
        check_password(&mut e, &self.password);
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// A user's display name: not blank, short, no control characters.
fn check_user_name(e: &mut FieldErrors, name: &str) {
    if name.trim().is_empty() {
        e.insert("name".into(), "Indiquez le nom de l'utilisateur.".into());
    }
    check_text(e, "name", &Some(name.to_string()), MAX_SHORT);
}

/// At least 8 characters; at most 1 KiB, the longest the login accepts.
fn check_password(e: &mut FieldErrors, password: &str) {
    if password.chars().count() < 8 || password.len() > 1024 {
        e.insert(
            "password".into(),
            "Le mot de passe doit compter au moins 8 caractères.".into(),
        );
    }
}

/// `PATCH /users/{id}`: what an administrator may change on a staff account, each field
/// optional (absent = unchanged). `team_id: null` takes the user out of their team;
/// `null` for any other field is refused, none of them can be removed. `active: false`
/// and a new `password` end every session of the user.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"role": "deputy", "active": true})))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Role))]
    pub role: Option<crate::Role>,
    #[serde(
        default,
        deserialize_with = "null_is_some",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub team_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = bool))]
    pub active: Option<bool>,
    /// The new password (at least 8 characters); never sent back.
    #[serde(
        default,
        deserialize_with = "not_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub password: Option<String>,
}
crate::masked_debug!(UserPatch, role, active);

/// A present field must hold a value: `null` fails like a wrong type.
fn not_null<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A present field, `null` included: `Some(None)` removes the value.
fn null_is_some<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl UserPatch {
    /// The same checks as [`NewUser::validate`] on the fields present.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(name) = &self.name {
            check_user_name(&mut e, name);
        }
        if let Some(p) = &self.password {
            check_password(&mut e, p);
        }
        if let Some(Some(t)) = &self.team_id {
            check_text(&mut e, "team_id", &Some(t.clone()), MAX_SHORT);
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }

    /// The rules that keep a cabinet administrable, given the `target` user as it is
    /// and how many *other* active administrators the cabinet has: nobody deactivates
    /// themselves (they would lock themselves out mid-task), and the last active
    /// administrator is neither deactivated nor demoted.
    pub fn keeps_cabinet_administrable(
        &self,
        actor_user_id: &str,
        target: &UserSummary,
        other_active_admins: i64,
    ) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let deactivates = self.active == Some(false);
        if deactivates && target.id == actor_user_id {
            e.insert(
                "active".into(),
                "Vous ne pouvez pas désactiver votre propre compte.".into(),
            );
        }
        let is_active_admin = target.active && target.role == crate::Role::Admin;
        let stays_active_admin = !deactivates
            && self.role.unwrap_or(target.role) == crate::Role::Admin
            && (target.active || self.active == Some(true));
        if is_active_admin && !stays_active_admin && other_active_admins == 0 {
            let field = if deactivates { "active" } else { "role" };
            e.entry(field.into()).or_insert_with(|| {
                "Le cabinet doit garder au moins un administrateur actif.".into()
            });
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// Cabinet settings an administrator may change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Months without inbound interaction after which a prospect is due for erasure.
    pub retention_months: Option<i64>,
}

// ---------------------------------------------------------------- validation

/// Upper bounds on free text, so a body can't fill the disk through one field.
pub const MAX_SHORT: usize = 200;
pub const MAX_LONG: usize = 10_000;

fn check_text(errors: &mut FieldErrors, field: &str, v: &Option<String>, max: usize) {
    if let Some(s) = v {
        if s.chars().count() > max {
            errors.insert(
                field.into(),
                format!("Ce champ ne peut pas dépasser {max} caractères."),
            );
        } else if s
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            errors.insert(
                field.into(),
                "Ce champ contient des caractères invalides.".into(),
            );
        }
    }
}

fn check_with(
    errors: &mut FieldErrors,
    field: &str,
    v: &Option<String>,
    f: fn(&str) -> Result<(), &'static str>,
) {
    if let Some(s) = v {
        if !s.trim().is_empty() {
            if let Err(m) = f(s) {
                errors.insert(field.into(), m.into());
            }
        }
    }
}

/// A birth date must be in the past and plausible.
pub fn check_birth_date(
    errors: &mut FieldErrors,
    field: &str,
    d: Option<NaiveDate>,
    today: NaiveDate,
) {
    if let Some(d) = d {
        if d > today {
            errors.insert(
                field.into(),
                "La date de naissance ne peut pas être dans le futur.".into(),
            );
        } else if d.year() < 1900 {
            errors.insert(
                field.into(),
                "La date de naissance est invraisemblable (avant 1900).".into(),
            );
        }
    }
}

fn check_amount(errors: &mut FieldErrors, field: &str, v: Option<i64>) {
    if let Some(v) = v {
        if !(0..=100_000_000_000).contains(&v) {
            errors.insert(
                field.into(),
                "Le montant doit être positif et raisonnable.".into(),
            );
        }
    }
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Empty strings mean "no value": store them as absent.
fn normalize_opt(v: &mut Option<String>) {
    if let Some(s) = v {
        let t = s.trim();
        if t.is_empty() {
            *v = None;
        } else if t.len() != s.len() {
            *v = Some(t.to_string());
        }
    }
}

impl ContactInput {
    /// Trims text, drops empty strings, compacts identifiers.
    pub fn normalize(&mut self) {
        for f in [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.company_name,
            &mut self.siret,
            &mut self.email,
            &mut self.mobile_phone,
            &mut self.landline_phone,
            &mut self.street,
            &mut self.postal_code,
            &mut self.city,
            &mut self.supplier,
            &mut self.assigned_to,
            &mut self.lawful_basis_source,
            &mut self.comment,
        ] {
            normalize_opt(f);
        }
        if let Some(s) = &self.siret {
            self.siret = Some(validate::compact(s));
        }
        if let Some(s) = &self.email {
            self.email = Some(lowercase(s));
        }
    }

    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if blank(&self.last_name) && blank(&self.company_name) {
            e.insert(
                "last_name".into(),
                "Indiquez le nom du contact ou sa raison sociale.".into(),
            );
        }
        for (f, v) in [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("company_name", &self.company_name),
            ("street", &self.street),
            ("city", &self.city),
            ("supplier", &self.supplier),
            ("lawful_basis_source", &self.lawful_basis_source),
        ] {
            check_text(&mut e, f, v, MAX_SHORT);
        }
        check_text(&mut e, "comment", &self.comment, MAX_LONG);
        check_with(&mut e, "email", &self.email, validate::email);
        check_with(
            &mut e,
            "mobile_phone",
            &self.mobile_phone,
            validate::phone_fr,
        );
        check_with(
            &mut e,
            "landline_phone",
            &self.landline_phone,
            validate::phone_fr,
        );
        check_with(
            &mut e,
            "postal_code",
            &self.postal_code,
            validate::postal_code,
        );
        check_with(&mut e, "siret", &self.siret, validate::siret);
        check_birth_date(&mut e, "birth_date", self.birth_date, today);
        check_amount(&mut e, "lead_cost_cents", self.lead_cost_cents);
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

impl PersonInput {
    pub fn normalize(&mut self) {
        normalize_opt(&mut self.first_name);
        normalize_opt(&mut self.last_name);
    }

    /// Errors are keyed `prefix.index.field` so the form can place them.
    pub fn validate_into(&self, e: &mut FieldErrors, prefix: &str, today: NaiveDate) {
        if blank(&self.last_name) && blank(&self.first_name) {
            e.insert(
                format!("{prefix}.last_name"),
                "Indiquez au moins un nom ou un prénom.".into(),
            );
        }
        check_text(
            e,
            &format!("{prefix}.first_name"),
            &self.first_name,
            MAX_SHORT,
        );
        check_text(
            e,
            &format!("{prefix}.last_name"),
            &self.last_name,
            MAX_SHORT,
        );
        check_birth_date(e, &format!("{prefix}.birth_date"), self.birth_date, today);
    }
}

impl HouseholdMemberInput {
    pub fn normalize(&mut self) {
        normalize_opt(&mut self.first_name);
        normalize_opt(&mut self.last_name);
    }

    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        let p = PersonInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            birth_date: self.birth_date,
        };
        p.validate_into(&mut e, "", today);
        // Strip the empty prefix of the shared person checks.
        let e: FieldErrors = e
            .into_iter()
            .map(|(k, v)| (k.trim_start_matches('.').to_string(), v))
            .collect();
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

impl SubscriptionInput {
    pub fn normalize(&mut self) {
        for f in [
            &mut self.nir,
            &mut self.code_organisme,
            &mut self.iban,
            &mut self.bic,
        ] {
            normalize_opt(f);
            if let Some(s) = f {
                *s = validate::compact(s);
            }
        }
    }

    pub fn validate_into(&self, e: &mut FieldErrors, prefix: &str) {
        check_with(e, &format!("{prefix}.nir"), &self.nir, validate::nir);
        check_with(
            e,
            &format!("{prefix}.code_organisme"),
            &self.code_organisme,
            validate::code_organisme,
        );
        check_with(e, &format!("{prefix}.iban"), &self.iban, validate::iban);
        check_with(e, &format!("{prefix}.bic"), &self.bic, validate::bic);
    }
}

impl ProjectInput {
    pub fn normalize(&mut self) {
        normalize_opt(&mut self.supplier);
        normalize_opt(&mut self.assigned_to);
        normalize_opt(&mut self.comment);
        normalize_opt(&mut self.contact_id);
        for b in self.beneficiaries.iter_mut().flatten() {
            b.normalize();
        }
        for s in self.subscriptions.iter_mut().flatten() {
            s.normalize();
        }
    }

    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if blank(&self.contact_id) {
            e.insert(
                "contact_id".into(),
                "Le projet doit être rattaché à un contact.".into(),
            );
        }
        if self.kind.is_none() {
            e.insert("type".into(), "Choisissez le type de projet.".into());
        }
        check_text(&mut e, "supplier", &self.supplier, MAX_SHORT);
        check_text(&mut e, "comment", &self.comment, MAX_LONG);
        let bens = self.beneficiaries.as_deref().unwrap_or_default();
        let subs = self.subscriptions.as_deref().unwrap_or_default();
        if bens.len() > 50 || subs.len() > 50 {
            e.insert(
                "beneficiaries".into(),
                "Un projet compte au plus 50 bénéficiaires et 50 souscriptions.".into(),
            );
        }
        for (i, b) in bens.iter().enumerate() {
            b.validate_into(&mut e, &format!("beneficiaries.{i}"), today);
        }
        for (i, s) in subs.iter().enumerate() {
            s.validate_into(&mut e, &format!("subscriptions.{i}"));
        }
        if let Some(k) = self.kind {
            let has_nir = subs.iter().any(|s| !blank(&s.nir));
            if has_nir && !k.may_hold_nir() {
                e.insert(
                    "subscriptions.0.nir".into(),
                    "Le n° de sécurité sociale n'est conservé que pour la santé et la prévoyance."
                        .into(),
                );
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

impl ProjectType {
    /// The NIR is held only for santé and prévoyance business (PRODUCT.md §2).
    pub fn may_hold_nir(self) -> bool {
        matches!(self, ProjectType::Sante | ProjectType::Prevoyance)
    }
}

impl ContractInput {
    pub fn normalize(&mut self) {
        normalize_opt(&mut self.project_id);
        normalize_opt(&mut self.insurer);
        normalize_opt(&mut self.product);
        for f in [&mut self.nir, &mut self.code_organisme] {
            normalize_opt(f);
            if let Some(s) = f {
                *s = validate::compact(s);
            }
        }
        for p in self.insured.iter_mut().flatten() {
            p.normalize();
        }
    }

    /// `project_type` is the type of the project the contract belongs to, when known.
    pub fn validate(
        &self,
        today: NaiveDate,
        project_type: Option<ProjectType>,
    ) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if blank(&self.project_id) {
            e.insert(
                "project_id".into(),
                "Le contrat doit être rattaché à un projet.".into(),
            );
        }
        if blank(&self.insurer) {
            e.insert("insurer".into(), "Indiquez l'assureur.".into());
        }
        check_text(&mut e, "insurer", &self.insurer, MAX_SHORT);
        check_text(&mut e, "product", &self.product, MAX_SHORT);
        check_amount(&mut e, "monthly_premium_cents", self.monthly_premium_cents);
        if let (Some(s), Some(end)) = (self.start_date, self.end_date) {
            if end < s {
                e.insert(
                    "end_date".into(),
                    "La date de fin précède la date d'effet.".into(),
                );
            }
        }
        check_with(&mut e, "nir", &self.nir, validate::nir);
        check_with(
            &mut e,
            "code_organisme",
            &self.code_organisme,
            validate::code_organisme,
        );
        if !blank(&self.nir) && project_type.is_some_and(|k| !k.may_hold_nir()) {
            e.insert(
                "nir".into(),
                "Le n° de sécurité sociale n'est conservé que pour la santé et la prévoyance."
                    .into(),
            );
        }
        let insured = self.insured.as_deref().unwrap_or_default();
        if insured.len() > 50 {
            e.insert(
                "insured".into(),
                "Un contrat compte au plus 50 assurés.".into(),
            );
        }
        for (i, p) in insured.iter().enumerate() {
            p.validate_into(&mut e, &format!("insured.{i}"), today);
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

impl ActivityInput {
    pub fn normalize(&mut self) {
        for f in [
            &mut self.title,
            &mut self.body,
            &mut self.assigned_to,
            &mut self.location,
            &mut self.recipient,
        ] {
            normalize_opt(f);
        }
    }

    pub fn validate(&self, kind: ActivityKind) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        check_text(&mut e, "title", &self.title, MAX_SHORT);
        check_text(&mut e, "body", &self.body, MAX_LONG);
        check_text(&mut e, "location", &self.location, MAX_SHORT);
        check_amount(&mut e, "amount_cents", self.amount_cents);
        match kind {
            ActivityKind::Notes if blank(&self.body) => {
                e.insert("body".into(), "La note est vide.".into());
            }
            ActivityKind::Tasks
            | ActivityKind::Quotes
            | ActivityKind::AdviceDocs
            | ActivityKind::MembershipForms
            | ActivityKind::Events
                if blank(&self.title) =>
            {
                e.insert("title".into(), "Donnez un intitulé.".into());
            }
            ActivityKind::Appointments if self.starts_at.is_none() => {
                e.insert(
                    "starts_at".into(),
                    "Indiquez la date et l'heure du rendez-vous.".into(),
                );
            }
            ActivityKind::Messages => match (self.channel, &self.recipient) {
                (None, _) => {
                    e.insert("channel".into(), "Choisissez email ou SMS.".into());
                }
                (_, None) => {
                    e.insert("recipient".into(), "Indiquez le destinataire.".into());
                }
                (Some(MessageChannel::Email), Some(r)) => {
                    if let Err(m) = validate::email(r) {
                        e.insert("recipient".into(), m.into());
                    }
                }
                (Some(MessageChannel::Sms), Some(r)) => {
                    if let Err(m) = validate::phone_fr(r) {
                        e.insert("recipient".into(), m.into());
                    }
                }
            },
            _ => {}
        }
        if let (Some(s), Some(end)) = (self.starts_at, self.ends_at) {
            if end < s {
                e.insert("ends_at".into(), "La fin précède le début.".into());
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

impl ConsentInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.purpose.is_none() {
            e.insert("purpose".into(), "Précisez l'objet du consentement.".into());
        }
        if self.granted.is_none() {
            e.insert(
                "granted".into(),
                "Précisez s'il s'agit d'un accord ou d'un retrait.".into(),
            );
        }
        check_text(&mut e, "checkbox_label", &self.checkbox_label, MAX_LONG);
        check_text(&mut e, "origin_page", &self.origin_page, 2000);
        check_text(&mut e, "cgu_version_id", &self.cgu_version_id, MAX_SHORT);
        if let Some(h) = &self.cgu_sha256 {
            if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                e.insert(
                    "cgu_sha256".into(),
                    "L'empreinte SHA-256 doit compter 64 caractères hexadécimaux.".into(),
                );
            }
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// An email address in lower case. The server folds every letter; the browser app only
/// validates the result, and case never changes validity, so there it folds ASCII and
/// spares the wasm Unicode's case tables (about 13 KB).
fn lowercase(s: &str) -> String {
    #[cfg(not(target_arch = "wasm32"))]
    return s.to_lowercase();
    #[cfg(target_arch = "wasm32")]
    return s.to_ascii_lowercase();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn user_patch_reads_absent_null_and_values() {
        let p: UserPatch = serde_json::from_str("{}").unwrap();
        assert_eq!(p, UserPatch::default());
        let p: UserPatch = serde_json::from_str(r#"{"team_id": null}"#).unwrap();
        assert_eq!(p.team_id, Some(None));
        let p: UserPatch =
            serde_json::from_str(r#"{"team_id": "t1", "active": false, "role": "sales"}"#).unwrap();
        assert_eq!(p.team_id, Some(Some("t1".into())));
        assert_eq!(p.active, Some(false));
        assert_eq!(p.role, Some(crate::Role::Sales));
        for bad in [
            r#"{"name": null}"#,
            r#"{"active": null}"#,
            r#"{"role": null}"#,
            r#"{"password": null}"#,
            r#"{"email": "a@b.fr"}"#,
            r#"{"active": "no"}"#,
        ] {
            assert!(serde_json::from_str::<UserPatch>(bad).is_err(), "{bad}");
        }
        let p = UserPatch {
            name: Some("  ".into()),
            password: Some("court".into()),
            ..Default::default()
        };
        let e = p.validate().unwrap_err();
        assert!(
            e.contains_key("name") && e.contains_key("password"),
            "{e:?}"
        );
        let p = UserPatch {
            password: Some("un mot de passe secret".into()),
            ..Default::default()
        };
        assert!(p.validate().is_ok());
        assert!(!format!("{p:?}").contains("secret"));
    }

    #[test]
    fn the_last_active_admin_stays_and_nobody_deactivates_themselves() {
        let admin = UserSummary {
            id: "u-a".into(),
            name: "A".into(),
            email: "a@b.fr".into(),
            role: crate::Role::Admin,
            team_id: None,
            active: true,
        };
        let off = UserPatch {
            active: Some(false),
            ..Default::default()
        };
        let demote = UserPatch {
            role: Some(crate::Role::Deputy),
            ..Default::default()
        };
        // Themselves: never, even with other admins.
        let e = off
            .keeps_cabinet_administrable("u-a", &admin, 3)
            .unwrap_err();
        assert!(e.contains_key("active"));
        // The last admin, by another actor (a second admin being deactivated meanwhile).
        assert!(off.keeps_cabinet_administrable("u-b", &admin, 0).is_err());
        let e = demote
            .keeps_cabinet_administrable("u-a", &admin, 0)
            .unwrap_err();
        assert!(e.contains_key("role"));
        // With another active admin: allowed.
        assert!(off.keeps_cabinet_administrable("u-b", &admin, 1).is_ok());
        assert!(demote.keeps_cabinet_administrable("u-a", &admin, 1).is_ok());
        // Renaming the last admin, or re-asserting the role: fine.
        let rename = UserPatch {
            name: Some("Alice".into()),
            role: Some(crate::Role::Admin),
            active: Some(true),
            ..Default::default()
        };
        assert!(rename.keeps_cabinet_administrable("u-a", &admin, 0).is_ok());
        // An inactive or non-admin target is no cabinet's last admin.
        let sales = UserSummary {
            role: crate::Role::Sales,
            ..admin.clone()
        };
        assert!(off.keeps_cabinet_administrable("u-b", &sales, 0).is_ok());
    }

    #[test]
    fn contact_requires_a_name_and_valid_fields() {
        let c = ContactInput::default();
        let e = c.validate(today()).unwrap_err();
        assert!(e.contains_key("last_name"));
        let c = ContactInput {
            last_name: Some("Martin".into()),
            email: Some("pas-un-email".into()),
            mobile_phone: Some("0612".into()),
            birth_date: NaiveDate::from_ymd_opt(2030, 1, 1),
            ..Default::default()
        };
        let e = c.validate(today()).unwrap_err();
        assert_eq!(
            e.keys().cloned().collect::<Vec<_>>(),
            vec!["birth_date", "email", "mobile_phone"]
        );
        // Messages never echo the value.
        assert!(e
            .values()
            .all(|m| !m.contains("pas-un-email") && !m.contains("0612")));
    }

    #[test]
    fn debug_masks_personal_data() {
        let c = ContactInput {
            last_name: Some("Dupont".into()),
            email: Some("jean.dupont@example.fr".into()),
            ..Default::default()
        };
        let s = format!("{c:?}");
        assert!(!s.contains("Dupont") && !s.contains("example"), "{s}");
        let l = LoginRequest {
            email: "a@b.fr".into(),
            password: "secret".into(),
        };
        assert!(!format!("{l:?}").contains("secret"));
    }

    #[test]
    fn nir_only_for_health() {
        let p = ProjectInput {
            contact_id: Some("c".into()),
            kind: Some(ProjectType::Auto),
            subscriptions: Some(vec![SubscriptionInput {
                nir: Some(validate::gen::nir_from(1, 85, 5, "78", 6, 84)),
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert!(p
            .validate(today())
            .unwrap_err()
            .contains_key("subscriptions.0.nir"));
        let p = ProjectInput {
            kind: Some(ProjectType::Sante),
            ..p
        };
        assert!(p.validate(today()).is_ok());
    }

    #[test]
    fn enums_round_trip() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(*k));
            let j = serde_json::to_string(k).unwrap();
            assert_eq!(j, format!("\"{}\"", k.as_str()));
        }
        assert_eq!(ProjectStatus::parse("nope"), None);
    }
}

// ---------------------------------------------------------------- erasure

string_enum!(
    /// The two ways to erase (PRODUCT.md §3).
    EraseAction { Anonymize = "anonymize" / "Anonymiser", Delete = "delete" / "Supprimer" }
);

/// What to erase: exactly one of the four forms of API.md. Filters are the list
/// query parameters of `/contacts` or `/projects`, with JSON types as well as their
/// string forms; an unknown key or a wrong type is refused when the filter is parsed
/// ([`crate::filter::JsonFilter`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasureTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts_filter: Option<crate::filter::JsonFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projects_filter: Option<crate::filter::JsonFilter>,
    /// Ids left out of a filter selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
}

/// The checked shape of an [`ErasureTarget`].
#[derive(Clone, Debug, PartialEq)]
pub enum TargetForm<'a> {
    Contacts(&'a [String]),
    Projects(&'a [String]),
    ContactsFilter(&'a crate::filter::JsonFilter, &'a [String]),
    ProjectsFilter(&'a crate::filter::JsonFilter, &'a [String]),
}

impl ErasureTarget {
    /// Exactly one form, ids non-empty and bounded (a large selection travels as a
    /// filter, never as a list of all ids).
    pub fn form(&self) -> Result<TargetForm<'_>, FieldErrors> {
        let mut e = FieldErrors::new();
        let n = [
            self.contacts.is_some(),
            self.projects.is_some(),
            self.contacts_filter.is_some(),
            self.projects_filter.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if n != 1 {
            e.insert(
                "target".into(),
                "Indiquez une seule cible : contacts, projects, contacts_filter ou projects_filter.".into(),
            );
            return Err(e);
        }
        let exclude = self.exclude.as_deref().unwrap_or_default();
        let ids_ok = |v: &[String]| !v.is_empty() && v.len() <= 1000;
        if (self.contacts.is_some() || self.projects.is_some()) && !exclude.is_empty() {
            e.insert(
                "exclude".into(),
                "Les exclusions ne s'appliquent qu'à une sélection par filtre.".into(),
            );
        }
        let form = match (
            &self.contacts,
            &self.projects,
            &self.contacts_filter,
            &self.projects_filter,
        ) {
            (Some(c), _, _, _) => {
                if !ids_ok(c) {
                    e.insert(
                        "target.contacts".into(),
                        "Entre 1 et 1000 identifiants ; au-delà, sélectionnez par filtre.".into(),
                    );
                }
                TargetForm::Contacts(c)
            }
            (_, Some(p), _, _) => {
                if !ids_ok(p) {
                    e.insert(
                        "target.projects".into(),
                        "Entre 1 et 1000 identifiants ; au-delà, sélectionnez par filtre.".into(),
                    );
                }
                TargetForm::Projects(p)
            }
            (_, _, Some(f), _) => TargetForm::ContactsFilter(f, exclude),
            (_, _, _, Some(f)) => TargetForm::ProjectsFilter(f, exclude),
            _ => unreachable!("exactly one form was counted"),
        };
        if exclude.len() > 100_000 {
            e.insert("exclude".into(), "Trop d'exclusions.".into());
        }
        if e.is_empty() {
            Ok(form)
        } else {
            Err(e)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasureInput {
    pub action: EraseAction,
    pub target: ErasureTarget,
}

/// How much an erasure will touch, computed by the server for the exact selection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasurePreview {
    pub contacts: i64,
    pub projects: i64,
    pub contracts: i64,
    pub documents: i64,
    pub messages: i64,
    /// Every activity item (history, notes, tasks, appointments, quotes, advice
    /// documents, membership forms, documents, messages).
    pub activity: i64,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureCreated {
    pub id: String,
    pub action: EraseAction,
    pub preview: ErasurePreview,
    /// Single use, bound to this user, this action and this exact selection.
    pub confirm_token: String,
    #[serde(with = "crate::date::utc")]
    pub expires_at: DateTime<Utc>,
}
crate::masked_debug!(ErasureCreated, id, action, preview);

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmInput {
    pub confirm_token: String,
}
crate::masked_debug!(ConfirmInput);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureStatus {
    pub id: String,
    pub action: EraseAction,
    /// previewed | pending | running | done | failed
    pub status: String,
    pub done: i64,
    pub total: i64,
    pub preview: ErasurePreview,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErasureRequestInput {
    pub action: EraseAction,
    /// Any form of API.md: one or more ids, or a filter with exclusions. The server
    /// resolves it when the request is made, within the requester's scope, and the
    /// request covers exactly that set.
    pub target: ErasureTarget,
    pub reason: Option<String>,
}
crate::masked_debug!(ErasureRequestInput, action);

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureRequest {
    pub id: String,
    pub requester_id: String,
    pub action: EraseAction,
    /// contacts | projects: the one record, or what the records of a selection are
    /// (anonymizing projects means anonymizing their contacts: such a selection
    /// covers contacts).
    pub target_kind: String,
    /// The one record of a single-record request; null for a selection (several ids,
    /// or a filter), whose records the server stored when the request was made.
    #[serde(default)]
    pub target_id: Option<String>,
    /// How many records the request covers (1 for a single record).
    #[serde(default = "one")]
    pub count: i64,
    pub reason: Option<String>,
    /// open | approved | rejected | done
    pub status: String,
    pub decided_by: Option<String>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub erasure_id: Option<String>,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
}
crate::masked_debug!(ErasureRequest, id, action, status, count);

fn one() -> i64 {
    1
}

impl ErasureRequest {
    /// A request for a selection (several records), not for one record.
    pub fn is_selection(&self) -> bool {
        self.target_id.is_none()
    }
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub reason: Option<String>,
}
crate::masked_debug!(DecisionInput);

/// A reason typed by a user: required, bounded.
pub fn check_reason(field: &str, v: &Option<String>) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if blank(v) {
        e.insert(field.into(), "Indiquez un motif.".into());
    }
    check_text(&mut e, field, v, 2000);
    if e.is_empty() {
        Ok(())
    } else {
        Err(e)
    }
}
