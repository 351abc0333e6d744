//! The CGU, one click away: a button that shows or hides the exact text whose SHA-256
//! the lead sends (a disclosure, so it works inside the iframe without a popup).

use leptos::prelude::*;

/// `id` must be unique on the page (the form and the thank-you each have one).
#[component]
pub fn CguDisclosure(text: String, id: &'static str) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="w-cgu">
            <button
                type="button"
                class="w-link"
                id=format!("{id}-toggle")
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls=id
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || {
                    if open.get() {
                        "Masquer les conditions générales"
                    } else {
                        "Lire les conditions générales"
                    }
                }}
            </button>
            <div
                id=id
                class="w-cgu-text"
                role="region"
                aria-label="Conditions générales d'utilisation"
                tabindex="0"
                hidden=move || !open.get()
            >
                {text}
            </div>
        </div>
    }
}
