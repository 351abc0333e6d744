//! The activity around a contact, one tab per kind: history, notes, tasks,
//! appointments, quotes, duties of advice, membership forms, documents, emails and
//! SMS. Each tab lists the latest items and records a new one.
//!
//! This file holds the tabs and the panel of a kind; [`row`] shows one item,
//! [`forms`] records a new one (a JSON item, or a document upload).

mod forms;
mod row;

use forms::{ActivityForm, DocumentForm};
use row::activity_row;

use crate::api;
use crate::components::form::tr;
use crate::components::form::{Tasks, Validator};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::{Activity, ActivityInput, ActivityKind, UserSummary};
use std::collections::BTreeMap;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// How many items a tab shows.
const PAGE: u32 = 50;

/// The domain validator for one kind of activity.
pub fn activity_validator(kind: ActivityKind) -> Validator<ActivityInput> {
    Arc::new(move |v: &ActivityInput| {
        let mut v = v.clone();
        v.normalize();
        v.validate(kind).err().unwrap_or_default()
    })
}

/// Translation key of a kind's tab.
fn tab_key(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Events => "record.tab_events",
        ActivityKind::Notes => "record.tab_notes",
        ActivityKind::Tasks => "record.tab_tasks",
        ActivityKind::Appointments => "record.tab_appointments",
        ActivityKind::Quotes => "record.tab_quotes",
        ActivityKind::AdviceDocs => "record.tab_advice_docs",
        ActivityKind::MembershipForms => "record.tab_membership_forms",
        ActivityKind::Documents => "record.tab_documents",
        ActivityKind::Messages => "record.tab_messages",
    }
}

/// Tabs of activity with their counts.
#[component]
pub fn ActivityTabs(
    contact_id: String,
    #[prop(into)] counts: Signal<BTreeMap<String, i64>>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    #[prop(into)] readonly: Signal<bool>,
    #[prop(into)] opposed: Signal<bool>,
) -> impl IntoView {
    let active = RwSignal::new(ActivityKind::Notes);
    let cid = StoredValue::new(contact_id);
    // Counts change as items are added here, without reloading the record.
    let added = RwSignal::new(BTreeMap::<String, i64>::new());
    let count = move |k: ActivityKind| {
        counts.with(|c| c.get(k.as_str()).copied().unwrap_or(0))
            + added.with(|a| a.get(k.as_str()).copied().unwrap_or(0))
    };
    view! {
        <section class="card activity" aria-labelledby="activity-title">
            <h2 id="activity-title">{tr("record.activity")}</h2>
            <div class="tabs" role="tablist" aria-labelledby="activity-title">
                {ActivityKind::ALL
                    .iter()
                    .map(|&k| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{k}")
                                class="tab"
                                aria-selected=move || (active.get() == k).to_string()
                                aria-controls="activity-panel"
                                tabindex=move || if active.get() == k { "0" } else { "-1" }
                                data-testid=format!("tab-{k}")
                                on:click=move |_| active.set(k)
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                    let all = ActivityKind::ALL;
                                    let i = all.iter().position(|x| *x == k).unwrap_or(0);
                                    let next = match ev.key().as_str() {
                                        "ArrowRight" => Some(all[(i + 1) % all.len()]),
                                        "ArrowLeft" => Some(all[(i + all.len() - 1) % all.len()]),
                                        _ => None,
                                    };
                                    if let Some(n) = next {
                                        ev.prevent_default();
                                        active.set(n);
                                        if let Some(el) = document()
                                            .get_element_by_id(&format!("tab-{n}"))
                                            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                                        {
                                            let _ = el.focus();
                                        }
                                    }
                                }
                            >
                                {move || t(tab_key(k))}
                                <span class="count">{move || count(k)}</span>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div
                id="activity-panel"
                role="tabpanel"
                aria-labelledby=move || format!("tab-{}", active.get())
                class="tab-panel"
            >
                {move || {
                    let k = active.get();
                    view! {
                        <ActivityPanel
                            contact_id=cid.get_value()
                            kind=k
                            users=users
                            readonly=readonly
                            opposed=opposed
                            on_added=Callback::new(move |_| {
                                added.update(|a| *a.entry(k.as_str().to_owned()).or_default() += 1)
                            })
                        />
                    }
                }}
            </div>
        </section>
    }
}

/// One kind: its form (unless read-only) and its latest items.
#[component]
fn ActivityPanel(
    contact_id: String,
    kind: ActivityKind,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    #[prop(into)] readonly: Signal<bool>,
    #[prop(into)] opposed: Signal<bool>,
    on_added: Callback<()>,
) -> impl IntoView {
    let items = RwSignal::new(None::<Result<Vec<Activity>, String>>);
    let total = RwSignal::new(0i64);
    let tasks = Tasks::new();
    let cid = StoredValue::new(contact_id);
    tasks.spawn(async move {
        match api::activity::list(&cid.get_value(), kind, PAGE).await {
            Ok(p) => {
                total.set(p.total);
                items.set(Some(Ok(p.items)));
            }
            Err(e) => items.set(Some(Err(e.message))),
        }
    });
    let prepend = move |a: Activity| {
        items.update(|i| {
            if let Some(Ok(v)) = i {
                v.insert(0, a);
            }
        });
        total.update(|n| *n += 1);
        on_added.run(());
    };

    let form_view = move || {
        if readonly.get() {
            return ().into_any();
        }
        match kind {
            ActivityKind::Documents => view! { <DocumentForm contact_id=cid.get_value() on_added=Callback::new(prepend) /> }.into_any(),
            _ => view! {
                <ActivityForm
                    contact_id=cid.get_value()
                    kind=kind
                    users=users
                    opposed=opposed
                    on_added=Callback::new(prepend)
                />
            }
                .into_any(),
        }
    };

    let mark_done = move |item: String| {
        tasks.spawn(async move {
            let body = serde_json::json!({ "done": true });
            if let Ok(a) = api::activity::patch(&cid.get_value(), kind, &item, &body).await {
                items.update(|i| {
                    if let Some(Ok(v)) = i {
                        if let Some(x) = v.iter_mut().find(|x| x.id == a.id) {
                            *x = a;
                        }
                    }
                });
            }
        });
    };

    view! {
        {form_view}
        {move || match items.get() {
            None => view! { <p class="loading">{tr("record.loading")}</p> }.into_any(),
            Some(Err(m)) => view! { <p class="form-error">{move || msg(&m)}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="muted">{tr("record.activity_empty")}</p> }.into_any()
            }
            Some(Ok(list)) => {
                let more = total.get() > list.len() as i64;
                let shown = list.len();
                view! {
                    <ul class="timeline">
                        {list
                            .into_iter()
                            .map(|a| activity_row(a, kind, users, readonly, mark_done))
                            .collect_view()}
                    </ul>
                    {more
                        .then(|| {
                            view! {
                                <p class="muted small">
                                    {move || {
                                        t("record.showing_latest")
                                            .replace("{n}", &shown.to_string())
                                            .replace("{total}", &total.get().to_string())
                                    }}
                                </p>
                            }
                        })}
                }
                    .into_any()
            }
        }}
    }
}
