//! The embeddable widget: the page `/w/{key}` that `public/embed.js` puts in an iframe
//! on a third-party site. Its own entry point (`main.rs`, the `oubli-widget` binary,
//! built from `widget.html` into `dist/widget/`), kept small: no router, no
//! dictionaries, no cache of the CRM; French text inline.
//!
//! - `frame`: the key and host page read from the URL, the height messages to the host;
//! - `api`: the two public calls (definition, lead), without cookies;
//! - `config`: the definition as the server sends it;
//! - `form` the lead form's logic (validation, the POST body), `lead_form` its view,
//!   `cgu` the CGU text one click away.
//!
//! A second kind (`comparator`) gets its own module beside `lead_form`, chosen in
//! [`Widget`] by the definition's `kind`.

pub mod api;
pub mod cgu;
pub mod config;
pub mod form;
pub mod frame;
pub mod lead_form;

use config::WidgetConfig;
use lead_form::{LeadForm, ReloadConfig, SendLead};
use leptos::prelude::*;
use std::rc::Rc;

/// Shown for an unknown or inactive widget (and any kind this build does not know):
/// neutral, it says nothing of why.
pub const UNAVAILABLE: &str = "Ce formulaire n'est pas disponible.";

/// Starts the widget page: reads the key and the host page from the URL, starts the
/// height messages, mounts [`Widget`].
pub fn start() {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let key = frame::widget_key(&path);
    let preview = frame::is_preview(&path);
    let page = frame::host_page(&location.hash().unwrap_or_default());
    frame::follow_height(page.as_deref().and_then(frame::origin_of));
    leptos::mount::mount_to_body(move || view! { <Widget key page preview /> });
}

/// What the preview answers a filled form with, instead of sending it.
pub fn preview_refusal() -> crate::api::ApiError {
    let mut e = crate::api::ApiError::from_response(403, "");
    e.message =
        "Aperçu : le formulaire est complet, mais rien n'est envoyé depuis l'aperçu.".into();
    e
}

#[derive(Clone)]
enum Phase {
    Loading,
    Ready(WidgetConfig),
    Unavailable,
    Failed,
}

/// The widget of `key` on the host page `page`: loads its definition, then shows the
/// form of its kind.
#[component]
pub fn Widget(
    key: Option<String>,
    page: Option<String>,
    /// The administration's preview: every check runs, nothing is sent.
    #[prop(optional)]
    preview: bool,
) -> impl IntoView {
    let phase = RwSignal::new(Phase::Loading);
    let load = {
        let key = key.clone();
        move || {
            let Some(key) = key.clone() else {
                phase.set(Phase::Unavailable);
                return;
            };
            phase.set(Phase::Loading);
            leptos::task::spawn_local(async move {
                phase.set(match api::load(&key).await {
                    Ok(config) => Phase::Ready(config),
                    Err(api::LoadError::Unavailable) => Phase::Unavailable,
                    Err(api::LoadError::Failed) => Phase::Failed,
                });
            });
        }
    };
    load();
    let page = page.unwrap_or_default();
    let key = key.unwrap_or_default();
    view! {
        <main class="w-main">
            {move || match phase.get() {
                Phase::Loading => {
                    view! { <p class="w-status" aria-busy="true">"Chargement du formulaire…"</p> }
                        .into_any()
                }
                Phase::Ready(config) if config.kind == "lead_form" => {
                    let send_key = key.clone();
                    let send: SendLead = Rc::new(move |body, idempotency_key| {
                        let key = send_key.clone();
                        Box::pin(async move {
                            if preview {
                                return Err(preview_refusal());
                            }
                            api::send_lead(&key, body, idempotency_key).await
                        })
                    });
                    let reload: ReloadConfig = {
                        let key = key.clone();
                        Rc::new(move || {
                            let key = key.clone();
                            Box::pin(async move { api::load(&key).await.ok() })
                        })
                    };
                    view! { <LeadForm config page=page.clone() send reload /> }.into_any()
                }
                Phase::Ready(_) | Phase::Unavailable => {
                    view! { <p class="w-status">{UNAVAILABLE}</p> }.into_any()
                }
                Phase::Failed => {
                    let load = load.clone();
                    view! {
                        <div class="w-status" role="alert">
                            <p>
                                "Le formulaire n'a pas pu être chargé. Vérifiez votre connexion puis réessayez."
                            </p>
                            <button type="button" class="w-send" on:click=move |_| load()>
                                "Réessayer"
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </main>
    }
}
