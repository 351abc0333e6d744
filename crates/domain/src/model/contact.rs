//! Contacts: the input a client sends, the contact as listed and as a whole record,
//! and their normalization and validation.

use super::fields::{
    blank, check_amount, check_birth_date, check_text, check_with, normalize_opt,
    normalize_text_opt, MAX_LONG, MAX_SHORT,
};
use super::{
    Civility, ContactStatus, Contract, HouseholdMember, LawfulBasis, OppositionChannel, Project,
};
use crate::{validate, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
        ] {
            normalize_opt(f);
        }
        normalize_text_opt(&mut self.comment);
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
    use crate::model::fields::today;

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
}
