//! The filter panel of the contacts and projects lists: every filter of API.md, applied
//! on the server. The panel edits a [`FilterState`] (the raw text of its inputs); the
//! domain's `ListQuery::parse` checks it, exactly as the server will, and the checked
//! `Filter` writes the query string, so the browser never invents a rule of its own.

use leptos::prelude::*;
use oubli_domain::filter::{page_limit, Filter, ListQuery, Resource, Sort, DEFAULT_LIMIT};
use oubli_domain::{ContactStatus, FieldErrors, ProjectStatus, ProjectType, UserSummary};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;

use crate::i18n::{msg, t};

/// What the inputs of the panel hold, as typed. Dates are `YYYY-MM-DD` (what
/// `<input type="date">` gives); tri-states are `""` (any), `"true"` or `"false"`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterState {
    pub created_after: String,
    pub created_before: String,
    pub status: Vec<String>,
    pub status_not: Vec<String>,
    pub types: Vec<String>,
    pub supplier: String,
    pub assigned_to: String,
    pub last_interaction_before: String,
    pub anonymized: String,
    pub opposition: String,
    /// The ready-made filter "Prospects de plus de 3 ans sans contrat actif".
    pub retention: bool,
}

fn text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn joined(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(","))
}

impl FilterState {
    /// The raw query of API.md for these inputs plus the search text `q`.
    pub fn to_list_query(&self, q: &str) -> ListQuery {
        ListQuery {
            created_before: text(&self.created_before),
            created_after: text(&self.created_after),
            status: joined(&self.status),
            status_not: joined(&self.status_not),
            kind: joined(&self.types),
            supplier: text(&self.supplier),
            assigned_to: text(&self.assigned_to),
            last_interaction_before: text(&self.last_interaction_before),
            anonymized: text(&self.anonymized),
            opposition: text(&self.opposition),
            q: text(q),
            preset: self.retention.then(|| "retention".to_owned()),
            sort: None,
            limit: None,
            after: None,
        }
    }

    /// Checks the inputs with the server's own parser; errors are French, keyed by
    /// query parameter name.
    pub fn to_filter(&self, resource: Resource, q: &str) -> Result<Filter, FieldErrors> {
        self.to_list_query(q).parse(resource).map(|(f, _)| f)
    }

    /// How many filters are set (shown on the panel so a narrowed list is obvious).
    pub fn active_count(&self) -> usize {
        [
            !self.created_after.trim().is_empty(),
            !self.created_before.trim().is_empty(),
            !self.status.is_empty(),
            !self.status_not.is_empty(),
            !self.types.is_empty(),
            !self.supplier.trim().is_empty(),
            !self.assigned_to.is_empty(),
            !self.last_interaction_before.trim().is_empty(),
            !self.anonymized.is_empty(),
            !self.opposition.is_empty(),
            self.retention,
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }
}

/// Percent-encodes one query component (RFC 3986 unreserved characters pass as is).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The query string (without `?`) of one page of a filtered list. The sort is left
/// out when it is the default, so the default list asks what it always asked.
pub fn query_string(filter: &Filter, sort: Sort, limit: i64, after: Option<&str>) -> String {
    let mut parts: Vec<String> = filter
        .to_query()
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode_component(&v)))
        .collect();
    if sort != Sort::default() {
        parts.push(format!("sort={}", sort.as_str()));
    }
    parts.push(format!("limit={limit}"));
    if let Some(cursor) = after {
        parts.push(format!("after={}", encode_component(cursor)));
    }
    parts.join("&")
}

/// What a list's own URL holds (`/contacts?status=prospect&sort=name_asc`): the
/// applied filters, the search, the sort and the page size, under the API's parameter
/// names, so a reload or a shared link shows the same list. The page position is left
/// out: a link shows the first page.
#[derive(Clone, Debug, PartialEq)]
pub struct ListUrl {
    pub filters: FilterState,
    pub q: String,
    pub sort: Sort,
    pub limit: i64,
}

impl Default for ListUrl {
    fn default() -> Self {
        ListUrl {
            filters: FilterState::default(),
            q: String::new(),
            sort: Sort::default(),
            limit: DEFAULT_LIMIT,
        }
    }
}

fn split_list(v: Option<String>) -> Vec<String> {
    v.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl ListUrl {
    /// Reads the URL's parameters (`get` returns a decoded value). Filters are taken
    /// as written, so a wrong value shows in the panel with its error; an unknown
    /// sort or page size falls back to the default.
    pub fn from_query(resource: Resource, get: impl Fn(&str) -> Option<String>) -> ListUrl {
        let text = |k: &str| get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let filters = FilterState {
            created_after: text("created_after"),
            created_before: text("created_before"),
            status: split_list(get("status")),
            status_not: split_list(get("status_not")),
            types: split_list(get("type")),
            supplier: text("supplier"),
            assigned_to: text("assigned_to"),
            last_interaction_before: text("last_interaction_before"),
            anonymized: text("anonymized"),
            opposition: text("opposition"),
            retention: text("preset") == "retention",
        };
        ListUrl {
            filters,
            q: text("q"),
            sort: Sort::for_list(resource, get("sort").as_deref()).unwrap_or_default(),
            limit: page_limit(get("limit").as_deref()).unwrap_or(DEFAULT_LIMIT),
        }
    }

    /// The encoded query (without `?`), defaults left out: `""` for the plain list.
    pub fn to_query(&self) -> String {
        let mut q = self.filters.to_list_query(&self.q);
        if self.sort != Sort::default() {
            q.sort = Some(self.sort.as_str().to_owned());
        }
        if self.limit != DEFAULT_LIMIT {
            q.limit = Some(self.limit.to_string());
        }
        let ListQuery {
            created_before,
            created_after,
            status,
            status_not,
            kind,
            supplier,
            assigned_to,
            last_interaction_before,
            anonymized,
            opposition,
            q,
            preset,
            sort,
            limit,
            after: _,
        } = q;
        [
            ("created_after", created_after),
            ("created_before", created_before),
            ("status", status),
            ("status_not", status_not),
            ("type", kind),
            ("supplier", supplier),
            ("assigned_to", assigned_to),
            ("last_interaction_before", last_interaction_before),
            ("anonymized", anonymized),
            ("opposition", opposition),
            ("preset", preset),
            ("q", q),
            ("sort", sort),
            ("limit", limit),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", encode_component(&v))))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The list's path with this query: `/contacts`, `/projects?sort=contact_asc`…
    pub fn href(&self, resource: Resource) -> String {
        let path = match resource {
            Resource::Contacts => "/contacts",
            Resource::Projects => "/projects",
        };
        match self.to_query() {
            q if q.is_empty() => path.to_owned(),
            q => format!("{path}?{q}"),
        }
    }
}

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
