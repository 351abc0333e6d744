//! What every list and every error answer is wrapped in: `ErrorBody` and `Page`.

use crate::FieldErrors;
use serde::{Deserialize, Serialize};

/// The error body of every non-2xx answer (API.md Conventions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// Per-field messages; empty when the error is not about a field.
    #[serde(default)]
    pub fields: FieldErrors,
}

/// One page of a keyset-paginated list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor for `?after=`, or null on the last page.
    pub next: Option<String>,
    /// Number of records matching the filters (all pages).
    pub total: i64,
}
