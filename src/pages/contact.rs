//! Fiche contact (`/contacts/:id`): identity and address, household, lawful basis,
//! consents and opposition, projects, contracts, activity; erasure at the bottom.
//! An anonymized contact is shown read-only, with the reason.

use crate::api;
use crate::api::erasures::RecordKind;
use crate::components::erasure::ErasureBar;
use crate::components::form::{submission, FormState, Tasks};
use crate::components::record::{
    fr_date, per_record, rights_on, use_record, user_name, ErasureRights, Masks, NewRecordCard,
    ReadonlyBanner, RecordFrame,
};
use crate::components::record_activity::ActivityTabs;
use crate::components::record_contact::{
    contact_form_state, ConsentsSection, ContactForm, ContractsList, HouseholdSection, ProjectsList,
};
use crate::components::record_project::{project_validator, ProjectForm};
use crate::i18n::{msg, t};
use crate::{set_title, use_session};
use leptos::prelude::*;
use oubli_domain::{Contact, ContactInput, EraseAction, ProjectInput, UserSummary};

/// The name a contact is known by: "Mme Claire Martin", or the company name.
pub fn display_name(c: &ContactInput) -> String {
    let person: Vec<String> = [
        c.civility.map(|x| x.label_fr().to_owned()),
        c.first_name.clone(),
        c.last_name.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    let has_name = c.first_name.is_some() || c.last_name.is_some();
    match (&c.company_name, has_name) {
        (Some(co), true) => format!("{} — {co}", person.join(" ")),
        (Some(co), false) => co.clone(),
        (None, true) => person.join(" "),
        (None, false) => String::new(),
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    per_record(|id| view! { <ContactRecord id=id /> }.into_any())
}

#[component]
fn ContactRecord(id: String) -> impl IntoView {
    set_title(&t("record.contact"));
    let session = use_session();
    let tasks = Tasks::new();
    let cid = StoredValue::new(id);
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let form = RwSignal::new(contact_form_state(ContactInput::default()));
    let saved = RwSignal::new(false);

    let record = use_record(move || async move {
        let d = api::contact_record::get(&cid.get_value()).await?;
        form.update(|f| f.reset(d.contact.fields.clone()));
        set_title(&display_name(&d.contact.fields));
        Ok(d)
    });
    tasks.spawn(async move {
        if let Ok(u) = api::users::list().await {
            users.set(u);
        }
    });

    let detail = record.value();
    let contact = Signal::derive(move || detail.get().map(|d| d.contact));
    let readonly = Signal::derive(move || {
        detail.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.contact.anonymized_at.is_some())
        })
    });
    let opposed = Signal::derive(move || {
        detail.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.contact.opposition_at.is_some())
        })
    });
    let rights = Signal::derive(move || {
        detail.with(|d| match d {
            Some(d) => rights_on(session, users, d.contact.fields.assigned_to.as_deref()),
            None => ErasureRights::None,
        })
    });

    let save = Callback::new(move |_| {
        saved.set(false);
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match api::contact_record::update(&cid.get_value(), &input).await {
                Ok(c) => {
                    form.update(|f| f.reset(c.fields.clone()));
                    set_title(&display_name(&c.fields));
                    record.update(|d| d.contact = c);
                    saved.set(true);
                }
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    });

    // "Nouveau projet": the project form, inline, for this contact.
    let new_project = RwSignal::new(false);
    let project_form = RwSignal::new(FormState::new(ProjectInput::default(), project_validator()));
    let project_masks = RwSignal::new(Masks::default());
    let create_project = Callback::new(move |_| {
        let Some(mut input) = submission(project_form) else {
            return;
        };
        input.normalize();
        tasks.spawn(async move {
            match api::project_record::create(&input).await {
                Ok(p) => crate::nav::navigate(&format!("/projects/{}", p.id), false, false),
                Err(e) => project_form.update(|f| f.failed(&e)),
            }
        });
    });

    // After an erasure: a deleted contact leaves the page; an anonymized one is shown
    // again, read-only.
    let on_erased = Callback::new(move |action: EraseAction| match action {
        EraseAction::Delete => crate::nav::navigate("/contacts", false, false),
        EraseAction::Anonymize => record.reload(),
    });

    let header = move |c: Contact| {
        let name = display_name(&c.fields);
        let status = c.fields.status;
        let assigned = users.with(|u| user_name(u, c.fields.assigned_to.as_deref()));
        let opposed = c.opposition_at.is_some();
        let anonymized = c.anonymized_at.is_some();
        view! {
            <header class="record-head">
                <nav class="crumbs" aria-label=move || t("record.breadcrumb")>
                    <a href="/contacts">{move || t("record.contacts")}</a>
                </nav>
                <h1>
                    {if name.is_empty() { t("record.anonymous_contact") } else { name }}
                </h1>
                <div class="record-meta">
                    {status.map(|s| view! { <span class="badge">{move || msg(s.label_fr())}</span> })}
                    {opposed
                        .then(|| {
                            view! {
                                <span class="badge badge-danger">{move || t("record.opposed")}</span>
                            }
                        })}
                    {anonymized
                        .then(|| {
                            view! {
                                <span class="badge badge-muted">{move || t("record.anonymized")}</span>
                            }
                        })}
                    <span class="muted">
                        {move || t("record.assigned_to")} " : "
                        <strong>{assigned.clone()}</strong>
                    </span>
                    <span class="muted">
                        {move || t("record.created_at")} " : "
                        {fr_date(c.created_at.date_naive())}
                    </span>
                </div>
            </header>
        }
    };

    view! {
        <RecordFrame
            phase=record.phase()
            testid="contact-page"
            back=("/contacts", "record.back_to_contacts")
        >
            {move || contact.get().map(header)}
            <ReadonlyBanner when=readonly />
            <div class="record-columns">
                <section class="card" aria-labelledby="contact-card-title">
                    <h2 id="contact-card-title">{move || t("record.contact_card")}</h2>
                    <ContactForm
                        form=form
                        users=users
                        readonly=readonly
                        on_submit=save
                        saved=saved
                    />
                </section>
                <div class="record-side">
                    <HouseholdSection
                        contact_id=cid.get_value()
                        members=Signal::derive(move || {
                            detail.get().map(|d| d.household).unwrap_or_default()
                        })
                        readonly=readonly
                        on_changed=Callback::new(move |_| record.refresh())
                    />
                    <ConsentsSection
                        contact_id=cid.get_value()
                        contact=contact
                        users=users
                        readonly=readonly
                        on_changed=Callback::new(move |_| record.refresh())
                    />
                </div>
            </div>
            <NewRecordCard
                title_id="projects-title"
                title="record.projects"
                new_label="record.project_new"
                new_testid="project-new"
                readonly=readonly
                open=new_project
                on_open=Callback::new(move |_| {
                    project_form
                        .update(|f| {
                            f.reset(ProjectInput {
                                contact_id: Some(cid.get_value()),
                                ..Default::default()
                            })
                        });
                    project_masks.set(Masks::default());
                })
                form=move || {
                    view! {
                        <ProjectForm
                            form=project_form
                            masks=project_masks
                            users=users
                            readonly=readonly
                            on_submit=create_project
                            on_cancel=Callback::new(move |_| new_project.set(false))
                        />
                    }
                }
            >
                <ProjectsList detail=detail users=users />
            </NewRecordCard>
            <section class="card" aria-labelledby="contracts-title">
                <h2 id="contracts-title">{move || t("record.contracts")}</h2>
                <ContractsList contracts=Signal::derive(move || {
                    detail.get().map(|d| d.contracts).unwrap_or_default()
                }) />
            </section>
            <ActivityTabs
                contact_id=cid.get_value()
                counts=Signal::derive(move || {
                    detail.get().map(|d| d.activity_counts).unwrap_or_default()
                })
                users=users
                readonly=readonly
                opposed=opposed
            />
            <ErasureBar
                rights=rights
                kind=RecordKind::Contact
                id=cid.get_value()
                anonymized=readonly
                on_done=on_erased
            />
        </RecordFrame>
    }
}
