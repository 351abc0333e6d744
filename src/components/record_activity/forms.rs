//! Recording a new item: the form of a JSON kind, and the document upload.

use super::activity_validator;
use crate::api;
use crate::components::form::tr;
use crate::components::form::{
    opt_text, set_opt, submission, Binder, FormState, FormStatus, Tasks,
};
use crate::components::record::{enum_choices, user_choices};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::{Activity, ActivityInput, ActivityKind, Direction, MessageChannel, UserSummary};

/// Records one item of a JSON kind.
#[component]
pub(super) fn ActivityForm(
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
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
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
pub(super) fn DocumentForm(contact_id: String, on_added: Callback<Activity>) -> impl IntoView {
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
