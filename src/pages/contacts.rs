//! The contacts list (/contacts): server-side filters, search, keyset pagination,
//! selection for the bulk actions. The screen itself is the shared
//! [`list_page`](crate::components::data_table::list_page); this file says what a
//! contact row shows.

use leptos::prelude::*;
use oubli_domain::filter::{Resource, SortField};
use oubli_domain::{Contact, UserSummary};

use crate::components::data_table::{list_page, Cell, Column, ListConfig, Row};
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

/// How a contact is named in lists, matching the name order of the server (last name,
/// else company name): civility, first and last name when there is a last name, else
/// the company, else the first name alone, else a neutral label.
pub fn display_name(c: &Contact) -> String {
    if c.anonymized_at.is_some() {
        return t("lists.anonymized_contact");
    }
    let f = &c.fields;
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match (
        text(&f.last_name),
        text(&f.company_name),
        text(&f.first_name),
    ) {
        (Some(last), _, first) => [
            f.civility.map(|c| c.label_fr().to_owned()),
            first,
            Some(last),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        (None, Some(company), _) => company,
        (None, None, Some(first)) => first,
        (None, None, None) => t("lists.unnamed"),
    }
}

fn headers() -> Vec<Column> {
    vec![
        Column::sortable("lists.col_name", SortField::Name),
        Column::new("lists.col_city"),
        Column::new("lists.col_status"),
        Column::new("lists.col_supplier"),
        Column::new("lists.col_assigned"),
        Column::sortable("lists.col_created", SortField::Created),
        Column::new("lists.col_last_interaction"),
        Column::new("lists.col_gdpr"),
    ]
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
    let name = display_name(c);
    Row {
        id: c.id.clone(),
        href: format!("/contacts/{}", c.id),
        label: name.clone(),
        cells: vec![
            Cell::styled(name, "cell-name"),
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
