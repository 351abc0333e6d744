//! `POST /leads`: leads pushed by suppliers with `Authorization: Bearer <secret>`.
//! No, unknown or revoked key: 401, the same answer, naming no cabinet. The same
//! `external_id` twice gives the same `lead_id` and one lead; the rest (opposition
//! list, known person, routing, consent proof, audit) is the widget's intake. A key
//! may push `oubli_domain::LEADS_PER_API_KEY_PER_MINUTE` leads a minute (429 past it).

use super::{decode, read_limited};
use crate::db::rows::n;
use crate::db::{now_ms, to_ms};
use crate::error::{ApiError, Result};
use crate::intake::{Channel, NewLead, Proof, Routing};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use oubli_domain::{
    ConsentSource, LawfulBasis, RoutingMode, SupplierLeadInput, SupplierLeadReceipt,
};
use sea_query::{Expr, Query};

pub fn router() -> Router<AppState> {
    Router::new().route("/leads", post(push))
}

/// Largest supplier body: the same bound as a public form's, times four (suppliers
/// send a longer comment at most).
const MAX_SUPPLIER_LEAD_BYTES: usize = 4 * oubli_domain::MAX_PUBLIC_LEAD_BYTES;

/// The key of the bearer secret: (id, cabinet, supplier). Any failure is the same 401.
async fn key_of(st: &AppState, headers: &HeaderMap) -> Result<(String, String, String)> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 200)
        .ok_or(ApiError::Unauthorized)?;
    let hash = crate::auth::sha256_hex(secret.as_bytes());
    let mut tx = st.db.read().await?;
    let mut q = Query::select();
    q.columns([n("id"), n("cabinet_id"), n("supplier")])
        .from(n("api_keys"))
        .and_where(Expr::col(n("secret_sha256")).eq(hash))
        .and_where(Expr::col(n("revoked_at")).is_null());
    let row: Option<(String, String, String)> = tx.opt(&q).await?;
    tx.commit().await?;
    row.ok_or(ApiError::Unauthorized)
}

/// Takes a supplier's lead.
#[utoipa::path(post, path = "/api/v1/leads", tag = "public",
    request_body = SupplierLeadInput,
    security(("bearer" = [])),
    responses((status = 201, body = SupplierLeadReceipt),
              (status = 401, body = oubli_domain::ErrorBody, description = "Clé d'API absente, inconnue ou révoquée."),
              (status = 413, body = oubli_domain::ErrorBody, description = "Corps de plus de 64 Ko."),
              (status = 422, body = oubli_domain::ErrorBody, description = "Champs invalides."),
              (status = 429, body = oubli_domain::ErrorBody, description = "Plus de 600 envois par minute pour cette clé ; voir Retry-After.")))]
pub async fn push(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<SupplierLeadReceipt>)> {
    let (key_id, cabinet, supplier) = key_of(&st, &headers).await?;
    st.lead_rates
        .hit(
            &format!("api_key:{key_id}"),
            oubli_domain::LEADS_PER_API_KEY_PER_MINUTE,
        )
        .map_err(|secs| ApiError::TooMany {
            message: "Trop de demandes en peu de temps pour cette clé. Réessayez dans une minute."
                .into(),
            retry_after_secs: secs,
        })?;
    let bytes = read_limited(body, MAX_SUPPLIER_LEAD_BYTES).await?;
    let input: SupplierLeadInput = decode(&bytes)?;
    input
        .validate(crate::routes::today())
        .map_err(ApiError::Invalid)?;
    let external_ref = input
        .external_id
        .as_deref()
        .map(|x| crate::auth::sha256_hex(x.trim().as_bytes()));
    let channel = Channel::Supplier {
        api_key_id: key_id.clone(),
        external_ref: external_ref.clone(),
    };
    let answer = |lead_id: String| {
        (
            StatusCode::CREATED,
            Json(SupplierLeadReceipt {
                status: oubli_domain::RECEIVED.into(),
                lead_id,
            }),
        )
    };
    // When the key was last used (its own small write, not the lead's).
    let mut tx = st.db.begin().await?;
    let now = now_ms();
    let mut used = Query::update();
    used.table(n("api_keys"))
        .value(n("last_used_at"), now)
        .value(n("updated_at"), now)
        .and_where(Expr::col(n("id")).eq(key_id.as_str()));
    tx.exec(&used).await?;
    tx.commit().await?;
    let lead = NewLead {
        contact: input.contact.to_input(),
        project_type: input
            .project
            .project_type
            .unwrap_or(oubli_domain::ProjectType::Autre),
        comment: input
            .project
            .comment
            .as_deref()
            .map(oubli_domain::text::clean_text)
            .filter(|c| !c.is_empty()),
        household: Vec::new(),
        supplier: Some(supplier.clone()),
        lead_cost_cents: input.lead_cost_cents,
        lawful_basis: input.consent.lawful_basis.unwrap_or(LawfulBasis::Consent),
        lawful_basis_source: format!("Fournisseur « {supplier} »"),
        proof: Proof {
            source: ConsentSource::Api,
            collected_at_ms: to_ms(input.consent.collected_at),
            cgu_version_id: None,
            cgu_sha256: input
                .consent
                .text_sha256
                .as_deref()
                .map(str::to_ascii_lowercase),
            checkbox_label: None,
            page: input.consent.page.clone(),
            // The supplier's address is not the person's: no IP, no user agent.
            ip: None,
            user_agent: None,
            widget_id: None,
            widget_build: None,
            marketing_label: None,
        },
        routing: Routing {
            mode: RoutingMode::RoundRobin,
            user_id: None,
            team_id: None,
            cursor: ("api_keys", key_id.clone()),
        },
        channel,
    };
    let t = st.intake.take(&cabinet, lead).await?;
    Ok(answer(t.project_id))
}
