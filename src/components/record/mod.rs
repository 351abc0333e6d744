//! Pieces shared by the contact, project and contract pages: loading a record and
//! framing its page ([`frame`]), masking of NIR and IBAN ([`masks`]), the read-only
//! banner of anonymized records, the erasure buttons at the bottom of a page (shown
//! per the permission matrix), rows of persons.

pub mod frame;
pub mod masks;

pub use crate::session::actor_of;
pub use frame::{use_record, Phase, Record, RecordFrame};
pub use masks::{group4, mask_iban, mask_nir, masked_or, Masks};

use crate::components::form::tr;
use crate::components::form::{Binder, FormState};
use crate::i18n::msg;
use crate::session::Session;
use leptos::prelude::*;
use oubli_domain::perm::{decide, Action, Actor, Decision, Owner};
use oubli_domain::{PersonInput, User, UserSummary};

/// Who owns a record assigned to `assigned_to`, with that user's team.
pub fn owner_of(user: &User, assigned_to: Option<&str>, users: &[UserSummary]) -> Owner {
    Owner {
        cabinet_id: user.cabinet_id.clone(),
        assigned_to: assigned_to.map(str::to_owned),
        team_id: assigned_to
            .and_then(|a| users.iter().find(|u| u.id == a))
            .and_then(|u| u.team_id.clone()),
    }
}

/// Which erasure buttons a user gets on a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErasureRights {
    /// Administrateur, Suppléant: Anonymiser, Supprimer.
    Erase,
    /// Chef d'équipe, Commercial: Demander l'anonymisation / la suppression.
    Request,
    None,
}

pub fn erasure_rights(actor: &Actor, owner: &Owner) -> ErasureRights {
    if decide(actor, Action::Erase, Some(owner)) == Decision::Allow {
        ErasureRights::Erase
    } else if decide(actor, Action::RequestErasure, Some(owner)) == Decision::Allow {
        ErasureRights::Request
    } else {
        ErasureRights::None
    }
}

/// The erasure buttons the session's user gets on a record assigned to `assigned_to`
/// (tracked: the session and the cabinet's users, which name the owner's team).
pub fn rights_on(
    session: Session,
    users: RwSignal<Vec<UserSummary>>,
    assigned_to: Option<&str>,
) -> ErasureRights {
    let Some(user) = session.user() else {
        return ErasureRights::None;
    };
    users.with(|u| erasure_rights(&actor_of(&user), &owner_of(&user, assigned_to, u)))
}

/// A record page, built anew for each record: `page` gets the id of the path, and runs
/// again when the user goes from one record to another of the same kind.
pub fn per_record(page: fn(String) -> AnyView) -> impl IntoView {
    let id = crate::route_param();
    move || page(id.get())
}

/// The name of a user id, or the id itself when unknown.
pub fn user_name(users: &[UserSummary], id: Option<&str>) -> String {
    match id {
        None => String::new(),
        Some(id) => users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_owned()),
    }
}

/// Choices for an assignee `<select>`: active users, plus the current one.
pub fn user_choices(users: &[UserSummary], current: Option<&str>) -> Vec<(String, String)> {
    users
        .iter()
        .filter(|u| u.active || Some(u.id.as_str()) == current)
        .map(|u| {
            (
                u.id.clone(),
                format!("{} ({})", u.name, msg(u.role.label_fr())),
            )
        })
        .collect()
}

/// Says why a record cannot be changed.
#[component]
pub fn ReadonlyBanner(#[prop(into)] when: Signal<bool>) -> impl IntoView {
    view! {
        <Show when=move || when.get()>
            <div class="banner banner-readonly" role="note" data-testid="readonly-banner">
                <strong>{tr("record.anonymized_title")}</strong>
                <span>{tr("record.anonymized_body")}</span>
            </div>
        </Show>
    }
}

/// A card listing a record's projects or contracts (`children`) under its title, with
/// the "Nouveau …" button that opens the creation form (`form`) above the list.
#[component]
pub fn NewRecordCard(
    /// Id of the title, named by the section's `aria-labelledby`.
    title_id: &'static str,
    /// Translation keys of the title and of the button (also the form's heading).
    title: &'static str,
    new_label: &'static str,
    /// `data-testid` of the button.
    new_testid: &'static str,
    #[prop(into)] readonly: Signal<bool>,
    /// Whether the creation form is open; the button opens it after `on_open`.
    open: RwSignal<bool>,
    /// Prepares a fresh form before it opens.
    on_open: Callback<()>,
    #[prop(into)] form: ViewFn,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby=title_id>
            <div class="card-head">
                <h2 id=title_id>{tr(title)}</h2>
                <button
                    type="button"
                    class="btn btn-small btn-primary"
                    data-testid=new_testid
                    disabled=move || readonly.get()
                    on:click=move |_| {
                        on_open.run(());
                        open.set(true);
                    }
                >
                    {tr(new_label)}
                </button>
            </div>
            <Show when=move || open.get()>
                <div class="subform">
                    <h3>{tr(new_label)}</h3>
                    {form.run()}
                </div>
            </Show>
            {children()}
        </section>
    }
}

/// Rows of persons (beneficiaries of a project, insured persons of a contract):
/// first name, last name, birth date, each with a remove button.
pub fn person_rows<T: Send + Sync + 'static>(
    binder: Binder<T>,
    list: &'static str,
    add_testid: &'static str,
    add_label: &'static str,
    rows: fn(&T) -> &Option<Vec<PersonInput>>,
    rows_mut: fn(&mut T) -> &mut Option<Vec<PersonInput>>,
) -> impl IntoView {
    let form: RwSignal<FormState<T>> = binder.form;
    let len = Memo::new(move |_| form.with(|f| rows(&f.value).as_ref().map_or(0, Vec::len)));
    let row = move |i: usize| {
        let get = move |v: &T, f: fn(&PersonInput) -> String| {
            rows(v)
                .as_ref()
                .and_then(|r| r.get(i))
                .map(f)
                .unwrap_or_default()
        };
        let set = move |v: &mut T, f: fn(&mut PersonInput, String), s: String| {
            if let Some(p) = rows_mut(v).as_mut().and_then(|r| r.get_mut(i)) {
                f(p, s);
            }
        };
        view! {
            <div class="person-row" data-testid=format!("{list}-row")>
                {binder
                    .text(
                        format!("{list}.{i}.first_name"),
                        "record.first_name",
                        "text",
                        move |v| get(v, |p| p.first_name.clone().unwrap_or_default()),
                        move |v, s| set(v, |p, s| crate::components::form::set_opt(&mut p.first_name, s), s),
                    )}
                {binder
                    .text(
                        format!("{list}.{i}.last_name"),
                        "record.last_name",
                        "text",
                        move |v| get(v, |p| p.last_name.clone().unwrap_or_default()),
                        move |v, s| set(v, |p, s| crate::components::form::set_opt(&mut p.last_name, s), s),
                    )}
                {binder
                    .date(
                        format!("{list}.{i}.birth_date"),
                        "record.birth_date",
                        move |v| rows(v).as_ref().and_then(|r| r.get(i)).and_then(|p| p.birth_date),
                        move |v, d| {
                            if let Some(p) = rows_mut(v).as_mut().and_then(|r| r.get_mut(i)) {
                                p.birth_date = d;
                            }
                        },
                    )}
                <button
                    type="button"
                    class="btn btn-small btn-ghost row-remove"
                    data-testid=format!("{list}-remove")
                    on:click=move |_| {
                        form.update(|f| {
                            f.list_changed(
                                list,
                                |v| {
                                    if let Some(r) = rows_mut(v).as_mut() {
                                        if i < r.len() {
                                            r.remove(i);
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
        <div class="rows">
            {move || (0..len.get()).map(row).collect_view()}
            <button
                type="button"
                class="btn btn-small"
                data-testid=add_testid
                on:click=move |_| {
                    form.update(|f| {
                        f.list_changed(list, |v| rows_mut(v).get_or_insert_with(Vec::new).push(PersonInput::default()))
                    })
                }
            >
                {tr(add_label)}
            </button>
        </div>
    }
}

/// Translated labels of a closed list of codes (the French label is the key of
/// `messages.json`).
pub fn enum_choices<E: Copy>(
    all: &[E],
    code: fn(E) -> &'static str,
    label: fn(E) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|e| (code(*e).to_owned(), msg(label(*e))))
        .collect()
}

/// A French date ("29/11/2026").
pub fn fr_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// A French date and time in the browser's time zone.
pub fn fr_datetime(d: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    let d = d.with_timezone(&chrono::Local);
    format!(
        "{} {:02}:{:02}",
        fr_date(d.date_naive()),
        d.hour(),
        d.minute()
    )
}
