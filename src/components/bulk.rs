//! The bulk actions at the bottom of the contacts and projects lists (PRODUCT.md §3,
//! Bulk): "Anonymiser les contacts" and "Supprimer les contacts" / "Supprimer les
//! projets" for administrators and deputies, through the same erasure dialog as the
//! record pages, on the selection as it travels to the server (ids, or filter +
//! exclusions); the dialog shows the server's counts for that exact selection, then the
//! job's progress until 100 %. Team leads and sales get the request variant: one
//! request for the whole selection, carried exactly as the preview carries it (ids, or
//! filter + exclusions), with a shared reason; the server resolves it within their
//! scope when it is sent.

use crate::api::erasures;
use crate::components::erasure::{ErasureDialog, PreviewSource};
use crate::components::form::Tasks;
use crate::components::selection::Selection;
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::filter::Resource;
use oubli_domain::{EraseAction, ErasureRequest, ErasureTarget};

/// The translation keys of the two buttons, per list and per right.
pub fn button_keys(resource: Resource, privileged: bool) -> (&'static str, &'static str) {
    match (privileged, resource) {
        (true, Resource::Contacts) => ("lists.bulk_anonymize", "lists.bulk_delete_contacts"),
        (true, Resource::Projects) => ("lists.bulk_anonymize", "lists.bulk_delete_projects"),
        (false, _) => ("lists.bulk_request_anonymize", "lists.bulk_request_delete"),
    }
}

/// What each bulk erasure does, said in the dialog (irreversibility and statistics).
pub fn body_key(resource: Resource, action: EraseAction) -> &'static str {
    match (resource, action) {
        (Resource::Contacts, EraseAction::Anonymize) => "lists.bulk_anonymize_contacts_body",
        (Resource::Projects, EraseAction::Anonymize) => "lists.bulk_anonymize_projects_body",
        (Resource::Contacts, EraseAction::Delete) => "lists.bulk_delete_contacts_body",
        (Resource::Projects, EraseAction::Delete) => "lists.bulk_delete_projects_body",
    }
}

/// The target of the one request the request variant sends: the selection exactly as
/// the erasure preview sends it (the ticked ids, or the filter and the exclusions when
/// "all N matching" is on), whatever its size.
pub fn request_target(selection: &Selection) -> ErasureTarget {
    selection.target()
}

/// What the bulk bar says once a request is sent: one request, for how many records
/// of which kind (as the server resolved the selection).
pub fn request_sent_text(request: &ErasureRequest) -> String {
    let key = if request.target_kind == "projects" {
        "lists.bulk_request_sent_projects"
    } else {
        "lists.bulk_request_sent_contacts"
    };
    t(key).replace("{n}", &request.count.to_string())
}

#[component]
pub fn BulkActions(
    resource: Resource,
    selection: RwSignal<Selection>,
    /// Records matching the list's filter (for the count of an "all matching" selection).
    #[prop(into)]
    total: Signal<i64>,
    /// Administrators and deputies erase; the others ask.
    #[prop(into)]
    privileged: Signal<bool>,
    /// After an erasure the server reports done, or requests sent: reload the list.
    on_done: Callback<()>,
) -> impl IntoView {
    let tasks = Tasks::new();
    let empty = move || selection.with(|s| s.is_empty(total.get()));
    let open_anon = RwSignal::new(false);
    let open_delete = RwSignal::new(false);
    // The selection as it is when a dialog opens: the dialog asks the server for the
    // preview of exactly this.
    let source = Signal::derive(move || {
        Some(PreviewSource::Target(Box::new(
            selection.with_untracked(Selection::target),
        )))
    });
    let done = Callback::new(move |_| {
        selection.update(Selection::clear);
        on_done.run(());
    });

    // Request variant.
    let asking = RwSignal::new(None::<EraseAction>);
    let reason = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<String>);
    let request_error = RwSignal::new(None::<String>);
    let send = move || {
        let Some(action) = asking.get_untracked() else {
            return;
        };
        let target = selection.with_untracked(request_target);
        let r = reason.get_untracked().trim().to_string();
        sending.set(true);
        outcome.set(None);
        request_error.set(None);
        tasks.spawn(async move {
            match erasures::request(action, &target, (!r.is_empty()).then_some(r)).await {
                Ok(req) => {
                    outcome.set(Some(request_sent_text(&req)));
                    asking.set(None);
                    reason.set(String::new());
                    selection.update(Selection::clear);
                    on_done.run(());
                }
                // The form stays open with the server's reason (empty selection,
                // missing reason…); nothing was stored.
                Err(e) => request_error.set(Some(
                    e.fields
                        .values()
                        .next()
                        .map_or_else(|| msg(&e.message), |m| msg(m)),
                )),
            }
            sending.set(false);
        });
    };
    let selected = move || selection.with(|s| s.count(total.get()));

    let (anon_key, delete_key) = (
        Signal::derive(move || button_keys(resource, privileged.get()).0),
        Signal::derive(move || button_keys(resource, privileged.get()).1),
    );
    let click = move |a: EraseAction| {
        outcome.set(None);
        if privileged.get_untracked() {
            match a {
                EraseAction::Anonymize => open_anon.set(true),
                EraseAction::Delete => open_delete.set(true),
            }
        } else {
            request_error.set(None);
            asking.set(Some(a));
        }
    };

    view! {
        <div class="action-buttons">
            <button
                type="button"
                class="btn"
                data-testid="bulk-anonymize"
                disabled=empty
                on:click=move |_| click(EraseAction::Anonymize)
            >
                {move || t(anon_key.get())}
            </button>
            <button
                type="button"
                class="btn btn-danger-outline"
                data-testid="bulk-delete"
                disabled=empty
                on:click=move |_| click(EraseAction::Delete)
            >
                {move || t(delete_key.get())}
            </button>
        </div>
        {move || {
            outcome
                .get()
                .map(|m| view! { <span class="form-success small" role="status" data-testid="bulk-outcome">{m}</span> })
        }}
        <ErasureDialog
            open=open_anon
            action=EraseAction::Anonymize
            source=source
            body=body_key(resource, EraseAction::Anonymize)
            on_done=done
            keep_open=true
        />
        <ErasureDialog
            open=open_delete
            action=EraseAction::Delete
            source=source
            body=body_key(resource, EraseAction::Delete)
            on_done=done
            keep_open=true
        />
        {move || {
            asking
                .get()
                .map(|a| {
                    let title = if a == EraseAction::Anonymize {
                        "lists.bulk_request_anonymize"
                    } else {
                        "lists.bulk_request_delete"
                    };
                    view! {
                        <div class="dialog-backdrop" on:click=move |_| asking.set(None)></div>
                        <form
                            class="dialog request-form"
                            role="dialog"
                            aria-modal="true"
                            aria-labelledby="bulk-request-title"
                            data-testid="bulk-request-form"
                            on:submit=move |ev| {
                                ev.prevent_default();
                                send();
                            }
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Escape" {
                                    asking.set(None);
                                }
                            }
                        >
                            <h2 id="bulk-request-title">{move || t(title)}</h2>
                            <p class="muted">{move || t("record.request_help")}</p>
                            <p class="muted" data-testid="bulk-request-count">
                                {move || t("lists.bulk_request_help").replace("{n}", &selected().to_string())}
                            </p>
                            {move || request_error.get().map(|m| view! { <p class="form-error" role="alert" data-testid="bulk-request-error">{m}</p> })}
                            <div class="field">
                                <label for="bulk-request-reason">{move || t("record.request_reason")}</label>
                                <textarea
                                    id="bulk-request-reason"
                                    data-testid="request-reason"
                                    rows="3"
                                    maxlength="1000"
                                    autofocus
                                    prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))
                                ></textarea>
                            </div>
                            <div class="dialog-actions">
                                <button type="button" class="btn" on:click=move |_| asking.set(None)>
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
}
