//! The supplier API keys tab: the keys (name, supplier, prefix, created, last used,
//! revoked), a form to create one whose secret is shown once, and revocation.

use leptos::prelude::*;

use crate::api::admin::{self, ApiKey, ApiKeyInput};
use crate::api::ApiError;
use crate::components::form::{
    normalized_validator, submission, tr, Binder, FormState, FormStatus, Tasks,
};
use crate::components::record::fr_datetime;
use crate::i18n::msg;

fn when(at: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(fr_datetime).unwrap_or_else(|| "—".into())
}

#[component]
pub fn ApiKeysTab() -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<ApiKey>, ApiError>>);
    let secret = RwSignal::new(None::<(String, String)>);
    let error = RwSignal::new(None::<String>);
    let tasks = Tasks::new();
    let reload = move || tasks.spawn(async move { list.set(Some(admin::api_keys().await)) });
    reload();

    let form = RwSignal::new(FormState::new(
        ApiKeyInput::default(),
        normalized_validator(ApiKeyInput::normalize, ApiKeyInput::validate),
    ));
    let b = Binder::new(form, "api-key");
    let pending = move || form.with(|f| f.pending);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match admin::create_api_key(&input).await {
                Ok(created) => {
                    form.update(|f| f.reset(ApiKeyInput::default()));
                    secret.set(Some((created.key.name, created.secret)));
                    reload();
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    };
    // Revoking is final (the supplier's pushes fail at once): a second click confirms.
    let confirming = RwSignal::new(None::<String>);
    let revoke = move |id: String| {
        error.set(None);
        confirming.set(None);
        tasks.spawn(async move {
            match admin::revoke_api_key(&id).await {
                Ok(()) => reload(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    let rows = move || {
        match list.get() {
        None => view! { <p class="loading">{tr("common.loading")}</p> }.into_any(),
        Some(Err(e)) => {
            view! { <p class="form-error" role="alert">{msg(&e.message)}</p> }.into_any()
        }
        Some(Ok(v)) if v.is_empty() => {
            view! { <p class="muted" data-testid="api-keys-empty">{tr("admin.api_keys_none")}</p> }
                .into_any()
        }
        Some(Ok(v)) => view! {
            <table class="admin-table" data-testid="api-keys-table">
                <thead>
                    <tr>
                        <th scope="col">{tr("admin.api_key_name")}</th>
                        <th scope="col">{tr("admin.api_key_supplier")}</th>
                        <th scope="col">{tr("admin.api_key_prefix")}</th>
                        <th scope="col">{tr("admin.api_key_created")}</th>
                        <th scope="col">{tr("admin.api_key_last_used")}</th>
                        <th scope="col">{tr("admin.widget_state")}</th>
                    </tr>
                </thead>
                <tbody>
                    {v
                        .into_iter()
                        .map(|k| {
                            let id = k.id.clone();
                            let state = match &k.revoked_at {
                                Some(_) => view! {
                                    <span class="badge" data-testid="api-key-revoked">
                                        {tr("admin.api_key_revoked")} " " {when(&k.revoked_at)}
                                    </span>
                                }
                                .into_any(),
                                None => {
                                    let asked = id.clone();
                                    let here = move || confirming.with(|c| c.as_deref() == Some(asked.as_str()));
                                    let ask = id.clone();
                                    view! {
                                        <Show
                                            when=here
                                            fallback=move || {
                                                let ask = ask.clone();
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="btn btn-small btn-danger"
                                                        data-testid="api-key-revoke"
                                                        on:click=move |_| confirming.set(Some(ask.clone()))
                                                    >
                                                        {tr("admin.api_key_revoke")}
                                                    </button>
                                                }
                                            }
                                        >
                                            <span class="muted small">{tr("admin.api_key_revoke_question")}</span>
                                            " "
                                            <button
                                                type="button"
                                                class="btn btn-small btn-danger"
                                                data-testid="api-key-revoke-confirm"
                                                on:click={
                                                    let id = id.clone();
                                                    move |_| revoke(id.clone())
                                                }
                                            >
                                                {tr("admin.api_key_revoke_confirm")}
                                            </button>
                                            " "
                                            <button
                                                type="button"
                                                class="btn btn-small"
                                                on:click=move |_| confirming.set(None)
                                            >
                                                {tr("record.cancel")}
                                            </button>
                                        </Show>
                                    }
                                    .into_any()
                                }
                            };
                            view! {
                                <tr data-testid="api-key-row">
                                    <td>{k.name.clone()}</td>
                                    <td>{k.supplier.clone()}</td>
                                    <td><code>{k.prefix.clone()} "…"</code></td>
                                    <td>{when(&Some(k.created_at))}</td>
                                    <td>{when(&k.last_used_at)}</td>
                                    <td>{state}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };

    view! {
        <section class="panel admin-section" aria-labelledby="api-keys-title">
            <h2 id="api-keys-title">{tr("admin.api_keys_title")}</h2>
            <p class="muted">{tr("admin.api_keys_intro")}</p>
            <form class="record-form" novalidate data-testid="api-key-form" on:submit=submit>
                <div class="grid">
                    {b.text("name", "admin.api_key_name", "text", |v| v.name.clone(), |v, s| v.name = s)}
                    {b.text("supplier", "admin.api_key_supplier", "text", |v| v.supplier.clone(), |v, s| v.supplier = s)}
                </div>
                <FormStatus message=Signal::derive(move || form.with(|f| f.message.clone())) />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="api-key-create" disabled=pending>
                        {tr("admin.api_key_create")}
                    </button>
                </div>
            </form>
            {move || {
                secret
                    .get()
                    .map(|(name, s)| {
                        view! {
                            <div class="callout" role="status" data-testid="api-key-secret-box">
                                <p>
                                    <strong>{name}</strong>
                                    " : "
                                    {tr("admin.api_key_secret_once")}
                                </p>
                                <code class="secret" data-testid="api-key-secret">{s}</code>
                                <button type="button" class="btn btn-small" on:click=move |_| secret.set(None)>
                                    {tr("admin.api_key_secret_done")}
                                </button>
                            </div>
                        }
                    })
            }}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{msg(&e)}</p> })}
            {rows}
        </section>
    }
}
