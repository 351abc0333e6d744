//! The list screen of the contacts and projects: filter panel, search, the table with
//! its selection, keyset paging, the count, the bulk action bar.

use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use oubli_domain::filter::{Resource, SortField};
use oubli_domain::{Action, FieldErrors, Page, UserSummary};

use super::{sort_label_key, Column, DataTable, Row};
use crate::api::ApiError;
use crate::components::bulk::BulkActions;
use crate::components::filter_panel::{query_string, FilterPanel, FilterState, ListUrl};
use crate::components::selection::{PageState, Selection};
use crate::i18n::{msg, t};

/// What distinguishes the contacts list from the projects list.
pub struct ListConfig<T, F> {
    pub resource: Resource,
    /// Translation key of the page heading.
    pub title_key: &'static str,
    /// `data-testid` of the table.
    pub table_testid: &'static str,
    /// Translation key of the count, with `{n}` (e.g. "{n} contacts").
    pub total_key: &'static str,
    /// Column headings (called in a reactive closure, so they follow the language).
    pub headers: fn() -> Vec<Column>,
    /// Turns one record into a row; gets the cabinet's users to name assignees.
    pub to_row: fn(&T, &[UserSummary]) -> Row,
    /// Fetches one page for an encoded query string.
    pub fetch: F,
    /// Optional "new record" link: (href, translation key, data-testid).
    pub new_link: Option<(&'static str, &'static str, &'static str)>,
}

/// A count in the current locale's digit grouping ("12 345" / "12,345").
pub fn format_count(n: i64) -> String {
    let sep = match crate::i18n::locale() {
        crate::i18n::Locale::Fr => '\u{202f}',
        crate::i18n::Locale::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// Page sizes offered; the API allows up to 500.
pub const PAGE_SIZES: [i64; 4] = [25, 50, 100, 500];

/// How long the search box waits after the last keystroke before asking the server.
pub const SEARCH_DEBOUNCE_MS: u64 = 300;

/// The whole list screen: filter panel, search, table with selection, keyset
/// pagination (a stack of cursors, so "Page précédente" needs no offset), the count,
/// and the bulk action bar at the bottom.
pub fn list_page<T, F, Fut>(config: ListConfig<T, F>) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(String) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let ListConfig {
        resource,
        title_key,
        table_testid,
        total_key,
        headers,
        to_row,
        fetch,
        new_link,
    } = config;
    Effect::new(move |_| crate::set_title(&t(title_key)));
    let session = crate::use_session();

    let users = RwSignal::new(Vec::<UserSummary>::new());
    spawn_local_scoped_with_cancellation(async move {
        match crate::api::users::list().await {
            Ok(list) => users.set(list),
            Err(e) => log::warn!("GET /users failed: {} ({})", e.code, e.status),
        }
    });

    // The URL is where the list's state lives (filters, search, sort, page size): the
    // controls below navigate, and everything on screen is derived from the URL, so a
    // reload, a shared link and the Back button all show the same list.
    let search = crate::nav::use_location().search;
    let url = Memo::new(move |_| {
        search.with(|s| {
            let params = web_sys::UrlSearchParams::new_with_str(s).ok();
            ListUrl::from_query(resource, |k| params.as_ref().and_then(|p| p.get(k)))
        })
    });
    let go = Callback::new(move |(next, replace): (ListUrl, bool)| {
        if next != url.get_untracked() {
            crate::nav::navigate(&next.href(resource), replace, true);
        }
    });
    let applied = Memo::new(move |_| url.with(|u| u.filters.clone()));
    let search = Memo::new(move |_| url.with(|u| u.q.clone()));
    let sort = Memo::new(move |_| url.with(|u| u.sort));
    let limit = Memo::new(move |_| url.with(|u| u.limit));

    // The panel's inputs and the search box start from the URL and follow it when it
    // changes under them (Back, a link); typing in them changes nothing until applied.
    let draft = RwSignal::new(applied.get_untracked());
    let errors = RwSignal::new(FieldErrors::new());
    let search_input = RwSignal::new(search.get_untracked());
    Effect::new(move |_| draft.set(applied.get()));
    Effect::new(move |_| {
        let q = search.get();
        // The URL holds the search trimmed: "Jean " being typed is not a change.
        if search_input.with_untracked(|s| s.trim() != q) {
            search_input.set(q);
        }
    });

    let selection = RwSignal::new(Selection::new(resource));
    let page = RwSignal::new(None::<Page<T>>);
    let loading = RwSignal::new(false);
    let load_error = RwSignal::new(None::<ApiError>);

    let filter = Memo::new(move |_| applied.with(|a| a.to_filter(resource, &search.get())));
    // A filter from the URL may be wrong (a hand-edited link): say so in the panel.
    Effect::new(move |_| {
        if let Err(e) = filter.get() {
            errors.set(e);
        }
    });
    // A selection made under another filter means nothing now (the order does not
    // change what matches: sorting keeps it).
    Effect::new(move |prev: Option<()>| {
        filter.track();
        if prev.is_some() {
            selection.update(Selection::filter_changed);
        }
    });
    let search_error = move || filter.with(|f| f.as_ref().err().and_then(|e| e.get("q").cloned()));

    // The first page's query; the cursors of the pages before the current one belong
    // to it, so any change of filter, search, sort or page size starts again from the
    // first page without a request carrying a stale cursor.
    let base_query = Memo::new(move |_| {
        let f = filter.get().ok()?;
        Some(query_string(&f, sort.get(), limit.get(), None))
    });
    let stack = RwSignal::new((String::new(), Vec::<String>::new()));
    let cursors = Memo::new(move |_| {
        let base = base_query.get();
        stack.with(|(key, cursors)| {
            if base.as_deref() == Some(key.as_str()) {
                cursors.clone()
            } else {
                Vec::new()
            }
        })
    });
    let query = Memo::new(move |_| {
        let f = filter.get().ok()?;
        Some(
            cursors
                .with(|c| query_string(&f, sort.get(), limit.get(), c.last().map(String::as_str))),
        )
    });

    // Bumped after a bulk erasure: the same page again, as the server now has it.
    let refresh = RwSignal::new(0u32);
    Effect::new(move |_| {
        refresh.track();
        let Some(qs) = query.get() else {
            loading.set(false);
            return;
        };
        loading.set(true);
        // Dies with this effect run: a newer query aborts the older fetch.
        spawn_local_scoped_with_cancellation(async move {
            let result = fetch(qs.clone()).await;
            if query.get_untracked().as_deref() != Some(qs.as_str()) {
                return;
            }
            match result {
                Ok(p) => {
                    page.set(Some(p));
                    load_error.set(None);
                }
                Err(e) => load_error.set(Some(e)),
            }
            loading.set(false);
        });
    });

    let debounce = StoredValue::new(None::<TimeoutHandle>);
    let on_search = move |ev: web_sys::Event| {
        let value = event_target_value(&ev);
        search_input.set(value.clone());
        if let Some(h) = debounce.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let mut next = url.get_untracked();
                if next.q.trim() != value.trim() {
                    next.q = value.trim().to_owned();
                    // Each keystroke is not worth a Back step.
                    go.run((next, true));
                }
            },
            std::time::Duration::from_millis(SEARCH_DEBOUNCE_MS),
        )
        .ok();
        debounce.set_value(handle);
    };

    let on_apply = Callback::new(move |()| {
        let state = draft.get_untracked();
        match state.to_filter(resource, "") {
            Ok(_) => {
                errors.set(FieldErrors::new());
                let mut next = url.get_untracked();
                next.filters = state;
                go.run((next, false));
            }
            Err(e) => errors.set(e),
        }
    });
    let on_reset = Callback::new(move |()| {
        let mut next = url.get_untracked();
        next.filters = FilterState::default();
        go.run((next, false));
    });
    let on_sort = Callback::new(move |field: SortField| {
        let mut next = url.get_untracked();
        next.sort = next.sort.toggled(resource, field);
        go.run((next, false));
    });

    // The cabinet's suppliers for the supplier filter, fetched the first time the
    // field is used (the statistics are not worth a request on every list display).
    let suppliers = RwSignal::new(Vec::<String>::new());
    let suppliers_asked = StoredValue::new(false);
    let on_supplier_focus = Callback::new(move |()| {
        if suppliers_asked.get_value() {
            return;
        }
        suppliers_asked.set_value(true);
        spawn_local_scoped_with_cancellation(async move {
            match crate::api::contacts::suppliers().await {
                Ok(list) => suppliers.set(list),
                Err(e) => {
                    suppliers_asked.set_value(false);
                    log::warn!("GET /stats/summary failed: {} ({})", e.code, e.status);
                }
            }
        });
    });

    let total = move || page.with(|p| p.as_ref().map(|p| p.total).unwrap_or(0));
    let rows = Signal::derive(move || {
        let users = users.read();
        page.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.items
                        .iter()
                        .map(|item| to_row(item, &users))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let row_count = move || page.with(|p| p.as_ref().map(|p| p.items.len()).unwrap_or(0));
    let has_next = move || page.with(|p| p.as_ref().is_some_and(|p| p.next.is_some()));
    let page_number = move || cursors.with(Vec::len) + 1;
    let first_row = move || {
        if row_count() == 0 {
            0
        } else {
            (page_number() as i64 - 1) * limit.get() + 1
        }
    };
    let next_page = move |_| {
        let Some(base) = base_query.get_untracked() else {
            return;
        };
        if let Some(next) = page.with_untracked(|p| p.as_ref().and_then(|p| p.next.clone())) {
            stack.update(|(key, cursors)| {
                if *key != base {
                    *key = base;
                    cursors.clear();
                }
                cursors.push(next);
            });
        }
    };
    let prev_page = move |_| {
        stack.update(|(_, cursors)| {
            cursors.pop();
        })
    };

    let page_fully_selected = move || {
        rows.with(|r| {
            !r.is_empty()
                && selection.with(|s| {
                    s.page_state(&r.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
                        == PageState::All
                })
        })
    };
    let selected_count = move || selection.with(|s| s.count(total()));
    let privileged = move || session.can(Action::Erase);
    let select_all = move |_| {
        if let Ok(f) = filter.get_untracked() {
            selection.update(|s| s.select_all_matching(f));
        }
    };

    view! {
        <section class="list-page">
            <header class="list-head">
                <div class="list-title">
                    <h1>{move || t(title_key)}</h1>
                    <p class="list-total" data-testid="list-total" aria-live="polite">
                        {move || t(total_key).replace("{n}", &format_count(total()))}
                    </p>
                </div>
                {new_link
                    .map(|(href, key, testid)| {
                        view! {
                            <a href=href class="btn btn-primary" data-testid=testid>
                                {move || t(key)}
                            </a>
                        }
                    })}
            </header>

            <div class="list-body">
            <FilterPanel
                resource
                draft
                errors
                users
                suppliers
                on_supplier_focus
                on_apply
                on_reset
            />
            <div class="list-main">
            <div class="list-toolbar">
                <div class="search">
                    <label for="list-search" class="visually-hidden">
                        {move || t("lists.search_label")}
                    </label>
                    <input
                        id="list-search"
                        type="search"
                        data-testid="search-input"
                        autocomplete="off"
                        placeholder=move || t("lists.search_placeholder")
                        aria-invalid=move || search_error().is_some().to_string()
                        prop:value=move || search_input.get()
                        on:input=on_search
                    />
                    {move || {
                        search_error()
                            .map(|e| view! { <p class="field-error" role="alert">{msg(&e)}</p> })
                    }}
                </div>
                <p class="sort-order muted" data-testid="sort-order" aria-live="polite">
                    {move || t(sort_label_key(sort.get()))}
                </p>
                <div class="page-size">
                    <label for="page-size">{move || t("lists.page_size")}</label>
                    <select
                        id="page-size"
                        data-testid="page-size"
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<i64>() {
                                let mut next = url.get_untracked();
                                next.limit = n;
                                go.run((next, true));
                            }
                        }
                    >
                        {PAGE_SIZES
                            .into_iter()
                            .map(|n| {
                                view! {
                                    <option value=n.to_string() prop:selected=move || limit.get() == n>
                                        {n.to_string()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>

            {move || {
                load_error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert" data-testid="list-error">
                                {msg(&e.message)}
                            </p>
                        }
                    })
            }}

            <div class="selection-banner" role="status" aria-live="polite">
                {move || {
                    let all_matching = selection.with(Selection::is_all_matching);
                    if all_matching {
                        let n = selected_count();
                        Some(
                            view! {
                                <span>
                                    {t("lists.all_matching_selected").replace("{n}", &format_count(n))}
                                </span>
                                <button
                                    type="button"
                                    class="btn btn-link"
                                    data-testid="clear-selection"
                                    on:click=move |_| selection.update(Selection::clear)
                                >
                                    {t("lists.clear_selection")}
                                </button>
                            }
                                .into_any(),
                        )
                    } else if page_fully_selected() && total() > row_count() as i64 {
                        Some(
                            view! {
                                <span>
                                    {t("lists.page_selected").replace("{n}", &row_count().to_string())}
                                </span>
                                <button
                                    type="button"
                                    class="btn btn-link"
                                    data-testid="select-all-matching"
                                    on:click=select_all
                                >
                                    {t("lists.select_all_matching").replace("{n}", &format_count(total()))}
                                </button>
                            }
                                .into_any(),
                        )
                    } else {
                        None
                    }
                }}
            </div>

            <DataTable
                testid=table_testid
                caption=Signal::derive(move || t(title_key))
                headers=Signal::derive(headers)
                sort=Signal::derive(move || sort.get())
                on_sort
                rows
                selection
                loading=Signal::derive(move || loading.get())
            />

            <nav class="pager" aria-label=move || t("lists.pagination")>
                <button
                    type="button"
                    class="btn"
                    data-testid="page-prev"
                    disabled=move || cursors.with(Vec::is_empty) || loading.get()
                    on:click=prev_page
                >
                    {move || t("lists.page_prev")}
                </button>
                <span class="pager-info">
                    {move || {
                        let first = first_row();
                        let last = if first == 0 { 0 } else { first + row_count() as i64 - 1 };
                        t("lists.page_info")
                            .replace("{page}", &page_number().to_string())
                            .replace("{from}", &format_count(first))
                            .replace("{to}", &format_count(last))
                            .replace("{total}", &format_count(total()))
                    }}
                </span>
                <button
                    type="button"
                    class="btn"
                    data-testid="page-next"
                    disabled=move || !has_next() || loading.get()
                    on:click=next_page
                >
                    {move || t("lists.page_next")}
                </button>
            </nav>
            </div>
            </div>

            <div class="action-bar" role="region" aria-label=move || t("lists.bulk_actions")>
                <span class="selection-count" data-testid="selection-count">
                    {move || match selected_count() {
                        0 => t("lists.selected_none"),
                        1 => t("lists.selected_one"),
                        n => t("lists.selected_n").replace("{n}", &format_count(n)),
                    }}
                </span>
                <BulkActions
                    resource=resource
                    selection=selection
                    total=Signal::derive(total)
                    privileged=Signal::derive(privileged)
                    on_done=Callback::new(move |_| refresh.update(|n| *n += 1))
                />
            </div>
        </section>
    }
}
