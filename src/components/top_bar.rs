//! The bar at the top of every logged-in page: who is working, for which cabinet,
//! the way out, and the guides.

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use leptos_router::components::A;

use super::guides::GuidesButton;
use crate::{api, use_session, Auth};

#[component]
pub fn TopBar() -> impl IntoView {
    let session = use_session();
    let field = move |f: fn(&oubli_domain::User) -> String| {
        move || session.user().map(|u| f(&u)).unwrap_or_default()
    };
    let cabinet = field(|u| u.cabinet_name.clone());
    let name = field(|u| u.name.clone());
    let role = field(|u| u.role.label_fr().to_owned());

    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let owner = Owner::current().expect("TopBar is rendered under an owner");
    let logout = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        owner.with(|| {
            spawn_local_scoped_with_cancellation(async move {
                match api::session::logout().await {
                    // The shell sees the change and goes to the login page.
                    Ok(()) => session.0.set(Auth::LoggedOut),
                    // Staying logged in on screen while the server still holds the
                    // session is the honest outcome: say so and let them retry.
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(format!("Déconnexion impossible : {}", e.message)));
                    }
                }
            })
        });
    };

    view! {
        <header class="topbar">
            <div class="topbar-start">
                <A href="/" attr:class="brand" attr:aria-label="Oubli, accueil">
                    "Oubli"
                </A>
                <span class="cabinet" data-testid="cabinet-name">
                    {cabinet}
                </span>
            </div>
            <div class="topbar-end">
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <span class="topbar-error" role="alert" data-testid="logout-error">
                                    {message}
                                </span>
                            }
                        })
                }}
                <div class="who">
                    <span class="user-name" data-testid="user-name">
                        {name}
                    </span>
                    <span class="user-role" data-testid="user-role">
                        {role}
                    </span>
                </div>
                <button
                    type="button"
                    class="btn btn-on-dark"
                    data-testid="logout"
                    on:click=logout
                    disabled=move || busy.get()
                >
                    {move || if busy.get() { "Déconnexion…" } else { "Se déconnecter" }}
                </button>
                <GuidesButton />
            </div>
        </header>
    }
}
