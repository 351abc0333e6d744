//! `GET /users`: the users of the cabinet, open to every role because assigning a
//! contact and filtering by assignee need their names.

use super::ApiError;
use oubli_domain::UserSummary;

pub async fn list() -> Result<Vec<UserSummary>, ApiError> {
    super::get("/users").await
}
