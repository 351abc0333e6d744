//! Household members: `POST /contacts/{id}/household`,
//! `PATCH/DELETE /contacts/{id}/household/{member}`.

use super::ApiError;
use oubli_domain::{HouseholdMember, HouseholdMemberInput};

pub async fn create(
    contact_id: &str,
    input: &HouseholdMemberInput,
) -> Result<HouseholdMember, ApiError> {
    super::post(&format!("/contacts/{contact_id}/household"), input).await
}

/// Sends every field, so a cleared field is cleared on the server too.
pub async fn update(
    contact_id: &str,
    member_id: &str,
    input: &HouseholdMemberInput,
) -> Result<HouseholdMember, ApiError> {
    super::patch(
        &format!("/contacts/{contact_id}/household/{member_id}"),
        input,
    )
    .await
}

pub async fn delete(contact_id: &str, member_id: &str) -> Result<(), ApiError> {
    super::delete(&format!("/contacts/{contact_id}/household/{member_id}")).await
}
