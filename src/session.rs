//! The session: what the app knows about the logged-in user, shared by every page as
//! a context, and the permission questions the interface asks about that user.

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use oubli_domain::perm::{decide, Action, Actor, Decision};
use oubli_domain::User;

/// What the app knows about the session.
#[derive(Clone, PartialEq)]
pub enum Auth {
    /// `GET /me` has not answered yet.
    Checking,
    LoggedOut,
    LoggedIn(User),
}

/// The session state shared by every page, provided by [`crate::App`].
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Auth>);

impl Session {
    /// The logged-in user, if any (tracked).
    pub fn user(&self) -> Option<User> {
        self.0.with(|auth| match auth {
            Auth::LoggedIn(user) => Some(user.clone()),
            _ => None,
        })
    }

    /// May the logged-in user do `action` on the cabinet as a whole (tracked)? Asks the
    /// domain's permission matrix, so the interface shows exactly what the server
    /// would allow; the server checks again anyway.
    pub fn can(&self, action: Action) -> bool {
        self.user().is_some_and(|u| may(&u, action))
    }

    /// Logs out: `DELETE /session`, then deletes the user's offline cache database
    /// (PRODUCT.md §6: logout wipes the cache). If the server refuses, nothing is
    /// deleted and the caller stays logged in. A cache that cannot be deleted is
    /// logged (the server's `Clear-Site-Data` answer wipes the storage as well).
    pub async fn log_out(&self) -> Result<(), crate::api::ApiError> {
        let user_id = self.0.with_untracked(|auth| match auth {
            Auth::LoggedIn(user) => Some(user.id.clone()),
            _ => None,
        });
        crate::api::session::logout().await?;
        crate::offline::forget_user();
        if let Some(user_id) = user_id {
            if let Err(e) = crate::cache::Cache::delete(&user_id).await {
                log::warn!("deleting the offline cache at logout: {e:?}");
            }
        }
        Ok(())
    }
}

/// The [`Actor`] the server would build for `user`.
pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id.clone(),
        cabinet_id: user.cabinet_id.clone(),
        team_id: user.team_id.clone(),
        role: user.role,
    }
}

/// May `user` do `action` on the cabinet as a whole (lists, settings, audit)?
pub fn may(user: &User, action: Action) -> bool {
    decide(&actor_of(user), action, None) == Decision::Allow
}

/// The [`Session`] provided by [`crate::App`].
pub fn use_session() -> Session {
    expect_context()
}

/// Provides the [`Session`], still [`Auth::Checking`], and asks the server who is
/// logged in (`GET /me`).
pub fn provide_session() {
    let auth = RwSignal::new(Auth::Checking);
    provide_context(Session(auth));

    spawn_local_scoped_with_cancellation(async move {
        let known = match crate::api::session::me().await {
            Ok(Some(user)) => Auth::LoggedIn(user),
            Ok(None) => Auth::LoggedOut,
            Err(e) => {
                log::warn!("GET /me failed: {} ({})", e.code, e.status);
                // No network, and this device holds a user's offline cache: the
                // offline view (the service worker has its page).
                if e.status == 0 && crate::offline::stored_user().is_some() {
                    let _ = window().location().assign(crate::offline::BASE);
                    return;
                }
                Auth::LoggedOut
            }
        };
        // A login submitted while `/me` was still on its way has the last word.
        if auth.with_untracked(|a| *a == Auth::Checking) {
            auth.set(known);
        }
    });
}
