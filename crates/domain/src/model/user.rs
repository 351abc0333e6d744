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

#[cfg(test)]
mod tests {
    use super::*;

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
}
