//! Contracts: input, contract as returned, and their validation.

use super::fields::{blank, check_amount, check_text, check_with, normalize_opt, MAX_SHORT};
use super::{ContractStatus, Person, PersonInput, ProjectType};
use crate::{validate, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
