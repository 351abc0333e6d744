//! One error type for every route, rendered in the shape of API.md:
//! `{ "error": { "code", "message", "fields" } }`, French messages, never internal
//! details or personal data (those go to the log, and only as ids).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, StatusCode};
use axum::response::{IntoResponse, Response};
use oubli_domain::{ErrorBody, ErrorDetail, FieldErrors};
use serde::de::DeserializeOwned;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// A refused action, carried from the handler to `access::audit_refusals` in the
/// response (which writes it to the audit log). Here, beside the error that carries
/// it, so that the error type needs nothing above it.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub cabinet_id: String,
    pub actor_user_id: String,
    pub role: oubli_domain::Role,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request")]
    BadRequest(String),
    #[error("unauthorized")]
    Unauthorized,
    #[error("bad credentials")]
    BadCredentials,
    #[error("forbidden")]
    Forbidden(String),
    /// A permission refusal, audited by `access::audit_refusals`.
    #[error("refused")]
    Refused(Box<Refusal>),
    #[error("not found")]
    NotFound,
    #[error("conflict")]
    Conflict { code: &'static str, message: String },
    #[error("invalid fields")]
    Invalid(FieldErrors),
    #[error("too large")]
    TooLarge(String),
    /// Too many attempts in a short time (logins inside their delay, erasure previews,
    /// erasure requests): 429 with `Retry-After`, and a message saying what to wait for.
    #[error("too many")]
    TooMany {
        message: String,
        retry_after_secs: u64,
    },
    #[error("storage: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, message: &str) -> ApiError {
        let mut f = FieldErrors::new();
        f.insert(field.into(), message.into());
        ApiError::Invalid(f)
    }

    pub fn read_only() -> ApiError {
        ApiError::Conflict {
            code: "anonymized",
            message: "Ce contact a été anonymisé : sa fiche, ses projets et ses contrats sont en lecture seule.".into(),
        }
    }
}

/// A unique index or foreign key of the schema, and the answer its violation gets.
/// The storage decides races that a check before the write cannot (two requests both
/// find the address free, then both insert): the loser's violation becomes this
/// answer instead of a 500.
#[derive(Clone, Copy, Debug)]
pub struct Constraint {
    /// The index or constraint name in the migrations, as PostgreSQL reports it
    /// (`users_email`; a foreign key's default name is `table_column_fkey`).
    pub name: &'static str,
    pub kind: ConstraintKind,
    pub answer: Answer,
}

#[derive(Clone, Copy, Debug)]
pub enum ConstraintKind {
    /// A unique index over `columns`, written as SQLite reports them in its message
    /// ("UNIQUE constraint failed: users.email"): SQLite gives no index name.
    Unique { columns: &'static str },
    /// A foreign key. SQLite names neither the key nor its column, so there any
    /// foreign-key violation of the statement matches: map only statements where this
    /// key is the one that can fail.
    ForeignKey,
}

/// What a violated [`Constraint`] answers: a French message, never the value.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// 422 on a field of the request.
    Invalid {
        field: &'static str,
        message: &'static str,
    },
    /// 409 with a code of its own.
    Conflict {
        code: &'static str,
        message: &'static str,
    },
}

impl Constraint {
    /// Whether `e` is the violation of this constraint, on either backend.
    pub fn violated_by(&self, e: &dyn sqlx::error::DatabaseError) -> bool {
        let kind = match self.kind {
            ConstraintKind::Unique { .. } => e.is_unique_violation(),
            ConstraintKind::ForeignKey => e.is_foreign_key_violation(),
        };
        kind && match (e.constraint(), self.kind) {
            (Some(name), _) => name == self.name,
            (None, ConstraintKind::Unique { columns }) => {
                e.message().strip_prefix("UNIQUE constraint failed: ") == Some(columns)
            }
            (None, ConstraintKind::ForeignKey) => true,
        }
    }

    pub fn error(&self) -> ApiError {
        match self.answer {
            Answer::Invalid { field, message } => ApiError::invalid(field, message),
            Answer::Conflict { code, message } => ApiError::Conflict {
                code,
                message: message.into(),
            },
        }
    }
}

/// `on_constraint` on the result of a write, in the manner of realworld-axum-sqlx:
/// `tx.exec(&q).await.on_constraint(&USERS_EMAIL)?`. Any other error passes through.
pub trait OnConstraint<T> {
    fn on_constraint(self, c: &Constraint) -> Result<T>;
}

impl<T, E: Into<ApiError>> OnConstraint<T> for std::result::Result<T, E> {
    fn on_constraint(self, c: &Constraint) -> Result<T> {
        self.map_err(|e| match e.into() {
            ApiError::Storage(sqlx::Error::Database(d)) if c.violated_by(d.as_ref()) => c.error(),
            other => other,
        })
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> Self {
        ApiError::Internal(format!("io: {}", e.kind()))
    }
}

fn body(status: StatusCode, code: &str, message: &str, fields: FieldErrors) -> Response {
    let b = ErrorBody {
        error: ErrorDetail {
            code: code.into(),
            message: message.into(),
            fields,
        },
    };
    (status, axum::Json(b)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest(m) => body(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &m,
                FieldErrors::new(),
            ),
            ApiError::Unauthorized => body(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Vous devez être connecté.",
                FieldErrors::new(),
            ),
            ApiError::BadCredentials => body(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "Email ou mot de passe incorrect.",
                FieldErrors::new(),
            ),
            ApiError::Forbidden(m) => {
                body(StatusCode::FORBIDDEN, "forbidden", &m, FieldErrors::new())
            }
            ApiError::Refused(r) => {
                let m = format!(
                    "Action réservée : votre rôle ({}) ne le permet pas.",
                    r.role.label_fr()
                );
                let mut resp = body(StatusCode::FORBIDDEN, "forbidden", &m, FieldErrors::new());
                resp.extensions_mut().insert(*r);
                resp
            }
            ApiError::NotFound => body(
                StatusCode::NOT_FOUND,
                "not_found",
                "Élément introuvable.",
                FieldErrors::new(),
            ),
            ApiError::Conflict { code, message } => {
                body(StatusCode::CONFLICT, code, &message, FieldErrors::new())
            }
            ApiError::Invalid(fields) => body(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Certains champs sont invalides.",
                fields,
            ),
            ApiError::TooLarge(m) => body(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &m,
                FieldErrors::new(),
            ),
            ApiError::TooMany {
                message,
                retry_after_secs,
            } => rate_limited(&message, retry_after_secs),
            // PostgreSQL refuses NUL bytes in text (SQLSTATE 22021): bad input, not a fault.
            ApiError::Storage(e)
                if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("22021") =>
            {
                body(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "La requête contient un caractère invalide.",
                    FieldErrors::new(),
                )
            }
            ApiError::Storage(e) => {
                // sqlx errors name tables and constraints, never bound values.
                tracing::error!(error = %e, "storage error");
                internal()
            }
            ApiError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                internal()
            }
        }
    }
}

impl ApiError {
    /// For middleware that must fail closed: the generic 500 body.
    pub fn into_response_internal(self) -> Response {
        tracing::error!(error = %self, "internal error");
        internal()
    }
}

/// 429 with `Retry-After` in whole seconds.
fn rate_limited(message: &str, retry_after_secs: u64) -> Response {
    let mut r = body(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        message,
        FieldErrors::new(),
    );
    if let Ok(v) = retry_after_secs.to_string().parse() {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn internal() -> Response {
    body(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Erreur interne. L'incident a été journalisé.",
        FieldErrors::new(),
    )
}

/// The largest JSON body any route takes: 1 MB (a page of 500 ids is about 20 KB).
/// Uploads, the only larger bodies, are multipart and have their own limit.
pub const JSON_LIMIT: usize = 1024 * 1024;

fn json_too_large() -> ApiError {
    ApiError::TooLarge(
        "Le corps de la requête dépasse 1 Mo, la taille maximale d'un envoi JSON.".into(),
    )
}

/// `Json` with our error shape: malformed JSON is a 400, well-formed JSON with wrong
/// types or unknown fields is a 422, a missing content type a 415-like 400.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A declared length over the limit is refused before anything is read; a body
        // without one (chunked) is cut off when it passes the limit.
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > JSON_LIMIT as u64) {
            return Err(json_too_large());
        }
        let req = req.map(|b| axum::body::Body::new(http_body_util::Limited::new(b, JSON_LIMIT)));
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                // serde's message names the field and the expected type, not the value.
                let detail = e.body_text();
                let field = field_of(&detail);
                let mut f = FieldErrors::new();
                f.insert(field, "Valeur de type incorrect ou champ inconnu.".into());
                Err(ApiError::Invalid(f))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::BadRequest(
                "Le corps de la requête doit être du JSON (Content-Type: application/json).".into(),
            )),
            Err(JsonRejection::BytesRejection(_)) => Err(json_too_large()),
            Err(_) => Err(ApiError::BadRequest(
                "Le corps de la requête n'est pas un JSON valide.".into(),
            )),
        }
    }
}

/// Best effort: the serde path of the failing field ("beneficiaries[0].birth_date"),
/// or the unknown field's name. serde's message may quote the value, so only the path
/// is kept.
fn field_of(detail: &str) -> String {
    let rest = detail
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(detail);
    if let Some(start) = rest.find("unknown field `") {
        let tail = &rest[start + 15..];
        if let Some(end) = tail.find('`') {
            return tail[..end].to_string();
        }
    }
    match rest.split_once(": ") {
        Some((path, _)) if !path.is_empty() && path != "." && !path.contains(' ') => {
            path.to_string()
        }
        _ => "body".into(),
    }
}

/// `Query` with our error shape.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(_)) | Err(_) => Err(
                ApiError::BadRequest("Paramètres de requête invalides.".into()),
            ),
        }
    }
}
