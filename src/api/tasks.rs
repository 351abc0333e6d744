//! Tasks across contacts.
//!
//! `GET /tasks?scope=mine|team&done=false` is the cross-contact list the Tâches page
//! needs: a `Page<Activity>` of kind `tasks`, each carrying its `contact_id`. Marking
//! a task done goes through the existing activity route
//! `PATCH /contacts/{contact}/tasks/{id}` with a merge patch `{"done": true}`.

use super::ApiError;
use oubli_domain::{Activity, Page};
use serde_json::json;

/// Whose tasks to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskScope {
    /// Assigned to the current user.
    Mine,
    /// Assigned to anyone the current user oversees (their team, or the whole
    /// cabinet for administrators and deputies).
    Team,
}

impl TaskScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskScope::Mine => "mine",
            TaskScope::Team => "team",
        }
    }
}

/// The path of one list call (kept apart so it can be unit-tested).
pub fn list_path(scope: TaskScope, include_done: bool, limit: u32) -> String {
    let mut path = format!("/tasks?scope={}&limit={limit}", scope.as_str());
    if !include_done {
        path.push_str("&done=false");
    }
    path
}

/// Open tasks (or all, with `include_done`) of `scope`, soonest due first as the
/// server orders them.
pub async fn list(
    scope: TaskScope,
    include_done: bool,
    limit: u32,
) -> Result<Page<Activity>, ApiError> {
    super::get(&list_path(scope, include_done, limit)).await
}

/// The page after `cursor` (the previous page's `next`).
pub async fn list_after(
    scope: TaskScope,
    include_done: bool,
    limit: u32,
    cursor: &str,
) -> Result<Page<Activity>, ApiError> {
    let path = format!(
        "{}&after={}",
        list_path(scope, include_done, limit),
        crate::components::filter_panel::encode_component(cursor)
    );
    super::get(&path).await
}

/// Ticks (or unticks) a task.
pub async fn set_done(contact_id: &str, task_id: &str, done: bool) -> Result<Activity, ApiError> {
    super::patch(
        &format!("/contacts/{contact_id}/tasks/{task_id}"),
        &json!({ "done": done }),
    )
    .await
}
