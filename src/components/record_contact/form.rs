//! The contact's fields: identity, contact details, follow-up, lawful basis.

use crate::components::form::tr;
use crate::components::form::{opt_text, set_opt, Binder, FormState, FormStatus};
use crate::components::record::{enum_choices, user_choices};
use crate::i18n::t;
use leptos::prelude::*;
use oubli_domain::{Civility, ContactInput, ContactStatus, LawfulBasis, UserSummary};

/// The contact's fields: identity, contact details, follow-up, lawful basis.
/// The page decides what saving means (create, or patch).
#[component]
pub fn ContactForm(
    form: RwSignal<FormState<ContactInput>>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    #[prop(into)] readonly: Signal<bool>,
    on_submit: Callback<()>,
    #[prop(optional)] children: Option<Children>,
    /// Shows "Enregistré" after a successful save.
    #[prop(into, optional)]
    saved: Option<Signal<bool>>,
) -> impl IntoView {
    let b = Binder::new(form, "contact");
    let message = Signal::derive(move || form.with(|f| f.message.clone()));
    let pending = move || form.with(|f| f.pending);
    let status_saved = saved.unwrap_or_else(|| Signal::derive(|| false));
    view! {
        <form
            class="record-form"
            novalidate
            data-testid="contact-form"
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            <fieldset class="plain" prop:disabled=move || readonly.get()>
                <section class="form-group" aria-labelledby="contact-identity">
                    <h3 id="contact-identity">{tr("record.identity")}</h3>
                    <div class="grid">
                        {b
                            .select(
                                "civility",
                                "record.civility",
                                || enum_choices(Civility::ALL, Civility::as_str, Civility::label_fr),
                                Some("record.none"),
                                |v| v.civility.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                                |v, s| v.civility = Civility::parse(&s),
                            )}
                        {b
                            .text(
                                "first_name",
                                "record.first_name",
                                "text",
                                |v| opt_text(&v.first_name),
                                |v, s| set_opt(&mut v.first_name, s),
                            )}
                        {b
                            .text(
                                "last_name",
                                "record.last_name",
                                "text",
                                |v| opt_text(&v.last_name),
                                |v, s| set_opt(&mut v.last_name, s),
                            )}
                        {b
                            .date(
                                "birth_date",
                                "record.birth_date",
                                |v| v.birth_date,
                                |v, d| v.birth_date = d,
                            )}
                        {b
                            .text(
                                "company_name",
                                "record.company_name",
                                "text",
                                |v| opt_text(&v.company_name),
                                |v, s| set_opt(&mut v.company_name, s),
                            )}
                        {b
                            .text(
                                "siret",
                                "record.siret",
                                "text",
                                |v| opt_text(&v.siret),
                                |v, s| set_opt(&mut v.siret, s),
                            )}
                    </div>
                </section>
                <section class="form-group" aria-labelledby="contact-details">
                    <h3 id="contact-details">{tr("record.contact_details")}</h3>
                    <div class="grid">
                        {b
                            .text(
                                "email",
                                "record.email",
                                "email",
                                |v| opt_text(&v.email),
                                |v, s| set_opt(&mut v.email, s),
                            )}
                        {b
                            .text(
                                "mobile_phone",
                                "record.mobile_phone",
                                "tel",
                                |v| opt_text(&v.mobile_phone),
                                |v, s| set_opt(&mut v.mobile_phone, s),
                            )}
                        {b
                            .text(
                                "landline_phone",
                                "record.landline_phone",
                                "tel",
                                |v| opt_text(&v.landline_phone),
                                |v, s| set_opt(&mut v.landline_phone, s),
                            )}
                        {b
                            .text(
                                "street",
                                "record.street",
                                "text",
                                |v| opt_text(&v.street),
                                |v, s| set_opt(&mut v.street, s),
                            )}
                        {b
                            .text(
                                "postal_code",
                                "record.postal_code",
                                "text",
                                |v| opt_text(&v.postal_code),
                                |v, s| set_opt(&mut v.postal_code, s),
                            )}
                        {b
                            .text(
                                "city",
                                "record.city",
                                "text",
                                |v| opt_text(&v.city),
                                |v, s| set_opt(&mut v.city, s),
                            )}
                    </div>
                </section>
                <section class="form-group" aria-labelledby="contact-follow">
                    <h3 id="contact-follow">{tr("record.follow_up")}</h3>
                    <div class="grid">
                        {b
                            .select(
                                "status",
                                "record.status",
                                || enum_choices(
                                    ContactStatus::ALL,
                                    ContactStatus::as_str,
                                    ContactStatus::label_fr,
                                ),
                                Some("record.none"),
                                |v| v.status.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                                |v, s| v.status = ContactStatus::parse(&s),
                            )}
                        {b
                            .select(
                                "assigned_to",
                                "record.assigned_to",
                                move || {
                                    let current = form.with_untracked(|f| f.value.assigned_to.clone());
                                    users.with(|u| user_choices(u, current.as_deref()))
                                },
                                Some("record.assigned_default"),
                                |v| opt_text(&v.assigned_to),
                                |v, s| set_opt(&mut v.assigned_to, s),
                            )}
                        {b
                            .text(
                                "supplier",
                                "record.supplier",
                                "text",
                                |v| opt_text(&v.supplier),
                                |v, s| set_opt(&mut v.supplier, s),
                            )}
                        {b
                            .euros(
                                "lead_cost_cents",
                                "record.lead_cost",
                                |v| v.lead_cost_cents,
                                |v, c| v.lead_cost_cents = c,
                            )}
                        {b
                            .date(
                                "lead_purchased_on",
                                "record.lead_purchased_on",
                                |v| v.lead_purchased_on,
                                |v, d| v.lead_purchased_on = d,
                            )}
                    </div>
                </section>
                <section class="form-group" aria-labelledby="contact-basis">
                    <h3 id="contact-basis">{tr("record.lawful_basis_title")}</h3>
                    <div class="grid">
                        {b
                            .select(
                                "lawful_basis",
                                "record.lawful_basis",
                                || enum_choices(
                                    LawfulBasis::ALL,
                                    LawfulBasis::as_str,
                                    LawfulBasis::label_fr,
                                ),
                                Some("record.none"),
                                |v| {
                                    v.lawful_basis.map(|c| c.as_str().to_owned()).unwrap_or_default()
                                },
                                |v, s| v.lawful_basis = LawfulBasis::parse(&s),
                            )}
                        {b
                            .text(
                                "lawful_basis_source",
                                "record.lawful_basis_source",
                                "text",
                                |v| opt_text(&v.lawful_basis_source),
                                |v, s| set_opt(&mut v.lawful_basis_source, s),
                            )}
                    </div>
                    {b
                        .textarea(
                            "comment",
                            "record.comment",
                            |v| opt_text(&v.comment),
                            |v, s| set_opt(&mut v.comment, s),
                        )}
                </section>
                {children.map(|c| c())}
                <FormStatus message=message saved=status_saved />
                <div class="form-actions">
                    <button
                        type="submit"
                        class="btn btn-primary"
                        data-testid="contact-save"
                        disabled=pending
                    >
                        {move || if pending() { t("record.saving") } else { t("record.save") }}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}
