//! Home: who is logged in and what comes next. The working screens (contacts,
//! projects, tasks, RGPD) replace the preview list as they land.

use leptos::prelude::*;

use crate::{set_title, use_session};

/// Sections of the coming screens, in the order of the future navigation.
const SECTIONS: [(&str, &str); 5] = [
    (
        "Contacts",
        "Fiches, foyers, consentements et droit d'opposition.",
    ),
    (
        "Projets",
        "Santé, prévoyance, emprunteur, auto, habitation…",
    ),
    ("Tâches", "Rappels, rendez-vous et demandes à traiter."),
    (
        "RGPD",
        "Durées de conservation, registre des demandes, anonymisation.",
    ),
    ("Statistiques", "Leads, coûts d'acquisition et conversion."),
];

#[component]
pub fn HomePage() -> impl IntoView {
    set_title("Accueil");
    let session = use_session();
    let user = move || session.user();

    view! {
        <section class="welcome" aria-labelledby="welcome-title">
            <h1 id="welcome-title">
                "Bonjour " {move || user().map(|u| u.name).unwrap_or_default()}
            </h1>
            <dl class="facts">
                <div>
                    <dt>"Cabinet"</dt>
                    <dd>{move || user().map(|u| u.cabinet_name).unwrap_or_default()}</dd>
                </div>
                <div>
                    <dt>"Rôle"</dt>
                    <dd>{move || user().map(|u| u.role.label_fr()).unwrap_or_default()}</dd>
                </div>
                <div>
                    <dt>"Adresse email"</dt>
                    <dd>{move || user().map(|u| u.email).unwrap_or_default()}</dd>
                </div>
            </dl>
        </section>
        <section class="panel" aria-labelledby="soon-title">
            <h2 id="soon-title">"Bientôt dans Oubli"</h2>
            <ul class="sections">
                {SECTIONS
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
        </section>
    }
}
