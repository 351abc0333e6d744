//! The filter panel of the contacts and projects lists: every filter of API.md, applied
//! on the server. The panel edits a [`FilterState`] (the raw text of its inputs); the
//! domain's `ListQuery::parse` checks it, exactly as the server will, and the checked
//! `Filter` writes the query string, so the browser never invents a rule of its own.
//!
//! This file holds the panel and its inputs; [`state`] what they edit and how it goes
//! to and from the address bar and the API's query string.

mod state;

pub use state::{encode_component, query_string, FilterState, ListUrl};

use leptos::prelude::*;
use oubli_domain::filter::Resource;
use oubli_domain::{ContactStatus, FieldErrors, ProjectStatus, ProjectType, UserSummary};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;

use crate::i18n::{msg, t};

/// The statuses a list filters on: contact statuses on /contacts, project statuses
/// on /projects, as `(code, translation key, French label)`.
pub fn status_options(resource: Resource) -> Vec<(&'static str, String, &'static str)> {
    match resource {
        Resource::Contacts => ContactStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    format!("lists.cstatus_{}", s.as_str()),
                    s.label_fr(),
                )
            })
            .collect(),
        Resource::Projects => ProjectStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    format!("lists.pstatus_{}", s.as_str()),
                    s.label_fr(),
                )
            })
            .collect(),
    }
}

/// The translated label of a domain code: the locale's entry for `key`, or the
/// domain's French label when no translation exists.
pub fn code_label(key: &str, label_fr: &str) -> String {
    let s = t(key);
    if s == key {
        msg(label_fr)
    } else {
        s
    }
}

/// Values picked in a `<select multiple>`.
fn selected_values(ev: &web_sys::Event) -> Vec<String> {
    let Some(select) = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
    else {
        return Vec::new();
    };
    let options = select.selected_options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|o| o.get_attribute("value"))
        .collect()
}

type Codes = Vec<(&'static str, String, &'static str)>;

/// A `<select multiple>` bound to one list field of the state.
#[component]
fn MultiSelect(
    name: &'static str,
    label_key: &'static str,
    options: Codes,
    draft: RwSignal<FilterState>,
    get: fn(&FilterState) -> &Vec<String>,
    set: fn(&mut FilterState, Vec<String>),
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let size = options.len().min(4);
    let error = move || errors.with(|e| e.get(name).cloned());
    view! {
        <div class="filter-field filter-multi">
            <label for=id.clone()>{move || t(label_key)}</label>
            <select
                id=id.clone()
                multiple
                size=size
                data-testid=id
                aria-invalid=move || error().is_some().to_string()
                on:change=move |ev| {
                    let values = selected_values(&ev);
                    draft.update(|d| set(d, values));
                }
            >
                {options
                    .into_iter()
                    .map(|(code, key, fr)| {
                        view! {
                            <option
                                value=code
                                prop:selected=move || draft.with(|d| get(d).iter().any(|v| v == code))
                            >
                                {move || code_label(&key, fr)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldError error=Signal::derive(error) />
        </div>
    }
}

/// A text or date input bound to one string field of the state.
#[component]
fn TextInput(
    name: &'static str,
    label_key: &'static str,
    #[prop(default = "text")] kind: &'static str,
    draft: RwSignal<FilterState>,
    get: fn(&FilterState) -> &String,
    set: fn(&mut FilterState, String),
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let error = move || errors.with(|e| e.get(name).cloned());
    view! {
        <div class="filter-field">
            <label for=id.clone()>{move || t(label_key)}</label>
            <input
                id=id.clone()
                type=kind
                data-testid=id
                aria-invalid=move || error().is_some().to_string()
                prop:value=move || draft.with(|d| get(d).clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| set(d, v));
                }
            />
            <FieldError error=Signal::derive(error) />
        </div>
    }
}

/// "Any / yes / no" select bound to a tri-state field.
#[component]
fn TriSelect(
    name: &'static str,
    label_key: &'static str,
    draft: RwSignal<FilterState>,
    get: fn(&FilterState) -> &String,
    set: fn(&mut FilterState, String),
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let error = move || errors.with(|e| e.get(name).cloned());
    let option = move |value: &'static str, key: &'static str| {
        view! {
            <option value=value prop:selected=move || draft.with(|d| get(d) == value)>
                {move || t(key)}
            </option>
        }
    };
    view! {
        <div class="filter-field">
            <label for=id.clone()>{move || t(label_key)}</label>
            <select
                id=id.clone()
                data-testid=id
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| set(d, v));
                }
            >
                {option("", "lists.any")}
                {option("true", "lists.yes")}
                {option("false", "lists.no")}
            </select>
            <FieldError error=Signal::derive(error) />
        </div>
    }
}

#[component]
fn FieldError(error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|e| view! { <p class="field-error" role="alert">{msg(&e)}</p> })
    }
}

/// The panel. `on_apply` is called by the Appliquer button (or Enter in any field);
/// `on_reset` by Réinitialiser, after the inputs were emptied.
#[component]
pub fn FilterPanel(
    resource: Resource,
    draft: RwSignal<FilterState>,
    errors: RwSignal<FieldErrors>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
    /// The cabinet's known suppliers, offered in the supplier field.
    #[prop(into)]
    suppliers: Signal<Vec<String>>,
    /// The supplier field got the focus: the time to fetch `suppliers` if not done yet.
    on_supplier_focus: Callback<()>,
    on_apply: Callback<()>,
    on_reset: Callback<()>,
) -> impl IntoView {
    let types: Codes = ProjectType::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                format!("lists.ptype_{}", k.as_str()),
                k.label_fr(),
            )
        })
        .collect();
    let type_label = match resource {
        Resource::Contacts => "lists.filter_type_contacts",
        Resource::Projects => "lists.filter_type",
    };
    let active = move || draft.with(FilterState::active_count);
    // On narrow screens the panel sits above the table and starts folded; on wide ones
    // it is a sidebar and the stylesheet ignores this.
    let expanded = RwSignal::new(false);

    view! {
        <form
            class="filter-panel"
            class:is-collapsed=move || !expanded.get()
            data-testid="filter-panel"
            aria-label=move || t("lists.filters")
            on:submit=move |ev| {
                ev.prevent_default();
                on_apply.run(());
            }
        >
            <div class="filter-head">
                <h2>{move || t("lists.filters")}</h2>
                <button
                    type="button"
                    class="btn btn-small filter-toggle"
                    data-testid="filter-toggle"
                    aria-expanded=move || expanded.get().to_string()
                    aria-controls="filter-fields"
                    on:click=move |_| expanded.update(|e| *e = !*e)
                >
                    {move || if expanded.get() { t("lists.hide_filters") } else { t("lists.show_filters") }}
                </button>
                <span class="filter-count" aria-live="polite">
                    {move || match active() {
                        0 => t("lists.no_filter"),
                        1 => t("lists.one_filter"),
                        n => t("lists.n_filters").replace("{n}", &n.to_string()),
                    }}
                </span>
                <label class="preset">
                    <input
                        type="checkbox"
                        data-testid="filter-preset"
                        prop:checked=move || draft.with(|d| d.retention)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| d.retention = on);
                        }
                    />
                    <span>{move || t("lists.preset_retention")}</span>
                </label>
            </div>
            <div class="filter-grid" id="filter-fields">
                <TextInput
                    name="created_after"
                    label_key="lists.filter_created_after"
                    kind="date"
                    draft errors
                    get=|d| &d.created_after
                    set=|d, v| d.created_after = v
                />
                <TextInput
                    name="created_before"
                    label_key="lists.filter_created_before"
                    kind="date"
                    draft errors
                    get=|d| &d.created_before
                    set=|d, v| d.created_before = v
                />
                <TextInput
                    name="last_interaction_before"
                    label_key="lists.filter_last_interaction_before"
                    kind="date"
                    draft errors
                    get=|d| &d.last_interaction_before
                    set=|d, v| d.last_interaction_before = v
                />
                <div class="filter-field">
                    <label for="filter-supplier">{move || t("lists.filter_supplier")}</label>
                    // Free text (a supplier new to the cabinet can be typed), with the
                    // cabinet's known suppliers offered as the user types.
                    <input
                        id="filter-supplier"
                        type="text"
                        list="filter-supplier-options"
                        autocomplete="off"
                        data-testid="filter-supplier"
                        prop:value=move || draft.with(|d| d.supplier.clone())
                        on:focus=move |_| on_supplier_focus.run(())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.supplier = v);
                        }
                    />
                    <datalist id="filter-supplier-options" data-testid="filter-supplier-options">
                        {move || {
                            suppliers
                                .get()
                                .into_iter()
                                .map(|name| view! { <option value=name></option> })
                                .collect_view()
                        }}
                    </datalist>
                </div>
                <div class="filter-field">
                    <label for="filter-assigned_to">{move || t("lists.filter_assigned_to")}</label>
                    <select
                        id="filter-assigned_to"
                        data-testid="filter-assigned_to"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            draft.update(|d| d.assigned_to = v);
                        }
                    >
                        <option value="" prop:selected=move || draft.with(|d| d.assigned_to.is_empty())>
                            {move || t("lists.anyone")}
                        </option>
                        {move || {
                            users
                                .get()
                                .into_iter()
                                .map(|u| {
                                    let id = u.id.clone();
                                    view! {
                                        <option
                                            value=u.id.clone()
                                            prop:selected=move || draft.with(|d| d.assigned_to == id)
                                        >
                                            {u.name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <TriSelect
                    name="anonymized"
                    label_key="lists.filter_anonymized"
                    draft errors
                    get=|d| &d.anonymized
                    set=|d, v| d.anonymized = v
                />
                <TriSelect
                    name="opposition"
                    label_key="lists.filter_opposition"
                    draft errors
                    get=|d| &d.opposition
                    set=|d, v| d.opposition = v
                />
                <MultiSelect
                    name="status"
                    label_key="lists.filter_status"
                    options=status_options(resource)
                    draft errors
                    get=|d| &d.status
                    set=|d, v| d.status = v
                />
                <MultiSelect
                    name="status_not"
                    label_key="lists.filter_status_not"
                    options=status_options(resource)
                    draft errors
                    get=|d| &d.status_not
                    set=|d, v| d.status_not = v
                />
                <MultiSelect
                    name="type"
                    label_key=type_label
                    options=types
                    draft errors
                    get=|d| &d.types
                    set=|d, v| d.types = v
                />
            </div>
            <p class="filter-hint muted">{move || t("lists.multi_hint")}</p>
            <div class="filter-actions">
                <button type="submit" class="btn btn-primary" data-testid="filter-apply">
                    {move || t("lists.apply")}
                </button>
                <button
                    type="button"
                    class="btn"
                    data-testid="filter-reset"
                    on:click=move |_| {
                        draft.set(FilterState::default());
                        errors.set(FieldErrors::new());
                        on_reset.run(());
                    }
                >
                    {move || t("lists.reset")}
                </button>
            </div>
        </form>
    }
}
