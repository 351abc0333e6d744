//! The administration's resources (API.md "Administration", admin only): CGU versions,
//! lead widgets, supplier API keys.

use super::ApiError;
use serde::{Deserialize, Serialize};

/// A CGU version: immutable; the newest posted is the current one.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CguVersion {
    pub id: String,
    pub title: String,
    pub text: String,
    pub sha256: String,
    pub created_at: String,
    pub current: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CguVersionInput {
    pub title: String,
    pub text: String,
}

/// Who receives a widget's leads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    /// `round_robin` (the whole cabinet in turn), `user`, `team` (its members in turn).
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Widget {
    pub id: String,
    pub key: String,
    pub kind: String,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub project_type: String,
    #[serde(default)]
    pub supplier: Option<String>,
    pub routing: Routing,
    pub active: bool,
    pub snippet: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WidgetInput {
    pub kind: String,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub project_type: String,
    pub supplier: Option<String>,
    pub routing: Routing,
    pub active: bool,
}

impl Default for WidgetInput {
    fn default() -> Self {
        WidgetInput {
            kind: "lead_form".into(),
            name: String::new(),
            allowed_origins: Vec::new(),
            project_type: "sante".into(),
            supplier: None,
            routing: Routing {
                mode: "round_robin".into(),
                ..Routing::default()
            },
            active: true,
        }
    }
}

impl From<&Widget> for WidgetInput {
    fn from(w: &Widget) -> Self {
        WidgetInput {
            kind: w.kind.clone(),
            name: w.name.clone(),
            allowed_origins: w.allowed_origins.clone(),
            project_type: w.project_type.clone(),
            supplier: w.supplier.clone(),
            routing: w.routing.clone(),
            active: w.active,
        }
    }
}

/// A supplier's API key as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub supplier: String,
    pub prefix: String,
    pub created_at: String,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ApiKeyInput {
    pub name: String,
    pub supplier: String,
}

/// The answer to a key's creation: the only time its secret is shown.
#[derive(Clone, PartialEq, Deserialize)]
pub struct ApiKeyCreated {
    #[serde(flatten)]
    pub key: ApiKey,
    pub secret: String,
}

pub async fn cgu_versions() -> Result<Vec<CguVersion>, ApiError> {
    super::get("/cgu-versions").await
}

pub async fn create_cgu_version(input: &CguVersionInput) -> Result<CguVersion, ApiError> {
    super::post("/cgu-versions", input).await
}

pub async fn widgets() -> Result<Vec<Widget>, ApiError> {
    super::get("/widgets").await
}

pub async fn create_widget(input: &WidgetInput) -> Result<Widget, ApiError> {
    super::post("/widgets", input).await
}

pub async fn update_widget(id: &str, input: &WidgetInput) -> Result<Widget, ApiError> {
    super::patch(&format!("/widgets/{id}"), input).await
}

pub async fn api_keys() -> Result<Vec<ApiKey>, ApiError> {
    super::get("/api-keys").await
}

pub async fn create_api_key(input: &ApiKeyInput) -> Result<ApiKeyCreated, ApiError> {
    super::post("/api-keys", input).await
}

pub async fn revoke_api_key(id: &str) -> Result<(), ApiError> {
    super::delete(&format!("/api-keys/{id}")).await
}
