//! Contracts: `GET/POST /contracts`, `GET/PATCH /contracts/{id}`.

use super::ApiError;
use oubli_domain::{Contract, ContractInput, Page};

pub async fn get(id: &str) -> Result<Contract, ApiError> {
    super::get(&format!("/contracts/{id}")).await
}

/// The contracts of one project.
pub async fn of_project(project_id: &str) -> Result<Page<Contract>, ApiError> {
    super::get(&format!("/contracts?project_id={project_id}&limit=500")).await
}

pub async fn create(input: &ContractInput) -> Result<Contract, ApiError> {
    super::post("/contracts", input).await
}

/// Sends the whole input: `insured` replaces the list.
pub async fn update(id: &str, input: &ContractInput) -> Result<Contract, ApiError> {
    super::patch(&format!("/contracts/{id}"), input).await
}
