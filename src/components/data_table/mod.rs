//! The table of the lists: a checkbox column with the main checkbox ("coche
//! principale") in the header, a first column that links to the record, plain text
//! cells after it. The page decides the columns; the table only renders them and
//! drives the [`Selection`].
//!
//! This file holds the table; [`list`] the whole list screen around it (filters,
//! search, paging, count, bulk actions).

mod list;

pub use list::{format_count, list_page, ListConfig, PAGE_SIZES, SEARCH_DEBOUNCE_MS};

use leptos::prelude::*;
use oubli_domain::filter::{Sort, SortField};

use super::selection::{PageState, Selection};
use crate::i18n::t;

/// One cell. `class` styles it (badges, dates, muted text).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    pub text: String,
    pub class: Option<String>,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            class: None,
        }
    }

    pub fn styled(text: impl Into<String>, class: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            class: Some(class.into()),
        }
    }
}

/// One row: the record id, where the first cell links to, the cells.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub id: String,
    pub href: String,
    /// How the row's checkbox names it to a screen reader ("Sélectionner {label}").
    pub label: String,
    pub cells: Vec<Cell>,
    /// Greys the row out (anonymized records are read-only).
    pub muted: bool,
}

/// One column heading; `sort` makes it a button that sorts the list on that field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub label: String,
    pub sort: Option<SortField>,
}

impl Column {
    pub fn new(label_key: &str) -> Self {
        Column {
            label: t(label_key),
            sort: None,
        }
    }

    pub fn sortable(label_key: &str, field: SortField) -> Self {
        Column {
            label: t(label_key),
            sort: Some(field),
        }
    }
}

/// `aria-sort` of a column sorting on `field` while the list is in `current` order.
pub fn aria_sort(field: SortField, current: Sort) -> &'static str {
    match (current.field() == field, current.is_descending()) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    }
}

/// The `data-testid` of a sortable heading's button.
pub fn sort_testid(field: SortField) -> &'static str {
    match field {
        SortField::Created => "sort-created",
        SortField::Name => "sort-name",
    }
}

/// The translation key telling the order in words ("Tri : nom de A à Z").
pub fn sort_label_key(sort: Sort) -> &'static str {
    match sort {
        Sort::CreatedDesc => "lists.sort_created_desc",
        Sort::CreatedAsc => "lists.sort_created_asc",
        Sort::NameAsc => "lists.sort_name_asc",
        Sort::NameDesc => "lists.sort_name_desc",
        Sort::ContactAsc => "lists.sort_contact_asc",
        Sort::ContactDesc => "lists.sort_contact_desc",
    }
}

#[component]
fn Heading(column: Column, sort: Signal<Sort>, on_sort: Callback<SortField>) -> impl IntoView {
    let Column { label, sort: field } = column;
    match field {
        None => view! { <th scope="col">{label}</th> }.into_any(),
        Some(field) => {
            let state = move || aria_sort(field, sort.get());
            let title = {
                let label = label.clone();
                move || t("lists.sort_by").replace("{col}", &label)
            };
            view! {
                <th scope="col" class="is-sortable" aria-sort=state>
                    <button
                        type="button"
                        class="sort-button"
                        data-testid=sort_testid(field)
                        title=title
                        on:click=move |_| on_sort.run(field)
                    >
                        <span>{label}</span>
                        <span class="sort-icon" aria-hidden="true">
                            {move || match state() {
                                "ascending" => "▲",
                                "descending" => "▼",
                                _ => "↕",
                            }}
                        </span>
                    </button>
                </th>
            }
            .into_any()
        }
    }
}

fn cell_class(cell: &Cell) -> String {
    match &cell.class {
        Some(c) => format!("cell {c}"),
        None => "cell".to_owned(),
    }
}

#[component]
pub fn DataTable(
    /// `data-testid` of the `<table>` (contacts-table, projects-table).
    testid: &'static str,
    /// Accessible name of the table.
    #[prop(into)]
    caption: Signal<String>,
    #[prop(into)] headers: Signal<Vec<Column>>,
    /// The list's order, shown on the sortable headings (`aria-sort`).
    #[prop(into)]
    sort: Signal<Sort>,
    /// A sortable heading was clicked.
    on_sort: Callback<SortField>,
    #[prop(into)] rows: Signal<Vec<Row>>,
    selection: RwSignal<Selection>,
    /// A page is on its way: the current rows stay, dimmed.
    #[prop(into)]
    loading: Signal<bool>,
) -> impl IntoView {
    let page_ids =
        Memo::new(move |_| rows.with(|r| r.iter().map(|r| r.id.clone()).collect::<Vec<_>>()));
    let page_state = move || selection.with(|s| page_ids.with(|ids| s.page_state(ids)));
    let columns = move || headers.with(Vec::len) + 1;

    view! {
        <div class="table-wrap" class:is-loading=move || loading.get() aria-busy=move || loading.get().to_string()>
            <table class="data-table" data-testid=testid>
                <caption class="visually-hidden">{move || caption.get()}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="col-select">
                            <input
                                type="checkbox"
                                data-testid="select-page"
                                aria-label=move || t("lists.select_page")
                                title=move || t("lists.select_page")
                                disabled=move || page_ids.with(Vec::is_empty)
                                prop:checked=move || page_state() == PageState::All
                                prop:indeterminate=move || page_state() == PageState::Some
                                on:change=move |_| {
                                    page_ids.with_untracked(|ids| selection.update(|s| s.toggle_page(ids)))
                                }
                            />
                        </th>
                        {move || {
                            headers
                                .get()
                                .into_iter()
                                .map(|column| view! { <Heading column sort on_sort /> })
                                .collect_view()
                        }}
                    </tr>
                </thead>
                <tbody>
                    <Show when=move || !rows.with(Vec::is_empty)>
                        <For
                            each=move || rows.get()
                            key=Row::clone
                            children=move |row| view! { <TableRow row selection /> }
                        />
                    </Show>
                    <Show when=move || rows.with(Vec::is_empty) && !loading.get()>
                        <tr class="empty-row">
                            <td colspan=columns>{move || t("lists.empty")}</td>
                        </tr>
                    </Show>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TableRow(row: Row, selection: RwSignal<Selection>) -> impl IntoView {
    let Row {
        id,
        href,
        label,
        cells,
        muted,
    } = row;
    let mut cells = cells.into_iter();
    let first = cells.next().unwrap_or_else(|| Cell::plain(""));
    let selected = {
        let id = id.clone();
        Memo::new(move |_| selection.with(|s| s.is_selected(&id)))
    };
    let toggle_id = id.clone();
    let first_class = cell_class(&first);
    view! {
        <tr
            data-testid="list-row"
            data-id=id
            class:is-selected=selected
            class:is-muted=muted
        >
            <td class="col-select">
                <input
                    type="checkbox"
                    data-testid="row-select"
                    aria-label=move || t("lists.select_row").replace("{name}", &label)
                    prop:checked=selected
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selection.update(|s| s.set(&toggle_id, on));
                    }
                />
            </td>
            <th scope="row" class=first_class>
                <a href=href>{first.text}</a>
            </th>
            {cells
                .map(|c| {
                    let class = cell_class(&c);
                    // Long values are clipped by the stylesheet: the tooltip gives them whole.
                    let title = c.text.clone();
                    view! { <td class=class title=title>{c.text}</td> }
                })
                .collect_view()}
        </tr>
    }
}
