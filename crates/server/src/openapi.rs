//! `GET /openapi.json`: the OpenAPI 3.1 document, generated from the handlers'
//! annotations and the domain types, so it cannot drift from the code.

use crate::auth::Auth;
use crate::routes::*;
use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Oubli API", version = "1", description = "CRM des cabinets de courtage, RGPD intégré. Voir API.md."),
    paths(
        session::health, session::login, session::logout, session::me,
        contacts::list, contacts::create, contacts::read, contacts::edit, contacts::remove,
        household::list, household::create, household::edit, household::remove,
        projects::list, projects::create, projects::read, projects::edit,
        contracts::list, contracts::create, contracts::read, contracts::edit,
        activity::list, activity::create, activity::read_one, activity::edit, activity::remove, activity::download,
        consents::list, consents::create, consents::oppose,
        erasures::list, erasures::create, erasures::read, erasures::confirm, erasures::list_requests, erasures::create_request,
        erasures::approve, erasures::reject,
        export::export, stats::summary, audit::list, sync::sync, tasks::list,
        admin::users, admin::create_user, admin::teams, admin::settings, admin::update_settings,
        spec,
    ),
    tags((name = "session"), (name = "contacts"), (name = "household"), (name = "projects"), (name = "contracts"),
         (name = "activity"), (name = "consents"), (name = "export"), (name = "stats"), (name = "audit"),
         (name = "sync"), (name = "admin"), (name = "erasure"))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(spec))
}

/// This document (requires a session, like every route but health and login).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "session", responses((status = 200, description = "OpenAPI 3.1")))]
pub async fn spec(_auth: Auth) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
