//! Erasure in the browser: the dialog every erasure path uses (a record page, a
//! request's approval, and the bulk actions of the lists) and the buttons at the bottom
//! of the contact and project pages.
//!
//! The dialog asks the server for the preview of the exact selection (counts, single-use
//! token), says plainly that the action is irreversible and what it does to the
//! statistics, wants a word typed, confirms with the token, then follows the progress
//! until the server says it is done. The server decides everything; this only shows it.

use crate::api::erasures::{self, RecordKind};
use crate::components::confirm_dialog::{ConfirmDialog, ANONYMIZE_WORD, CONFIRM_WORD};
use crate::components::form::{FormStatus, Tasks};
use crate::components::record::ErasureRights;
use crate::i18n::t;
use leptos::prelude::*;
use oubli_domain::{
    EraseAction, ErasureCreated, ErasurePreview, ErasureRequest, ErasureStatus, ErasureTarget,
};
use std::time::Duration;

/// Where a dialog's preview comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum PreviewSource {
    /// `POST /erasures` for this selection.
    Target(Box<ErasureTarget>),
    /// Approving this erasure request (`POST /erasure-requests/{id}/approve`).
    Request(String),
}

/// Where an erasure dialog stands.
#[derive(Clone)]
enum Phase {
    /// Waiting for the preview.
    Loading,
    /// The preview is shown; the word can be typed.
    Ready(ErasureCreated),
    /// Confirmed; the server is working.
    Running(ErasureStatus),
}

/// How far an erasure is, in whole percent (0 when nothing is to be done yet).
pub fn percent(done: i64, total: i64) -> i64 {
    if total <= 0 {
        return if done > 0 { 100 } else { 0 };
    }
    (done.clamp(0, total) * 100) / total
}

/// The translation keys of the dialog's title and confirm button, and the word to type.
pub fn wording(action: EraseAction) -> (&'static str, &'static str, &'static str) {
    match action {
        EraseAction::Anonymize => (
            "record.anonymize_title",
            "record.anonymize_confirm",
            ANONYMIZE_WORD,
        ),
        EraseAction::Delete => ("record.delete_title", "record.delete_confirm", CONFIRM_WORD),
    }
}

/// The server's counts, one line each.
fn counts(action: EraseAction, p: ErasurePreview) -> impl IntoView {
    let heading = match action {
        EraseAction::Anonymize => "record.preview_anonymize",
        EraseAction::Delete => "record.preview_delete",
    };
    let rows = [
        ("contacts", "record.preview_contacts", p.contacts),
        ("projects", "record.preview_projects", p.projects),
        ("contracts", "record.preview_contracts", p.contracts),
        ("activity", "record.preview_activity", p.activity),
        ("documents", "record.preview_documents", p.documents),
        ("messages", "record.preview_messages", p.messages),
    ];
    view! {
        <div class="erasure-preview" data-testid="erasure-preview">
            <p class="erasure-preview-heading">{move || t(heading)}</p>
            <dl class="erasure-counts">
                {rows
                    .into_iter()
                    .map(|(k, label, n)| {
                        view! {
                            <div class="erasure-count">
                                <dt>{move || t(label)}</dt>
                                <dd data-testid=format!("preview-{k}")>{n}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
        </div>
    }
}

fn progress(s: &ErasureStatus) -> impl IntoView {
    let pct = percent(s.done, s.total);
    let label = t("record.erasure_progress")
        .replace("{done}", &s.done.to_string())
        .replace("{total}", &s.total.to_string())
        .replace("{pct}", &pct.to_string());
    view! {
        <div class="erasure-progress" data-testid="erasure-progress" data-pct=pct>
            <progress max=s.total.max(1) value=s.done aria-label=label.clone()></progress>
            <span role="status">{label}</span>
        </div>
    }
}

/// The signals of one dialog that follow a confirmed erasure.
#[derive(Clone, Copy)]
struct Flow {
    tasks: Tasks,
    open: RwSignal<bool>,
    phase: RwSignal<Phase>,
    error: RwSignal<Option<String>>,
    confirming: RwSignal<bool>,
    on_done: Callback<ErasureStatus>,
    /// Set when the dialog stays open after the end.
    finished: Option<RwSignal<bool>>,
}

impl Flow {
    /// Follows a confirmed erasure until the server says it is over.
    fn follow(self, s: ErasureStatus) {
        match s.status.as_str() {
            "done" => {
                self.phase.set(Phase::Running(s.clone()));
                self.confirming.set(false);
                match self.finished {
                    Some(f) => f.set(true),
                    None => self.open.set(false),
                }
                self.on_done.run(s);
            }
            "failed" => {
                self.confirming.set(false);
                self.phase.set(Phase::Running(s));
                self.error.set(Some(t("record.erasure_failed")));
            }
            _ => {
                let id = s.id.clone();
                self.phase.set(Phase::Running(s));
                set_timeout(
                    move || {
                        self.tasks.spawn(async move {
                            match erasures::status(&id).await {
                                Ok(s) => self.follow(s),
                                Err(e) => {
                                    self.confirming.set(false);
                                    self.error.set(Some(e.message));
                                }
                            }
                        })
                    },
                    Duration::from_millis(400),
                );
            }
        }
    }
}

/// The confirm dialog of an erasure. Opening it asks the server for the preview of
/// `source`; `on_done` runs once the server reports the erasure done.
#[component]
pub fn ErasureDialog(
    open: RwSignal<bool>,
    action: EraseAction,
    /// The selection (or the request) to preview when the dialog opens.
    #[prop(into)]
    source: Signal<Option<PreviewSource>>,
    /// Translation key of what this erasure does, irreversibility and statistics included.
    body: &'static str,
    on_done: Callback<ErasureStatus>,
    /// Stay open once done, the progress at 100 % and a "Fermer" button (bulk
    /// erasures, where the outcome is worth reading); otherwise close at once.
    #[prop(optional)]
    keep_open: bool,
) -> impl IntoView {
    let tasks = Tasks::new();
    let phase = RwSignal::new(Phase::Loading);
    let finished = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let (title, confirm_label, word) = wording(action);

    Effect::new(move |_| {
        if !open.get() {
            return;
        }
        phase.set(Phase::Loading);
        error.set(None);
        confirming.set(false);
        finished.set(false);
        let Some(src) = source.get_untracked() else {
            error.set(Some(t("record.erasure_nothing")));
            return;
        };
        tasks.spawn(async move {
            let r = match src {
                PreviewSource::Target(target) => erasures::preview(action, &target).await,
                PreviewSource::Request(id) => erasures::approve(&id).await,
            };
            match r {
                Ok(c) => phase.set(Phase::Ready(c)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    });

    let flow = Flow {
        tasks,
        open,
        phase,
        error,
        confirming,
        on_done,
        finished: keep_open.then_some(finished),
    };

    let on_confirm = Callback::new(move |_| {
        let Phase::Ready(c) = phase.get_untracked() else {
            return;
        };
        confirming.set(true);
        error.set(None);
        tasks.spawn(async move {
            match erasures::confirm(&c.id, &c.confirm_token).await {
                Ok(s) => flow.follow(s),
                Err(e) => {
                    confirming.set(false);
                    error.set(Some(e.message));
                }
            }
        });
    });

    view! {
        <ConfirmDialog
            open=open
            title=title
            body=body
            confirm_label=confirm_label
            word=word
            on_confirm=on_confirm
            pending=Signal::derive(move || confirming.get())
            ready=Signal::derive(move || matches!(phase.get(), Phase::Ready(_)))
            finished=Signal::derive(move || finished.get())
            error=Signal::derive(move || error.get())
        >
            {move || match phase.get() {
                Phase::Loading => {
                    view! {
                        <p class="muted" data-testid="preview-loading">
                            {move || t("record.preview_loading")}
                        </p>
                    }
                        .into_any()
                }
                Phase::Ready(c) => counts(action, c.preview).into_any(),
                Phase::Running(s) => {
                    view! {
                        {counts(action, s.preview.clone())}
                        {progress(&s)}
                    }
                        .into_any()
                }
            }}
        </ConfirmDialog>
    }
}

/// Translation key of what erasing a record of `kind` with `action` does.
pub fn body_of(kind: RecordKind, action: EraseAction) -> &'static str {
    match (kind, action) {
        (RecordKind::Contact, EraseAction::Anonymize) => "record.anonymize_contact_body",
        (RecordKind::Contact, EraseAction::Delete) => "record.delete_contact_body",
        (RecordKind::Project, EraseAction::Anonymize) => "record.anonymize_project_body",
        (RecordKind::Project, EraseAction::Delete) => "record.delete_project_body",
    }
}

/// An open request of the current user about this record, if any.
fn open_request(list: &[ErasureRequest], id: &str, action: EraseAction) -> bool {
    list.iter()
        .any(|r| r.target_id.as_deref() == Some(id) && r.action == action && r.status == "open")
}

/// The buttons at the bottom of a contact or project page, per the permission matrix:
/// Anonymiser and Supprimer (administrators and deputies), or Demander l'anonymisation
/// and Demander la suppression (team leads and sales), each with its dialog or form.
/// `on_done` runs after an erasure the server reports done.
#[component]
pub fn ErasureBar(
    #[prop(into)] rights: Signal<ErasureRights>,
    kind: RecordKind,
    id: String,
    /// The contact is anonymized already (anonymizing again would do nothing).
    #[prop(into)]
    anonymized: Signal<bool>,
    on_done: Callback<EraseAction>,
) -> impl IntoView {
    let tasks = Tasks::new();
    let target = Signal::stored(Some(PreviewSource::Target(Box::new(erasures::one(
        kind, &id,
    )))));
    let id = StoredValue::new(id);
    let open_anon = RwSignal::new(false);
    let open_delete = RwSignal::new(false);
    let done = move |s: ErasureStatus| on_done.run(s.action);

    // Requests (team leads, sales): the form, and what was already asked.
    let asking = RwSignal::new(None::<EraseAction>);
    let reason = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let request_error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<EraseAction>);
    let mine = RwSignal::new(Vec::<ErasureRequest>::new());
    Effect::new(move |_| {
        if rights.get() == ErasureRights::Request {
            tasks.spawn(async move {
                if let Ok(list) = erasures::requests().await {
                    mine.set(list);
                }
            });
        }
    });
    let pending_for =
        move |a: EraseAction| mine.with(|l| id.with_value(|id| open_request(l, id, a)));
    let send = move || {
        let Some(action) = asking.get_untracked() else {
            return;
        };
        let r = reason.get_untracked().trim().to_string();
        sending.set(true);
        request_error.set(None);
        tasks.spawn(async move {
            let target = id.with_value(|id| erasures::one(kind, id));
            match erasures::request(action, &target, (!r.is_empty()).then_some(r)).await {
                Ok(req) => {
                    mine.update(|l| l.insert(0, req));
                    sent.set(Some(action));
                    asking.set(None);
                    reason.set(String::new());
                }
                Err(e) => request_error.set(Some(e.message)),
            }
            sending.set(false);
        });
    };
    let already = move || anonymized.get().then(|| t("record.already_anonymized"));

    view! {
        <section class="erasure" aria-labelledby="erasure-title" data-testid="erasure-bar">
            <h2 id="erasure-title">{move || t("record.erasure_title")}</h2>
            <p class="muted">{move || t("record.erasure_help")}</p>
            {move || match rights.get() {
                ErasureRights::Erase => {
                    view! {
                        <div class="erasure-actions">
                            <span class="tip" title=already>
                                <button
                                    type="button"
                                    class="btn"
                                    disabled=move || anonymized.get()
                                    data-testid="btn-anonymize"
                                    on:click=move |_| open_anon.set(true)
                                >
                                    {move || t("record.anonymize")}
                                </button>
                            </span>
                            <button
                                type="button"
                                class="btn btn-danger"
                                data-testid="btn-delete"
                                on:click=move |_| open_delete.set(true)
                            >
                                {move || t("record.delete")}
                            </button>
                        </div>
                        <ErasureDialog
                            open=open_anon
                            action=EraseAction::Anonymize
                            source=target
                            body=body_of(kind, EraseAction::Anonymize)
                            on_done=Callback::new(done)
                        />
                        <ErasureDialog
                            open=open_delete
                            action=EraseAction::Delete
                            source=target
                            body=body_of(kind, EraseAction::Delete)
                            on_done=Callback::new(done)
                        />
                    }
                        .into_any()
                }
                ErasureRights::Request => {
                    let button = move |a: EraseAction, key: &'static str, testid: &'static str| {
                        let disabled = move || {
                            pending_for(a) || (a == EraseAction::Anonymize && anonymized.get())
                        };
                        view! {
                            <button
                                type="button"
                                class="btn"
                                data-testid=testid
                                disabled=disabled
                                aria-expanded=move || (asking.get() == Some(a)).to_string()
                                on:click=move |_| {
                                    sent.set(None);
                                    request_error.set(None);
                                    asking.set(Some(a));
                                }
                            >
                                {move || t(key)}
                            </button>
                        }
                    };
                    view! {
                        <div class="erasure-actions">
                            {button(EraseAction::Anonymize, "record.request_anonymize", "btn-request-anonymize")}
                            {button(EraseAction::Delete, "record.request_delete", "btn-request-delete")}
                        </div>
                        {move || {
                            [EraseAction::Anonymize, EraseAction::Delete]
                                .into_iter()
                                .filter(|a| pending_for(*a))
                                .map(|a| {
                                    let key = match a {
                                        EraseAction::Anonymize => "record.request_pending_anonymize",
                                        EraseAction::Delete => "record.request_pending_delete",
                                    };
                                    view! {
                                        <p class="request-pending" data-testid="request-pending">
                                            {move || t(key)}
                                        </p>
                                    }
                                })
                                .collect_view()
                        }}
                        <Show when=move || sent.get().is_some()>
                            <p class="form-success" role="status" data-testid="request-sent">
                                {move || t("record.request_sent")}
                            </p>
                        </Show>
                        {move || {
                            asking
                                .get()
                                .map(|a| {
                                    let title = match a {
                                        EraseAction::Anonymize => "record.request_anonymize",
                                        EraseAction::Delete => "record.request_delete",
                                    };
                                    view! {
                                        <form
                                            class="request-form"
                                            data-testid="request-form"
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                send();
                                            }
                                        >
                                            <h3>{move || t(title)}</h3>
                                            <p class="muted small">{move || t("record.request_help")}</p>
                                            <div class="field">
                                                <label for="request-reason">
                                                    {move || t("record.request_reason")}
                                                </label>
                                                <textarea
                                                    id="request-reason"
                                                    data-testid="request-reason"
                                                    rows="3"
                                                    maxlength="1000"
                                                    prop:value=move || reason.get()
                                                    on:input=move |ev| reason.set(event_target_value(&ev))
                                                ></textarea>
                                            </div>
                                            <FormStatus message=request_error />
                                            <div class="form-actions">
                                                <button
                                                    type="button"
                                                    class="btn"
                                                    on:click=move |_| asking.set(None)
                                                >
                                                    {move || t("record.cancel")}
                                                </button>
                                                <button
                                                    type="submit"
                                                    class="btn btn-primary"
                                                    data-testid="request-send"
                                                    disabled=move || sending.get()
                                                >
                                                    {move || t("record.request_send")}
                                                </button>
                                            </div>
                                        </form>
                                    }
                                })
                        }}
                    }
                        .into_any()
                }
                ErasureRights::None => ().into_any(),
            }}
        </section>
    }
}
