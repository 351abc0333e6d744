//! The contract form: insurer, product, monthly premium (typed in euros, sent in
//! cents), dates, status, NIR (santé and prévoyance only, masked until asked for),
//! code organisme, insured persons.

use crate::components::form::tr;
use crate::components::form::{opt_text, set_opt, Binder, FormState, FormStatus, Validator};
use crate::components::record::{enum_choices, mask_nir, masked_or, person_rows, Masks};
use crate::i18n::t;
use leptos::prelude::*;
use oubli_domain::{Contract, ContractInput, ContractStatus, ProjectType};
use std::sync::Arc;

/// The domain's contract validator, knowing the project's type (for the NIR rule).
pub fn contract_validator(project_type: Option<ProjectType>) -> Validator<ContractInput> {
    Arc::new(move |v: &ContractInput| {
        let mut v = v.clone();
        v.normalize();
        v.validate(crate::components::form::today(), project_type)
            .err()
            .unwrap_or_default()
    })
}

pub fn contract_masks(k: &Contract) -> Masks {
    let mut m = Masks::default();
    if k.nir.as_deref().is_some_and(|v| !v.is_empty()) {
        m.0.insert("nir".to_owned());
    }
    m
}

#[component]
pub fn ContractForm(
    form: RwSignal<FormState<ContractInput>>,
    masks: RwSignal<Masks>,
    /// The project's type: the NIR is asked only for santé and prévoyance.
    #[prop(into)]
    project_type: Signal<Option<ProjectType>>,
    #[prop(into)] readonly: Signal<bool>,
    on_submit: Callback<()>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
    #[prop(into, optional)] saved: Option<Signal<bool>>,
) -> impl IntoView {
    let b = Binder::new(form, "contract");
    let pending = move || form.with(|f| f.pending);
    let show_nir = move || {
        project_type.get().is_some_and(ProjectType::may_hold_nir)
            || form.with(|f| f.value.nir.as_deref().is_some_and(|n| !n.is_empty()))
    };
    view! {
        <form
            class="record-form"
            novalidate
            data-testid="contract-form"
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            <fieldset class="plain" prop:disabled=move || readonly.get()>
                <div class="grid">
                    {b
                        .text(
                            "insurer",
                            "record.insurer",
                            "text",
                            |v| opt_text(&v.insurer),
                            |v, s| set_opt(&mut v.insurer, s),
                        )}
                    {b
                        .text(
                            "product",
                            "record.product",
                            "text",
                            |v| opt_text(&v.product),
                            |v, s| set_opt(&mut v.product, s),
                        )}
                    {b
                        .euros(
                            "monthly_premium_cents",
                            "record.monthly_premium",
                            |v| v.monthly_premium_cents,
                            |v, c| v.monthly_premium_cents = c,
                        )}
                    {b
                        .select(
                            "status",
                            "record.status",
                            || enum_choices(
                                ContractStatus::ALL,
                                ContractStatus::as_str,
                                ContractStatus::label_fr,
                            ),
                            None,
                            |v| {
                                v.status
                                    .unwrap_or(ContractStatus::EnAttente)
                                    .as_str()
                                    .to_owned()
                            },
                            |v, s| v.status = ContractStatus::parse(&s),
                        )}
                    {b
                        .date(
                            "start_date",
                            "record.start_date",
                            |v| v.start_date,
                            |v, d| v.start_date = d,
                        )}
                    {b.date("end_date", "record.end_date", |v| v.end_date, |v, d| v.end_date = d)}
                    <Show when=show_nir>
                        {masked_or(
                            masks,
                            "nir".to_owned(),
                            "record.nir",
                            move || form.with_untracked(|f| mask_nir(&opt_text(&f.value.nir))),
                            move || {
                                b.text(
                                    "nir",
                                    "record.nir",
                                    "text",
                                    |v| opt_text(&v.nir),
                                    |v, s| set_opt(&mut v.nir, s),
                                )
                            },
                        )}
                    </Show>
                    {b
                        .text(
                            "code_organisme",
                            "record.code_organisme",
                            "text",
                            |v| opt_text(&v.code_organisme),
                            |v, s| set_opt(&mut v.code_organisme, s),
                        )}
                </div>
                <section class="form-group" aria-labelledby="insured-title">
                    <h3 id="insured-title">{tr("record.insured")}</h3>
                    {person_rows(
                        b,
                        "insured",
                        "insured-add",
                        "record.insured_add",
                        |v| &v.insured,
                        |v| &mut v.insured,
                    )}
                </section>
                <FormStatus
                    message=Signal::derive(move || form.with(|f| f.message.clone()))
                    saved=saved.unwrap_or_else(|| Signal::derive(|| false))
                />
                <div class="form-actions">
                    {on_cancel
                        .map(|c| {
                            view! {
                                <button type="button" class="btn" on:click=move |_| c.run(())>
                                    {tr("record.cancel")}
                                </button>
                            }
                        })}
                    <button
                        type="submit"
                        class="btn btn-primary"
                        data-testid="contract-save"
                        disabled=pending
                    >
                        {move || if pending() { t("record.saving") } else { t("record.save") }}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}
