//! Taking a lead in (PRODUCT.md §5, §9), whether from a public widget or a supplier.
//! The opposition list is checked first; a person already in the cabinet (same email
//! or mobile) gets a new project, not a second contact; the consent proof is stored;
//! routing picks the user; a receipt makes a replay answer the same lead; the audit
//! entry holds ids only.
//!
//! `take` writes a batch of leads of one cabinet in a transaction; `writer` is the one
//! task that gathers the leads arriving at once into such batches (one transaction, one
//! commit and one turn of the cabinet's locks for all of them); `rate` holds the
//! per-widget and per-address windows, `token` the form token of the minimum fill time.

pub mod rate;
pub mod take;
pub mod token;
pub mod writer;

pub use writer::Intake;

use crate::db::rows::n;
use crate::db::Tx;
use crate::error::Result;
use hmac::{Hmac, Mac};
use oubli_domain::{
    ConsentSource, ContactInput, LawfulBasis, LeadHouseholdMember, ProjectType, RoutingMode,
};
use sea_query::{Expr, Query};

/// HMAC-SHA256 under the cabinet's key: the suppression list can recognise the same
/// email or phone later without holding it.
pub fn keyed_hash(key: &str, kind: &str, value: &str) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Where the lead came from: the receipt's owner and the idempotency it keys.
pub enum Channel {
    Widget {
        widget_id: String,
        idempotency_key: Option<String>,
    },
    Supplier {
        api_key_id: String,
        /// SHA-256 of the supplier's external id.
        external_ref: Option<String>,
    },
}

/// How a lead is routed: the widget's user; or the active users of its team, or of
/// the whole cabinet, in turn (a supplier key's leads: the whole cabinet in turn). A
/// user gone inactive, or a team left empty, falls back to the whole cabinet in turn;
/// a cabinet without an active user leaves the lead unassigned.
pub struct Routing {
    pub mode: RoutingMode,
    pub user_id: Option<String>,
    pub team_id: Option<String>,
    /// The row whose cursor turns: `("widgets" | "api_keys", id)`.
    pub cursor: (&'static str, String),
}

/// The consent proof (PRODUCT.md §2: who, when, through what, which CGU version and
/// its SHA-256, the checkbox label, origin page, IP and user agent).
pub struct Proof {
    pub source: ConsentSource,
    pub collected_at_ms: i64,
    pub cgu_version_id: Option<String>,
    pub cgu_sha256: Option<String>,
    pub checkbox_label: Option<String>,
    pub page: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub widget_id: Option<String>,
    pub widget_build: Option<String>,
    /// The marketing checkbox's label when it was ticked.
    pub marketing_label: Option<String>,
}

pub struct NewLead {
    /// Normalized and validated.
    pub contact: ContactInput,
    pub project_type: ProjectType,
    pub comment: Option<String>,
    pub household: Vec<LeadHouseholdMember>,
    pub supplier: Option<String>,
    pub lead_cost_cents: Option<i64>,
    pub lawful_basis: LawfulBasis,
    pub lawful_basis_source: String,
    pub proof: Proof,
    pub routing: Routing,
    pub channel: Channel,
}

/// What became of a lead (for the caller's answer and tests; never sent to a widget).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    pub contact_id: String,
    pub project_id: String,
    pub known: bool,
    pub opposed: bool,
    /// A replay of a lead already taken (same `Idempotency-Key` or external id).
    pub replay: bool,
}

/// The lead a receipt already names, (contact, project): a replay of the same
/// Idempotency-Key or external id.
pub async fn receipt(
    tx: &mut Tx,
    cabinet_id: &str,
    channel: &Channel,
) -> Result<Option<(String, String)>> {
    let mut q = Query::select();
    q.columns([n("contact_id"), n("project_id")])
        .from(n("lead_receipts"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet_id));
    match channel {
        Channel::Widget {
            widget_id,
            idempotency_key: Some(k),
        } => {
            q.and_where(Expr::col(n("widget_id")).eq(widget_id.as_str()))
                .and_where(Expr::col(n("idempotency_key")).eq(k.as_str()));
        }
        Channel::Supplier {
            api_key_id,
            external_ref: Some(r),
        } => {
            q.and_where(Expr::col(n("api_key_id")).eq(api_key_id.as_str()))
                .and_where(Expr::col(n("external_ref")).eq(r.as_str()));
        }
        _ => return Ok(None),
    }
    Ok(tx.opt(&q).await?)
}

/// Every way a French number may have been typed into a contact (contacts keep phones
/// as typed), from its E.164 form: a known person is found whatever the spacing.
fn phone_variants(e164: &str) -> Vec<String> {
    let mut v = vec![e164.to_string()];
    if let Some(nsn) = e164.strip_prefix("+33").filter(|s| s.len() == 9) {
        let national = format!("0{nsn}");
        let pairs: Vec<&str> = (0..5).map(|i| &national[i * 2..i * 2 + 2]).collect();
        v.push(national.clone());
        for sep in [" ", ".", "-"] {
            v.push(pairs.join(sep));
        }
        let rest: Vec<&str> = (0..4).map(|i| &nsn[1 + i * 2..3 + i * 2]).collect();
        v.push(format!("+33 {} {}", &nsn[..1], rest.join(" ")));
        v.push(format!("+33 {nsn}"));
        v.push(format!("0033{nsn}"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::phone_variants;

    #[test]
    fn variants_of_a_mobile() {
        let v = phone_variants("+33612345678");
        for typed in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
            "+33612345678",
        ] {
            assert!(v.contains(&typed.to_string()), "{typed}: {v:?}");
        }
    }
}
