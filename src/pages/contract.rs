//! Fiche contrat (`/contracts/:id`): insurer, product, premium, dates, status, NIR
//! (santé and prévoyance only, masked), code organisme, insured persons.

use crate::api;
use crate::components::form::tr;
use crate::components::form::{premium_text, submission, FormState, Tasks};
use crate::components::record::{per_record, use_record, Masks, ReadonlyBanner, RecordFrame};
use crate::components::record_contract::{contract_masks, contract_validator, ContractForm};
use crate::i18n::{msg, t};
use crate::set_title;
use leptos::prelude::*;
use oubli_domain::{ContractInput, Project};

#[component]
pub fn ContractPage() -> impl IntoView {
    per_record(|id| view! { <ContractRecord id=id /> }.into_any())
}

#[component]
fn ContractRecord(id: String) -> impl IntoView {
    set_title(&t("record.contract"));
    let tasks = Tasks::new();
    let kid = StoredValue::new(id);
    let project = RwSignal::new(None::<Project>);
    let form = RwSignal::new(FormState::new(
        ContractInput::default(),
        contract_validator(None),
    ));
    let masks = RwSignal::new(Masks::default());
    let saved = RwSignal::new(false);

    let record = use_record(move || async move {
        let k = api::contracts::get(&kid.get_value()).await?;
        let p = api::project_record::get(&k.project_id).await.ok();
        let kind = p.as_ref().map(|p| p.kind);
        form.set(FormState::new(k.to_input(), contract_validator(kind)));
        masks.set(contract_masks(&k));
        project.set(p);
        Ok(k)
    });
    let ok = record.value();
    let readonly =
        Signal::derive(move || ok.with(|k| k.as_ref().is_some_and(|k| k.anonymized_at.is_some())));
    let project_type = Signal::derive(move || project.with(|p| p.as_ref().map(|p| p.kind)));

    let save = Callback::new(move |_| {
        saved.set(false);
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match api::contracts::update(&kid.get_value(), &input).await {
                Ok(k) => {
                    form.update(|f| f.reset(k.to_input()));
                    masks.set(contract_masks(&k));
                    record.set(k);
                    saved.set(true);
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    });

    view! {
        <RecordFrame
            phase=record.phase()
            testid="contract-page"
            back=("/contacts", "record.back_to_contacts")
        >
            {move || {
                ok.get()
                    .map(|k| {
                        let status = k.status;
                        let project_href = format!("/projects/{}", k.project_id);
                        let contact_href = format!("/contacts/{}", k.contact_id);
                        view! {
                            <header class="record-head">
                                <nav class="crumbs" aria-label=tr("record.breadcrumb")>
                                    <a href=contact_href>{tr("record.contact")}</a>
                                    " / "
                                    <a href=project_href>
                                        {tr("record.project")} " "
                                        {move || project_type.get().map(|p| msg(p.label_fr())).unwrap_or_default()}
                                    </a>
                                </nav>
                                <h1>{tr("record.contract")} " " {k.insurer.clone()}</h1>
                                <div class="record-meta">
                                    <span class="badge">{move || msg(status.label_fr())}</span>
                                    <span class="muted">
                                        {tr("record.monthly_premium")} " : "
                                        <strong>{premium_text(k.monthly_premium_cents)}</strong>
                                    </span>
                                </div>
                            </header>
                        }
                    })
            }}
            <ReadonlyBanner when=readonly />
            <section class="card" aria-labelledby="contract-card-title">
                <h2 id="contract-card-title">{tr("record.contract_card")}</h2>
                <ContractForm
                    form=form
                    masks=masks
                    project_type=project_type
                    readonly=readonly
                    on_submit=save
                    saved=saved
                />
            </section>
        </RecordFrame>
    }
}
