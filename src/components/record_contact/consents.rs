//! Lawful basis, consent history, recording a consent, and the right to object.

use crate::api;
use crate::components::form::tr;
use crate::components::form::{
    opt_text, set_opt, submission, Binder, FormState, FormStatus, Tasks, Validator,
};
use crate::components::record::{enum_choices, fr_datetime, user_name};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::{
    Consent, ConsentInput, ConsentPurpose, Contact, OppositionChannel, OppositionInput, UserSummary,
};
use std::sync::Arc;

/// Lawful basis, consent history (opt-ins and opt-outs with who or what recorded
/// each), recording a consent, and the right to object.
#[component]
pub fn ConsentsSection(
    contact_id: String,
    #[prop(into)] contact: Signal<Option<Contact>>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    #[prop(into)] readonly: Signal<bool>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let consents = RwSignal::new(Vec::<Consent>::new());
    let load_error = RwSignal::new(None::<String>);
    let tasks = Tasks::new();
    let cid = StoredValue::new(contact_id);
    let load = move || {
        tasks.spawn(async move {
            match api::consents::list(&cid.get_value()).await {
                Ok(v) => consents.set(v),
                Err(e) => load_error.set(Some(e.message)),
            }
        })
    };
    load();

    let form = RwSignal::new(FormState::new(
        ConsentInput::default(),
        Arc::new(|v: &ConsentInput| v.validate().err().unwrap_or_default()) as Validator<_>,
    ));
    let b = Binder::new(form, "consent");
    let adding = RwSignal::new(false);
    let save = move || {
        let Some(input) = submission(form) else {
            return;
        };
        tasks.spawn(async move {
            match api::consents::create(&cid.get_value(), &input).await {
                Ok(c) => {
                    consents.update(|v| v.push(c));
                    form.update(|f| f.reset(ConsentInput::default()));
                    adding.set(false);
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    };

    let channel = RwSignal::new(String::new());
    let opp_error = RwSignal::new(None::<(Option<String>, String)>);
    let opp_pending = RwSignal::new(false);
    let oppose = move |_| {
        let input = OppositionInput {
            channel: OppositionChannel::parse(&channel.get_untracked()),
        };
        opp_pending.set(true);
        opp_error.set(None);
        tasks.spawn(async move {
            match api::consents::oppose(&cid.get_value(), &input).await {
                Ok(_) => {
                    opp_pending.set(false);
                    load();
                    on_changed.run(());
                }
                Err(e) => {
                    opp_pending.set(false);
                    opp_error.set(Some((e.field("channel").map(str::to_owned), e.message)));
                }
            }
        });
    };

    let who = move |c: &Consent| -> String {
        let source = msg(c.source.label_fr());
        match &c.actor_user_id {
            Some(u) => format!("{} ({source})", users.with(|l| user_name(l, Some(u)))),
            None => source,
        }
    };

    view! {
        <section class="card" aria-labelledby="rgpd-title" data-testid="consents-section">
            <div class="card-head">
                <h2 id="rgpd-title">{tr("record.rgpd")}</h2>
            </div>
            <dl class="facts">
                <dt>{tr("record.lawful_basis")}</dt>
                <dd data-testid="lawful-basis">
                    {move || {
                        contact
                            .with(|c| c.as_ref().and_then(|c| c.fields.lawful_basis))
                            .map(|b| msg(b.label_fr()))
                            .unwrap_or_else(|| t("record.not_set"))
                    }}
                    {move || {
                        contact
                            .with(|c| c.as_ref().and_then(|c| c.fields.lawful_basis_source.clone()))
                            .map(|s| format!(" — {s}"))
                    }}
                </dd>
                <dt>{tr("record.opposition")}</dt>
                <dd data-testid="opposition-state">
                    {move || {
                        match contact.with(|c| c.as_ref().map(|c| (c.opposition_at, c.opposition_channel))) {
                            Some((Some(at), ch)) => {
                                view! {
                                    <span class="badge badge-danger">
                                        {tr("record.opposed")}
                                    </span>
                                    " "
                                    {move || t("record.opposed_on")
                                        .replace("{date}", &fr_datetime(at))
                                        .replace("{channel}", &ch.map(|c| msg(c.label_fr())).unwrap_or_default())}
                                }
                                    .into_any()
                            }
                            _ => view! { <span>{tr("record.no_opposition")}</span> }.into_any(),
                        }
                    }}
                </dd>
            </dl>
            <Show when=move || {
                !readonly.get() && contact.with(|c| c.as_ref().is_some_and(|c| c.opposition_at.is_none()))
            }>
                <div class="inline-form">
                    <div class="field">
                        <label for="opposition-channel">{tr("record.opposition_channel")}</label>
                        <select
                            id="opposition-channel"
                            data-testid="field-opposition.channel"
                            aria-invalid=move || opp_error.with(|e| e.as_ref().is_some_and(|e| e.0.is_some())).to_string()
                            prop:value=move || channel.get()
                            on:change=move |ev| {
                                channel.set(event_target_value(&ev));
                                opp_error.set(None);
                            }
                        >
                            <option value="">{tr("record.choose")}</option>
                            {move || {
                                enum_choices(
                                        OppositionChannel::ALL,
                                        OppositionChannel::as_str,
                                        OppositionChannel::label_fr,
                                    )
                                    .into_iter()
                                    .map(|(c, l)| view! { <option value=c>{l}</option> })
                                    .collect_view()
                            }}
                        </select>
                        {move || {
                            opp_error
                                .get()
                                .and_then(|(f, _)| f)
                                .map(|m| {
                                    view! {
                                        <p class="field-error" data-testid="field-error-opposition.channel">
                                            {move || msg(&m)}
                                        </p>
                                    }
                                })
                        }}
                    </div>
                    <button
                        type="button"
                        class="btn btn-danger-outline"
                        data-testid="btn-opposition"
                        disabled=move || opp_pending.get()
                        on:click=oppose
                    >
                        {tr("record.record_opposition")}
                    </button>
                </div>
                {move || {
                    opp_error
                        .get()
                        .filter(|(f, _)| f.is_none())
                        .map(|(_, m)| view! { <p class="form-error" role="alert">{move || msg(&m)}</p> })
                }}
                <p class="muted small">{tr("record.opposition_help")}</p>
            </Show>
            <h3>{tr("record.consent_history")}</h3>
            {move || load_error.get().map(|m| view! { <p class="form-error">{move || msg(&m)}</p> })}
            {move || {
                let list = consents.get();
                if list.is_empty() {
                    view! { <p class="muted">{tr("record.no_consents")}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">{tr("record.date")}</th>
                                        <th scope="col">{tr("record.purpose")}</th>
                                        <th scope="col">{tr("record.decision")}</th>
                                        <th scope="col">{tr("record.recorded_by")}</th>
                                    </tr>
                                </thead>
                                    {list
                                        .into_iter()
                                        .rev()
                                        .map(|c| {
                                            let granted = c.granted;
                                            let purpose = c.purpose;
                                            let by = who(&c);
                                            let proof = proof_view(&c);
                                            // One group per consent: the decision, then its proof on a
                                            // line of its own (a SHA-256 needs the width).
                                            view! {
                                                <tbody data-testid="consent-row">
                                                <tr>
                                                    <td>{fr_datetime(c.created_at)}</td>
                                                    <td>{move || msg(purpose.label_fr())}</td>
                                                    <td>
                                                        <span class=if granted {
                                                            "badge badge-ok"
                                                        } else {
                                                            "badge badge-danger"
                                                        }>
                                                            {move || {
                                                                if granted {
                                                                    t("record.granted")
                                                                } else {
                                                                    t("record.withdrawn")
                                                                }
                                                            }}
                                                        </span>
                                                    </td>
                                                    <td>{by}</td>
                                                </tr>
                                                {proof.map(|p| view! {
                                                    <tr class="proof-row">
                                                        <td colspan="4" class="proof">
                                                            <span class="muted">{tr("record.proof")} " : "</span>
                                                            {p}
                                                        </td>
                                                    </tr>
                                                })}
                                                </tbody>
                                            }
                                        })
                                        .collect_view()}
                            </table>
                        </div>
                    }
                        .into_any()
                }
            }}
            <Show when=move || !readonly.get()>
                <Show
                    when=move || adding.get()
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="btn btn-small"
                                data-testid="consent-add"
                                on:click=move |_| adding.set(true)
                            >
                                {tr("record.consent_add")}
                            </button>
                        }
                    }
                >
                    <form
                        class="subform"
                        novalidate
                        data-testid="consent-form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            save();
                        }
                    >
                        <div class="grid">
                            {b
                                .select(
                                    "purpose",
                                    "record.purpose",
                                    || enum_choices(
                                        ConsentPurpose::ALL,
                                        ConsentPurpose::as_str,
                                        ConsentPurpose::label_fr,
                                    ),
                                    Some("record.choose"),
                                    |v| v.purpose.map(|p| p.as_str().to_owned()).unwrap_or_default(),
                                    |v, s| v.purpose = ConsentPurpose::parse(&s),
                                )}
                            {b
                                .select(
                                    "granted",
                                    "record.decision",
                                    || vec![
                                        ("true".to_owned(), t("record.granted")),
                                        ("false".to_owned(), t("record.withdrawn")),
                                    ],
                                    Some("record.choose"),
                                    |v| v.granted.map(|g| g.to_string()).unwrap_or_default(),
                                    |v, s| v.granted = s.parse().ok(),
                                )}
                            {b
                                .text(
                                    "checkbox_label",
                                    "record.checkbox_label",
                                    "text",
                                    |v| opt_text(&v.checkbox_label),
                                    |v, s| set_opt(&mut v.checkbox_label, s),
                                )}
                            {b
                                .text(
                                    "origin_page",
                                    "record.origin_page",
                                    "text",
                                    |v| opt_text(&v.origin_page),
                                    |v, s| set_opt(&mut v.origin_page, s),
                                )}
                        </div>
                        <FormStatus message=Signal::derive(move || form.with(|f| f.message.clone())) />
                        <div class="form-actions">
                            <button type="button" class="btn" on:click=move |_| adding.set(false)>
                                {tr("record.cancel")}
                            </button>
                            <button
                                type="submit"
                                class="btn btn-primary"
                                data-testid="consent-save"
                                disabled=move || form.with(|f| f.pending)
                            >
                                {tr("record.save")}
                            </button>
                        </div>
                    </form>
                </Show>
            </Show>
        </section>
    }
}

/// The proof a consent carries, one line per element: for a web form, the CGU version
/// and the full SHA-256 of the text accepted, the box's label, the host page, the
/// address and browser. Each element has its `data-testid` (`consent-cgu-sha256`, …).
fn proof_view(c: &Consent) -> Option<impl IntoView> {
    let parts: [(&'static str, &'static str, Option<String>); 6] = [
        ("consent-cgu-version", "CGU", c.cgu_version_id.clone()),
        ("consent-cgu-sha256", "SHA-256", c.cgu_sha256.clone()),
        (
            "consent-label",
            "record.proof_label",
            c.checkbox_label.as_ref().map(|l| format!("« {l} »")),
        ),
        ("consent-page", "record.proof_page", c.origin_page.clone()),
        ("consent-ip", "IP", c.ip.clone()),
        (
            "consent-user-agent",
            "record.proof_browser",
            c.user_agent.clone(),
        ),
    ];
    let lines = parts
        .into_iter()
        .filter_map(|(testid, label, value)| {
            let value = value?;
            let label = if label.contains('.') {
                t(label)
            } else {
                label.to_owned()
            };
            Some(view! {
                <li data-testid=testid>
                    <span class="muted">{label} " "</span>
                    <code>{value}</code>
                </li>
            })
        })
        .collect::<Vec<_>>();
    (!lines.is_empty())
        .then(|| view! { <ul class="proof-lines" data-testid="consent-proof">{lines}</ul> })
}
