//! The bulk actions at the bottom of the contacts and projects lists (PRODUCT.md §3,
//! Bulk): "Anonymiser les contacts" and "Supprimer les contacts" / "Supprimer les
//! projets" for administrators and deputies, through the same erasure dialog as the
//! record pages, on the selection as it travels to the server (ids, or filter +
//! exclusions); the dialog shows the server's counts for that exact selection, then the
//! job's progress until 100 %. Team leads and sales get the request variant: one
//! request per ticked row, with a shared reason.

use crate::api::erasures;
use crate::components::erasure::{ErasureDialog, PreviewSource};
use crate::components::form::Tasks;
use crate::components::selection::{Mode, Selection};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::filter::Resource;
use oubli_domain::{EraseAction, ErasureTarget};

/// At most this many rows can be asked for in one go by request (each becomes a task
/// for the administrators).
pub const MAX_REQUESTS: usize = 50;

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

/// The single-record targets a request variant sends, or why it cannot: requests go
/// one record at a time, so only rows ticked one by one qualify.
pub fn request_targets(selection: &Selection) -> Result<Vec<ErasureTarget>, &'static str> {
    let Mode::Ids(ids) = &selection.mode else {
        return Err("lists.bulk_request_all_matching");
    };
    if ids.len() > MAX_REQUESTS {
        return Err("lists.bulk_request_too_many");
    }
    Ok(ids
        .iter()
        .map(|id| {
            let one = Some(vec![id.clone()]);
            match selection.resource {
                Resource::Contacts => ErasureTarget {
                    contacts: one,
                    ..Default::default()
                },
                Resource::Projects => ErasureTarget {
                    projects: one,
                    ..Default::default()
                },
            }
        })
        .collect())
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
    let send = move || {
        let Some(action) = asking.get_untracked() else {
            return;
        };
        let targets = match selection.with_untracked(request_targets) {
            Ok(t) => t,
            Err(key) => {
                outcome.set(Some(t(key)));
                return;
            }
        };
        let r = reason.get_untracked().trim().to_string();
        sending.set(true);
        outcome.set(None);
        tasks.spawn(async move {
            let mut sent = 0usize;
            let mut failed = None;
            for target in &targets {
                match erasures::request(action, target, (!r.is_empty()).then(|| r.clone())).await {
                    Ok(_) => sent += 1,
                    Err(e) => failed = Some(e.message),
                }
            }
            sending.set(false);
            let mut text = t("lists.bulk_requests_sent").replace("{n}", &sent.to_string());
            if let Some(m) = failed {
                text.push(' ');
                text.push_str(&msg(&m));
            }
            outcome.set(Some(text));
            asking.set(None);
            reason.set(String::new());
            selection.update(Selection::clear);
            on_done.run(());
        });
    };
    let request_blocked = move || selection.with(|s| request_targets(s).err());

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
                            {move || request_blocked().map(|k| view! { <p class="form-error" role="alert">{move || t(k)}</p> })}
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
                                    disabled=move || sending.get() || request_blocked().is_some()
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
