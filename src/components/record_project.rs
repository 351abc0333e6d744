//! The project form: type, status, supplier, assignee, comment, beneficiaries and
//! subscriptions (NIR and IBAN masked until asked for). Used to create a project from
//! the contact page and to edit it on the project page.

use crate::components::form::tr;
use crate::components::form::{
    dated_validator, opt_text, set_opt, Binder, FormState, FormStatus, Validator,
};
use crate::components::record::{
    enum_choices, group4, mask_iban, mask_nir, masked_or, person_rows, user_choices, Masks,
};
use crate::i18n::t;
use leptos::prelude::*;
use oubli_domain::{
    Project, ProjectInput, ProjectStatus, ProjectType, SubscriptionInput, UserSummary,
};

pub fn project_validator() -> Validator<ProjectInput> {
    dated_validator(ProjectInput::normalize, ProjectInput::validate)
}

/// Saved NIR and IBAN values of a project start masked.
pub fn project_masks(p: &Project) -> Masks {
    let mut m = Masks::default();
    for (i, s) in p.subscriptions.iter().enumerate() {
        if s.fields.nir.as_deref().is_some_and(|v| !v.is_empty()) {
            m.0.insert(format!("subscriptions.{i}.nir"));
        }
        if s.fields.iban.as_deref().is_some_and(|v| !v.is_empty()) {
            m.0.insert(format!("subscriptions.{i}.iban"));
        }
    }
    m
}

#[component]
pub fn ProjectForm(
    form: RwSignal<FormState<ProjectInput>>,
    masks: RwSignal<Masks>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    #[prop(into)] readonly: Signal<bool>,
    on_submit: Callback<()>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
    #[prop(into, optional)] saved: Option<Signal<bool>>,
) -> impl IntoView {
    let b = Binder::new(form, "project");
    let pending = move || form.with(|f| f.pending);
    let may_hold_nir =
        Memo::new(move |_| form.with(|f| f.value.kind.is_none_or(ProjectType::may_hold_nir)));
    let subs_len =
        Memo::new(move |_| form.with(|f| f.value.subscriptions.as_ref().map_or(0, Vec::len)));

    let sub_row = move |i: usize| {
        let get = move |v: &ProjectInput, f: fn(&SubscriptionInput) -> &Option<String>| {
            v.subscriptions
                .as_ref()
                .and_then(|s| s.get(i))
                .map(|s| opt_text(f(s)))
                .unwrap_or_default()
        };
        let set = move |v: &mut ProjectInput,
                        f: fn(&mut SubscriptionInput) -> &mut Option<String>,
                        s: String| {
            if let Some(x) = v.subscriptions.as_mut().and_then(|l| l.get_mut(i)) {
                set_opt(f(x), s);
            }
        };
        let nir_name = format!("subscriptions.{i}.nir");
        let iban_name = format!("subscriptions.{i}.iban");
        let show_nir =
            move || may_hold_nir.get() || form.with(|f| !get(&f.value, |s| &s.nir).is_empty());
        view! {
            <div class="sub-row" data-testid="subscription-row">
                <Show when=show_nir>
                    {masked_or(
                        masks,
                        nir_name.clone(),
                        "record.nir",
                        move || form.with_untracked(|f| mask_nir(&get(&f.value, |s| &s.nir))),
                        move || {
                            b.text(
                                format!("subscriptions.{i}.nir"),
                                "record.nir",
                                "text",
                                move |v| get(v, |s| &s.nir),
                                move |v, s| set(v, |x| &mut x.nir, s),
                            )
                        },
                    )}
                </Show>
                {b
                    .text(
                        format!("subscriptions.{i}.code_organisme"),
                        "record.code_organisme",
                        "text",
                        move |v| get(v, |s| &s.code_organisme),
                        move |v, s| set(v, |x| &mut x.code_organisme, s),
                    )}
                {masked_or(
                    masks,
                    iban_name.clone(),
                    "record.iban",
                    move || form.with_untracked(|f| mask_iban(&get(&f.value, |s| &s.iban))),
                    move || {
                        b.text(
                            format!("subscriptions.{i}.iban"),
                            "record.iban",
                            "text",
                            move |v| get(v, |s| &s.iban),
                            move |v, s| set(v, |x| &mut x.iban, s),
                        )
                    },
                )}
                {b
                    .text(
                        format!("subscriptions.{i}.bic"),
                        "record.bic",
                        "text",
                        move |v| get(v, |s| &s.bic),
                        move |v, s| set(v, |x| &mut x.bic, s),
                    )}
                <button
                    type="button"
                    class="btn btn-small btn-ghost row-remove"
                    data-testid="subscription-remove"
                    on:click=move |_| {
                        masks.update(|m| m.row_removed("subscriptions", i));
                        form.update(|f| {
                            f.list_changed(
                                "subscriptions",
                                |v| {
                                    if let Some(s) = v.subscriptions.as_mut() {
                                        if i < s.len() {
                                            s.remove(i);
                                        }
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
        <form
            class="record-form"
            novalidate
            data-testid="project-form"
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            <fieldset class="plain" prop:disabled=move || readonly.get()>
                <div class="grid">
                    {b
                        .select(
                            "type",
                            "record.type",
                            || enum_choices(ProjectType::ALL, ProjectType::as_str, ProjectType::label_fr),
                            Some("record.choose"),
                            |v| v.kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
                            |v, s| v.kind = ProjectType::parse(&s),
                        )}
                    {b
                        .select(
                            "status",
                            "record.status",
                            || enum_choices(
                                ProjectStatus::ALL,
                                ProjectStatus::as_str,
                                ProjectStatus::label_fr,
                            ),
                            None,
                            |v| {
                                v.status
                                    .unwrap_or(ProjectStatus::Nouveau)
                                    .as_str()
                                    .to_owned()
                            },
                            |v, s| v.status = ProjectStatus::parse(&s),
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
                        .select(
                            "assigned_to",
                            "record.assigned_to",
                            move || {
                                let current = form.with_untracked(|f| f.value.assigned_to.clone());
                                users.with(|u| user_choices(u, current.as_deref()))
                            },
                            Some("record.assigned_contact"),
                            |v| opt_text(&v.assigned_to),
                            |v, s| set_opt(&mut v.assigned_to, s),
                        )}
                </div>
                {b
                    .textarea(
                        "comment",
                        "record.comment",
                        |v| opt_text(&v.comment),
                        |v, s| set_opt(&mut v.comment, s),
                    )}
                <section class="form-group" aria-labelledby="beneficiaries-title">
                    <h3 id="beneficiaries-title">{tr("record.beneficiaries")}</h3>
                    {person_rows(
                        b,
                        "beneficiaries",
                        "beneficiary-add",
                        "record.beneficiary_add",
                        |v| &v.beneficiaries,
                        |v| &mut v.beneficiaries,
                    )}
                </section>
                <section class="form-group" aria-labelledby="subscriptions-title">
                    <h3 id="subscriptions-title">{tr("record.subscriptions")}</h3>
                    <p class="muted small">{tr("record.subscriptions_help")}</p>
                    <div class="rows">
                        {move || (0..subs_len.get()).map(sub_row).collect_view()}
                        <button
                            type="button"
                            class="btn btn-small"
                            data-testid="subscription-add"
                            on:click=move |_| {
                                form.update(|f| {
                                    f.list_changed(
                                        "subscriptions",
                                        |v| {
                                            v.subscriptions
                                                .get_or_insert_with(Vec::new)
                                                .push(SubscriptionInput::default())
                                        },
                                    )
                                })
                            }
                        >
                            {tr("record.subscription_add")}
                        </button>
                    </div>
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
                        data-testid="project-save"
                        disabled=pending
                    >
                        {move || if pending() { t("record.saving") } else { t("record.save") }}
                    </button>
                </div>
            </fieldset>
        </form>
    }
}

/// An IBAN for reading, grouped by four (used once revealed in read-only views).
pub fn iban_display(s: &str) -> String {
    group4(s)
}
