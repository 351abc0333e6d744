//! The projects list (/projects): the same screen as the contacts list over
//! `GET /projects`, filtering on project statuses.

use leptos::prelude::*;
use oubli_domain::filter::Resource;
use oubli_domain::{Project, UserSummary};

use crate::components::data_table::{list_page, Cell, ListConfig, Row};
use crate::components::filter_panel::code_label;
use crate::i18n::t;
use crate::pages::contacts::{short_date, user_name};

fn headers() -> Vec<String> {
    [
        "lists.col_project",
        "lists.col_status",
        "lists.col_supplier",
        "lists.col_assigned",
        "lists.col_created",
        "lists.col_beneficiaries",
        "lists.col_gdpr",
    ]
    .into_iter()
    .map(t)
    .collect()
}

fn to_row(p: &Project, users: &[UserSummary]) -> Row {
    Row {
        id: p.id.clone(),
        href: format!("/projects/{}", p.id),
        cells: vec![
            Cell::styled(
                code_label(
                    &format!("lists.ptype_{}", p.kind.as_str()),
                    p.kind.label_fr(),
                ),
                "cell-name",
            ),
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
            if p.anonymized_at.is_some() {
                Cell::styled(t("lists.flag_anonymized"), "cell-flags")
            } else {
                Cell::plain("")
            },
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
