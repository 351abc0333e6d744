//! Projects with their beneficiaries (`PersonInput`, shared with contracts) and
//! subscriptions (NIR, IBAN…), and their validation, including where a NIR may be held.

use super::fields::{
    blank, check_birth_date, check_text, check_with, normalize_opt, normalize_text_opt, MAX_LONG,
    MAX_SHORT,
};
use super::{ProjectStatus, ProjectType};
use crate::{validate, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
    /// A lead whose person was on the opposition list when it came in (widget or
    /// supplier): kept, not to be solicited; the broker sees why.
    #[serde(default)]
    pub opposition_match: bool,
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
        normalize_text_opt(&mut self.comment);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fields::today;

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
}
