//! The activity around a contact, one tab per kind: history, notes, tasks,
//! appointments, quotes, duties of advice, membership forms, documents, emails and
//! SMS. Each tab lists the latest items and records a new one.

use crate::api;
use crate::components::form::tr;
use crate::components::form::{
    format_euros, opt_text, set_opt, Binder, FormState, FormStatus, Tasks, Validator,
};
use crate::components::record::{enum_choices, fr_date, fr_datetime, user_choices, user_name};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::{Activity, ActivityInput, ActivityKind, Direction, MessageChannel, UserSummary};
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

fn activity_row(
    a: Activity,
    kind: ActivityKind,
    users: Signal<Vec<UserSummary>>,
    readonly: Signal<bool>,
    mark_done: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let testid = match kind {
        ActivityKind::Notes => "note-row".to_owned(),
        ActivityKind::Documents => "document-row".to_owned(),
        k => format!("activity-{k}-row"),
    };
    let f = a.fields.clone();
    let when = f.occurred_at.or(f.starts_at).unwrap_or(a.created_at);
    let author = users.with(|u| user_name(u, a.author_id.as_deref()));
    let mut meta: Vec<String> = Vec::new();
    if let Some(d) = f.due_date {
        meta.push(format!("{} {}", t("record.due"), fr_date(d)));
    }
    if let Some(e) = f.ends_at {
        meta.push(format!("→ {}", fr_datetime(e)));
    }
    if let Some(l) = &f.location {
        meta.push(l.clone());
    }
    if let Some(c) = f.amount_cents {
        meta.push(format_euros(c));
    }
    if let Some(c) = f.channel {
        meta.push(msg(c.label_fr()));
    }
    if let Some(r) = &f.recipient {
        meta.push(r.clone());
    }
    if let Some(d) = f.direction {
        meta.push(msg(d.label_fr()));
    }
    if f.signed == Some(true) {
        meta.push(t("record.signed"));
    }
    if let Some(u) = &f.assigned_to {
        meta.push(format!(
            "{} {}",
            t("record.for"),
            users.with(|l| user_name(l, Some(u)))
        ));
    }
    if let Some(n) = &a.file_name {
        let size = a.size_bytes.map(human_size).unwrap_or_default();
        meta.push(format!("{n} {size}"));
    }
    let done = f.done == Some(true);
    let is_task = kind == ActivityKind::Tasks;
    let doc_link = (kind == ActivityKind::Documents)
        .then(|| api::activity::document_url(&a.contact_id, &a.id));
    let id = a.id.clone();
    view! {
        <li class="timeline-item" class:done=done data-testid=testid>
            <div class="timeline-head">
                <strong>{f.title.clone().unwrap_or_default()}</strong>
                <span class="muted small">{fr_datetime(when)} " · " {author}</span>
            </div>
            {f.body.clone().map(|b| view! { <p class="timeline-body">{b}</p> })}
            {(!meta.is_empty()).then(|| view! { <p class="muted small">{meta.join(" · ")}</p> })}
            <div class="row-actions">
                {doc_link
                    .map(|href| {
                        view! {
                            <a class="btn btn-small" href=href download data-testid="document-download">
                                {tr("record.download")}
                            </a>
                        }
                    })}
                {is_task
                    .then(|| {
                        if done {
                            view! { <span class="badge badge-ok">{tr("record.done")}</span> }
                                .into_any()
                        } else {
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-small"
                                    data-testid="task-done"
                                    disabled=move || readonly.get()
                                    on:click=move |_| mark_done(id.clone())
                                >
                                    {tr("record.mark_done")}
                                </button>
                            }
                                .into_any()
                        }
                    })}
            </div>
        </li>
    }
}

fn human_size(b: i64) -> String {
    if b < 1024 {
        format!("({b} o)")
    } else if b < 1024 * 1024 {
        format!("({} Ko)", b / 1024)
    } else {
        format!("({:.1} Mo)", b as f64 / 1024.0 / 1024.0)
    }
}

/// Records one item of a JSON kind.
#[component]
fn ActivityForm(
    contact_id: String,
    kind: ActivityKind,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    #[prop(into)] opposed: Signal<bool>,
    on_added: Callback<Activity>,
) -> impl IntoView {
    let fresh = move || ActivityInput {
        direction: matches!(kind, ActivityKind::Messages | ActivityKind::Events)
            .then_some(Direction::Outbound),
        ..Default::default()
    };
    let form = RwSignal::new(FormState::new(fresh(), activity_validator(kind)));
    let b = Binder::new(form, "act");
    let tasks = Tasks::new();
    let cid = StoredValue::new(contact_id);
    let save = move || {
        if !form.try_update(|f| f.submit()).unwrap_or(false) {
            return;
        }
        let mut input = form.with_untracked(|f| f.value.clone());
        input.normalize();
        form.update(|f| f.pending = true);
        tasks.spawn(async move {
            match api::activity::create(&cid.get_value(), kind, &input).await {
                Ok(a) => {
                    form.update(|f| f.reset(fresh()));
                    on_added.run(a);
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    };
    let (save_testid, save_key) = match kind {
        ActivityKind::Notes => ("note-save".to_owned(), "record.note_save"),
        k => (format!("activity-{k}-add"), "record.add"),
    };
    let title = move || {
        b.text(
            "title",
            if kind == ActivityKind::Messages {
                "record.subject"
            } else {
                "record.title"
            },
            "text",
            |v| opt_text(&v.title),
            |v, s| set_opt(&mut v.title, s),
        )
    };
    let body = move || {
        b.textarea(
            "body",
            "record.details",
            |v| opt_text(&v.body),
            |v, s| set_opt(&mut v.body, s),
        )
    };
    let direction = move || {
        b.select(
            "direction",
            "record.direction",
            || enum_choices(Direction::ALL, Direction::as_str, Direction::label_fr),
            None,
            |v| {
                v.direction
                    .map(|d| d.as_str().to_owned())
                    .unwrap_or_default()
            },
            |v, s| v.direction = Direction::parse(&s),
        )
    };
    let fields = move || {
        match kind {
        ActivityKind::Notes => {
            // The note's body is the whole form: named `note-body` for the journeys.
            let err = move || form.with(|f| f.error("body"));
            view! {
                <div class="field field-wide">
                    <label for="note-body">{tr("record.note")}</label>
                    <textarea
                        id="note-body"
                        rows="3"
                        data-testid="note-body"
                        aria-invalid=move || err().is_some().to_string()
                        aria-describedby="note-body-error"
                        prop:value=move || form.with(|f| opt_text(&f.value.body))
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            form.update(|f| f.edit("body", |x| set_opt(&mut x.body, v)));
                        }
                    ></textarea>
                    {move || {
                        err()
                            .map(|m| {
                                view! {
                                    <p class="field-error" id="note-body-error" data-testid="field-error-body">
                                        {move || msg(&m)}
                                    </p>
                                }
                            })
                    }}
                </div>
            }
                .into_any()
        }
        ActivityKind::Events => view! {
            <div class="grid">
                {title()}
                {b.datetime("occurred_at", "record.occurred_at", |v| v.occurred_at, |v, d| v.occurred_at = d)}
                {direction()}
            </div>
            {body()}
        }
            .into_any(),
        ActivityKind::Tasks => view! {
            <div class="grid">
                {title()}
                {b.date("due_date", "record.due_date", |v| v.due_date, |v, d| v.due_date = d)}
                {b.select(
                    "assigned_to",
                    "record.assigned_to",
                    move || users.with(|u| user_choices(u, None)),
                    Some("record.assigned_me"),
                    |v| opt_text(&v.assigned_to),
                    |v, s| set_opt(&mut v.assigned_to, s),
                )}
            </div>
            {body()}
        }
            .into_any(),
        ActivityKind::Appointments => view! {
            <div class="grid">
                {title()}
                {b.datetime("starts_at", "record.starts_at", |v| v.starts_at, |v, d| v.starts_at = d)}
                {b.datetime("ends_at", "record.ends_at", |v| v.ends_at, |v, d| v.ends_at = d)}
                {b.text("location", "record.location", "text", |v| opt_text(&v.location), |v, s| set_opt(&mut v.location, s))}
            </div>
            {body()}
        }
            .into_any(),
        ActivityKind::Quotes => view! {
            <div class="grid">
                {title()}
                {b.euros("amount_cents", "record.amount", |v| v.amount_cents, |v, c| v.amount_cents = c)}
            </div>
            {body()}
        }
            .into_any(),
        ActivityKind::MembershipForms => view! {
            <div class="grid">
                {title()}
                {b.checkbox("signed", "record.signed_copy", |v| v.signed == Some(true), |v, c| v.signed = Some(c))}
            </div>
            {body()}
        }
            .into_any(),
        ActivityKind::Messages => view! {
            <Show when=move || opposed.get()>
                <p class="banner banner-warning" role="note">{tr("record.opposed_messages")}</p>
            </Show>
            <div class="grid">
                {b.select(
                    "channel",
                    "record.channel",
                    || enum_choices(MessageChannel::ALL, MessageChannel::as_str, MessageChannel::label_fr),
                    Some("record.choose"),
                    |v| v.channel.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                    |v, s| v.channel = MessageChannel::parse(&s),
                )}
                {b.text("recipient", "record.recipient", "text", |v| opt_text(&v.recipient), |v, s| set_opt(&mut v.recipient, s))}
                {direction()}
                {title()}
            </div>
            {body()}
        }
            .into_any(),
        // Duties of advice (and any other kind): a title and details.
        _ => view! {
            <div class="grid">{title()}</div>
            {body()}
        }
            .into_any(),
    }
    };
    view! {
        <form
            class="subform"
            novalidate
            data-testid=format!("activity-{kind}-form")
            on:submit=move |ev| {
                ev.prevent_default();
                save();
            }
        >
            {fields}
            <FormStatus message=Signal::derive(move || form.with(|f| f.message.clone())) />
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid=save_testid
                    disabled=move || form.with(|f| f.pending)
                >
                    {tr(save_key)}
                </button>
            </div>
        </form>
    }
}

/// Uploads a document (multipart) with an optional title.
#[component]
fn DocumentForm(contact_id: String, on_added: Callback<Activity>) -> impl IntoView {
    let file_input = NodeRef::<leptos::html::Input>::new();
    let title = RwSignal::new(String::new());
    let error = RwSignal::new(None::<(Option<String>, String)>);
    let pending = RwSignal::new(false);
    let tasks = Tasks::new();
    let cid = StoredValue::new(contact_id);
    let upload = move || {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let file = input.files().and_then(|l| l.get(0));
        let Some(file) = file else {
            error.set(Some((
                Some("Joignez un fichier.".to_owned()),
                String::new(),
            )));
            return;
        };
        error.set(None);
        pending.set(true);
        let t = title.get_untracked();
        tasks.spawn(async move {
            let r = api::activity::upload(&cid.get_value(), &file, &t).await;
            pending.set(false);
            match r {
                Ok(a) => {
                    title.set(String::new());
                    if let Some(i) = file_input.get_untracked() {
                        i.set_value("");
                    }
                    on_added.run(a);
                }
                Err(e) => error.set(Some((e.field("file").map(str::to_owned), e.message))),
            }
        });
    };
    let file_error = move || error.with(|e| e.as_ref().and_then(|(f, _)| f.clone()));
    view! {
        <form
            class="subform"
            novalidate
            data-testid="document-form"
            on:submit=move |ev| {
                ev.prevent_default();
                upload();
            }
        >
            <div class="grid">
                <div class="field">
                    <label for="document-file">{tr("record.file")}</label>
                    <input
                        id="document-file"
                        type="file"
                        data-testid="document-file"
                        aria-invalid=move || file_error().is_some().to_string()
                        aria-describedby="document-file-error"
                        node_ref=file_input
                        on:change=move |_| error.set(None)
                    />
                    {move || {
                        file_error()
                            .map(|m| {
                                view! {
                                    <p class="field-error" id="document-file-error" data-testid="field-error-file">
                                        {move || msg(&m)}
                                    </p>
                                }
                            })
                    }}
                </div>
                <div class="field">
                    <label for="document-title">{tr("record.document_title")}</label>
                    <input
                        id="document-title"
                        type="text"
                        data-testid="document-title"
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                    />
                </div>
            </div>
            {move || {
                error
                    .get()
                    .filter(|(f, m)| f.is_none() && !m.is_empty())
                    .map(|(_, m)| view! { <p class="form-error" role="alert">{move || msg(&m)}</p> })
            }}
            <div class="form-actions">
                <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid="document-upload"
                    disabled=move || pending.get()
                >
                    {move || if pending.get() { t("record.uploading") } else { t("record.upload") }}
                </button>
            </div>
        </form>
    }
}
