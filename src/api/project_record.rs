//! One project: `POST /projects`, `GET/PATCH /projects/{id}`.

use super::ApiError;
use oubli_domain::{Project, ProjectInput};

pub async fn get(id: &str) -> Result<Project, ApiError> {
    super::get(&format!("/projects/{id}")).await
}

pub async fn create(input: &ProjectInput) -> Result<Project, ApiError> {
    super::post("/projects", input).await
}

/// Sends the whole input: `beneficiaries` and `subscriptions` replace the lists.
pub async fn update(id: &str, input: &ProjectInput) -> Result<Project, ApiError> {
    super::patch(&format!("/projects/{id}"), input).await
}
