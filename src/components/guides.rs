//! The yellow light bulb at the top right (PRODUCT.md §4, Guide). For now it only
//! announces the guides; the guide pages come with their own issue.

use leptos::prelude::*;

/// Guides the bulb will lead to.
const GUIDES: [(&str, &str); 3] = [
    (
        "Informations RGPD",
        "Comment Oubli protège les données et à quoi sert chaque outil.",
    ),
    (
        "Modèle de CGU",
        "Un modèle de conditions générales à adapter.",
    ),
    ("Tutoriels", "Prise en main pas à pas."),
];

#[component]
pub fn GuidesButton() -> impl IntoView {
    let open = RwSignal::new(false);

    view! {
        // Escape closes the panel, as for any disclosure.
        <div
            class="guides"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="bulb"
                aria-label="Guides RGPD"
                title="Guides RGPD"
                aria-expanded=move || open.get().to_string()
                aria-controls="guides-panel"
                data-testid="guides-button"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                    <path
                        class="bulb-glass"
                        d="M9 16.5c-.2-1.3-.9-2.3-1.9-3.4A6.5 6.5 0 0 1 5.5 8.8a6.5 6.5 0 0 1 13 0c0 1.6-.6 3.1-1.6 4.3-1 1.1-1.7 2.1-1.9 3.4z"
                    />
                    <path class="bulb-base" d="M9.2 19h5.6M10.2 21.5h3.6" />
                </svg>
            </button>
            <Show when=move || open.get()>
                <div
                    class="guides-panel"
                    id="guides-panel"
                    role="dialog"
                    aria-label="Guides RGPD"
                    data-testid="guides-panel"
                >
                    <h2>"Guides RGPD"</h2>
                    <ul>
                        {GUIDES
                            .iter()
                            .map(|(title, text)| {
                                view! {
                                    <li>
                                        <strong>{*title}</strong>
                                        <span>{*text}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="muted">"Bientôt disponibles."</p>
                </div>
            </Show>
        </div>
    }
}
