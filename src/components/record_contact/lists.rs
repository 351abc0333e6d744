//! The contact's projects and contracts (the contracts list serves a project too).

use crate::components::form::{premium_text, tr};
use crate::components::record::{fr_date, user_name};
use crate::i18n::{msg, t};
use leptos::prelude::*;
use oubli_domain::{ContactDetail, UserSummary};

/// The contact's projects, with "Nouveau projet".
#[component]
pub fn ProjectsList(
    #[prop(into)] detail: Signal<Option<ContactDetail>>,
    #[prop(into)] users: Signal<Vec<UserSummary>>,
) -> impl IntoView {
    view! {
        {move || {
            let projects = detail.with(|d| d.as_ref().map(|d| d.projects.clone()).unwrap_or_default());
            if projects.is_empty() {
                view! { <p class="muted">{tr("record.no_projects")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr("record.type")}</th>
                                    <th scope="col">{tr("record.status")}</th>
                                    <th scope="col">{tr("record.supplier")}</th>
                                    <th scope="col">{tr("record.assigned_to")}</th>
                                    <th scope="col">{tr("record.created_at")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {projects
                                    .into_iter()
                                    .map(|p| {
                                        let href = format!("/projects/{}", p.id);
                                        let kind = p.kind;
                                        let status = p.status;
                                        let opposed = p.opposition_match;
                                        let who = users.with(|u| user_name(u, p.assigned_to.as_deref()));
                                        view! {
                                            <tr data-testid="project-row">
                                                <td>
                                                    <a href=href>{move || msg(kind.label_fr())}</a>
                                                </td>
                                                <td>
                                                    <span class="badge">{move || msg(status.label_fr())}</span>
                                                    {opposed.then(opposition_badge)}
                                                </td>
                                                <td>{p.supplier.clone().unwrap_or_default()}</td>
                                                <td>{who}</td>
                                                <td>{fr_date(p.created_at.date_naive())}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        }}
    }
}

/// Contracts (of a contact, or of a project).
#[component]
pub fn ContractsList(
    #[prop(into)] contracts: Signal<Vec<oubli_domain::Contract>>,
) -> impl IntoView {
    view! {
        {move || {
            let list = contracts.get();
            if list.is_empty() {
                view! { <p class="muted">{tr("record.no_contracts")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{tr("record.insurer")}</th>
                                    <th scope="col">{tr("record.product")}</th>
                                    <th scope="col" class="num">{tr("record.monthly_premium")}</th>
                                    <th scope="col">{tr("record.start_date")}</th>
                                    <th scope="col">{tr("record.status")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|k| {
                                        let href = format!("/contracts/{}", k.id);
                                        let status = k.status;
                                        view! {
                                            <tr data-testid="contract-row">
                                                <td>
                                                    <a href=href>{k.insurer.clone()}</a>
                                                </td>
                                                <td>{k.product.clone().unwrap_or_default()}</td>
                                                <td class="num">{premium_text(k.monthly_premium_cents)}</td>
                                                <td>{k.start_date.map(fr_date).unwrap_or_default()}</td>
                                                <td>
                                                    <span class="badge">{move || msg(status.label_fr())}</span>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }
        }}
    }
}

/// On a lead that arrived while its person was on the opposition list: stored, never
/// to be solicited, and the broker sees why.
pub fn opposition_badge() -> impl IntoView {
    view! {
        <span
            class="badge badge-danger"
            data-testid="opposition-match"
            title=move || t("record.opposition_match_help")
        >
            {move || t("record.opposition_match")}
        </span>
    }
}
