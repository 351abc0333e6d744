//! The lists' logic, in a real headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test lists`.
//! Selection model, filter panel state, query strings, and the completeness of the
//! English dictionaries.
#![cfg(target_arch = "wasm32")]

use oubli::api::tasks::{list_path, TaskScope};
use oubli::components::bulk::{button_keys, request_sent_text, request_target};
use oubli::components::data_table::{aria_sort, sort_label_key};
use oubli::components::filter_panel::{
    encode_component, query_string, status_options, FilterState, ListUrl,
};
use oubli::components::selection::{Mode, PageState, Selection};
use oubli::pages::tasks::{due_state, Due};
use oubli_domain::filter::{Filter, Resource, Sort, SortField};
use serde_json::{json, Value};
use std::collections::HashMap;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn prospects() -> Filter {
    FilterState {
        status: ids(&["prospect"]),
        ..Default::default()
    }
    .to_filter(Resource::Contacts, "")
    .unwrap()
}

// ------------------------------------------------------------------ selection

#[wasm_bindgen_test]
fn main_checkbox_selects_then_unselects_the_page() {
    oubli::i18n::load_sources();
    let page = ids(&["a", "b", "c"]);
    let mut s = Selection::new(Resource::Contacts);
    assert_eq!(s.page_state(&page), PageState::None);
    s.toggle_page(&page);
    assert_eq!(s.page_state(&page), PageState::All);
    assert_eq!(s.count(1000), 3);
    assert!(page.iter().all(|id| s.is_selected(id)));
    s.toggle_page(&page);
    assert_eq!(s.page_state(&page), PageState::None);
    assert_eq!(s.count(1000), 0);
}

#[wasm_bindgen_test]
fn a_partly_selected_page_is_indeterminate_and_the_main_checkbox_completes_it() {
    oubli::i18n::load_sources();
    let page = ids(&["a", "b", "c"]);
    let mut s = Selection::new(Resource::Contacts);
    s.set("b", true);
    assert_eq!(s.page_state(&page), PageState::Some);
    s.toggle_page(&page);
    assert_eq!(s.page_state(&page), PageState::All);
    s.toggle("a");
    assert!(!s.is_selected("a"));
    assert_eq!(s.page_state(&page), PageState::Some);
}

#[wasm_bindgen_test]
fn selections_from_several_pages_add_up() {
    oubli::i18n::load_sources();
    let mut s = Selection::new(Resource::Projects);
    s.toggle_page(&ids(&["a", "b"]));
    s.toggle_page(&ids(&["c", "d"]));
    assert_eq!(s.count(100), 4);
    assert_eq!(s.target_json(), json!({ "projects": ["a", "b", "c", "d"] }));
}

#[wasm_bindgen_test]
fn select_all_matching_counts_the_total_and_tracks_exclusions() {
    oubli::i18n::load_sources();
    let page = ids(&["a", "b", "c"]);
    let mut s = Selection::new(Resource::Contacts);
    s.toggle_page(&page);
    s.select_all_matching(prospects());
    assert!(s.is_all_matching());
    assert_eq!(s.count(12_345), 12_345);
    // Rows of any page count as selected, even ones never shown.
    assert!(s.is_selected("zzz"));
    // Unticking a row excludes it; ticking it again takes it back.
    s.set("b", false);
    assert_eq!(s.count(12_345), 12_344);
    assert_eq!(s.page_state(&page), PageState::Some);
    match &s.mode {
        Mode::AllMatching { excluded, .. } => assert!(excluded.contains("b")),
        other => panic!("{other:?}"),
    }
    s.toggle("b");
    assert_eq!(s.count(12_345), 12_345);
    // The main checkbox on a fully selected page excludes the whole page.
    s.toggle_page(&page);
    assert_eq!(s.count(12_345), 12_342);
    assert_eq!(s.page_state(&page), PageState::None);
}

#[wasm_bindgen_test]
fn changing_the_filter_clears_the_selection() {
    oubli::i18n::load_sources();
    let mut s = Selection::new(Resource::Contacts);
    s.toggle_page(&ids(&["a", "b"]));
    s.filter_changed();
    assert_eq!(s.count(10), 0);
    s.select_all_matching(prospects());
    s.set("x", false);
    s.filter_changed();
    assert!(!s.is_all_matching());
    assert_eq!(s.count(10), 0);
    assert!(!s.is_selected("x"));
}

#[wasm_bindgen_test]
fn target_json_for_ids_and_for_filters() {
    oubli::i18n::load_sources();
    let mut s = Selection::new(Resource::Contacts);
    assert_eq!(s.target_json(), json!({ "contacts": [] }));
    s.set("c2", true);
    s.set("c1", true);
    assert_eq!(s.target_json(), json!({ "contacts": ["c1", "c2"] }));

    let filter = FilterState {
        status: ids(&["prospect"]),
        types: ids(&["sante", "auto"]),
        created_before: "2022-01-31".into(),
        anonymized: "false".into(),
        retention: true,
        ..Default::default()
    }
    .to_filter(Resource::Contacts, " dupont ")
    .unwrap();
    s.select_all_matching(filter);
    s.set("c9", false);
    s.set("c3", false);
    assert_eq!(
        s.target_json(),
        json!({
            "contacts_filter": {
                "created_before": "2022-01-31",
                "status": "prospect",
                "type": "sante,auto",
                "anonymized": "false",
                "q": "dupont",
                "preset": "retention"
            },
            "exclude": ["c3", "c9"]
        })
    );

    let mut p = Selection::new(Resource::Projects);
    p.select_all_matching(Filter::default());
    assert_eq!(
        p.target_json(),
        json!({ "projects_filter": {}, "exclude": [] })
    );
}

// ------------------------------------------------------------------ filter panel

#[wasm_bindgen_test]
fn an_empty_panel_asks_for_everything() {
    oubli::i18n::load_sources();
    let state = FilterState::default();
    assert_eq!(state.active_count(), 0);
    let f = state.to_filter(Resource::Contacts, "").unwrap();
    assert_eq!(f, Filter::default());
    assert_eq!(query_string(&f, Sort::CreatedDesc, 50, None), "limit=50");
}

#[wasm_bindgen_test]
fn the_panel_builds_the_query_string_of_the_api() {
    oubli::i18n::load_sources();
    let state = FilterState {
        created_after: "2021-01-01".into(),
        created_before: "2023-06-30".into(),
        status: ids(&["en_cours", "devis_envoye"]),
        status_not: ids(&["perdu"]),
        types: ids(&["sante"]),
        supplier: " Assurland ".into(),
        assigned_to: "u-42".into(),
        last_interaction_before: "2022-12-31".into(),
        anonymized: "false".into(),
        opposition: "true".into(),
        retention: true,
    };
    assert_eq!(state.active_count(), 11);
    let f = state.to_filter(Resource::Projects, "Jean Dupont").unwrap();
    let qs = query_string(&f, Sort::ContactAsc, 100, Some("abc/+="));
    let pairs: HashMap<&str, &str> = qs.split('&').map(|p| p.split_once('=').unwrap()).collect();
    assert_eq!(pairs["created_after"], "2021-01-01");
    assert_eq!(pairs["created_before"], "2023-06-30");
    assert_eq!(pairs["status"], "en_cours%2Cdevis_envoye");
    assert_eq!(pairs["status_not"], "perdu");
    assert_eq!(pairs["type"], "sante");
    assert_eq!(pairs["supplier"], "Assurland");
    assert_eq!(pairs["assigned_to"], "u-42");
    assert_eq!(pairs["last_interaction_before"], "2022-12-31");
    assert_eq!(pairs["anonymized"], "false");
    assert_eq!(pairs["opposition"], "true");
    assert_eq!(pairs["q"], "Jean%20Dupont");
    assert_eq!(pairs["preset"], "retention");
    assert_eq!(pairs["limit"], "100");
    assert_eq!(pairs["after"], "abc%2F%2B%3D");
    assert_eq!(pairs["sort"], "contact_asc");
    assert_eq!(pairs.len(), 15);
}

#[wasm_bindgen_test]
fn the_panel_refuses_what_the_server_would_refuse() {
    oubli::i18n::load_sources();
    // A project status on the contacts list, a malformed date, an over-long search.
    let state = FilterState {
        status: ids(&["perdu"]),
        created_before: "31/01/2023".into(),
        ..Default::default()
    };
    let e = state.to_filter(Resource::Contacts, "").unwrap_err();
    assert!(e.contains_key("status"), "{e:?}");
    assert!(e.contains_key("created_before"), "{e:?}");
    assert!(state.to_filter(Resource::Projects, "").is_err());
    let long = "x".repeat(101);
    let e = FilterState::default()
        .to_filter(Resource::Contacts, &long)
        .unwrap_err();
    assert!(e.contains_key("q"));
}

#[wasm_bindgen_test]
fn reset_gives_back_an_empty_panel() {
    oubli::i18n::load_sources();
    let mut state = FilterState {
        supplier: "X".into(),
        retention: true,
        status: ids(&["client"]),
        ..Default::default()
    };
    assert_eq!(state.active_count(), 3);
    state = FilterState::default();
    assert_eq!(state.active_count(), 0);
    assert_eq!(state.to_list_query(""), Default::default());
}

#[wasm_bindgen_test]
fn each_list_offers_its_own_statuses() {
    oubli::i18n::load_sources();
    let contacts: Vec<_> = status_options(Resource::Contacts)
        .into_iter()
        .map(|(c, ..)| c)
        .collect();
    assert_eq!(contacts, vec!["prospect", "client"]);
    let projects: Vec<_> = status_options(Resource::Projects)
        .into_iter()
        .map(|(c, ..)| c)
        .collect();
    assert!(projects.contains(&"contrat_actif") && !projects.contains(&"prospect"));
}

#[wasm_bindgen_test]
fn query_components_are_percent_encoded() {
    oubli::i18n::load_sources();
    assert_eq!(encode_component("abc-_.~09"), "abc-_.~09");
    assert_eq!(encode_component("a b&c=d"), "a%20b%26c%3Dd");
    assert_eq!(encode_component("Hélène"), "H%C3%A9l%C3%A8ne");
}

// ------------------------------------------------------------------ the list's URL

/// Reads a query string the way the list does (the browser's `URLSearchParams` over
/// `location.search`).
fn browser_parse(resource: Resource, qs: &str) -> ListUrl {
    let params = web_sys::UrlSearchParams::new_with_str(&format!("?{qs}")).unwrap();
    ListUrl::from_query(resource, |k| params.get(k))
}

#[wasm_bindgen_test]
fn the_plain_list_has_a_plain_url() {
    oubli::i18n::load_sources();
    let url = ListUrl::default();
    assert_eq!(url.to_query(), "");
    assert_eq!(url.href(Resource::Contacts), "/contacts");
    assert_eq!(browser_parse(Resource::Projects, ""), url);
    assert_eq!(url.sort, Sort::CreatedDesc);
    assert_eq!(url.limit, 50);
}

#[wasm_bindgen_test]
fn filters_search_sort_and_page_size_survive_the_url() {
    oubli::i18n::load_sources();
    let url = ListUrl {
        filters: FilterState {
            created_after: "2021-01-01".into(),
            created_before: "2023-06-30".into(),
            status: ids(&["en_cours", "devis_envoye"]),
            status_not: ids(&["perdu"]),
            types: ids(&["sante", "rc_pro"]),
            supplier: "Lead & Co / Île-de-France".into(),
            assigned_to: "u-42".into(),
            last_interaction_before: "2022-12-31".into(),
            anonymized: "false".into(),
            opposition: "true".into(),
            retention: true,
        },
        q: "Hélène d'Artois + fils".into(),
        sort: Sort::ContactDesc,
        limit: 100,
    };
    let href = url.href(Resource::Projects);
    assert!(href.starts_with("/projects?"), "{href}");
    let qs = href.split_once('?').unwrap().1;
    assert!(qs.contains("sort=contact_desc"), "{qs}");
    assert!(qs.contains("limit=100"), "{qs}");
    assert!(!qs.split('&').any(|p| p.starts_with("after=")), "{qs}");
    assert_eq!(browser_parse(Resource::Projects, qs), url);
    // What the URL says is what the API is asked.
    let f = url.filters.to_filter(Resource::Projects, &url.q).unwrap();
    let api = query_string(&f, url.sort, url.limit, None);
    let mut api_pairs: Vec<&str> = api.split('&').collect();
    let mut url_pairs: Vec<&str> = qs.split('&').collect();
    api_pairs.sort();
    url_pairs.sort();
    assert_eq!(api_pairs, url_pairs);
}

#[wasm_bindgen_test]
fn a_hand_edited_url_keeps_what_it_can() {
    oubli::i18n::load_sources();
    // A sort of the other list, a page size out of range: the defaults.
    let url = browser_parse(
        Resource::Contacts,
        "sort=contact_asc&limit=9999&status=client",
    );
    assert_eq!(url.sort, Sort::CreatedDesc);
    assert_eq!(url.limit, 50);
    assert_eq!(url.filters.status, ids(&["client"]));
    // A wrong filter value is kept, so the panel shows it with the server's message.
    let url = browser_parse(
        Resource::Contacts,
        "created_before=31%2F01%2F2023&sort=name_asc",
    );
    assert_eq!(url.sort, Sort::NameAsc);
    assert_eq!(url.filters.created_before, "31/01/2023");
    let e = url
        .filters
        .to_filter(Resource::Contacts, &url.q)
        .unwrap_err();
    assert!(e.contains_key("created_before"));
    // The API's own query string (what a bookmark made from the API would hold) reads
    // back too.
    let url = browser_parse(
        Resource::Projects,
        "status=en_cours%2Cperdu&preset=retention&q=a%20b",
    );
    assert_eq!(url.filters.status, ids(&["en_cours", "perdu"]));
    assert!(url.filters.retention);
    assert_eq!(url.q, "a b");
}

#[wasm_bindgen_test]
fn headings_say_how_the_list_is_sorted() {
    oubli::i18n::load_sources();
    assert_eq!(aria_sort(SortField::Name, Sort::NameAsc), "ascending");
    assert_eq!(aria_sort(SortField::Name, Sort::NameDesc), "descending");
    assert_eq!(aria_sort(SortField::Name, Sort::ContactDesc), "descending");
    assert_eq!(
        aria_sort(SortField::Created, Sort::CreatedDesc),
        "descending"
    );
    assert_eq!(aria_sort(SortField::Created, Sort::NameAsc), "none");
    assert_eq!(aria_sort(SortField::Name, Sort::CreatedAsc), "none");
    // A click on the name heading: A to Z, then Z to A; on the date: newest first.
    let s = Sort::default().toggled(Resource::Contacts, SortField::Name);
    assert_eq!(s, Sort::NameAsc);
    assert_eq!(
        s.toggled(Resource::Contacts, SortField::Name),
        Sort::NameDesc
    );
    assert_eq!(
        Sort::NameDesc.toggled(Resource::Contacts, SortField::Created),
        Sort::CreatedDesc
    );
    assert_eq!(
        Sort::default().toggled(Resource::Projects, SortField::Name),
        Sort::ContactAsc
    );
    // Every order has its words, in both languages.
    use oubli::i18n::{lookup, Locale};
    for s in Sort::ALL {
        let key = sort_label_key(s);
        assert_ne!(lookup(Locale::Fr, key), key);
        assert_ne!(lookup(Locale::En, key), key);
    }
}

// ------------------------------------------------------------------ tasks

#[wasm_bindgen_test]
fn task_paths_and_due_states() {
    oubli::i18n::load_sources();
    assert_eq!(
        list_path(TaskScope::Mine, false, 100),
        "/tasks?scope=mine&limit=100&done=false"
    );
    assert_eq!(
        list_path(TaskScope::Team, true, 50),
        "/tasks?scope=team&limit=50"
    );
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let today = d("2024-05-10");
    assert_eq!(due_state(Some(d("2024-05-09")), false, today), Due::Overdue);
    assert_eq!(due_state(Some(d("2024-05-09")), true, today), Due::Later);
    assert_eq!(due_state(Some(d("2024-05-10")), false, today), Due::Today);
    assert_eq!(due_state(Some(d("2024-05-11")), false, today), Due::Later);
    assert_eq!(due_state(None, false, today), Due::None);
}

// ------------------------------------------------------------------ i18n

#[wasm_bindgen_test]
fn english_has_every_french_key() {
    oubli::i18n::load_sources();
    for (area, fr, en) in oubli::i18n::SOURCES {
        let fr: HashMap<String, Value> =
            serde_json::from_str(fr).unwrap_or_else(|e| panic!("locales/fr/{area}.json: {e}"));
        let en: HashMap<String, Value> =
            serde_json::from_str(en).unwrap_or_else(|e| panic!("locales/en/{area}.json: {e}"));
        let missing: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(
            missing.is_empty(),
            "locales/en/{area}.json lacks {missing:?}"
        );
        for (k, v) in fr.iter().chain(en.iter()) {
            assert!(
                v.as_str().is_some_and(|s| !s.trim().is_empty()),
                "{area}.{k} must be a non-empty string"
            );
        }
    }
}

#[wasm_bindgen_test]
fn every_list_key_used_by_the_domain_codes_is_translated() {
    oubli::i18n::load_sources();
    use oubli::i18n::{lookup, Locale};
    // French labels are the domain's own; English ones exist.
    for (_, key, label_fr) in status_options(Resource::Contacts)
        .into_iter()
        .chain(status_options(Resource::Projects))
    {
        assert_eq!(lookup(Locale::Fr, &key), label_fr);
        assert_ne!(lookup(Locale::En, &key), key);
    }
    for k in oubli_domain::ProjectType::ALL {
        let key = format!("lists.ptype_{}", k.as_str());
        assert_eq!(lookup(Locale::Fr, &key), k.label_fr());
        assert_ne!(lookup(Locale::En, &key), key);
    }
}

#[wasm_bindgen_test]
fn bulk_buttons_are_erasures_for_admins_and_requests_for_the_others() {
    oubli::i18n::load_sources();
    assert_eq!(
        button_keys(Resource::Contacts, true),
        ("lists.bulk_anonymize", "lists.bulk_delete_contacts")
    );
    assert_eq!(
        button_keys(Resource::Projects, true),
        ("lists.bulk_anonymize", "lists.bulk_delete_projects")
    );
    assert_eq!(
        button_keys(Resource::Projects, false),
        ("lists.bulk_request_anonymize", "lists.bulk_request_delete")
    );
}

#[wasm_bindgen_test]
fn a_bulk_request_is_one_request_carrying_the_selection_as_the_preview_does() {
    oubli::i18n::load_sources();
    // Ticked rows: one target with every ticked id (not one request per row).
    let mut s = Selection::new(Resource::Projects);
    s.set("p1", true);
    s.set("p2", true);
    let target = request_target(&s);
    assert_eq!(target.projects, Some(ids(&["p1", "p2"])));
    assert!(target.contacts.is_none() && target.projects_filter.is_none());
    // More rows than the old cap of 50: still one target with all of them.
    let mut s = Selection::new(Resource::Contacts);
    for i in 0..120 {
        s.set(&format!("c{i}"), true);
    }
    assert_eq!(request_target(&s).contacts.map(|v| v.len()), Some(120));
    // "All N matching" minus exclusions: the filter and the exclusions, exactly what
    // the erasure preview sends, never the ids.
    s.select_all_matching(prospects());
    s.set("c7", false);
    let target = request_target(&s);
    assert_eq!(target, s.target());
    assert!(target.contacts.is_none() && target.projects_filter.is_none());
    assert_eq!(
        target
            .contacts_filter
            .as_ref()
            .and_then(|f| f.status.as_deref()),
        Some("prospect")
    );
    assert_eq!(target.exclude, Some(ids(&["c7"])));
}

#[wasm_bindgen_test]
fn the_bulk_bar_says_one_request_was_sent_for_n_records() {
    oubli::i18n::load_sources();
    let request = |kind: &str, count: i64| -> oubli_domain::ErasureRequest {
        serde_json::from_value(json!({
            "id": "r1", "requester_id": "u1", "action": "delete", "target_kind": kind,
            "target_id": null, "count": count, "reason": null, "status": "open",
            "decided_by": null, "decided_at": null, "decision_reason": null,
            "erasure_id": null, "created_at": "2024-05-01T08:00:00Z"
        }))
        .expect("an erasure request")
    };
    let projects = request_sent_text(&request("projects", 1234));
    let contacts = request_sent_text(&request("contacts", 1234));
    for text in [&projects, &contacts] {
        assert!(text.contains("1234") && !text.contains("{n}"), "{text}");
    }
    assert_ne!(projects, contacts);
    assert!(request("contacts", 2).is_selection());
    // A single-record request (older servers sent no count): one record.
    let one: oubli_domain::ErasureRequest = serde_json::from_value(json!({
        "id": "r2", "requester_id": "u1", "action": "anonymize", "target_kind": "contacts",
        "target_id": "c1", "reason": "x", "status": "open", "decided_by": null,
        "decided_at": null, "decision_reason": null, "erasure_id": null,
        "created_at": "2024-05-01T08:00:00Z"
    }))
    .expect("a single-record request");
    assert!(!one.is_selection());
    assert_eq!(one.count, 1);
}
