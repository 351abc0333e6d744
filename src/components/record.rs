//! Pieces shared by the contact, project and contract pages: masking of NIR and
//! IBAN, the read-only banner of anonymized records, the erasure buttons at the
//! bottom of a page (shown per the permission matrix), rows of persons.

use crate::components::form::tr;
use crate::components::form::{Binder, FormState};
use crate::i18n::msg;
use leptos::prelude::*;
use oubli_domain::perm::{decide, Action, Actor, Decision, Owner};
use oubli_domain::{PersonInput, User, UserSummary};
use std::collections::BTreeSet;

/// Bullet used for hidden characters.
const DOT: char = '•';

/// Shows an IBAN as "FR76 •••• •••• 0189": the country and check digits, then only
/// the last four characters. Anything shorter than 9 characters is hidden entirely.
pub fn mask_iban(iban: &str) -> String {
    let c: Vec<char> = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.is_empty() {
        return String::new();
    }
    if c.len() < 9 {
        return DOT.to_string().repeat(4);
    }
    let head: String = c[..4].iter().collect();
    let tail: String = c[c.len() - 4..].iter().collect();
    format!("{head} {d} {d} {tail}", d = DOT.to_string().repeat(4))
}

/// Shows a NIR as "• •• •• •• ••• ••• 84": only the two-digit key stays visible,
/// in the usual grouping (sex, year, month, department, commune, order, key).
pub fn mask_nir(nir: &str) -> String {
    let c: Vec<char> = nir
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.is_empty() {
        return String::new();
    }
    if c.len() < 6 {
        return DOT.to_string().repeat(4);
    }
    let tail: String = c[c.len() - 2..].iter().collect();
    let hidden = c.len() - 2;
    // Standard groups 1-2-2-2-3-3 over the hidden part.
    let mut out = String::new();
    let mut left = hidden;
    for g in [1usize, 2, 2, 2, 3, 3] {
        if left == 0 {
            break;
        }
        let n = g.min(left);
        out.push_str(&DOT.to_string().repeat(n));
        out.push(' ');
        left -= n;
    }
    if left > 0 {
        out.push_str(&DOT.to_string().repeat(left));
        out.push(' ');
    }
    out.push_str(&tail);
    out
}

/// Groups an IBAN by four for reading ("FR76 3000 6000 …").
pub fn group4(s: &str) -> String {
    let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    c.chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which saved values are still masked on a page, by field name
/// (`subscriptions.0.iban`, `nir`). Revealing is per field and lasts until the
/// record is reloaded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Masks(pub BTreeSet<String>);

impl Masks {
    pub fn is_masked(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    pub fn reveal(&mut self, name: &str) {
        self.0.remove(name);
    }

    /// Row `index` of `list` was removed: later rows move up by one.
    pub fn row_removed(&mut self, list: &str, index: usize) {
        let prefix = format!("{list}.");
        self.0 = std::mem::take(&mut self.0)
            .into_iter()
            .filter_map(|name| {
                let Some(rest) = name.strip_prefix(&prefix) else {
                    return Some(name);
                };
                let (i, field) = rest.split_once('.')?;
                let i: usize = i.parse().ok()?;
                match i.cmp(&index) {
                    std::cmp::Ordering::Less => Some(name),
                    std::cmp::Ordering::Equal => None,
                    std::cmp::Ordering::Greater => Some(format!("{list}.{}.{field}", i - 1)),
                }
            })
            .collect();
    }
}

/// A masked value with its "Afficher" button (`reveal-<name>`); once revealed, the
/// `editor` (the input) takes its place.
pub fn masked_or<V: IntoView + 'static>(
    masks: RwSignal<Masks>,
    name: String,
    label: &'static str,
    masked_text: impl Fn() -> String + Send + Sync + 'static,
    editor: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let n = name.clone();
    move || {
        if masks.with(|m| m.is_masked(&n)) {
            let n2 = n.clone();
            let id = format!("masked-{}", n.replace('.', "-"));
            let text = masked_text();
            view! {
                <div class="field">
                    <span class="label" id=id.clone()>{tr(label)}</span>
                    <div class="masked">
                        <span
                            class="masked-value"
                            aria-labelledby=id
                            data-testid=format!("masked-{n}")
                        >
                            {text}
                        </span>
                        <button
                            type="button"
                            class="btn btn-small"
                            data-testid=format!("reveal-{n}")
                            on:click=move |_| masks.update(|m| m.reveal(&n2))
                        >
                            {tr("record.reveal")}
                        </button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            editor().into_any()
        }
    }
}

/// The actor as the permission matrix knows it.
pub fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id.clone(),
        cabinet_id: user.cabinet_id.clone(),
        team_id: user.team_id.clone(),
        role: user.role,
    }
}

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
