//! The contacts list (/contacts): server-side filters, search, keyset pagination,
//! selection for the bulk actions. The screen itself is the shared
//! [`list_page`](crate::components::data_table::list_page); this file says what a
//! contact row shows.

use leptos::prelude::*;
use oubli_domain::filter::Resource;
use oubli_domain::{Contact, UserSummary};

use crate::components::data_table::{list_page, Cell, ListConfig, Row};
use crate::components::filter_panel::code_label;
use crate::i18n::t;

/// A date in the reader's time zone, as brokers write it.
pub fn short_date(at: &chrono::DateTime<chrono::Utc>) -> String {
    crate::components::record::fr_date(at.with_timezone(&chrono::Local).date_naive())
}

/// The name of a user of the cabinet, or "—".
pub fn user_name(users: &[UserSummary], id: Option<&str>) -> String {
    match id {
        None => "—".to_owned(),
        Some(id) => users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "…".to_owned()),
    }
}

/// How a contact is named in lists: person, else company, else a neutral label.
pub fn display_name(c: &Contact) -> String {
    if c.anonymized_at.is_some() {
        return t("lists.anonymized_contact");
    }
    let f = &c.fields;
    let person: Vec<&str> = [
        f.civility.map(|c| c.label_fr()),
        f.first_name.as_deref(),
        f.last_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect();
    let has_name = f
        .first_name
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
        || f.last_name.as_deref().is_some_and(|s| !s.trim().is_empty());
    if has_name {
        person.join(" ")
    } else if let Some(company) = f.company_name.as_deref().filter(|s| !s.trim().is_empty()) {
        company.to_owned()
    } else {
        t("lists.unnamed")
    }
}

fn headers() -> Vec<String> {
    [
        "lists.col_name",
        "lists.col_city",
        "lists.col_status",
        "lists.col_supplier",
        "lists.col_assigned",
        "lists.col_created",
        "lists.col_last_interaction",
        "lists.col_gdpr",
    ]
    .into_iter()
    .map(t)
    .collect()
}

fn to_row(c: &Contact, users: &[UserSummary]) -> Row {
    let f = &c.fields;
    let place = [f.postal_code.as_deref(), f.city.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let status = match f.status {
        Some(s) => Cell::styled(
            code_label(&format!("lists.cstatus_{}", s.as_str()), s.label_fr()),
            format!("status-dot status-{}", s.as_str()),
        ),
        None => Cell::plain("—"),
    };
    let mut gdpr = Vec::new();
    if c.anonymized_at.is_some() {
        gdpr.push(t("lists.flag_anonymized"));
    }
    if c.opposition_at.is_some() {
        gdpr.push(t("lists.flag_opposition"));
    }
    Row {
        id: c.id.clone(),
        href: format!("/contacts/{}", c.id),
        cells: vec![
            Cell::styled(display_name(c), "cell-name"),
            Cell::plain(if place.is_empty() {
                "—".into()
            } else {
                place
            }),
            status,
            Cell::plain(f.supplier.clone().unwrap_or_else(|| "—".into())),
            Cell::plain(user_name(users, f.assigned_to.as_deref())),
            Cell::styled(short_date(&c.created_at), "cell-date"),
            Cell::styled(
                c.last_inbound_at
                    .as_ref()
                    .map(short_date)
                    .unwrap_or_else(|| "—".into()),
                "cell-date",
            ),
            if gdpr.is_empty() {
                Cell::plain("")
            } else {
                Cell::styled(gdpr.join(" · "), "cell-flags")
            },
        ],
        muted: c.anonymized_at.is_some(),
    }
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    list_page(ListConfig {
        resource: Resource::Contacts,
        title_key: "lists.contacts_title",
        table_testid: "contacts-table",
        total_key: "lists.total_contacts",
        headers,
        to_row,
        fetch: |qs: String| async move { crate::api::contacts::list(&qs).await },
        new_link: Some(("/contacts/new", "lists.new_contact", "new-contact")),
    })
}
