//! Fiche projet (`/projects/:id`): the project form with beneficiaries and
//! subscriptions (NIR and IBAN masked until asked for), the project's contracts with
//! "Nouveau contrat", erasure buttons at the bottom.

use crate::api;
use crate::api::erasures::RecordKind;
use crate::components::erasure::ErasureBar;
use crate::components::form::{submission, FormState, Tasks};
use crate::components::record::{
    fr_date, per_record, rights_on, use_record, ErasureRights, Masks, NewRecordCard,
    ReadonlyBanner, RecordFrame,
};
use crate::components::record_contact::{opposition_badge, ContractsList};
use crate::components::record_contract::{contract_validator, ContractForm};
use crate::components::record_project::{project_masks, project_validator, ProjectForm};
use crate::i18n::{msg, t};
use crate::pages::contact::display_name;
use crate::{set_title, use_session};
use leptos::prelude::*;
use oubli_domain::{ContactDetail, ContractInput, EraseAction, ProjectInput, UserSummary};

#[component]
pub fn ProjectPage() -> impl IntoView {
    per_record(|id| view! { <ProjectRecord id=id /> }.into_any())
}

#[component]
fn ProjectRecord(id: String) -> impl IntoView {
    set_title(&t("record.project"));
    let session = use_session();
    let tasks = Tasks::new();
    let pid = StoredValue::new(id);
    let contact = RwSignal::new(None::<ContactDetail>);
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let form = RwSignal::new(FormState::new(ProjectInput::default(), project_validator()));
    let masks = RwSignal::new(Masks::default());
    let saved = RwSignal::new(false);

    let record = use_record(move || async move {
        let p = api::project_record::get(&pid.get_value()).await?;
        form.update(|f| f.reset(p.to_input()));
        masks.set(project_masks(&p));
        if let Ok(c) = api::contact_record::get(&p.contact_id).await {
            contact.set(Some(c));
        }
        Ok(p)
    });
    tasks.spawn(async move {
        if let Ok(u) = api::users::list().await {
            users.set(u);
        }
    });

    let ok = record.value();
    let readonly =
        Signal::derive(move || ok.with(|p| p.as_ref().is_some_and(|p| p.anonymized_at.is_some())));
    let contracts = Signal::derive(move || {
        let id = pid.get_value();
        contact.with(|c| {
            c.as_ref()
                .map(|c| {
                    c.contracts
                        .iter()
                        .filter(|k| k.project_id == id)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let rights = Signal::derive(move || {
        ok.with(|p| match p {
            Some(p) => rights_on(session, users, p.assigned_to.as_deref()),
            None => ErasureRights::None,
        })
    });

    // After an erasure: a deleted project sends back to its contact; an anonymized one
    // (its contact anonymized) is shown again, read-only.
    let on_erased = Callback::new(move |action: EraseAction| match action {
        EraseAction::Delete => {
            let back = ok
                .get_untracked()
                .map(|p| format!("/contacts/{}", p.contact_id))
                .unwrap_or_else(|| "/projects".into());
            crate::nav::navigate(&back, false, false);
        }
        EraseAction::Anonymize => record.reload(),
    });

    let save = Callback::new(move |_| {
        saved.set(false);
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match api::project_record::update(&pid.get_value(), &input).await {
                Ok(p) => {
                    form.update(|f| f.reset(p.to_input()));
                    masks.set(project_masks(&p));
                    record.set(p);
                    saved.set(true);
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    });

    // "Nouveau contrat", inline.
    let new_contract = RwSignal::new(false);
    let project_type = Signal::derive(move || ok.with(|p| p.as_ref().map(|p| p.kind)));
    let contract_form = RwSignal::new(FormState::new(
        ContractInput::default(),
        contract_validator(None),
    ));
    let contract_masks = RwSignal::new(Masks::default());
    let create_contract = Callback::new(move |_| {
        let Some(mut input) = submission(contract_form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match api::contracts::create(&input).await {
                Ok(k) => crate::nav::navigate(&format!("/contracts/{}", k.id), false, false),
                Err(e) => contract_form.update(|f| f.failed(&e)),
            }
        });
    });

    let contact_name =
        move || contact.with(|c| c.as_ref().map(|c| display_name(&c.contact.fields)));

    view! {
        <RecordFrame
            phase=record.phase()
            testid="project-page"
            back=("/projects", "record.back_to_projects")
        >
            {move || {
                ok.get()
                    .map(|p| {
                        let kind = p.kind;
                        let status = p.status;
                        let opposed = p.opposition_match;
                        let contact_href = format!("/contacts/{}", p.contact_id);
                        view! {
                            <header class="record-head">
                                <nav class="crumbs" aria-label=move || t("record.breadcrumb")>
                                    <a href="/projects">{move || t("record.projects")}</a>
                                    " / "
                                    <a href=contact_href>
                                        {move || contact_name().unwrap_or_else(|| t("record.contact"))}
                                    </a>
                                </nav>
                                <h1>
                                    {move || t("record.project")} " " {move || msg(kind.label_fr())}
                                </h1>
                                <div class="record-meta">
                                    <span class="badge">{move || msg(status.label_fr())}</span>
                                    {opposed.then(opposition_badge)}
                                    <span class="muted">
                                        {move || t("record.created_at")} " : "
                                        {fr_date(p.created_at.date_naive())}
                                    </span>
                                </div>
                            </header>
                        }
                    })
            }}
            <ReadonlyBanner when=readonly />
            <section class="card" aria-labelledby="project-card-title">
                <h2 id="project-card-title">{move || t("record.project_card")}</h2>
                <ProjectForm
                    form=form
                    masks=masks
                    users=users
                    readonly=readonly
                    on_submit=save
                    saved=saved
                />
            </section>
            <NewRecordCard
                title_id="contracts-title"
                title="record.contracts"
                new_label="record.contract_new"
                new_testid="contract-new"
                readonly=readonly
                open=new_contract
                on_open=Callback::new(move |_| {
                    let kind = project_type.get_untracked();
                    contract_form
                        .set(
                            FormState::new(
                                ContractInput {
                                    project_id: Some(pid.get_value()),
                                    ..Default::default()
                                },
                                contract_validator(kind),
                            ),
                        );
                    contract_masks.set(Masks::default());
                })
                form=move || {
                    view! {
                        <ContractForm
                            form=contract_form
                            masks=contract_masks
                            project_type=project_type
                            readonly=readonly
                            on_submit=create_contract
                            on_cancel=Callback::new(move |_| new_contract.set(false))
                        />
                    }
                }
            >
                <ContractsList contracts=contracts />
            </NewRecordCard>
            <ErasureBar
                rights=rights
                kind=RecordKind::Project
                id=pid.get_value()
                anonymized=readonly
                on_done=on_erased
            />
        </RecordFrame>
    }
}
