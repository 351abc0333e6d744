//! What the administrator sets up for lead capture (API.md "Administration"): CGU
//! versions, widgets and supplier API keys. Inputs are distinct from outputs; outputs
//! carry ids, times and what the server derives (the CGU's SHA-256, a widget's key and
//! snippet, a key's prefix).

use super::fields::{check_text, MAX_SHORT};
use super::{ProjectType, RoutingMode, WidgetKind};
use crate::{validate, FieldErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest CGU text (characters): a long contract fits, a disk-filling body does not.
pub const MAX_CGU_TEXT: usize = 100_000;
/// Most origins one widget may allow.
pub const MAX_ALLOWED_ORIGINS: usize = 20;

/// A new CGU version. There is no edit: a version is the proof of what people
/// accepted, so a change is a new version, which becomes the current one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CguVersionInput {
    pub title: String,
    /// Plain text (Markdown-like), shown as it is; its SHA-256 is what a lead sends back.
    pub text: String,
}

impl CguVersionInput {
    pub fn normalize(&mut self) {
        self.title = crate::text::clean_line(&self.title);
        self.text = crate::text::clean_text(&self.text);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.title.trim().is_empty() {
            e.insert("title".into(), "Indiquez un titre.".into());
        }
        check_text(&mut e, "title", &Some(self.title.clone()), MAX_SHORT);
        if self.text.trim().is_empty() {
            e.insert("text".into(), "Le texte des CGU est obligatoire.".into());
        }
        check_text(&mut e, "text", &Some(self.text.clone()), MAX_CGU_TEXT);
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// A CGU version as stored: immutable; `current` marks the one new leads must accept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CguVersion {
    pub id: String,
    pub title: String,
    pub text: String,
    /// SHA-256 of `text` (its UTF-8 bytes), lower-case hex.
    pub sha256: String,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    pub current: bool,
}

/// Where a widget's leads go. `user_id` with `user`, `team_id` with `team`, neither
/// with `round_robin`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Routing {
    pub mode: RoutingMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

impl Default for Routing {
    fn default() -> Self {
        Routing {
            mode: RoutingMode::RoundRobin,
            user_id: None,
            team_id: None,
        }
    }
}

/// A widget as the administrator writes it (POST; PATCH is a merge patch onto it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WidgetInput {
    pub kind: WidgetKind,
    pub name: String,
    /// Origins of the sites that may show the widget (`https://exemple.fr`): its
    /// page's `frame-ancestors`, and the origins its leads may come from.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    pub project_type: ProjectType,
    /// The lead source given to its contacts and projects.
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub routing: Routing,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl WidgetInput {
    /// Cleans the name and source, writes origins in their browser form (lower case,
    /// no default port), drops the ids that the routing mode does not use.
    pub fn normalize(&mut self) {
        self.name = crate::text::clean_line(&self.name);
        super::fields::normalize_opt(&mut self.supplier);
        for o in &mut self.allowed_origins {
            if let Ok(n) = validate::web_origin(o) {
                *o = n;
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        self.allowed_origins.retain(|o| seen.insert(o.clone()));
        match self.routing.mode {
            RoutingMode::RoundRobin => {
                self.routing.user_id = None;
                self.routing.team_id = None;
            }
            RoutingMode::User => self.routing.team_id = None,
            RoutingMode::Team => self.routing.user_id = None,
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if self.name.trim().is_empty() {
            e.insert("name".into(), "Indiquez un nom.".into());
        }
        check_text(&mut e, "name", &Some(self.name.clone()), MAX_SHORT);
        check_text(&mut e, "supplier", &self.supplier, MAX_SHORT);
        if self.allowed_origins.len() > MAX_ALLOWED_ORIGINS {
            e.insert(
                "allowed_origins".into(),
                format!("Au plus {MAX_ALLOWED_ORIGINS} origines."),
            );
        }
        for (i, o) in self.allowed_origins.iter().enumerate() {
            if let Err(m) = validate::web_origin(o) {
                e.insert(format!("allowed_origins[{i}]"), m.into());
            }
        }
        match self.routing.mode {
            RoutingMode::User if self.routing.user_id.is_none() => {
                e.insert(
                    "routing.user_id".into(),
                    "Choisissez l'utilisateur qui reçoit les demandes.".into(),
                );
            }
            RoutingMode::Team if self.routing.team_id.is_none() => {
                e.insert(
                    "routing.team_id".into(),
                    "Choisissez l'équipe qui reçoit les demandes.".into(),
                );
            }
            _ => {}
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// A widget as read back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Widget {
    pub id: String,
    /// The public key of the snippet and of `/w/{key}`: random, not secret.
    pub key: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<WidgetInput>))]
    pub fields: WidgetInput,
    /// The tag to paste in the host page.
    pub snippet: String,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::date::utc")]
    pub updated_at: DateTime<Utc>,
}

/// The embed tag of a widget served by Oubli at `origin`.
pub fn widget_snippet(origin: &str, key: &str) -> String {
    format!("<script src=\"{origin}/embed.js\" data-oubli-widget=\"{key}\" async></script>")
}

/// A new supplier API key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiKeyInput {
    pub name: String,
    /// The lead source given to the contacts and projects it creates.
    pub supplier: String,
}

impl ApiKeyInput {
    pub fn normalize(&mut self) {
        self.name = crate::text::clean_line(&self.name);
        self.supplier = crate::text::clean_line(&self.supplier);
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        for (f, v) in [("name", &self.name), ("supplier", &self.supplier)] {
            if v.trim().is_empty() {
                e.insert(f.into(), "Ce champ est obligatoire.".into());
            }
            check_text(&mut e, f, &Some(v.clone()), MAX_SHORT);
        }
        if e.is_empty() {
            Ok(())
        } else {
            Err(e)
        }
    }
}

/// A supplier key as listed: never its secret, only the prefix that identifies it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub supplier: String,
    /// The first characters of the secret, to tell keys apart.
    pub prefix: String,
    #[serde(with = "crate::date::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::date::opt_utc")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// POST /api-keys: the key and, this once, its secret (only its hash is stored).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyCreated {
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::open::<ApiKey>))]
    pub key: ApiKey,
    /// `Authorization: Bearer <secret>`. Shown once.
    pub secret: String,
}

impl std::fmt::Debug for ApiKeyCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyCreated")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widget() -> WidgetInput {
        WidgetInput {
            kind: WidgetKind::LeadForm,
            name: "Site".into(),
            allowed_origins: vec!["https://Exemple.fr:443".into()],
            project_type: ProjectType::Sante,
            supplier: None,
            routing: Routing::default(),
            active: true,
        }
    }

    #[test]
    fn widget_origins_and_routing() {
        let mut w = widget();
        w.normalize();
        assert_eq!(w.allowed_origins, vec!["https://exemple.fr"]);
        assert!(w.validate().is_ok());
        w.allowed_origins.push("https://exemple.fr/page".into());
        w.routing.mode = RoutingMode::Team;
        let e = w.validate().unwrap_err();
        assert!(e.contains_key("allowed_origins[1]"), "{e:?}");
        assert!(e.contains_key("routing.team_id"), "{e:?}");
    }

    #[test]
    fn cgu_needs_text() {
        let c = CguVersionInput::default();
        let e = c.validate().unwrap_err();
        assert!(e.contains_key("title") && e.contains_key("text"));
    }
}
