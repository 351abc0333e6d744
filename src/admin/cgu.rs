//! The CGU tab: every version the cabinet ever published, the current one marked, each
//! readable in full with its SHA-256 (the proof a lead's consent points to); and a form
//! to write the next version. A version is never edited: publishing makes a new one
//! current and keeps the old ones.

use leptos::prelude::*;

use crate::api::admin::{self, CguVersion, CguVersionInput};
use crate::api::ApiError;
use crate::components::form::{
    normalized_validator, submission, tr, Binder, FormState, FormStatus, Tasks,
};
use crate::components::record::fr_datetime;
use crate::i18n::{msg, t};

#[component]
pub fn CguTab() -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<CguVersion>, ApiError>>);
    let writing = RwSignal::new(false);
    let tasks = Tasks::new();
    let reload = move || tasks.spawn(async move { list.set(Some(admin::cgu_versions().await)) });
    reload();

    let form = RwSignal::new(FormState::new(
        CguVersionInput::default(),
        normalized_validator(CguVersionInput::normalize, CguVersionInput::validate),
    ));
    let b = Binder::new(form, "cgu");
    let pending = move || form.with(|f| f.pending);
    let open_form = move |_| {
        // The next version starts from the current text: most changes are small.
        let current = list.with(|l| {
            l.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|v| v.iter().find(|c| c.current).cloned())
        });
        form.update(|f| {
            f.reset(CguVersionInput {
                title: current
                    .as_ref()
                    .map(|c| c.title.clone())
                    .unwrap_or_default(),
                text: current.map(|c| c.text).unwrap_or_default(),
            })
        });
        writing.set(true);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match admin::create_cgu_version(&input).await {
                Ok(_) => {
                    form.update(|f| f.pending = false);
                    writing.set(false);
                    reload();
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    };

    let versions = move || {
        match list.get() {
        None => view! { <p class="loading">{tr("common.loading")}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{msg(&e.message)}</p> }.into_any(),
        Some(Ok(v)) if v.is_empty() => {
            view! { <p class="form-error" data-testid="cgu-none">{tr("admin.cgu_none")}</p> }.into_any()
        }
        Some(Ok(v)) => view! {
            <ol class="cgu-versions" data-testid="cgu-versions">
                {v
                    .into_iter()
                    .map(|c| {
                        let when = fr_datetime(c.created_at);
                        view! {
                            <li class="cgu-version" data-testid="cgu-version">
                                <details>
                                    <summary>
                                        <strong>{c.title.clone()}</strong>
                                        " · "
                                        {when}
                                        {c
                                            .current
                                            .then(|| {
                                                view! {
                                                    <span class="badge badge-ok" data-testid="cgu-current">
                                                        {tr("admin.cgu_current")}
                                                    </span>
                                                }
                                            })}
                                    </summary>
                                    <p class="small muted">
                                        "SHA-256 "
                                        <code data-testid="cgu-sha256">{c.sha256.clone()}</code>
                                    </p>
                                    <pre class="cgu-text">{c.text.clone()}</pre>
                                </details>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any(),
    }
    };

    view! {
        <section class="panel admin-section" aria-labelledby="cgu-title">
            <div class="section-head">
                <h2 id="cgu-title">{tr("admin.cgu_title")}</h2>
                <button type="button" class="btn btn-primary" data-testid="cgu-new" on:click=open_form>
                    {tr("admin.cgu_new")}
                </button>
            </div>
            <p class="muted">{tr("admin.cgu_intro")}</p>
            <Show when=move || writing.get()>
                <form class="record-form" novalidate data-testid="cgu-form" on:submit=submit>
                    {b.text("title", "admin.cgu_title_field", "text", |v| v.title.clone(), |v, s| v.title = s)}
                    {b.textarea("text", "admin.cgu_text_field", |v| v.text.clone(), |v, s| v.text = s)}
                    <p class="muted small">{tr("admin.cgu_publish_help")}</p>
                    <FormStatus message=Signal::derive(move || form.with(|f| f.message.clone())) />
                    <div class="form-actions">
                        <button type="button" class="btn" on:click=move |_| writing.set(false)>
                            {tr("record.cancel")}
                        </button>
                        <button type="submit" class="btn btn-primary" data-testid="cgu-publish" disabled=pending>
                            {move || if pending() { t("record.saving") } else { t("admin.cgu_publish") }}
                        </button>
                    </div>
                </form>
            </Show>
            {versions}
        </section>
    }
}
