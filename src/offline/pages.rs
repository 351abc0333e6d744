//! The offline view's screens: no cache (the login page's way), the unlock form, and
//! once open, the top bar with the contacts list or a contact page, read-only.

use super::{link, Offline, BASE};
use crate::cache::Summary;
use crate::components::top_bar::OnlineIndicator;
use crate::i18n::t;
use crate::nav::use_location;
use crate::pages::contact::display_name;
use crate::sync_link::clock;
use leptos::prelude::*;
use leptos::task::spawn_local;
use oubli_domain::filter::matches_search;
use oubli_domain::{Activity, SyncRecord};
use std::sync::Arc;

/// The order of the list: the name key of the lists (last name, else company, then
/// first name, accents folded), then the id.
pub fn sort_key(r: &Summary) -> (String, String) {
    let key = oubli_domain::filter::name_key(
        r.last_name.as_deref(),
        r.company_name.as_deref(),
        r.first_name.as_deref(),
    );
    (key.unwrap_or_else(|| "1".into()), r.id.clone())
}

/// No cache on this device: nothing to show without the server.
pub fn no_cache() -> impl IntoView {
    view! {
        <main class="login" id="contenu" data-testid="offline-none">
            <div class="login-card">
                <h1>"Oubli"</h1>
                <p>{t("offline.none")}</p>
                <a class="btn btn-primary" href="/login">{t("offline.to_login")}</a>
            </div>
        </main>
    }
}

#[component]
pub fn Unlock(user_id: String) -> impl IntoView {
    let state = expect_context::<Offline>();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (user, pw) = (user_id.clone(), password.get_untracked());
        spawn_local(async move {
            if let Err(message) = state.unlock(user, pw).await {
                error.set(Some(message));
                busy.set(false);
            }
        });
    };
    view! {
        <main class="login" id="contenu">
            <form class="login-card" on:submit=submit data-testid="offline-unlock">
                <h1>"Oubli"</h1>
                <p class="offline-badge" role="status">{t("offline.locked")}</p>
                <div class="field">
                <label for="offline-password">{t("offline.password")}</label>
                <input
                    id="offline-password"
                    type="password"
                    autocomplete="current-password"
                    data-testid="offline-password"
                    required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                </div>
                {move || {
                    error
                        .get()
                        .map(|m| view! { <p class="form-error" role="alert" data-testid="offline-error">{m}</p> })
                }}
                <button class="btn btn-primary" type="submit" data-testid="offline-open" disabled=move || busy.get()>
                    {move || if busy.get() { t("offline.opening") } else { t("offline.open") }}
                </button>
            </form>
        </main>
    }
}

/// The top bar, then the list or the contact page the address names.
#[component]
pub fn Browse(records: Arc<Vec<Summary>>) -> impl IntoView {
    let state = expect_context::<Offline>();
    let path = use_location().pathname;
    let online = state.online;
    let records = StoredValue::new(records);
    view! {
        <header class="topbar">
            <div class="topbar-start">
                <a href=BASE class="brand">"Oubli"</a>
                <span class="cabinet">{t("offline.title")}</span>
            </div>
            <div class="topbar-end">
                <OnlineIndicator online=online.into() />
                <span class="synced-at" data-testid="synced-at">
                    {move || match state.synced_at.get() {
                        Some(ms) => t("offline.synced_at").replace("{time}", &clock(ms)),
                        None => t("offline.never_synced"),
                    }}
                </span>
                <Show when=move || online.get()>
                    <a class="btn btn-on-dark btn-small" href="/contacts" data-testid="back-online">
                        {t("offline.back_online")}
                    </a>
                </Show>
            </div>
        </header>
        <main id="contenu" class="page">
            <p class="offline-banner" role="note" data-testid="offline-banner">
                {move || if online.get() { t("offline.read_only_online") } else { t("offline.read_only") }}
            </p>
            {move || state.note.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {move || {
                let p = path.get();
                match p.strip_prefix("/hors-ligne/contacts/") {
                    Some(id) => view! { <Record id=id.to_string() /> }.into_any(),
                    None => view! { <List records=records.get_value() /> }.into_any(),
                }
            }}
        </main>
    }
}

/// Rows drawn at first, and added by each "show more".
const PAGE: usize = 100;

#[component]
fn List(records: Arc<Vec<Summary>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let limit = RwSignal::new(PAGE);
    let rows = StoredValue::new(records.clone());
    // Every entry the search and filter find (counted), the first `limit` drawn.
    let found = Memo::new(move |_| {
        let (q, s) = (query.get(), status.get());
        records
            .iter()
            .enumerate()
            .filter(|(_, r)| s.is_empty() || r.status.map(|x| x.as_str()) == Some(s.as_str()))
            .filter(|(_, r)| matches_search(&r.fields(), &q))
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    });
    let shown = Memo::new(move |_| {
        let n = limit.get();
        found.with(|found| {
            rows.with_value(|rows| {
                found
                    .iter()
                    .take(n)
                    .map(|&i| {
                        let r = &rows[i];
                        (
                            r.id.clone(),
                            display_name(&r.fields()),
                            r.email.clone().unwrap_or_default(),
                            r.mobile_phone
                                .clone()
                                .or(r.landline_phone.clone())
                                .unwrap_or_default(),
                            r.city.clone().unwrap_or_default(),
                            r.status
                                .map(|s| t(&format!("lists.cstatus_{}", s.as_str())))
                                .unwrap_or_default(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        <h1>{t("common.nav_contacts")}</h1>
        <div class="offline-filters">
            <label>
                {t("offline.search")}
                <input
                    type="search"
                    data-testid="offline-search"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <label>
                {t("offline.status")}
                <select data-testid="offline-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{t("offline.all")}</option>
                    <option value="prospect">{t("lists.cstatus_prospect")}</option>
                    <option value="client">{t("lists.cstatus_client")}</option>
                </select>
            </label>
            <span data-testid="offline-count">
                {move || t("offline.count").replace("{n}", &found.with(Vec::len).to_string())}
            </span>
        </div>
        <table class="data-table" data-testid="offline-contacts">
            <thead>
                <tr>
                    <th>{t("offline.col_name")}</th>
                    <th>{t("offline.col_email")}</th>
                    <th>{t("offline.col_phone")}</th>
                    <th>{t("offline.col_city")}</th>
                    <th>{t("offline.status")}</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || shown.get() key=|row| row.0.clone() let:row>
                    <tr>
                        <td>
                            <a href=format!("{BASE}/contacts/{}", row.0) data-testid="offline-contact-link">{row.1}</a>
                        </td>
                        <td>{row.2}</td>
                        <td>{row.3}</td>
                        <td>{row.4}</td>
                        <td>{row.5}</td>
                    </tr>
                </For>
            </tbody>
        </table>
        <Show when=move || { found.with(Vec::len) > limit.get() }>
            <button type="button" class="btn" data-testid="offline-more" on:click=move |_| limit.update(|n| *n += PAGE)>
                {t("offline.more")}
            </button>
        </Show>
    }
}

/// Why every editing button is off here.
const REASON_ID: &str = "offline-reason";

/// A contact page: its whole record read from the cache when it opens.
#[component]
fn Record(id: String) -> impl IntoView {
    // None: being read; Some(None): not in the cache.
    let record = RwSignal::new(None::<Option<SyncRecord>>);
    if let Some(cache) = link::open_cache() {
        spawn_local(async move {
            record.set(Some(cache.get(&id).await.ok().flatten()));
        });
    } else {
        record.set(Some(None));
    }
    move || record.get().map(|r| view! { <RecordView record=r /> })
}

#[component]
fn RecordView(record: Option<SyncRecord>) -> impl IntoView {
    let Some(r) = record else {
        return view! {
            <p class="empty" data-testid="offline-gone">{t("offline.gone")}</p>
            <a href=BASE>{t("offline.to_list")}</a>
        }
        .into_any();
    };
    let f = r.detail.contact.fields.clone();
    let line = |label: &str, v: Option<String>| {
        v.filter(|v| !v.is_empty())
            .map(|v| view! { <dt>{t(label)}</dt><dd>{v}</dd> })
    };
    let acts = |title: &'static str, list: Vec<Activity>, testid: &'static str| {
        view! {
            <section class="card" data-testid=testid>
                <h2>{t(title)}</h2>
                {if list.is_empty() {
                    view! { <p class="empty">{t("offline.none_yet")}</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {list
                                .into_iter()
                                .map(|a| {
                                    let when = a.fields.due_date.map(|d| d.format("%d/%m/%Y").to_string())
                                        .or(a.fields.occurred_at.map(|d| d.format("%d/%m/%Y").to_string()))
                                        .unwrap_or_else(|| a.created_at.format("%d/%m/%Y").to_string());
                                    view! {
                                        <li>
                                            <strong>{a.fields.title.clone().unwrap_or_default()}</strong>
                                            " " <span class="muted">{when}</span>
                                            <p>{a.fields.body.clone().unwrap_or_default()}</p>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
    };
    let household = r.detail.household.clone();
    let projects = r.detail.projects.clone();
    let contracts = r.detail.contracts.clone();
    view! {
        <a href=BASE>{t("offline.to_list")}</a>
        <h1 data-testid="offline-contact-name">{display_name(&r.detail.contact.fields)}</h1>
        <p id=REASON_ID class="offline-reason">{t("offline.why_disabled")}</p>
        <div class="actions">
            <button type="button" class="btn" disabled aria-describedby=REASON_ID title=t("offline.why_disabled") data-testid="offline-edit">
                {t("offline.edit")}
            </button>
            <button type="button" class="btn" disabled aria-describedby=REASON_ID title=t("offline.why_disabled") data-testid="offline-add-note">
                {t("offline.add_note")}
            </button>
        </div>
        <section class="card">
            <dl>
                {line("offline.col_email", f.email.clone())}
                {line("offline.mobile", f.mobile_phone.clone())}
                {line("offline.landline", f.landline_phone.clone())}
                {line("offline.address", Some([f.street.clone(), f.postal_code.clone(), f.city.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")))}
                {line("offline.birth_date", f.birth_date.map(|d| d.format("%d/%m/%Y").to_string()))}
                {line("offline.status", f.status.map(|s| t(&format!("lists.cstatus_{}", s.as_str()))))}
            </dl>
        </section>
        <section class="card" data-testid="offline-household">
            <h2>{t("offline.household")}</h2>
            {household.is_empty().then(|| view! { <p class="empty">{t("offline.none_yet")}</p> })}
            <ul>
                {household.into_iter().map(|m| {
                    let who = [m.fields.first_name.clone(), m.fields.last_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
                    let relation = m.fields.relation.map(|r| r.label_fr()).unwrap_or_default();
                    let born = m.fields.birth_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
                    view! { <li>{relation} " " {who} " " {born}</li> }
                }).collect_view()}
            </ul>
        </section>
        <section class="card" data-testid="offline-projects">
            <h2>{t("offline.projects")}</h2>
            {projects.is_empty().then(|| view! { <p class="empty">{t("offline.none_yet")}</p> })}
            <ul>
                {projects.into_iter().map(|p| view! {
                    <li>{t(&format!("lists.ptype_{}", p.kind.as_str()))} " — " {t(&format!("lists.pstatus_{}", p.status.as_str()))}</li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card" data-testid="offline-contracts">
            <h2>{t("offline.contracts")}</h2>
            {contracts.is_empty().then(|| view! { <p class="empty">{t("offline.none_yet")}</p> })}
            <ul>
                {contracts.into_iter().map(|c| view! {
                    <li>{c.insurer.clone()} " " {c.product.clone().unwrap_or_default()} " — "
                        {format!("{},{:02} € / mois", c.monthly_premium_cents / 100, c.monthly_premium_cents % 100)}</li>
                }).collect_view()}
            </ul>
        </section>
        {acts("offline.notes", r.notes.clone(), "offline-notes")}
        {acts("offline.tasks", r.tasks.clone(), "offline-tasks")}
        {acts("offline.appointments", r.appointments.clone(), "offline-appointments")}
    }
    .into_any()
}
