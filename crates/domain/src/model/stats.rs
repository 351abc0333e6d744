//! The statistics summary.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserStats {
    pub name: String,
    pub leads: i64,
    pub clients: i64,
    pub lead_cost_total: i64,
}

/// `GET /stats/summary`. Money in cents. Built only from fields that anonymization
/// keeps, so anonymizing never changes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsSummary {
    pub leads_total: i64,
    pub leads_by_supplier: BTreeMap<String, i64>,
    pub leads_by_status: BTreeMap<String, i64>,
    pub lead_cost_total: i64,
    pub by_user: BTreeMap<String, UserStats>,
    /// `YYYY-MM` → leads created that month.
    pub leads_by_month: BTreeMap<String, i64>,
    pub projects_by_status: BTreeMap<String, i64>,
    pub projects_by_type: BTreeMap<String, i64>,
    pub contracts_active: i64,
    pub monthly_premiums_active: i64,
}
