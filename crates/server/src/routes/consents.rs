//! `GET/POST /contacts/{id}/consents` (proof of each consent and withdrawal) and
//! `POST /contacts/{id}/opposition` (the right to object).

use crate::access;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{new_id, now_ms, Tx};
use crate::error::{ApiError, ApiJson, Result};
use crate::{audit, changes, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use oubli_domain::{
    Action, Consent, ConsentInput, ConsentPurpose, ConsentSource, Contact, OppositionInput,
};
use sea_query::{Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/{id}/consents", get(list).post(create))
        .route("/contacts/{id}/opposition", post(oppose))
}

async fn load(tx: &mut Tx, contact_id: &str) -> Result<Vec<Consent>> {
    let mut q = select("consents", "x", CONSENT_COLS);
    q.and_where(Expr::col((n("x"), n("contact_id"))).eq(contact_id))
        .order_by((n("x"), n("created_at")), Order::Asc)
        .order_by((n("x"), n("id")), Order::Asc);
    let rows: Vec<ConsentRow> = tx.all(&q).await?;
    Ok(rows.into_iter().map(ConsentRow::into_domain).collect())
}

/// The full history of opt-ins and opt-outs, oldest first.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/consents", tag = "consents", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Consent>), (status = 404, body = oubli_domain::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<Consent>>> {
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::View, "contact").await?;
    let v = load(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(Json(v))
}

fn user_agent(h: &HeaderMap) -> Option<String> {
    h.get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect())
}

#[allow(clippy::too_many_arguments)]
async fn insert_consent(
    tx: &mut Tx,
    cabinet_id: &str,
    contact_id: &str,
    input: &ConsentInput,
    source: ConsentSource,
    actor: Option<&str>,
    ua: Option<String>,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    tx.exec(&insert(
        "consents",
        vec![
            ("id", id.clone().into()),
            ("cabinet_id", cabinet_id.to_string().into()),
            ("contact_id", contact_id.to_string().into()),
            (
                "purpose",
                input.purpose.map(|p| p.as_str().to_string()).into(),
            ),
            ("granted", i64::from(input.granted.unwrap_or(false)).into()),
            ("source", source.as_str().to_string().into()),
            ("actor_user_id", actor.map(String::from).into()),
            ("cgu_version_id", input.cgu_version_id.clone().into()),
            ("cgu_sha256", input.cgu_sha256.clone().into()),
            ("checkbox_label", input.checkbox_label.clone().into()),
            ("origin_page", input.origin_page.clone().into()),
            // Recorded by a user in the CRM: the relevant proof is the user, not the
            // broker's own address, so no IP is stored.
            ("ip", Option::<String>::None.into()),
            ("user_agent", ua.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(id)
}

/// Records a consent given or withdrawn, with who recorded it.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/consents", tag = "consents", params(("id" = String, Path)),
    request_body = ConsentInput,
    responses((status = 201, body = Consent), (status = 409, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<(StatusCode, Json<Consent>)> {
    input.validate().map_err(ApiError::Invalid)?;
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let cid = insert_consent(
        &mut tx,
        &auth.actor.cabinet_id,
        &id,
        &input,
        ConsentSource::User,
        Some(&auth.actor.user_id),
        user_agent(&headers),
    )
    .await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    let c = load(&mut tx, &id)
        .await?
        .into_iter()
        .find(|c| c.id == cid)
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// The keyed hash of the opposition list, shared with the lead intake.
pub use crate::intake::keyed_hash;

/// Records the objection: marketing consent withdrawn, email/SMS refused from now on,
/// keyed hashes of the email and phones added to the suppression list.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/opposition", tag = "consents", params(("id" = String, Path)),
    request_body = OppositionInput,
    responses((status = 200, body = Contact), (status = 409, body = oubli_domain::ErrorBody),
              (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn oppose(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<OppositionInput>,
) -> Result<Json<Contact>> {
    let channel = input.channel.ok_or_else(|| {
        ApiError::invalid(
            "channel",
            "Indiquez par quel canal l'opposition a été reçue.",
        )
    })?;
    let mut tx = st.db.begin().await?;
    access::open_contact_for_write(&mut tx, &auth, &id, "contact").await?;
    let contact = crate::store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = now_ms();
    let mut q = Query::update();
    q.table(n("contacts"))
        .value(n("opposition_at"), now)
        .value(n("opposition_channel"), channel.as_str())
        .and_where(Expr::col(n("id")).eq(id.as_str()));
    tx.exec(&q).await?;
    let withdrawal = ConsentInput {
        purpose: Some(ConsentPurpose::Marketing),
        granted: Some(false),
        ..Default::default()
    };
    insert_consent(
        &mut tx,
        &auth.actor.cabinet_id,
        &id,
        &withdrawal,
        ConsentSource::User,
        Some(&auth.actor.user_id),
        user_agent(&headers),
    )
    .await?;
    let mut kq = Query::select();
    kq.column(n("hmac_key"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(auth.actor.cabinet_id.as_str()));
    let (key,): (String,) = tx.opt(&kq).await?.ok_or(ApiError::NotFound)?;
    let f = &contact.fields;
    let mut hashes = Vec::new();
    if let Some(e) = &f.email {
        hashes.push(("email", keyed_hash(&key, "email", &e.to_lowercase())));
    }
    for p in [&f.mobile_phone, &f.landline_phone].into_iter().flatten() {
        if let Some(e164) = oubli_domain::validate::normalize_phone_fr(p) {
            hashes.push(("phone", keyed_hash(&key, "phone", &e164)));
        }
    }
    for (kind, h) in hashes {
        let mut ins = insert(
            "suppressions",
            vec![
                ("cabinet_id", auth.actor.cabinet_id.clone().into()),
                ("hmac", h.into()),
                ("kind", kind.to_string().into()),
                ("created_at", now.into()),
                ("updated_at", now.into()),
            ],
        );
        ins.on_conflict(
            sea_query::OnConflict::columns([n("cabinet_id"), n("hmac")])
                .do_nothing()
                .to_owned(),
        );
        tx.exec(&ins).await?;
    }
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, &id).await?;
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "contact.opposition",
            target_kind: Some("contact"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "channel": channel.as_str() }),
        },
    )
    .await?;
    let c = crate::store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    Ok(Json(c))
}
