//! One module per resource, each with its own `router()`.

use crate::AppState;
use axum::Router;

pub mod activity;
pub mod admin;
pub mod audit;
pub mod consents;
pub mod contacts;
pub mod contracts;
pub mod erasures;
pub mod export;
pub mod household;
pub mod leads;
pub mod projects;
pub mod record;
pub mod session;
pub mod stats;
pub mod sync;
pub mod tasks;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(session::router())
        .merge(contacts::router())
        .merge(household::router())
        .merge(projects::router())
        .merge(contracts::router())
        .merge(erasures::router())
        .merge(activity::router())
        .merge(consents::router())
        .merge(export::router())
        .merge(stats::router())
        .merge(audit::router())
        .merge(sync::router())
        .merge(tasks::router())
        .merge(admin::router())
        .merge(leads::router())
        .fallback(|| async { crate::error::ApiError::NotFound })
}

/// Today in UTC, for birth-date checks.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Applies a JSON merge patch (RFC 7396) onto `target`.
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// `current` with `patch` merged in, read back as `T`; wrong types are a 422.
pub fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    patch: &serde_json::Value,
) -> crate::error::Result<T> {
    if !patch.is_object() {
        return Err(crate::error::ApiError::BadRequest(
            "Le corps doit être un objet JSON.".into(),
        ));
    }
    let mut v = serde_json::to_value(current)
        .map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
    merge_patch(&mut v, patch);
    // The path of the failing field ("beneficiaries[0].birth_date"), never its value.
    serde_path_to_error::deserialize(v).map_err(|e| {
        let msg = e.inner().to_string();
        let path = e.path().to_string();
        let field = match msg.split('`').nth(1) {
            Some(name) if msg.contains("unknown field") => name.to_string(),
            _ if path.is_empty() || path == "." => "body".to_string(),
            _ => path,
        };
        crate::error::ApiError::invalid(&field, "Valeur de type incorrect ou champ inconnu.")
    })
}

/// The top-level fields whose value differs between two versions of a record's input,
/// by their JSON names: what an edit changed, without the values.
pub fn changed_fields<T: serde::Serialize>(before: &T, after: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let null = serde_json::Value::Null;
    let mut keys: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k).unwrap_or(&null) != b.get(*k).unwrap_or(&null))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The audit entry of a change to a record (an edit, or the removal of an item that
/// is a correction rather than an erasure): who, which record, which fields. Ids and
/// field names only, never a value. An edit that changed nothing writes nothing.
pub async fn audit_change(
    tx: &mut crate::db::Tx,
    auth: &crate::auth::Auth,
    action: &str,
    target: (&str, &str),
    fields: &[String],
) -> crate::error::Result<()> {
    if fields.is_empty() && action.ends_with(".edit") {
        return Ok(());
    }
    crate::audit::append(
        tx,
        &auth.actor.cabinet_id,
        crate::audit::Entry {
            actor_user_id: Some(&auth.actor.user_id),
            action,
            target_kind: Some(target.0),
            target_id: Some(target.1),
            outcome: "ok",
            detail: serde_json::json!({ "fields": fields }),
        },
    )
    .await
}
