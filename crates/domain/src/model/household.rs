//! Household members of a contact (spouse, children…), and their validation.

use super::fields::normalize_opt;
use super::{PersonInput, Relation};
use crate::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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
