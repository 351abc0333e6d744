//! The projects list (/projects): the same screen as the contacts list over
//! `GET /projects`, filtering on project statuses, with the name of each project's
//! contact (sortable).

use leptos::prelude::*;
use oubli_domain::filter::{ProjectListItem, Resource, SortField};
use oubli_domain::UserSummary;

use crate::components::data_table::{list_page, Cell, Column, ListConfig, Row};
use crate::components::filter_panel::code_label;
use crate::i18n::t;
use crate::pages::contacts::{short_date, user_name};

fn headers() -> Vec<Column> {
    vec![
        Column::new("lists.col_project"),
        Column::sortable("lists.col_contact", SortField::Name),
        Column::new("lists.col_status"),
        Column::new("lists.col_supplier"),
        Column::new("lists.col_assigned"),
        Column::sortable("lists.col_created", SortField::Created),
        Column::new("lists.col_beneficiaries"),
    ]
}

/// Who the project is for: the contact's name, "Contact anonymisé", or "—".
pub fn contact_label(item: &ProjectListItem) -> String {
    if item.project.anonymized_at.is_some() {
        t("lists.anonymized_contact")
    } else {
        item.contact_name.clone().unwrap_or_else(|| "—".into())
    }
}

/// No RGPD column here: an anonymized contact shows as "Contact anonymisé" in the
/// contact column, on a greyed row (one more column would not fit a laptop's width).
fn to_row(item: &ProjectListItem, users: &[UserSummary]) -> Row {
    let p = &item.project;
    let kind = code_label(
        &format!("lists.ptype_{}", p.kind.as_str()),
        p.kind.label_fr(),
    );
    let contact = contact_label(item);
    Row {
        id: p.id.clone(),
        href: format!("/projects/{}", p.id),
        label: format!("{kind} — {contact}"),
        cells: vec![
            Cell::styled(kind, "cell-name cell-kind"),
            Cell::styled(contact, "cell-contact"),
            Cell::styled(
                code_label(
                    &format!("lists.pstatus_{}", p.status.as_str()),
                    p.status.label_fr(),
                ),
                format!("status-dot status-{}", p.status.as_str()),
            ),
            Cell::plain(p.supplier.clone().unwrap_or_else(|| "—".into())),
            Cell::plain(user_name(users, p.assigned_to.as_deref())),
            Cell::styled(short_date(&p.created_at), "cell-date"),
            Cell::styled(p.beneficiaries.len().to_string(), "cell-number"),
        ],
        muted: p.anonymized_at.is_some(),
    }
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    list_page(ListConfig {
        resource: Resource::Projects,
        title_key: "lists.projects_title",
        table_testid: "projects-table",
        total_key: "lists.total_projects",
        headers,
        to_row,
        fetch: |qs: String| async move { crate::api::projects::list(&qs).await },
        new_link: None,
    })
}
