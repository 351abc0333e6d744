//! The administration's resources (API.md "Administration", admin only): CGU versions,
//! lead widgets, supplier API keys.

use super::ApiError;
pub use oubli_domain::{
    ApiKey, ApiKeyCreated, ApiKeyInput, CguVersion, CguVersionInput, Routing, Widget, WidgetInput,
};

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
