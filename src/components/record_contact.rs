//! The contact's own forms and sections: identity and address, household, consents
//! and the right to object, its projects and contracts.

use crate::api::{self, ApiError};
use crate::components::form::tr;
use crate::components::form::{
    dated_validator, opt_text, premium_text, set_opt, Binder, FormState, FormStatus, Tasks,
    Validator,
};
use crate::components::record::{enum_choices, fr_date, fr_datetime, user_choices, user_name};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use leptos_router::components::A;
use oubli_domain::{
    Civility, Consent, ConsentInput, ConsentPurpose, Contact, ContactDetail, ContactInput,
    ContactStatus, FieldErrors, HouseholdMember, HouseholdMemberInput, LawfulBasis,
    OppositionChannel, OppositionInput, Relation, UserSummary,
};
use std::sync::Arc;

/// The domain's contact validator, as the form runs it on every keystroke.
pub fn contact_validator() -> Validator<ContactInput> {
    dated_validator(ContactInput::normalize, ContactInput::validate)
}

/// A new, empty contact form.
pub fn contact_form_state(value: ContactInput) -> FormState<ContactInput> {
    FormState::new(value, contact_validator())
}

/// Household member validator with its messages under `household.` (the form's names).
pub fn household_validator() -> Validator<HouseholdMemberInput> {
    Arc::new(|m: &HouseholdMemberInput| {
        let mut m = m.clone();
        m.normalize();
        prefixed(
            "household",
            m.validate(crate::components::form::today())
                .err()
                .unwrap_or_default(),
        )
    })
}

/// Household rows of the creation page: messages under `household.<i>.`.
pub fn household_rows_validator() -> Validator<Vec<HouseholdMemberInput>> {
    Arc::new(|rows: &Vec<HouseholdMemberInput>| {
        let mut all = FieldErrors::new();
        for (i, m) in rows.iter().enumerate() {
            let mut m = m.clone();
            m.normalize();
            if let Err(e) = m.validate(crate::components::form::today()) {
                all.extend(prefixed(&format!("household.{i}"), e));
            }
        }
        all
    })
}

/// Puts `prefix.` before every field name.
pub fn prefixed(prefix: &str, errors: FieldErrors) -> FieldErrors {
    errors
        .into_iter()
        .map(|(k, v)| (format!("{prefix}.{k}"), v))
        .collect()
}

/// An [`ApiError`] whose field names get `prefix.`.
pub fn prefixed_error(prefix: &str, e: &ApiError) -> ApiError {
    ApiError {
        fields: prefixed(prefix, e.fields.clone()),
        ..e.clone()
    }
}

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

/// Household members: list, add, edit, delete.
#[component]
pub fn HouseholdSection(
    contact_id: String,
    #[prop(into)] members: Signal<Vec<HouseholdMember>>,
    #[prop(into)] readonly: Signal<bool>,
    /// Called after any change, so the page reloads the record.
    on_changed: Callback<()>,
) -> impl IntoView {
    let form = RwSignal::new(FormState::new(
        HouseholdMemberInput::default(),
        household_validator(),
    ));
    // `None`: closed; `Some(None)`: adding; `Some(Some(id))`: editing that member.
    let editing = RwSignal::new(None::<Option<String>>);
    let row_error = RwSignal::new(None::<String>);
    let b = Binder::new(form, "hh");
    let tasks = Tasks::new();
    let cid = StoredValue::new(contact_id);

    let save = move |_| {
        let ok = form.try_update(|f| f.submit()).unwrap_or(false);
        if !ok {
            return;
        }
        let mut input = form.with_untracked(|f| f.value.clone());
        input.normalize();
        let target = editing.get_untracked().flatten();
        form.update(|f| f.pending = true);
        tasks.spawn(async move {
            let id = cid.get_value();
            let r = match &target {
                Some(m) => api::household::update(&id, m, &input).await,
                None => api::household::create(&id, &input).await,
            };
            match r {
                Ok(_) => {
                    form.update(|f| f.reset(HouseholdMemberInput::default()));
                    editing.set(None);
                    on_changed.run(());
                }
                Err(e) => form.update(|f| f.failed(&prefixed_error("household", &e))),
            }
        });
    };
    let remove = move |member: String| {
        row_error.set(None);
        tasks.spawn(async move {
            match api::household::delete(&cid.get_value(), &member).await {
                Ok(()) => on_changed.run(()),
                Err(e) => row_error.set(Some(e.message)),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="household-title">
            <div class="card-head">
                <h2 id="household-title">{tr("record.household")}</h2>
                <button
                    type="button"
                    class="btn btn-small"
                    data-testid="household-add"
                    disabled=move || readonly.get()
                    on:click=move |_| {
                        form.update(|f| f.reset(HouseholdMemberInput::default()));
                        editing.set(Some(None));
                    }
                >
                    {tr("record.household_add")}
                </button>
            </div>
            {move || {
                let list = members.get();
                if list.is_empty() {
                    view! { <p class="muted">{tr("record.household_empty")}</p> }
                        .into_any()
                } else {
                    view! {
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr("record.name")}</th>
                                    <th scope="col">{tr("record.relation")}</th>
                                    <th scope="col">{tr("record.birth_date")}</th>
                                    <th scope="col">
                                        <span class="sr-only">{tr("record.actions")}</span>
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|m| {
                                        let f = m.fields.clone();
                                        let name = format!(
                                            "{} {}",
                                            opt_text(&f.first_name),
                                            opt_text(&f.last_name),
                                        );
                                        let rel = f.relation;
                                        let id_edit = m.id.clone();
                                        let id_del = m.id.clone();
                                        let fields = f.clone();
                                        view! {
                                            <tr data-testid="household-row">
                                                <td>{name}</td>
                                                <td>{move || rel.map(|r| msg(r.label_fr())).unwrap_or_default()}</td>
                                                <td>{f.birth_date.map(fr_date).unwrap_or_default()}</td>
                                                <td class="row-actions">
                                                    <button
                                                        type="button"
                                                        class="btn btn-small btn-ghost"
                                                        data-testid="household-edit"
                                                        disabled=move || readonly.get()
                                                        on:click=move |_| {
                                                            form.update(|s| s.reset(fields.clone()));
                                                            editing.set(Some(Some(id_edit.clone())));
                                                        }
                                                    >
                                                        {tr("record.edit")}
                                                    </button>
                                                    <button
                                                        type="button"
                                                        class="btn btn-small btn-ghost"
                                                        data-testid="household-delete"
                                                        disabled=move || readonly.get()
                                                        on:click=move |_| remove(id_del.clone())
                                                    >
                                                        {tr("record.remove")}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                        .into_any()
                }
            }}
            {move || row_error.get().map(|m| view! { <p class="form-error" role="alert">{move || msg(&m)}</p> })}
            <Show when=move || editing.get().is_some() && !readonly.get()>
                <form
                    class="subform"
                    novalidate
                    data-testid="household-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save(());
                    }
                >
                    <div class="grid">
                        {b
                            .text(
                                "household.first_name",
                                "record.first_name",
                                "text",
                                |v| opt_text(&v.first_name),
                                |v, s| set_opt(&mut v.first_name, s),
                            )}
                        {b
                            .text(
                                "household.last_name",
                                "record.last_name",
                                "text",
                                |v| opt_text(&v.last_name),
                                |v, s| set_opt(&mut v.last_name, s),
                            )}
                        {b
                            .select(
                                "household.relation",
                                "record.relation",
                                || enum_choices(Relation::ALL, Relation::as_str, Relation::label_fr),
                                Some("record.none"),
                                |v| v.relation.map(|r| r.as_str().to_owned()).unwrap_or_default(),
                                |v, s| v.relation = Relation::parse(&s),
                            )}
                        {b
                            .date(
                                "household.birth_date",
                                "record.birth_date",
                                |v| v.birth_date,
                                |v, d| v.birth_date = d,
                            )}
                    </div>
                    <FormStatus message=Signal::derive(move || form.with(|f| f.message.clone())) />
                    <div class="form-actions">
                        <button
                            type="button"
                            class="btn"
                            on:click=move |_| editing.set(None)
                        >
                            {tr("record.cancel")}
                        </button>
                        <button
                            type="submit"
                            class="btn btn-primary"
                            data-testid="household-save"
                            disabled=move || form.with(|f| f.pending)
                        >
                            {tr("record.save")}
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// Household rows of the creation page (optional, any number).
pub fn household_rows(form: RwSignal<FormState<Vec<HouseholdMemberInput>>>) -> impl IntoView {
    let b = Binder::new(form, "new-hh");
    let len = Memo::new(move |_| form.with(|f| f.value.len()));
    let row = move |i: usize| {
        view! {
            <div class="person-row" data-testid="household-row">
                {b
                    .text(
                        format!("household.{i}.first_name"),
                        "record.first_name",
                        "text",
                        move |v| v.get(i).map(|m| opt_text(&m.first_name)).unwrap_or_default(),
                        move |v, s| {
                            if let Some(m) = v.get_mut(i) {
                                set_opt(&mut m.first_name, s)
                            }
                        },
                    )}
                {b
                    .text(
                        format!("household.{i}.last_name"),
                        "record.last_name",
                        "text",
                        move |v| v.get(i).map(|m| opt_text(&m.last_name)).unwrap_or_default(),
                        move |v, s| {
                            if let Some(m) = v.get_mut(i) {
                                set_opt(&mut m.last_name, s)
                            }
                        },
                    )}
                {b
                    .select(
                        format!("household.{i}.relation"),
                        "record.relation",
                        || enum_choices(Relation::ALL, Relation::as_str, Relation::label_fr),
                        Some("record.none"),
                        move |v| {
                            v.get(i)
                                .and_then(|m| m.relation)
                                .map(|r| r.as_str().to_owned())
                                .unwrap_or_default()
                        },
                        move |v, s| {
                            if let Some(m) = v.get_mut(i) {
                                m.relation = Relation::parse(&s)
                            }
                        },
                    )}
                {b
                    .date(
                        format!("household.{i}.birth_date"),
                        "record.birth_date",
                        move |v| v.get(i).and_then(|m| m.birth_date),
                        move |v, d| {
                            if let Some(m) = v.get_mut(i) {
                                m.birth_date = d
                            }
                        },
                    )}
                <button
                    type="button"
                    class="btn btn-small btn-ghost row-remove"
                    data-testid="household-remove"
                    on:click=move |_| {
                        form.update(|f| {
                            f.list_changed(
                                "household",
                                |v| {
                                    if i < v.len() {
                                        v.remove(i);
                                    }
                                },
                            )
                        })
                    }
                >
                    {tr("record.remove")}
                </button>
            </div>
        }
    };
    view! {
        <section class="form-group" aria-labelledby="new-household">
            <h3 id="new-household">{tr("record.household")}</h3>
            <p class="muted">{tr("record.household_optional")}</p>
            {move || (0..len.get()).map(row).collect_view()}
            <button
                type="button"
                class="btn btn-small"
                data-testid="household-add"
                on:click=move |_| {
                    form.update(|f| f.list_changed("household", |v| v.push(Default::default())))
                }
            >
                {tr("record.household_add")}
            </button>
        </section>
    }
}

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
        if !form.try_update(|f| f.submit()).unwrap_or(false) {
            return;
        }
        let input = form.with_untracked(|f| f.value.clone());
        form.update(|f| f.pending = true);
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
                                        <th scope="col">{tr("record.proof")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .rev()
                                        .map(|c| {
                                            let granted = c.granted;
                                            let purpose = c.purpose;
                                            let by = who(&c);
                                            let mut proof = Vec::new();
                                            if let Some(v) = &c.cgu_version_id {
                                                proof.push(format!("CGU {v}"));
                                            }
                                            if let Some(h) = &c.cgu_sha256 {
                                                proof.push(format!("SHA-256 {}…", &h[..h.len().min(12)]));
                                            }
                                            if let Some(l) = &c.checkbox_label {
                                                proof.push(format!("« {l} »"));
                                            }
                                            if let Some(p) = &c.origin_page {
                                                proof.push(p.clone());
                                            }
                                            if let Some(ip) = &c.ip {
                                                proof.push(format!("IP {ip}"));
                                            }
                                            view! {
                                                <tr data-testid="consent-row">
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
                                                    <td class="proof">{proof.join(" · ")}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
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

/// The contact's projects, with "Nouveau projet".
#[component]
pub fn ProjectsList(
    #[prop(into)] detail: Signal<Option<ContactDetail>>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
) -> impl IntoView {
    view! {
        {move || {
            let projects = detail.with(|d| d.as_ref().map(|d| d.projects.clone()).unwrap_or_default());
            if projects.is_empty() {
                view! { <p class="muted">{tr("record.no_projects")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr("record.type")}</th>
                                    <th scope="col">{tr("record.status")}</th>
                                    <th scope="col">{tr("record.supplier")}</th>
                                    <th scope="col">{tr("record.assigned_to")}</th>
                                    <th scope="col">{tr("record.created_at")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {projects
                                    .into_iter()
                                    .map(|p| {
                                        let href = format!("/projects/{}", p.id);
                                        let kind = p.kind;
                                        let status = p.status;
                                        let who = users.with(|u| user_name(u, p.assigned_to.as_deref()));
                                        view! {
                                            <tr data-testid="project-row">
                                                <td>
                                                    <A href=href>{move || msg(kind.label_fr())}</A>
                                                </td>
                                                <td>
                                                    <span class="badge">{move || msg(status.label_fr())}</span>
                                                </td>
                                                <td>{p.supplier.clone().unwrap_or_default()}</td>
                                                <td>{who}</td>
                                                <td>{fr_date(p.created_at.date_naive())}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        }}
    }
}

/// Contracts (of a contact, or of a project).
#[component]
pub fn ContractsList(
    #[prop(into)] contracts: Signal<Vec<oubli_domain::Contract>>,
) -> impl IntoView {
    view! {
        {move || {
            let list = contracts.get();
            if list.is_empty() {
                view! { <p class="muted">{tr("record.no_contracts")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr("record.insurer")}</th>
                                    <th scope="col">{tr("record.product")}</th>
                                    <th scope="col" class="num">{tr("record.monthly_premium")}</th>
                                    <th scope="col">{tr("record.start_date")}</th>
                                    <th scope="col">{tr("record.status")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|k| {
                                        let href = format!("/contracts/{}", k.id);
                                        let status = k.status;
                                        view! {
                                            <tr data-testid="contract-row">
                                                <td>
                                                    <A href=href>{k.insurer.clone()}</A>
                                                </td>
                                                <td>{k.product.clone().unwrap_or_default()}</td>
                                                <td class="num">{premium_text(k.monthly_premium_cents)}</td>
                                                <td>{k.start_date.map(fr_date).unwrap_or_default()}</td>
                                                <td>
                                                    <span class="badge">{move || msg(status.label_fr())}</span>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        }}
    }
}
