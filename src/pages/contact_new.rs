//! Nouveau contact (`/contacts/new`): the contact's fields and, optionally, the
//! members of its household. The contact is created first, then each member; the
//! user lands on the new contact's page.

use crate::api;
use crate::components::form::tr;
use crate::components::form::{FormState, Tasks};
use crate::components::record_contact::{
    contact_form_state, household_rows, household_rows_validator, prefixed_error, ContactForm,
};
use crate::i18n::t;
use crate::set_title;
use leptos::prelude::*;
use oubli_domain::{ContactInput, HouseholdMemberInput, UserSummary};

#[component]
pub fn ContactNewPage() -> impl IntoView {
    set_title(&t("record.contact_new"));
    let tasks = Tasks::new();
    let users = RwSignal::new(Vec::<UserSummary>::new());
    tasks.spawn(async move {
        if let Ok(u) = api::users::list().await {
            users.set(u);
        }
    });
    let form = RwSignal::new(contact_form_state(ContactInput::default()));
    let household = RwSignal::new(FormState::new(
        Vec::<HouseholdMemberInput>::new(),
        household_rows_validator(),
    ));

    let save = Callback::new(move |_| {
        // Both parts show their errors; nothing is sent unless both are valid.
        let contact_ok = form.try_update(|f| f.submit()).unwrap_or(false);
        let household_ok = household.try_update(|f| f.submit()).unwrap_or(false);
        if !contact_ok || !household_ok {
            return;
        }
        let mut input = form.with_untracked(|f| f.value.clone());
        input.normalize();
        let members: Vec<HouseholdMemberInput> = household.with_untracked(|f| {
            f.value
                .iter()
                .cloned()
                .map(|mut m| {
                    m.normalize();
                    m
                })
                .collect()
        });
        form.update(|f| f.pending = true);
        tasks.spawn(async move {
            let contact = match api::contact_record::create(&input).await {
                Ok(c) => c,
                Err(e) => {
                    form.update(|f| f.failed(&e));
                    return;
                }
            };
            for (i, m) in members.iter().enumerate() {
                if let Err(e) = api::household::create(&contact.id, m).await {
                    // The contact exists now: go on from its page, where the
                    // household can be completed.
                    household.update(|f| f.failed(&prefixed_error(&format!("household.{i}"), &e)));
                    break;
                }
            }
            crate::nav::navigate(&format!("/contacts/{}", contact.id), false, false);
        });
    });

    view! {
        <div class="record" data-testid="contact-page">
            <header class="record-head">
                <nav class="crumbs" aria-label=tr("record.breadcrumb")>
                    <a href="/contacts">{tr("record.contacts")}</a>
                </nav>
                <h1>{tr("record.contact_new")}</h1>
            </header>
            <section class="card">
                <ContactForm form=form users=users readonly=Signal::derive(|| false) on_submit=save>
                    {household_rows(household)}
                </ContactForm>
            </section>
        </div>
    }
}
