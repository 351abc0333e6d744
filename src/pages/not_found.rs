//! Any path the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::set_title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Page introuvable");
    view! {
        <main class="not-found" data-testid="not-found">
            <span class="brand brand-large">"Oubli"</span>
            <h1>"Page introuvable"</h1>
            <p class="muted">"L'adresse demandée ne correspond à aucune page."</p>
            <A href="/" attr:class="btn btn-primary">
                "Retour à l'accueil"
            </A>
        </main>
    }
}
