//! RGPD (administrators and deputies): the erasure jobs of the cabinet — every
//! confirmed anonymization or deletion, single or bulk — with their live progress and
//! outcome, and the shortcut to the retention selection ("Prospects de plus de 3 ans
//! sans contrat actif") from which bulk erasures start.

use leptos::prelude::*;
use oubli_domain::{Action, EraseAction, UserSummary};
use std::time::Duration;

use crate::api::erasures::{self, ErasureJob};
use crate::components::erasure::percent;
use crate::components::form::Tasks;
use crate::components::record::{fr_datetime, user_name};
use crate::i18n::{msg, t};
use crate::{set_title, use_session};

/// Jobs asked per call.
const PAGE: u32 = 50;

/// Whether the server is still working on a job.
pub fn is_active(status: &str) -> bool {
    matches!(status, "pending" | "running")
}

/// The translation key of a job's status.
pub fn job_status_key(status: &str) -> &'static str {
    match status {
        "pending" => "common.job_pending",
        "running" => "common.job_running",
        "done" => "common.job_done",
        "failed" => "common.job_failed",
        _ => "common.job_unknown",
    }
}

#[component]
pub fn RgpdPage() -> impl IntoView {
    Effect::new(move |_| set_title(&t("common.nav_rgpd")));
    let session = use_session();
    let allowed = move || session.can(Action::Erase);
    view! {
        <section class="rgpd-page" data-testid="rgpd-page">
            <header class="list-head">
                <div class="list-title">
                    <h1>{move || t("common.rgpd_title")}</h1>
                    <p class="muted">{move || t("common.rgpd_intro")}</p>
                </div>
            </header>
            <Show
                when=allowed
                fallback=|| view! { <p class="form-error" role="alert">{move || t("common.forbidden_page")}</p> }
            >
                <section class="panel rgpd-shortcuts">
                    <h2>{move || t("common.rgpd_retention_title")}</h2>
                    <p class="muted">{move || t("common.rgpd_retention_body")}</p>
                    <div class="form-actions">
                        <a href="/contacts?preset=retention" class="btn" data-testid="rgpd-retention-contacts">
                            {move || t("common.rgpd_retention_contacts")}
                        </a>
                        <a href="/projects?preset=retention" class="btn" data-testid="rgpd-retention-projects">
                            {move || t("common.rgpd_retention_projects")}
                        </a>
                    </div>
                </section>
                <JobList />
            </Show>
        </section>
    }
}

#[component]
fn JobList() -> impl IntoView {
    let tasks = Tasks::new();
    let items = RwSignal::new(Vec::<ErasureJob>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let users = RwSignal::new(Vec::<UserSummary>::new());
    tasks.spawn(async move {
        if let Ok(u) = crate::api::users::list().await {
            users.set(u);
        }
    });

    // Loads the first page; while a job runs, again shortly after (live progress).
    fn refresh(
        tasks: Tasks,
        items: RwSignal<Vec<ErasureJob>>,
        next: RwSignal<Option<String>>,
        error: RwSignal<Option<String>>,
        loading: RwSignal<bool>,
    ) {
        tasks.spawn(async move {
            match erasures::jobs(PAGE, None).await {
                Ok(page) => {
                    let active = page.items.iter().any(|j| is_active(&j.status));
                    items.set(page.items);
                    next.set(page.next);
                    error.set(None);
                    if active {
                        set_timeout(
                            move || {
                                if items.try_get_untracked().is_some() {
                                    refresh(tasks, items, next, error, loading)
                                }
                            },
                            Duration::from_millis(1000),
                        );
                    }
                }
                Err(e) => error.set(Some(msg(&e.message))),
            }
            loading.set(false);
        });
    }
    refresh(tasks, items, next, error, loading);
    let more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        loading.set(true);
        tasks.spawn(async move {
            match erasures::jobs(PAGE, Some(&cursor)).await {
                Ok(page) => {
                    items.update(|v| v.extend(page.items));
                    next.set(page.next);
                }
                Err(e) => error.set(Some(msg(&e.message))),
            }
            loading.set(false);
        });
    };

    view! {
        <section class="panel jobs-panel" data-testid="erasure-jobs" aria-labelledby="jobs-title">
            <div class="task-head">
                <h2 id="jobs-title">{move || t("common.jobs_title")}</h2>
            </div>
            <p class="muted">{move || t("common.jobs_intro")}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Show when=move || !loading.get() && items.with(Vec::is_empty)>
                <p class="muted">{move || t("common.jobs_none")}</p>
            </Show>
            <table class="jobs-table">
                <thead>
                    <tr>
                        <th scope="col">{move || t("common.jobs_when")}</th>
                        <th scope="col">{move || t("common.jobs_what")}</th>
                        <th scope="col">{move || t("common.jobs_who")}</th>
                        <th scope="col">{move || t("common.jobs_progress")}</th>
                        <th scope="col">{move || t("common.jobs_status")}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || items.get()
                        key=|j| (j.id.clone(), j.status.clone(), j.done)
                        children=move |j| view! { <JobRow job=j users /> }
                    />
                </tbody>
            </table>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="btn" data-testid="jobs-more" disabled=move || loading.get() on:click=more>
                    {move || t("tasks.more")}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn JobRow(job: ErasureJob, users: RwSignal<Vec<UserSummary>>) -> impl IntoView {
    let pct = percent(job.done, job.total);
    let what = match (job.action, job.kind.as_str()) {
        (EraseAction::Anonymize, "projects") => "common.job_anonymize_projects",
        (EraseAction::Anonymize, _) => "common.job_anonymize_contacts",
        (EraseAction::Delete, "projects") => "common.job_delete_projects",
        (EraseAction::Delete, _) => "common.job_delete_contacts",
    };
    let total = job.total;
    let p = job.preview.clone();
    let counts = move || {
        t("common.job_counts")
            .replace("{contacts}", &p.contacts.to_string())
            .replace("{projects}", &p.projects.to_string())
            .replace("{contracts}", &p.contracts.to_string())
            .replace("{activity}", &(p.activity).to_string())
    };
    let who = job.actor_user_id.clone();
    let status_key = job_status_key(&job.status);
    let label = move || {
        t("record.erasure_progress")
            .replace("{done}", &job.done.to_string())
            .replace("{total}", &total.to_string())
            .replace("{pct}", &pct.to_string())
    };
    view! {
        <tr data-testid="job-row" data-status=job.status.clone() data-id=job.id.clone()>
            <td class="cell-date">{fr_datetime(job.created_at)}</td>
            <td>
                <strong>{move || t(what).replace("{n}", &total.to_string())}</strong>
                <br />
                <span class="muted small">{counts}</span>
                {job.request_id.is_some().then(|| view! { <span class="badge badge-muted">{move || t("common.job_on_request")}</span> })}
            </td>
            <td>{move || users.with(|u| user_name(u, Some(who.as_str())))}</td>
            <td class="cell-progress">
                <progress max=total.max(1) value=job.done aria-label=label data-testid="job-progress" data-pct=pct></progress>
                <span class="small">{label}</span>
            </td>
            <td>
                <span class=format!("badge job-{}", job.status) data-testid="job-status">{move || t(status_key)}</span>
                {job.finished_at.map(|f| view! { <br /><span class="muted small">{fr_datetime(f)}</span> })}
            </td>
        </tr>
    }
}
