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
        activity::list, activity::create, activity::read_one, activity::edit, activity::remove, activity::documents::download,
        consents::list, consents::create, consents::oppose,
        erasures::list, erasures::create, erasures::read, erasures::confirm, erasures::list_requests, erasures::create_request,
        erasures::approve, erasures::reject,
        export::export, stats::summary, audit::list, sync::sync, sync::key, tasks::list,
        admin::users, admin::create_user, admin::update_user, admin::teams, admin::settings, admin::update_settings,
        leads::admin::list_cgu, leads::admin::create_cgu, leads::admin::read_cgu,
        leads::admin::list_keys, leads::admin::create_key, leads::admin::revoke_key,
        leads::widgets::list, leads::widgets::create, leads::widgets::read, leads::widgets::edit,
        leads::public::definition, leads::public::submit, leads::supplier::push,
        spec,
    ),
    tags((name = "session"), (name = "contacts"), (name = "household"), (name = "projects"), (name = "contracts"),
         (name = "activity"), (name = "consents"), (name = "export"), (name = "stats"), (name = "audit"),
         (name = "sync"), (name = "admin"), (name = "erasure"), (name = "widgets"), (name = "public")),
    // Types that only document a query parameter (the handlers read text) are not
    // reached from a handler's signature, so they are listed here.
    components(schemas(export::ExportFormat, tasks::TaskScope)),
    modifiers(&SharedAnswers)
)]
pub struct ApiDoc;

/// The answers that come from the layers every route goes through rather than from the
/// handler, added to each operation here so that no annotation can forget them:
/// - 401: the `Auth` extractor (every route but health and login);
/// - 403: the CSRF check of `auth::csrf` on POST, PATCH and DELETE (public and
///   supplier routes are exempt);
/// - 400, 413, 422: `ApiJson` (malformed JSON or not JSON, body over the limit of
///   `DefaultBodyLimit`, wrong types or unknown fields) on every request body;
/// - 400, 422: `ApiQuery` (undecodable query string) and the checks of the values
///   (`limit`, filters, cursors) on every operation with query parameters;
/// - 404: an unknown id, or another cabinet's, on every operation with a path parameter.
///
/// It also names each operation `<tag>_<handler>` (handlers share names across
/// resources: `list`, `create`, …), so that operation ids are unique.
struct SharedAnswers;

const PUBLIC: &[&str] = &["/api/v1/health", "/api/v1/session"];

impl utoipa::Modify for SharedAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{HttpMethod, ParameterIn};
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        // The supplier API's key (`POST /leads`).
        if let Some(c) = doc.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
        let error = |description: &str| {
            utoipa::openapi::ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Patch, &mut item.patch),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Delete, &mut item.delete),
            ];
            for (method, op) in ops {
                let Some(op) = op.as_mut() else { continue };
                if let (Some(tag), Some(id)) =
                    (op.tags.as_ref().and_then(|t| t.first()), &op.operation_id)
                {
                    op.operation_id = Some(format!("{tag}_{id}"));
                }
                let params = op.parameters.as_deref().unwrap_or_default();
                let has_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
                let has_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
                let has_body = op.request_body.is_some();
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description).into());
                };
                let public = PUBLIC.contains(&path.as_str())
                    || path.starts_with("/api/v1/public/")
                    || path == "/api/v1/leads";
                if !public || (path == "/api/v1/session" && method == HttpMethod::Delete) {
                    add("401", "Non connecté (session absente ou expirée).");
                }
                if method != HttpMethod::Get
                    && !path.starts_with("/api/v1/public/")
                    && path != "/api/v1/leads"
                {
                    add("403", "Refusé : en-tête X-Oubli-Request absent ou provenance non vérifiée (CSRF), ou rôle insuffisant.");
                }
                if has_body {
                    add("400", "Corps illisible : pas du JSON, ou JSON mal formé.");
                    add("413", "Corps trop volumineux.");
                    add(
                        "422",
                        "Valeurs invalides, de type incorrect ou champ inconnu.",
                    );
                }
                if has_query {
                    add("400", "Paramètres de requête illisibles.");
                    add("422", "Paramètre de requête invalide.");
                }
                if has_path {
                    add("404", "Introuvable (ou d'un autre cabinet).");
                }
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(spec))
}

/// This document (requires a session, like every route but health and login).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "session", responses((status = 200, description = "OpenAPI 3.1")))]
pub async fn spec(_auth: Auth) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
