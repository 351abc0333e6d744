//! The public widget endpoints (no session, no cookie, no CSRF header):
//! `GET /public/widgets/{key}` (the form's definition, its current CGU and a form
//! token) and `POST /public/widgets/{key}/leads`. Every accepted submission, a new
//! person, a known one, one on the opposition list, a honeypot or too-fast robot, gets
//! the same bytes: `201 {"status":"received"}`.

use super::widgets::{WidgetRow, WIDGET_COLS};
use super::{decode, own_origin, read_limited, user_agent};
use crate::db::now_ms;
use crate::db::rows::{n, select};
use crate::error::{ApiError, Result};
use crate::intake::{token, Channel, NewLead, Proof, Routing};
use crate::{client, AppState};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use oubli_domain::{
    ConsentSource, LawfulBasis, LeadReceived, PublicCgu, PublicWidget, WidgetLeadInput,
};
use sea_query::{Expr, JoinType};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/public/widgets/{key}", get(definition))
        .route("/public/widgets/{key}/leads", post(submit))
}

/// An active widget with what its public endpoints need of its cabinet: the key of
/// the form tokens and the current CGU (id, text, SHA-256; none yet: `None`).
#[derive(sqlx::FromRow)]
struct Public {
    #[sqlx(flatten)]
    w: WidgetRow,
    hmac_key: String,
    cgu_id: Option<String>,
    cgu_text: Option<String>,
    cgu_sha256: Option<String>,
}

impl Public {
    fn cgu(&self) -> Option<(&str, &str, &str)> {
        match (&self.cgu_id, &self.cgu_text, &self.cgu_sha256) {
            (Some(i), Some(t), Some(s)) => Some((i, t, s)),
            _ => None,
        }
    }
}

/// The active widget of public key `key` (404 otherwise, the same for both), read in
/// one statement outside any transaction: every lead asks it.
async fn active_widget(st: &AppState, key: &str) -> Result<Public> {
    let mut q = select("widgets", "w", WIDGET_COLS);
    q.column((n("c"), n("hmac_key")))
        .expr_as(Expr::col((n("v"), n("id"))), n("cgu_id"))
        .expr_as(Expr::col((n("v"), n("text"))), n("cgu_text"))
        .expr_as(Expr::col((n("v"), n("sha256"))), n("cgu_sha256"))
        .join_as(
            JoinType::InnerJoin,
            n("cabinets"),
            n("c"),
            Expr::col((n("c"), n("id"))).equals((n("w"), n("cabinet_id"))),
        )
        .join_as(
            JoinType::LeftJoin,
            n("cgu_versions"),
            n("v"),
            Expr::col((n("v"), n("cabinet_id")))
                .equals((n("w"), n("cabinet_id")))
                .and(Expr::col((n("v"), n("is_current"))).eq(1)),
        )
        .and_where(Expr::col((n("w"), n("public_key"))).eq(key))
        .and_where(Expr::col((n("w"), n("active"))).eq(1));
    st.db.fetch_opt(&q).await?.ok_or(ApiError::NotFound)
}

/// What the widget draws: its kind and name, the exact CGU text to accept (with its
/// version and SHA-256, to send back), the checkbox labels, and a form token.
/// A widget that is off, unknown, or whose cabinet has no CGU yet: 404.
#[utoipa::path(get, path = "/api/v1/public/widgets/{key}", tag = "public",
    params(("key" = String, Path, description = "La clé publique du widget")),
    responses((status = 200, body = PublicWidget)))]
pub async fn definition(
    State(st): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<PublicWidget>> {
    let p = active_widget(&st, &key).await?;
    let (version_id, text, sha256) = p.cgu().ok_or(ApiError::NotFound)?;
    let (cgu, secret, w) = (
        PublicCgu {
            version_id: version_id.to_string(),
            text: text.to_string(),
            sha256: sha256.to_string(),
        },
        &p.hmac_key,
        &p.w,
    );
    let input = w.input();
    Ok(Json(PublicWidget {
        kind: input.kind,
        name: input.name,
        cgu,
        cgu_label: oubli_domain::CGU_LABEL.into(),
        marketing_label: oubli_domain::MARKETING_LABEL.into(),
        project_type: input.project_type,
        form_token: token::issue(secret, &w.public_key, now_ms()),
    }))
}

fn received() -> (StatusCode, Json<LeadReceived>) {
    (
        StatusCode::CREATED,
        Json(LeadReceived {
            status: oubli_domain::RECEIVED.into(),
        }),
    )
}

fn forbidden_origin() -> ApiError {
    ApiError::Forbidden("Ce formulaire n'est pas autorisé sur ce site.".into())
}

/// The `Idempotency-Key` header: up to 200 visible ASCII characters (400 otherwise).
pub fn idempotency_key(h: &HeaderMap) -> Result<Option<String>> {
    let Some(v) = h.get("idempotency-key") else {
        return Ok(None);
    };
    match v.to_str() {
        Ok(s) if !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(s.to_string()))
        }
        _ => Err(ApiError::BadRequest(
            "En-tête Idempotency-Key invalide (1 à 200 caractères ASCII visibles).".into(),
        )),
    }
}

/// Takes a lead from the widget's form. The checks, in order: the widget (404), the
/// request's `Origin` (Oubli's own, where the iframe lives, or one the widget allows;
/// 403), the rates (429 + `Retry-After`), the size (16 KB, 413), the JSON (400, 422),
/// the honeypot and the minimum fill time (the usual 201, nothing stored), the fields
/// (422), the host page's origin (403), the CGU: accepted, the current version, its
/// SHA-256 (422 on `cgu`, nothing stored). Then a replayed `Idempotency-Key` answers
/// without a second lead, and the lead is taken (`intake::Intake::take`, with the leads arriving at the same moment).
#[utoipa::path(post, path = "/api/v1/public/widgets/{key}/leads", tag = "public",
    params(("key" = String, Path, description = "La clé publique du widget"),
           ("Idempotency-Key" = Option<String>, Header, description = "Un envoi répété avec la même clé ne fait qu'une demande.")),
    request_body = WidgetLeadInput,
    responses((status = 201, body = LeadReceived, description = "Reçu (toujours la même réponse)."),
              (status = 400, body = oubli_domain::ErrorBody, description = "JSON illisible ou en-tête Idempotency-Key invalide."),
              (status = 403, body = oubli_domain::ErrorBody, description = "Origine ou page non autorisée pour ce widget."),
              (status = 404, body = oubli_domain::ErrorBody, description = "Widget inconnu ou désactivé."),
              (status = 413, body = oubli_domain::ErrorBody, description = "Corps de plus de 16 Ko."),
              (status = 422, body = oubli_domain::ErrorBody, description = "Champs invalides, ou CGU non acceptées ou pas la version en vigueur (`cgu`)."),
              (status = 429, body = oubli_domain::ErrorBody, description = "Trop d'envois (par widget ou par adresse) ; voir Retry-After.")))]
pub async fn submit(
    State(st): State<AppState>,
    Path(key): Path<String>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<LeadReceived>)> {
    let limit = oubli_domain::MAX_PUBLIC_LEAD_BYTES;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|l| l > limit as u64) {
        return Err(ApiError::TooLarge(format!(
            "Le formulaire dépasse {} Ko, la taille maximale d'un envoi.",
            limit / 1024
        )));
    }
    let p = active_widget(&st, &key).await?;
    let (w, secret) = (&p.w, &p.hmac_key);
    let allowed = w.origins();
    let own = own_origin(&st, &headers);
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|o| oubli_domain::validate::web_origin(o).ok());
    match origin {
        Some(o) if o == own || allowed.contains(&o) => {}
        _ => return Err(forbidden_origin()),
    }
    let address = client::address(peer.map(|p| p.0 .0.ip()), &headers, &st.cfg.trusted_proxies);
    let address_key = address
        .map(|a| client::address_key(a).to_string())
        .unwrap_or_else(|| "unknown".into());
    let too_many = |secs| ApiError::TooMany {
        message: "Trop d'envois en peu de temps. Réessayez dans une minute.".into(),
        retry_after_secs: secs,
    };
    st.lead_rates
        .hit(&format!("addr:{address_key}"), st.cfg.leads_per_address)
        .map_err(too_many)?;
    st.lead_rates
        .hit(&format!("widget:{}", w.id), st.cfg.leads_per_widget)
        .map_err(too_many)?;
    let idem = idempotency_key(&headers)?;
    let bytes = read_limited(body, limit).await?;
    let input: WidgetLeadInput = decode(&bytes)?;
    if input.honeypot_hit()
        || !token::fill_time_ok(
            secret,
            &w.public_key,
            input.form_token.as_deref(),
            now_ms(),
            st.cfg.lead_min_fill_ms,
            oubli_domain::FORM_TOKEN_TTL_MS,
        )
    {
        tracing::info!(widget = %w.id, "public lead dropped: honeypot or fill time");
        return Ok(received());
    }
    input
        .validate(crate::routes::today())
        .map_err(ApiError::Invalid)?;
    let page = input.page.clone().unwrap_or_default();
    match oubli_domain::validate::origin_of_page(&page) {
        Some(o) if allowed.contains(&o) => {}
        _ => return Err(forbidden_origin()),
    }
    let accepted = input.cgu.clone().unwrap_or_default();
    match p.cgu() {
        Some((id, _, sha))
            if id == accepted.version_id && sha.eq_ignore_ascii_case(&accepted.sha256) => {}
        _ => return Err(ApiError::invalid("cgu", oubli_domain::CGU_OUTDATED)),
    }
    let fields = w.input();
    let channel = Channel::Widget {
        widget_id: w.id.clone(),
        idempotency_key: idem.clone(),
    };
    let project = input.project.clone().unwrap_or_default();
    let lead = NewLead {
        contact: input.contact.to_input(),
        project_type: project.project_type.unwrap_or(fields.project_type),
        comment: project
            .comment
            .as_deref()
            .map(oubli_domain::text::clean_text)
            .filter(|c| !c.is_empty()),
        household: input.household.clone(),
        supplier: fields.supplier.clone(),
        lead_cost_cents: None,
        lawful_basis: LawfulBasis::Consent,
        lawful_basis_source: format!("Formulaire web « {} »", fields.name),
        proof: Proof {
            source: ConsentSource::Widget,
            collected_at_ms: now_ms(),
            cgu_version_id: Some(accepted.version_id.clone()),
            cgu_sha256: Some(accepted.sha256.to_ascii_lowercase()),
            checkbox_label: Some(oubli_domain::CGU_LABEL.into()),
            page: Some(page),
            ip: address.map(|a| a.to_string()),
            user_agent: user_agent(&headers),
            widget_id: Some(w.id.clone()),
            widget_build: input
                .widget_build
                .as_deref()
                .map(oubli_domain::text::clean_line)
                .filter(|b| !b.is_empty()),
            marketing_label: input
                .marketing_consent
                .then(|| oubli_domain::MARKETING_LABEL.to_string()),
        },
        routing: Routing {
            mode: fields.routing.mode,
            user_id: fields.routing.user_id.clone(),
            team_id: fields.routing.team_id.clone(),
            cursor: ("widgets", w.id.clone()),
        },
        channel,
    };
    st.intake.take(&w.cabinet_id, lead).await?;
    Ok(received())
}
