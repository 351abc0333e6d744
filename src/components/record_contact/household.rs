//! The household: the members of a contact's household on its page, and the rows
//! of the creation page.

use super::{prefixed, prefixed_error};
use crate::api;
use crate::components::form::tr;
use crate::components::form::{opt_text, set_opt, Binder, FormState, FormStatus, Tasks, Validator};
use crate::components::record::{enum_choices, fr_date};
use crate::i18n::msg;
use leptos::prelude::*;
use oubli_domain::{FieldErrors, HouseholdMember, HouseholdMemberInput, Relation};
use std::sync::Arc;

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
