//! `GET /contacts/{id}/export?format=json|csv|html`: everything held on one person
//! (rights of access and portability), for admins and deputies; every export is audited.

use crate::access;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::error::{ApiError, ApiQuery, Result};
use crate::{audit, store, AppState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oubli_domain::{Action, Activity, Consent, ContactDetail};
use sea_query::{Expr, Order};

pub fn router() -> Router<AppState> {
    Router::new().route("/contacts/{id}/export", get(export))
}

/// The documented export schema (`schema` = "oubli.person-export.v1").
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PersonExport {
    pub schema: &'static str,
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub contact: ContactDetail,
    pub activities: Vec<Activity>,
    pub consents: Vec<Consent>,
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default), `csv` or `html`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
}

/// The formats of an export (documentation of `?format=`; the handler reads the text
/// so that another value is a French 422, not a framework error).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ExportFormat {
    Json,
    Csv,
    Html,
}

/// Everything held on the person.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/export", tag = "export", params(("id" = String, Path), ExportQuery),
    responses((status = 200, description = "JSON (the documented schema), CSV or printable HTML, as `format` asks",
                content((PersonExport = "application/json"), (String = "text/csv"), (String = "text/html"))),
              (status = 403, body = oubli_domain::ErrorBody),
              (status = 404, body = oubli_domain::ErrorBody), (status = 422, body = oubli_domain::ErrorBody)))]
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response> {
    let format = q.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "html") {
        return Err(ApiError::invalid(
            "format",
            "Format inconnu : json, csv ou html.",
        ));
    }
    let mut tx = st.db.read().await?;
    access::open_contact(&mut tx, &auth, &id, Action::ExportPerson, "contact").await?;
    drop(tx);
    let mut tx = st.db.begin().await?;
    let c = store::load_contact(&mut tx, &auth.actor.cabinet_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let contact = store::contact_detail(&mut tx, c).await?;
    let mut aq = select("activities", "a", ACTIVITY_COLS);
    aq.and_where(Expr::col((n("a"), n("contact_id"))).eq(id.as_str()))
        .order_by((n("a"), n("created_at")), Order::Asc);
    let activities: Vec<ActivityRow> = tx.all(&aq).await?;
    let mut cq = select("consents", "x", CONSENT_COLS);
    cq.and_where(Expr::col((n("x"), n("contact_id"))).eq(id.as_str()))
        .order_by((n("x"), n("created_at")), Order::Asc);
    let consents: Vec<ConsentRow> = tx.all(&cq).await?;
    let doc = PersonExport {
        schema: "oubli.person-export.v1",
        exported_at: chrono::Utc::now(),
        contact,
        activities: activities
            .into_iter()
            .map(ActivityRow::into_domain)
            .collect(),
        consents: consents.into_iter().map(ConsentRow::into_domain).collect(),
    };
    audit::append(
        &mut tx,
        &auth.actor.cabinet_id,
        audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action: "contact.export",
            target_kind: Some("contact"),
            target_id: Some(&id),
            outcome: "ok",
            detail: serde_json::json!({ "format": format, "activities": doc.activities.len(), "consents": doc.consents.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    let value = serde_json::to_value(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut rows = Vec::new();
    flatten("", &value, &mut rows);
    let (ctype, ext, body) = match format {
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["champ", "valeur"])
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            for (k, v) in &rows {
                // Cells starting with = + - @ are neutralised against formula injection.
                let v = if v.starts_with(['=', '+', '-', '@']) {
                    format!("'{v}")
                } else {
                    v.clone()
                };
                w.write_record([k.as_str(), v.as_str()])
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            }
            (
                "text/csv; charset=utf-8",
                "csv",
                w.into_inner()
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            )
        }
        "html" => {
            let mut h = String::from(
                "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Données personnelles détenues</title>\
                 <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>\
                 </head><body><h1>Données personnelles détenues</h1>",
            );
            h.push_str(&format!(
                "<p>Export du {} — format {}</p><table><tr><th>Champ</th><th>Valeur</th></tr>",
                esc(&doc.exported_at.to_rfc3339()),
                doc.schema
            ));
            for (k, v) in &rows {
                h.push_str(&format!("<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v)));
            }
            h.push_str("</table></body></html>");
            ("text/html; charset=utf-8", "html", h.into_bytes())
        }
        _ => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(&value).map_err(|e| ApiError::Internal(e.to_string()))?,
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export-{id}.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `a.b.0.c = value` lines for CSV and HTML.
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| flatten(&key(k), v, out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(&key(&i.to_string()), v, out)),
        Value::Null => {}
        Value::String(s) => out.push((prefix.into(), s.clone())),
        other => out.push((prefix.into(), other.to_string())),
    }
}
