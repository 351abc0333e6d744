//! The yellow light bulb at the top right (PRODUCT.md §4, Guide): a button that opens a
//! panel listing the guides and tutorials, each leading to `/guides/<slug>`.
//!
//! The texts live in `locales/{fr,en}/guide.json` under `<key>_title`, `<key>_summary`
//! and `<key>_body`, where `<key>` is the slug with `_` for `-`.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::form::tr;
use crate::i18n::t;

/// Whether a guide is reference reading or a step-by-step tutorial (grouped in the panel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideKind {
    Guide,
    Tutorial,
}

/// One entry of the guides list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuideEntry {
    /// The last segment of `/guides/<slug>`, fixed: links are shared and bookmarked.
    pub slug: &'static str,
    /// Prefix of the guide's keys in `guide.json`.
    pub key: &'static str,
    pub kind: GuideKind,
}

impl GuideEntry {
    pub fn title(&self) -> String {
        t(&format!("guide.{}_title", self.key))
    }

    pub fn summary(&self) -> String {
        t(&format!("guide.{}_summary", self.key))
    }

    pub fn body(&self) -> String {
        t(&format!("guide.{}_body", self.key))
    }

    pub fn href(&self) -> String {
        format!("/guides/{}", self.slug)
    }
}

/// Every guide, in the order the panel shows them.
pub const GUIDES: &[GuideEntry] = &[
    GuideEntry {
        slug: "informations-rgpd",
        key: "informations_rgpd",
        kind: GuideKind::Guide,
    },
    GuideEntry {
        slug: "modele-cgu",
        key: "modele_cgu",
        kind: GuideKind::Guide,
    },
    GuideEntry {
        slug: "anonymiser-un-contact",
        key: "anonymiser_un_contact",
        kind: GuideKind::Tutorial,
    },
    GuideEntry {
        slug: "anonymiser-depuis-un-projet",
        key: "anonymiser_depuis_un_projet",
        kind: GuideKind::Tutorial,
    },
    GuideEntry {
        slug: "anonymiser-en-masse",
        key: "anonymiser_en_masse",
        kind: GuideKind::Tutorial,
    },
    GuideEntry {
        slug: "supprimer",
        key: "supprimer",
        kind: GuideKind::Tutorial,
    },
];

/// The guide published under `slug`, if any.
pub fn find_guide(slug: &str) -> Option<&'static GuideEntry> {
    GUIDES.iter().find(|g| g.slug == slug)
}

/// The light-bulb button and its panel. Escape closes the panel and gives focus back to
/// the button; so does a click outside it or following a link.
#[component]
pub fn GuidesButton() -> impl IntoView {
    let open = RwSignal::new(false);
    let root = NodeRef::<html::Div>::new();
    let button = NodeRef::<html::Button>::new();

    let close = move |refocus: bool| {
        if open.get_untracked() {
            open.set(false);
            if refocus {
                if let Some(b) = button.get_untracked() {
                    let _ = b.focus();
                }
            }
        }
    };

    // A click anywhere outside the bulb and its panel closes the panel.
    let outside = window_event_listener(ev::pointerdown, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let inside = match (root.get_untracked(), ev.target()) {
            (Some(root), Some(target)) => target
                .dyn_ref::<web_sys::Node>()
                .is_some_and(|node| root.contains(Some(node))),
            _ => false,
        };
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());

    let group = move |kind: GuideKind| {
        GUIDES
            .iter()
            .filter(move |g| g.kind == kind)
            .map(move |g| {
                let g = *g;
                view! {
                    <li>
                        <a
                            href=g.href()
                            class="guide-panel-link"
                            data-testid=format!("guide-link-{}", g.slug)
                            on:click=move |_| close(false)
                        >
                            <span class="guide-panel-link-title">{move || g.title()}</span>
                            <span class="guide-panel-link-summary">{move || g.summary()}</span>
                        </a>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div
            class="guide-menu"
            node_ref=root
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open.get_untracked() {
                    ev.prevent_default();
                    close(true);
                }
            }
        >
            <button
                type="button"
                class="guide-bulb"
                node_ref=button
                aria-label=tr("common.guides_button")
                title=tr("common.guides_button")
                aria-expanded=move || open.get().to_string()
                aria-controls="guide-panel"
                data-testid="guide-button"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
                    <path
                        class="guide-bulb-glass"
                        d="M9 16.5c-.2-1.3-.9-2.3-1.9-3.4A6.5 6.5 0 0 1 5.5 8.8a6.5 6.5 0 0 1 13 0c0 1.6-.6 3.1-1.6 4.3-1 1.1-1.7 2.1-1.9 3.4z"
                    />
                    <path class="guide-bulb-base" d="M9.2 19h5.6M10.2 21.5h3.6" />
                </svg>
            </button>
            <Show when=move || open.get()>
                <nav
                    class="guide-panel"
                    id="guide-panel"
                    aria-labelledby="guide-panel-title"
                    data-testid="guide-panel"
                >
                    <h2 id="guide-panel-title" class="guide-panel-title">
                        {tr("guide.panel_title")}
                    </h2>
                    <h3 class="guide-panel-group">{tr("guide.group_guides")}</h3>
                    <ul class="guide-panel-list">{group(GuideKind::Guide)}</ul>
                    <h3 class="guide-panel-group">{tr("guide.group_tutorials")}</h3>
                    <ul class="guide-panel-list">{group(GuideKind::Tutorial)}</ul>
                    <p class="guide-panel-hint">{tr("guide.panel_hint")}</p>
                </nav>
            </Show>
        </div>
    }
}
