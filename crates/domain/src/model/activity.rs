//! Activity around a contact (history, notes, tasks, appointments, messages…), and
//! its validation per kind.

use super::fields::{
    blank, check_amount, check_text, normalize_opt, normalize_text_opt, MAX_LONG, MAX_SHORT,
};
use super::{ActivityKind, Direction, MessageChannel};
use crate::{validate, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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

impl ActivityInput {
    pub fn normalize(&mut self) {
        for f in [
            &mut self.title,
            &mut self.assigned_to,
            &mut self.location,
            &mut self.recipient,
        ] {
            normalize_opt(f);
        }
        normalize_text_opt(&mut self.body);
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
