//! Erasure requests and runs: the target (ids or a filter), the preview, the
//! confirmation, the status, requests to an administrator and their decision.

use super::fields::{blank, check_text};
use super::EraseAction;
use crate::FieldErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
