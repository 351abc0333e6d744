//! One item of a tab: its date, author, text, and what can be done with it.

use crate::api;
use crate::components::form::{format_euros, tr};
use crate::components::record::{fr_date, fr_datetime, user_name};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::{Activity, ActivityKind, UserSummary};

pub(super) fn activity_row(
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
