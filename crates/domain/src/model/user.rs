//! Users and the cabinet: the signed-in user, login, user creation and listing,
//! teams, cabinet settings.

use super::fields::{check_text, MAX_SHORT};
use crate::{validate, FieldErrors};
use serde::{Deserialize, Serialize};

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
        if self.name.trim().is_empty() {
            e.insert("name".into(), "Indiquez le nom de l'utilisateur.".into());
        }
        check_text(&mut e, "name", &Some(self.name.clone()), MAX_SHORT);
        if self.password.chars().count() < 8 || self.password.len() > 1024 {
            e.insert(
                "password".into(),
                "Le mot de passe doit compter au moins 8 caractères.".into(),
            );
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
