//! The lead form's logic, apart from its view so tests can run it without a DOM: the
//! state of a fill, its validation (the domain's validators, the CRM's French
//! messages) and the JSON body of `POST …/leads` (API.md).

use super::config::WidgetConfig;
use oubli_domain::{web_form_errors, Civility, ContactInput, FieldErrors};
use serde_json::{json, Map, Value};

/// The form's messages, the domain's (the CGU one is the server's own for a lead
/// without the CGU).
pub use oubli_domain::{CGU_REQUIRED, CITY_REQUIRED, FIRST_NAME_REQUIRED, LAST_NAME_REQUIRED};

/// The fields of the form, in the order they are shown (the first error gets focus).
pub const FIELDS: [&str; 8] = [
    "civility",
    "first_name",
    "last_name",
    "email",
    "mobile_phone",
    "postal_code",
    "city",
    "comment",
];

/// One fill of the lead form. No `Debug`: it holds personal data.
#[derive(Clone, Default, PartialEq)]
pub struct LeadFields {
    pub civility: Option<Civility>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile_phone: String,
    pub postal_code: String,
    pub city: String,
    pub comment: String,
    pub cgu_accepted: bool,
    pub marketing_consent: bool,
    /// The honeypot: people never see it, so it stays empty; bots fill it.
    pub website: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.to_owned())
}

impl LeadFields {
    /// A text field by its name (the names of [`FIELDS`]).
    pub fn text(&self, name: &str) -> &str {
        match name {
            "first_name" => &self.first_name,
            "last_name" => &self.last_name,
            "email" => &self.email,
            "mobile_phone" => &self.mobile_phone,
            "postal_code" => &self.postal_code,
            "city" => &self.city,
            "comment" => &self.comment,
            "website" => &self.website,
            _ => "",
        }
    }

    /// Sets a text field by its name; other names change nothing.
    pub fn set_text(&mut self, name: &str, value: String) {
        let slot = match name {
            "first_name" => &mut self.first_name,
            "last_name" => &mut self.last_name,
            "email" => &mut self.email,
            "mobile_phone" => &mut self.mobile_phone,
            "postal_code" => &mut self.postal_code,
            "city" => &mut self.city,
            "comment" => &mut self.comment,
            "website" => &mut self.website,
            _ => return,
        };
        *slot = value;
    }

    /// The contact as the CRM's own form would hold it, normalized (trimmed, empty
    /// strings dropped, e-mail folded) by the domain.
    pub fn contact(&self) -> ContactInput {
        let mut c = ContactInput {
            civility: self.civility,
            first_name: opt(&self.first_name),
            last_name: opt(&self.last_name),
            email: opt(&self.email),
            mobile_phone: opt(&self.mobile_phone),
            postal_code: opt(&self.postal_code),
            city: opt(&self.city),
            comment: opt(&self.comment),
            ..Default::default()
        };
        c.normalize();
        c
    }

    /// Every problem of the fill, by field name (`cgu` for the CGU checkbox): the
    /// domain's rules for a web form ([`web_form_errors`]).
    pub fn validate(&self) -> FieldErrors {
        web_form_errors(&self.contact(), self.cgu_accepted)
    }

    /// The first field in the form's order that has an error (`cgu` comes last).
    pub fn first_error(errors: &FieldErrors) -> Option<&'static str> {
        FIELDS
            .iter()
            .chain(&["cgu"])
            .find(|f| errors.contains_key(**f))
            .copied()
    }
}

/// The JSON body of `POST /api/v1/public/widgets/{key}/leads` (API.md): the contact
/// (normalized, absent fields left out), the project when there is a type or a
/// comment, the CGU block with the exact version and SHA-256 that were shown, the
/// marketing choice, the host page, the honeypot as it is, and the form token when
/// the GET gave one.
pub fn lead_body(fields: &LeadFields, config: &WidgetConfig, page: &str) -> Value {
    let c = fields.contact();
    let mut contact = Map::new();
    if let Some(civility) = c.civility {
        contact.insert("civility".into(), civility.as_str().into());
    }
    for (name, value) in [
        ("first_name", &c.first_name),
        ("last_name", &c.last_name),
        ("email", &c.email),
        ("mobile_phone", &c.mobile_phone),
        ("postal_code", &c.postal_code),
        ("city", &c.city),
    ] {
        if let Some(v) = value {
            contact.insert(name.into(), v.as_str().into());
        }
    }
    let mut body = Map::new();
    body.insert("contact".into(), contact.into());
    let mut project = Map::new();
    if let Some(t) = config.project_type.as_deref().filter(|t| !t.is_empty()) {
        project.insert("type".into(), t.into());
    }
    if let Some(comment) = &c.comment {
        project.insert("comment".into(), comment.as_str().into());
    }
    if !project.is_empty() {
        body.insert("project".into(), project.into());
    }
    body.insert(
        "cgu".into(),
        json!({
            "accepted": fields.cgu_accepted,
            "version_id": config.cgu.version_id,
            "sha256": config.cgu.sha256,
        }),
    );
    body.insert("marketing_consent".into(), fields.marketing_consent.into());
    body.insert("page".into(), page.into());
    body.insert("website".into(), fields.website.as_str().into());
    if let Some(token) = &config.form_token {
        body.insert("form_token".into(), token.as_str().into());
    }
    body.insert("widget_build".into(), WIDGET_BUILD.into());
    body.into()
}

/// Which build of the widget showed the form: kept with the consent proof, so the
/// exact form a person saw can be found again.
pub const WIDGET_BUILD: &str = concat!("oubli-widget/", env!("CARGO_PKG_VERSION"));

/// The form field an error of a 422 belongs to: `email` or `contact.email` →
/// `email`, `project.comment` → `comment`, `cgu…` → `cgu`; anything else is shown
/// at the top.
pub fn field_of(server_field: &str) -> Option<&'static str> {
    let name = server_field
        .strip_prefix("contact.")
        .or_else(|| server_field.strip_prefix("project."))
        .unwrap_or(server_field);
    if name == "cgu" || name.starts_with("cgu.") {
        return Some("cgu");
    }
    FIELDS.iter().find(|f| **f == name).copied()
}
