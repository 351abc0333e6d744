//! Leads coming in from outside (PRODUCT.md §5, §9): the public widget's form
//! definition and submission, the supplier API's body, and the rules of the intake
//! (minimum fill time, rates, sizes). The server enforces these; the widget mirrors
//! the validation.

use super::fields::{check_birth_date, check_text, check_with, normalize_opt, MAX_LONG};
use super::{Civility, ContactInput, LawfulBasis, ProjectType, Relation, WidgetKind};
use crate::{validate, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A form sent sooner than this after its definition was fetched is a robot's: it
/// gets the usual answer and nothing is stored.
pub const MIN_FILL_MS: i64 = 3_000;
/// A form token older than this is refused the same silent way (a day: a person may
/// leave the tab open, a replayed token may not live for ever).
pub const FORM_TOKEN_TTL_MS: i64 = 24 * 3600 * 1000;
/// Submissions one client address may make in any minute, all widgets together.
pub const LEADS_PER_ADDRESS_PER_MINUTE: u32 = 10;
/// Submissions one widget may take in any minute, all addresses together.
pub const LEADS_PER_WIDGET_PER_MINUTE: u32 = 300;
/// Leads one supplier key may push in any minute.
pub const LEADS_PER_API_KEY_PER_MINUTE: u32 = 600;
/// Largest body of a public submission (bytes).
pub const MAX_PUBLIC_LEAD_BYTES: usize = 16 * 1024;
/// Most household members a submission may carry.
pub const MAX_HOUSEHOLD: usize = 12;
/// The label of the CGU checkbox, stored in the consent proof with the version.
pub const CGU_LABEL: &str = "J'ai lu et j'accepte les conditions générales d'utilisation et la politique de protection des données.";
/// The label of the optional marketing checkbox.
pub const MARKETING_LABEL: &str =
    "J'accepte de recevoir des offres commerciales du cabinet par email, SMS ou téléphone.";
/// The one body of every accepted public submission, whatever happened to it.
pub const RECEIVED: &str = "received";

/// The French message when the CGU were not accepted, or not the current version.
pub const CGU_REQUIRED: &str =
    "Vous devez accepter les conditions générales d'utilisation pour envoyer votre demande.";
pub const CGU_OUTDATED: &str =
    "Les conditions générales ont changé : rechargez le formulaire et acceptez la version en vigueur.";

/// The CGU a widget shows: the exact text whose SHA-256 comes back with the lead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicCgu {
    pub version_id: String,
    pub text: String,
    pub sha256: String,
}

/// `GET /public/widgets/{key}`: what the widget page needs to draw its form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicWidget {
    pub kind: WidgetKind,
    pub name: String,
    pub cgu: PublicCgu,
    pub cgu_label: String,
    pub marketing_label: String,
    pub project_type: ProjectType,
    /// To send back as `form_token` with the lead: proves when the form was drawn.
    pub form_token: String,
}

/// The person, as a public form or a supplier may describe them: no status, owner,
/// source or cost, which the server sets.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadContact {
    #[serde(default)]
    pub civility: Option<Civility>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile_phone: Option<String>,
    #[serde(default)]
    pub landline_phone: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default, with = "crate::date::opt")]
    pub birth_date: Option<NaiveDate>,
}
crate::masked_debug!(LeadContact);

impl LeadContact {
    /// The contact input this becomes, normalized like any contact.
    pub fn to_input(&self) -> ContactInput {
        let mut c = ContactInput {
            civility: self.civility,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            mobile_phone: self.mobile_phone.clone(),
            landline_phone: self.landline_phone.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            birth_date: self.birth_date,
            ..Default::default()
        };
        c.normalize();
        c
    }

    /// The contact validators, field names under `contact.`; a lead needs a way to be
    /// reached (email or mobile).
    fn check(&self, e: &mut FieldErrors, today: NaiveDate) {
        let c = self.to_input();
        if let Err(errs) = c.validate(today) {
            for (k, v) in errs {
                e.insert(format!("contact.{k}"), v);
            }
        }
        if c.email.is_none() && c.mobile_phone.is_none() {
            e.entry("contact.email".into())
                .or_insert_with(|| "Indiquez une adresse email ou un téléphone mobile.".into());
        }
    }
}

/// What the public lead form asks before it sends anything, beyond the contact rules:
/// the names, the city and both ways to call the person back, and the CGU ticked. The
/// server takes less from suppliers (an email or a mobile, [`LeadContact`]); the web
/// form asks this much so a broker can always call back.
pub const FIRST_NAME_REQUIRED: &str = "Indiquez votre prénom.";
pub const LAST_NAME_REQUIRED: &str = "Indiquez votre nom.";
pub const CITY_REQUIRED: &str = "Indiquez votre ville.";

/// Every problem of a web form's fill, by the contact's field names (`cgu` for the
/// CGU box): the contact validators, then the fields the form requires, with the
/// validators' own message for an empty email, mobile or postal code.
pub fn web_form_errors(contact: &ContactInput, cgu_accepted: bool) -> FieldErrors {
    // No birth date is asked, so the day does not matter to the rules.
    let mut e = contact.validate(NaiveDate::MIN).err().unwrap_or_default();
    for (field, value, message) in [
        ("first_name", &contact.first_name, FIRST_NAME_REQUIRED),
        ("last_name", &contact.last_name, LAST_NAME_REQUIRED),
        ("city", &contact.city, CITY_REQUIRED),
    ] {
        if value.is_none() {
            e.insert(field.into(), message.into());
        }
    }
    type Check = fn(&str) -> Result<(), &'static str>;
    for (field, value, check) in [
        ("email", &contact.email, validate::email as Check),
        ("mobile_phone", &contact.mobile_phone, validate::phone_fr),
        ("postal_code", &contact.postal_code, validate::postal_code),
    ] {
        if value.is_none() {
            if let Err(m) = check("") {
                e.insert(field.into(), m.into());
            }
        }
    }
    if !cgu_accepted {
        e.insert("cgu".into(), CGU_REQUIRED.into());
    }
    e
}

/// The project part of a lead.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadProject {
    /// Defaults to the widget's project type.
    #[serde(default, rename = "type")]
    pub project_type: Option<ProjectType>,
    #[serde(default)]
    pub comment: Option<String>,
}
crate::masked_debug!(LeadProject, project_type);

/// A household member as a form asks for them: relation and birth date only.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadHouseholdMember {
    pub relation: Relation,
    pub birth_date: NaiveDate,
}
crate::masked_debug!(LeadHouseholdMember, relation);

/// The CGU the person accepted: the version and the SHA-256 of the text they saw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CguAcceptance {
    #[serde(default)]
    pub accepted: bool,
    #[serde(default)]
    pub version_id: String,
    #[serde(default)]
    pub sha256: String,
}

/// The comparator offer a lead follows (accepted, not stored yet: the comparator is
/// the next step of issue 16).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadQuoteRef {
    pub quote_id: String,
    pub offer_id: String,
}

/// `POST /public/widgets/{key}/leads`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WidgetLeadInput {
    pub contact: LeadContact,
    #[serde(default)]
    pub project: Option<LeadProject>,
    #[serde(default)]
    pub quote: Option<LeadQuoteRef>,
    #[serde(default)]
    pub household: Vec<LeadHouseholdMember>,
    /// Required, accepted, the current version and its SHA-256; else 422 on `cgu`.
    #[serde(default)]
    pub cgu: Option<CguAcceptance>,
    #[serde(default)]
    pub marketing_consent: bool,
    /// The URL of the host page; its origin must be one the widget allows.
    #[serde(default)]
    pub page: Option<String>,
    /// The honeypot: a hidden field people leave empty.
    #[serde(default)]
    pub website: Option<String>,
    /// The `form_token` of the form definition.
    #[serde(default)]
    pub form_token: Option<String>,
    /// The widget's build (its version), kept in the consent proof.
    #[serde(default)]
    pub widget_build: Option<String>,
}
crate::masked_debug!(WidgetLeadInput, marketing_consent);

fn finish(e: FieldErrors) -> Result<(), FieldErrors> {
    if e.is_empty() {
        Ok(())
    } else {
        Err(e)
    }
}

fn check_project(e: &mut FieldErrors, p: &Option<LeadProject>) {
    if let Some(p) = p {
        check_text(e, "project.comment", &p.comment, MAX_LONG);
    }
}

impl WidgetLeadInput {
    /// Whether a robot filled the hidden field.
    pub fn honeypot_hit(&self) -> bool {
        self.website
            .as_deref()
            .is_some_and(|w| !w.trim().is_empty())
    }

    /// The checks that need no storage. The CGU version being the current one is the
    /// server's to check, with the same field and [`CGU_OUTDATED`].
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.contact.check(&mut e, today);
        check_project(&mut e, &self.project);
        if self.household.len() > MAX_HOUSEHOLD {
            e.insert(
                "household".into(),
                format!("Au plus {MAX_HOUSEHOLD} membres du foyer."),
            );
        }
        for (i, m) in self.household.iter().enumerate() {
            check_birth_date(
                &mut e,
                &format!("household[{i}].birth_date"),
                Some(m.birth_date),
                today,
            );
        }
        match &self.cgu {
            Some(c) if c.accepted && !c.version_id.is_empty() && !c.sha256.is_empty() => {}
            _ => {
                e.insert("cgu".into(), CGU_REQUIRED.into());
            }
        }
        match &self.page {
            None => {
                e.insert(
                    "page".into(),
                    "L'adresse de la page d'origine est obligatoire.".into(),
                );
            }
            Some(p) => check_with(&mut e, "page", &Some(p.clone()), validate::page_url),
        }
        let mut build = self.widget_build.clone();
        normalize_opt(&mut build);
        check_text(&mut e, "widget_build", &build, 64);
        finish(e)
    }
}

/// The proof a supplier gives of the consent it collected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplierConsent {
    #[serde(with = "crate::date::utc")]
    pub collected_at: DateTime<Utc>,
    /// The page where the person gave it.
    #[serde(default)]
    pub page: Option<String>,
    /// SHA-256 of the text the person accepted, lower-case hex.
    #[serde(default)]
    pub text_sha256: Option<String>,
    /// Defaults to `consent`.
    #[serde(default)]
    pub lawful_basis: Option<LawfulBasis>,
}

/// `POST /leads` (suppliers).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplierLeadInput {
    pub contact: LeadContact,
    pub project: LeadProject,
    pub consent: SupplierConsent,
    #[serde(default)]
    pub lead_cost_cents: Option<i64>,
    /// The supplier's own id of the lead: sent twice, it gives the same `lead_id`.
    #[serde(default)]
    pub external_id: Option<String>,
}
crate::masked_debug!(SupplierLeadInput, lead_cost_cents);

/// `201` of `POST /leads`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplierLeadReceipt {
    /// Always `received`.
    pub status: String,
    /// The project the lead became.
    pub lead_id: String,
}

/// `201` of a public submission: the same for every outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadReceived {
    /// Always `received`.
    pub status: String,
}

impl SupplierLeadInput {
    pub fn validate(&self, today: NaiveDate) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        self.contact.check(&mut e, today);
        check_project(&mut e, &Some(self.project.clone()));
        if self.project.project_type.is_none() {
            e.insert("project.type".into(), "Indiquez le type de projet.".into());
        }
        if self.consent.collected_at > Utc::now() + chrono::Duration::minutes(5) {
            e.insert(
                "consent.collected_at".into(),
                "La date du consentement ne peut pas être dans le futur.".into(),
            );
        }
        if let Some(p) = &self.consent.page {
            check_with(&mut e, "consent.page", &Some(p.clone()), validate::page_url);
        }
        if let Some(h) = &self.consent.text_sha256 {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                e.insert(
                    "consent.text_sha256".into(),
                    "Empreinte SHA-256 attendue (64 caractères hexadécimaux).".into(),
                );
            }
        }
        super::fields::check_amount(&mut e, "lead_cost_cents", self.lead_cost_cents);
        match &self.external_id {
            Some(x) if x.trim().is_empty() || x.chars().count() > 200 => {
                e.insert(
                    "external_id".into(),
                    "Identifiant externe vide ou trop long (200 caractères au plus).".into(),
                );
            }
            _ => {}
        }
        finish(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_form_needs_names_city_both_numbers_and_the_cgu() {
        let empty = web_form_errors(&ContactInput::default(), false);
        assert_eq!(
            empty.get("first_name").map(String::as_str),
            Some(FIRST_NAME_REQUIRED)
        );
        assert_eq!(
            empty.get("last_name").map(String::as_str),
            Some(LAST_NAME_REQUIRED)
        );
        assert_eq!(empty.get("city").map(String::as_str), Some(CITY_REQUIRED));
        assert_eq!(empty.get("cgu").map(String::as_str), Some(CGU_REQUIRED));
        for f in ["email", "mobile_phone", "postal_code"] {
            assert!(empty.contains_key(f), "{f}");
        }
        let mut full = ContactInput {
            first_name: Some("Camille".into()),
            last_name: Some("Exemple".into()),
            email: Some("camille@example.fr".into()),
            mobile_phone: Some("06 12 34 56 78".into()),
            postal_code: Some("69003".into()),
            city: Some("Lyon".into()),
            ..Default::default()
        };
        full.normalize();
        assert!(web_form_errors(&full, true).is_empty());
        full.postal_code = Some("6900".into());
        assert!(web_form_errors(&full, true).contains_key("postal_code"));
    }
    use crate::model::fields::today;

    fn lead() -> WidgetLeadInput {
        WidgetLeadInput {
            contact: LeadContact {
                last_name: Some("Martin".into()),
                email: Some("c.martin@example.fr".into()),
                ..Default::default()
            },
            cgu: Some(CguAcceptance {
                accepted: true,
                version_id: "v".into(),
                sha256: "h".into(),
            }),
            page: Some("https://exemple.fr/devis".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_lead_needs_accepted_cgu_and_a_page() {
        assert!(lead().validate(today()).is_ok());
        let mut l = lead();
        l.cgu.as_mut().unwrap().accepted = false;
        l.page = None;
        let e = l.validate(today()).unwrap_err();
        assert_eq!(e.keys().cloned().collect::<Vec<_>>(), vec!["cgu", "page"]);
        let mut l = lead();
        l.contact.email = Some("nope".into());
        l.contact.mobile_phone = None;
        let e = l.validate(today()).unwrap_err();
        assert!(e.contains_key("contact.email"));
        assert!(e.values().all(|m| !m.contains("nope")));
    }

    #[test]
    fn honeypot() {
        let mut l = lead();
        assert!(!l.honeypot_hit());
        l.website = Some("http://spam".into());
        assert!(l.honeypot_hit());
    }
}
