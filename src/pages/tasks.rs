//! Tâches (/tasks): the open tasks of the current user ("Mes tâches") and, for those
//! who oversee others, of their team ("Mon équipe"; the whole cabinet for
//! administrators and deputies). Overdue tasks stand out; ticking a task marks it
//! done on the server.
//!
//! Reads `GET /tasks?scope=mine|team&done=false` (see `api::tasks`).

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use oubli_domain::filter::Resource;
use oubli_domain::{Activity, EraseAction, ErasureRequest, Role, Scope, UserSummary};

use crate::api::erasures;
use crate::api::erasures::RecordKind;
use crate::api::tasks::{self, TaskScope};
use crate::components::bulk;
use crate::components::erasure::{body_of, ErasureDialog, PreviewSource};
use crate::i18n::{msg, t};
use crate::pages::contacts::user_name;
use crate::{actor_of, set_title, use_session};

/// Tasks asked per call; "Afficher plus" fetches the next ones.
const PAGE: u32 = 100;

/// Due-date state of a task, for highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    None,
    Overdue,
    Today,
    Later,
}

/// Where `due` stands relative to `today`; a done task is never overdue.
pub fn due_state(due: Option<NaiveDate>, done: bool, today: NaiveDate) -> Due {
    match due {
        None => Due::None,
        Some(_) if done => Due::Later,
        Some(d) if d < today => Due::Overdue,
        Some(d) if d == today => Due::Today,
        Some(_) => Due::Later,
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[component]
pub fn TasksPage() -> impl IntoView {
    Effect::new(move |_| set_title(&t("tasks.title")));
    let session = use_session();
    let users = RwSignal::new(Vec::<UserSummary>::new());
    spawn_local_scoped_with_cancellation(async move {
        if let Ok(list) = crate::api::users::list().await {
            users.set(list);
        }
    });
    // Team leads see their team's tasks, admins and deputies the cabinet's; the scope
    // comes from the domain's permission rules, like the server's.
    let oversees = move || {
        session
            .user()
            .is_some_and(|u| !matches!(actor_of(&u).scope(), Scope::Own(_)))
    };
    // Administrators and deputies decide erasure requests; others follow their own.
    let decides = move || {
        session
            .user()
            .is_some_and(|u| matches!(u.role, Role::Admin | Role::Deputy))
    };
    let team_title = move || {
        session.user().map(|u| match actor_of(&u).scope() {
            Scope::Cabinet => t("tasks.cabinet"),
            _ => t("tasks.team"),
        })
    };

    view! {
        <section class="tasks-page">
            <header class="list-head">
                <div class="list-title">
                    <h1>{move || t("tasks.title")}</h1>
                    <p class="muted">{move || t("tasks.intro")}</p>
                </div>
            </header>
            <TaskList
                scope=TaskScope::Mine
                testid="tasks-mine"
                title=Signal::derive(move || t("tasks.mine"))
                users
                show_assignee=false
            />
            <ErasureRequests decides=Signal::derive(decides) users />
            <Show when=oversees>
                <TaskList
                    scope=TaskScope::Team
                    testid="tasks-team"
                    title=Signal::derive(move || team_title().unwrap_or_default())
                    users
                    show_assignee=true
                />
            </Show>
        </section>
    }
}

#[component]
fn TaskList(
    scope: TaskScope,
    testid: &'static str,
    title: Signal<String>,
    users: RwSignal<Vec<UserSummary>>,
    show_assignee: bool,
) -> impl IntoView {
    let items = RwSignal::new(Vec::<Activity>::new());
    let total = RwSignal::new(0i64);
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let owner = Owner::current().expect("TaskList is rendered under an owner");

    let load = Callback::new(move |after: Option<String>| {
        loading.set(true);
        owner.with(|| {
            spawn_local_scoped_with_cancellation(async move {
                let mut path_after = after.clone();
                let result = match path_after.take() {
                    None => tasks::list(scope, false, PAGE).await,
                    Some(cursor) => tasks::list_after(scope, false, PAGE, &cursor).await,
                };
                match result {
                    Ok(page) => {
                        if after.is_some() {
                            items.update(|v| v.extend(page.items));
                        } else {
                            items.set(page.items);
                        }
                        total.set(page.total);
                        next.set(page.next);
                        error.set(None);
                    }
                    Err(e) if e.status == 404 => error.set(Some(t("tasks.unavailable"))),
                    Err(e) => error.set(Some(msg(&e.message))),
                }
                loading.set(false);
            })
        });
    });
    load.run(None);

    let heading_id = format!("{testid}-title");
    let labelled_by = heading_id.clone();
    view! {
        <section class="panel task-panel" data-testid=testid aria-labelledby=labelled_by>
            <div class="task-head">
                <h2 id=heading_id>{move || title.get()}</h2>
                <span class="muted" data-testid=format!("{testid}-total")>
                    {move || t("tasks.open_count").replace("{n}", &total.get().to_string())}
                </span>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Show when=move || !loading.get() && error.with(Option::is_none) && items.with(Vec::is_empty)>
                <p class="muted empty-tasks">{move || t("tasks.none")}</p>
            </Show>
            <ul class="task-list">
                <For
                    each=move || items.get()
                    key=|a| a.id.clone()
                    children=move |a| view! { <TaskRow task=a users show_assignee items /> }
                />
            </ul>
            <Show when=move || next.with(Option::is_some)>
                <button
                    type="button"
                    class="btn"
                    data-testid=format!("{testid}-more")
                    disabled=move || loading.get()
                    on:click=move |_| load.run(next.get_untracked())
                >
                    {move || t("tasks.more")}
                </button>
            </Show>
            <Show when=move || loading.get()>
                <p class="loading">{move || t("common.loading")}</p>
            </Show>
        </section>
    }
}

#[component]
fn TaskRow(
    task: Activity,
    users: RwSignal<Vec<UserSummary>>,
    show_assignee: bool,
    items: RwSignal<Vec<Activity>>,
) -> impl IntoView {
    let id = task.id.clone();
    let contact_id = task.contact_id.clone();
    let done = RwSignal::new(task.fields.done.unwrap_or(false));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let due = task.fields.due_date;
    let state = move || due_state(due, done.get(), today());
    let title = task
        .fields
        .title
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| t("tasks.untitled"));
    let assignee = task.fields.assigned_to.clone();
    let owner = Owner::current().expect("TaskRow is rendered under an owner");
    let checkbox_id = format!("task-{id}");

    let toggle = {
        let id = id.clone();
        let contact_id = contact_id.clone();
        move |ev: web_sys::Event| {
            let want = event_target_checked(&ev);
            let (id, contact_id) = (id.clone(), contact_id.clone());
            busy.set(true);
            error.set(None);
            done.set(want);
            owner.with(|| {
                spawn_local_scoped_with_cancellation(async move {
                    match tasks::set_done(&contact_id, &id, want).await {
                        Ok(updated) => {
                            done.set(updated.fields.done.unwrap_or(want));
                            items.update(|v| {
                                if let Some(a) = v.iter_mut().find(|a| a.id == id) {
                                    a.fields.done = updated.fields.done;
                                }
                            });
                        }
                        Err(e) => {
                            done.set(!want);
                            error.set(Some(msg(&e.message)));
                        }
                    }
                    busy.set(false);
                })
            });
        }
    };

    view! {
        <li
            class="task-row"
            class:with-assignee=show_assignee
            data-testid="task-row"
            data-id=id
            class:is-done=move || done.get()
            class:is-overdue=move || state() == Due::Overdue
            class:is-today=move || state() == Due::Today
        >
            <input
                type="checkbox"
                id=checkbox_id.clone()
                data-testid="task-done"
                prop:checked=move || done.get()
                disabled=move || busy.get()
                on:change=toggle
            />
            <label for=checkbox_id class="task-title">
                {title}
            </label>
            <span class="task-due" data-testid="task-due">
                {move || match (due, state()) {
                    (None, _) => t("tasks.no_due"),
                    (Some(d), Due::Overdue) => {
                        t("tasks.overdue_since").replace("{date}", &crate::components::record::fr_date(d))
                    }
                    (Some(_), Due::Today) => t("tasks.due_today"),
                    (Some(d), _) => t("tasks.due_on").replace("{date}", &crate::components::record::fr_date(d)),
                }}
            </span>
            {show_assignee
                .then(|| {
                    let assignee = assignee.clone();
                    view! {
                        <span class="task-assignee">
                            {move || users.with(|u| user_name(u, assignee.as_deref()))}
                        </span>
                    }
                })}
            <a href=format!("/contacts/{contact_id}") class="task-contact">
                {move || t("tasks.open_contact")}
            </a>
            {move || error.get().map(|e| view! { <p class="field-error task-error" role="alert">{e}</p> })}
        </li>
    }
}

/// What a request's status means to the reader.
pub fn request_status_key(status: &str) -> &'static str {
    match status {
        "open" => "tasks.request_open",
        "approved" => "tasks.request_approved",
        "rejected" => "tasks.request_rejected",
        "done" => "tasks.request_done",
        _ => "tasks.request_unknown",
    }
}

/// Erasure requests: for administrators and deputies the cabinet's, to approve (the
/// same two-step dialog as everywhere) or reject with a reason; for the others their
/// own, with the decision.
#[component]
fn ErasureRequests(decides: Signal<bool>, users: RwSignal<Vec<UserSummary>>) -> impl IntoView {
    let items = RwSignal::new(Vec::<ErasureRequest>::new());
    let error = RwSignal::new(None::<String>);
    let owner = Owner::current().expect("ErasureRequests is rendered under an owner");
    let load = Callback::new(move |_: ()| {
        owner.with(|| {
            spawn_local_scoped_with_cancellation(async move {
                match erasures::requests().await {
                    Ok(list) => {
                        items.set(list);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(msg(&e.message))),
                }
            })
        });
    });
    load.run(());
    let title = move || {
        if decides.get() {
            t("tasks.requests_to_decide")
        } else {
            t("tasks.requests_mine")
        }
    };
    let open_count = move || items.with(|l| l.iter().filter(|r| r.status == "open").count());
    view! {
        <Show when=move || decides.get() || items.with(|l| !l.is_empty())>
            <section
                class="panel task-panel requests-panel"
                data-testid="erasure-requests"
                aria-labelledby="requests-title"
            >
                <div class="task-head">
                    <h2 id="requests-title">{title}</h2>
                    <span class="muted" data-testid="requests-open">
                        {move || t("tasks.open_count").replace("{n}", &open_count().to_string())}
                    </span>
                </div>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <Show when=move || items.with(Vec::is_empty)>
                    <p class="muted empty-tasks">{move || t("tasks.requests_none")}</p>
                </Show>
                <ul class="task-list">
                    <For
                        each=move || items.get()
                        key=|r| (r.id.clone(), r.status.clone())
                        children=move |r| view! { <RequestRow request=r decides users reload=load /> }
                    />
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn RequestRow(
    request: ErasureRequest,
    decides: Signal<bool>,
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
) -> impl IntoView {
    let r = request;
    let action = r.action;
    // An approval whose erasure was never confirmed (dialog closed) can be taken up again.
    let open = r.status == "open" || r.status == "approved";
    let approve_key = if r.status == "approved" {
        "tasks.request_resume"
    } else {
        "tasks.request_approve"
    };
    let approving = RwSignal::new(false);
    let rejecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let jobs = crate::components::form::Tasks::new();
    let rid = StoredValue::new(r.id.clone());
    let source = Signal::stored(Some(PreviewSource::Request(r.id.clone())));
    let kind = if r.target_kind == "projects" {
        RecordKind::Project
    } else {
        RecordKind::Contact
    };
    // One record (a link to it), or a selection ("de N contacts"), stored by the server.
    let target = match (&r.target_id, kind) {
        (Some(one), RecordKind::Project) => {
            Ok((format!("/projects/{one}"), "tasks.request_project"))
        }
        (Some(one), RecordKind::Contact) => {
            Ok((format!("/contacts/{one}"), "tasks.request_contact"))
        }
        (None, RecordKind::Project) => Err("tasks.request_selection_projects"),
        (None, RecordKind::Contact) => Err("tasks.request_selection_contacts"),
    };
    let count = r.count;
    let action_key = match action {
        EraseAction::Anonymize => "tasks.request_action_anonymize",
        EraseAction::Delete => "tasks.request_action_delete",
    };
    let body = match (r.is_selection(), kind) {
        (false, _) => body_of(kind, action),
        (true, RecordKind::Project) => bulk::body_key(Resource::Projects, action),
        (true, RecordKind::Contact) => bulk::body_key(Resource::Contacts, action),
    };
    let requester = r.requester_id.clone();
    let when = crate::components::record::fr_date(r.created_at.date_naive());
    let status_key = request_status_key(&r.status);
    let why = r.reason.clone().filter(|s| !s.trim().is_empty());
    let decision = r.decision_reason.clone().filter(|s| !s.trim().is_empty());
    let reject = move || {
        busy.set(true);
        error.set(None);
        let text = reason.get_untracked().trim().to_string();
        jobs.spawn(async move {
            match erasures::reject(&rid.get_value(), (!text.is_empty()).then_some(text)).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(msg(&e.message))),
            }
            busy.set(false);
        });
    };
    view! {
        <li class="task-row request-row" data-testid="request-row" data-status=r.status.clone()>
            <span class="request-what">
                <strong>{move || t(action_key)}</strong>
                " "
                {match target {
                    Ok((href, what)) => view! { <a href=href data-testid="request-target">{move || t(what)}</a> }.into_any(),
                    Err(key) => view! { <span data-testid="request-target">{move || t(key).replace("{n}", &count.to_string())}</span> }.into_any(),
                }}
            </span>
            <span class="muted">
                {move || {
                    t("tasks.request_by")
                        .replace("{user}", &users.with(|u| user_name(u, Some(requester.as_str()))))
                        .replace("{date}", &when)
                }}
            </span>
            <span class="badge" data-testid="request-status">{move || t(status_key)}</span>
            {why.map(|w| view! { <p class="request-reason">{move || t("tasks.request_reason")} " " {w}</p> })}
            {decision.map(|d| view! { <p class="request-reason" data-testid="request-decision">{move || t("tasks.request_decision")} " " {d}</p> })}
            <Show when=move || open && decides.get()>
                <div class="request-actions">
                    <button
                        type="button"
                        class="btn btn-primary btn-small"
                        data-testid="request-approve"
                        on:click=move |_| approving.set(true)
                    >
                        {move || t(approve_key)}
                    </button>
                    <button
                        type="button"
                        class="btn btn-small"
                        data-testid="request-reject"
                        aria-expanded=move || rejecting.get().to_string()
                        on:click=move |_| rejecting.update(|v| *v = !*v)
                    >
                        {move || t("tasks.request_reject")}
                    </button>
                </div>
                <Show when=move || rejecting.get()>
                    <form
                        class="request-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            reject();
                        }
                    >
                        <div class="field">
                            <label for=format!("reject-{}", rid.get_value())>
                                {move || t("tasks.reject_reason")}
                            </label>
                            <textarea
                                id=format!("reject-{}", rid.get_value())
                                data-testid="reject-reason"
                                rows="2"
                                maxlength="1000"
                                prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            ></textarea>
                        </div>
                        <button
                            type="submit"
                            class="btn btn-small"
                            data-testid="reject-send"
                            disabled=move || busy.get()
                        >
                            {move || t("tasks.reject_send")}
                        </button>
                    </form>
                </Show>
                <ErasureDialog
                    open=approving
                    action=action
                    source=source
                    body=body
                    on_done=Callback::new(move |_| reload.run(()))
                />
            </Show>
            {move || error.get().map(|e| view! { <p class="field-error task-error" role="alert">{e}</p> })}
        </li>
    }
}
