//! The frame of every page behind the login: top bar and navigation, then the
//! routed page.

use leptos::prelude::*;

use super::top_bar::TopBar;
use crate::i18n::t;
use crate::{use_session, Auth};

/// Frame of the logged-in pages; `content` is the current screen. Sends visitors without a session to the
/// login page; the server refuses their API calls anyway, this only spares them a
/// screen of errors.
#[component]
pub fn Shell(#[prop(into)] content: ViewFn) -> impl IntoView {
    let session = use_session();
    // Re-render only when someone logs in or out, not on every write to the session.
    let state = Memo::new(move |_| {
        session.0.with(|auth| match auth {
            Auth::Checking => None,
            Auth::LoggedOut => Some(false),
            Auth::LoggedIn(_) => Some(true),
        })
    });

    move || match state.get() {
        None => view! {
            <p class="loading" data-testid="session-loading">{move || t("common.loading")}</p>
        }
        .into_any(),
        Some(false) => {
            // Effects run after the render, so this does not write the address while
            // the screen is being built.
            Effect::new(|_| crate::nav::navigate("/login", true, false));
            ().into_any()
        }
        Some(true) => view! {
            <div class="app">
                <TopBar />
                <main class="page" id="contenu">
                    // Its own reactive scope: a change of screen rebuilds the page,
                    // not the top bar around it.
                    {
                        let content = content.clone();
                        move || content.run()
                    }
                </main>
            </div>
        }
        .into_any(),
    }
}
