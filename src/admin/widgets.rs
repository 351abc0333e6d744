//! The widgets tab: the cabinet's lead forms and comparators, a form to create or edit
//! one (name, kind, allowed origins, project type, lead source, routing, on/off), and
//! for the chosen one the snippet to paste in a site and a live preview.

use leptos::prelude::*;
use oubli_domain::{FieldErrors, ProjectType, Routing, RoutingMode, UserSummary, WidgetKind};

use crate::api::admin::{self, Widget, WidgetInput};
use crate::api::ApiError;
use crate::components::form::{
    normalized_validator, submission, tr, Binder, FormState, FormStatus, Tasks,
};
use crate::components::record::{enum_choices, user_choices};
use crate::i18n::{msg, t};

/// What the tab shows under the list.
#[derive(Clone, PartialEq)]
enum Panel {
    None,
    /// The form, for a new widget (`None`) or one of the list.
    Edit(Option<Widget>),
    /// The snippet and the preview of a saved widget.
    Show(Widget),
}

#[component]
pub fn WidgetsTab() -> impl IntoView {
    let list = RwSignal::new(None::<Result<Vec<Widget>, ApiError>>);
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let panel = RwSignal::new(Panel::None);
    let tasks = Tasks::new();
    let reload = move || {
        tasks.spawn(async move { list.set(Some(admin::widgets().await)) });
    };
    reload();
    tasks.spawn(async move {
        if let Ok(u) = crate::api::users::list().await {
            users.set(u);
        }
    });
    let on_saved = Callback::new(move |w: Widget| {
        panel.set(Panel::Show(w));
        reload();
    });

    let rows = move || {
        match list.get() {
        None => view! { <p class="loading">{tr("common.loading")}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{msg(&e.message)}</p> }.into_any(),
        Some(Ok(v)) if v.is_empty() => {
            view! { <p class="muted" data-testid="widgets-empty">{tr("admin.widgets_none")}</p> }.into_any()
        }
        Some(Ok(v)) => view! {
            <table class="admin-table" data-testid="widgets-table">
                <thead>
                    <tr>
                        <th scope="col">{tr("admin.widget_name")}</th>
                        <th scope="col">{tr("admin.widget_kind")}</th>
                        <th scope="col">{tr("admin.widget_origins")}</th>
                        <th scope="col">{tr("admin.widget_state")}</th>
                        <th scope="col"><span class="sr-only">{tr("admin.actions")}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {v
                        .into_iter()
                        .map(|w| {
                            let (show, edit) = (w.clone(), w.clone());
                            view! {
                                <tr data-testid="widget-row">
                                    <td>{w.fields.name.clone()}</td>
                                    <td>{move || msg(w.fields.kind.label_fr())}</td>
                                    <td class="small">{w.fields.allowed_origins.join(", ")}</td>
                                    <td>
                                        {if w.fields.active {
                                            view! { <span class="badge badge-ok">{tr("admin.active")}</span> }
                                        } else {
                                            view! { <span class="badge">{tr("admin.inactive")}</span> }
                                        }}
                                    </td>
                                    <td class="row-actions">
                                        <button
                                            type="button"
                                            class="btn btn-small"
                                            data-testid="widget-show"
                                            on:click=move |_| panel.set(Panel::Show(show.clone()))
                                        >
                                            {tr("admin.widget_snippet_button")}
                                        </button>
                                        <button
                                            type="button"
                                            class="btn btn-small"
                                            data-testid="widget-edit"
                                            on:click=move |_| panel.set(Panel::Edit(Some(edit.clone())))
                                        >
                                            {tr("admin.edit")}
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
    };

    view! {
        <section class="panel admin-section" aria-labelledby="widgets-title">
            <div class="section-head">
                <h2 id="widgets-title">{tr("admin.widgets_title")}</h2>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="widget-new"
                    on:click=move |_| panel.set(Panel::Edit(None))
                >
                    {tr("admin.widget_new")}
                </button>
            </div>
            <p class="muted">{tr("admin.widgets_intro")}</p>
            {rows}
        </section>
        {move || match panel.get() {
            Panel::None => ().into_any(),
            Panel::Edit(w) => view! {
                <WidgetForm
                    widget=w
                    users=users
                    on_saved=on_saved
                    on_cancel=Callback::new(move |_| panel.set(Panel::None))
                />
            }
            .into_any(),
            Panel::Show(w) => view! { <WidgetSnippet widget=w /> }.into_any(),
        }}
    }
}

/// A new widget: a lead form, for health projects, the whole cabinet in turn.
fn new_widget() -> WidgetInput {
    WidgetInput {
        kind: WidgetKind::LeadForm,
        name: String::new(),
        allowed_origins: Vec::new(),
        project_type: ProjectType::Sante,
        supplier: None,
        routing: Routing::default(),
        active: true,
    }
}

/// The messages of the origins the domain refused, one per line typed
/// (`allowed_origins[i]` → "Ligne i+1 : …").
fn origin_errors(errors: &FieldErrors) -> Vec<String> {
    errors
        .iter()
        .filter_map(|(k, m)| {
            let i: usize = k
                .strip_prefix("allowed_origins[")?
                .strip_suffix(']')?
                .parse()
                .ok()?;
            Some(format!("{} {} : {}", t("admin.line"), i + 1, msg(m)))
        })
        .collect()
}

/// The allowed origins as typed: one per line (commas and spaces also separate).
fn origins_text(v: &[String]) -> String {
    v.join("\n")
}

fn parse_origins(s: &str) -> Vec<String> {
    s.split(|c: char| c == '\n' || c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The teams a widget can route to: those of the cabinet's users, named by their
/// members (the teams' own page comes with the users' administration).
fn team_choices(users: &[UserSummary]) -> Vec<(String, String)> {
    let mut teams: Vec<(String, Vec<String>)> = Vec::new();
    for u in users.iter().filter(|u| u.active) {
        if let Some(team) = &u.team_id {
            match teams.iter_mut().find(|(id, _)| id == team) {
                Some((_, names)) => names.push(u.name.clone()),
                None => teams.push((team.clone(), vec![u.name.clone()])),
            }
        }
    }
    teams
        .into_iter()
        .map(|(id, names)| (id, names.join(", ")))
        .collect()
}

#[component]
fn WidgetForm(
    widget: Option<Widget>,
    users: RwSignal<Vec<UserSummary>>,
    on_saved: Callback<Widget>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let id = widget.as_ref().map(|w| w.id.clone());
    let editing = id.is_some();
    let start = widget
        .as_ref()
        .map_or_else(new_widget, |w| w.fields.clone());
    let form = RwSignal::new(FormState::new(
        start,
        normalized_validator(WidgetInput::normalize, WidgetInput::validate),
    ));
    let b = Binder::new(form, "widget");
    let tasks = Tasks::new();
    let pending = move || form.with(|f| f.pending);
    let mode = Memo::new(move |_| form.with(|f| f.value.routing.mode));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(mut input) = submission(form) else {
            return;
        };
        input.normalize();
        let id = id.clone();
        tasks.spawn(async move {
            let saved = match &id {
                Some(id) => admin::update_widget(id, &input).await,
                None => admin::create_widget(&input).await,
            };
            match saved {
                Ok(w) => on_saved.run(w),
                Err(e) => form.update(|f| f.failed(&e)),
            }
        });
    };

    view! {
        <section class="panel admin-section" aria-labelledby="widget-form-title">
            <h2 id="widget-form-title">
                {if editing { tr("admin.widget_edit_title") } else { tr("admin.widget_new_title") }}
            </h2>
            <form class="record-form" novalidate data-testid="widget-form" on:submit=submit>
                <div class="grid">
                    {b.text("name", "admin.widget_name", "text", |v| v.name.clone(), |v, s| v.name = s)}
                    {b
                        .select(
                            "kind",
                            "admin.widget_kind",
                            || enum_choices(WidgetKind::ALL, WidgetKind::as_str, WidgetKind::label_fr),
                            None,
                            |v| v.kind.as_str().to_owned(),
                            |v, s| v.kind = WidgetKind::parse(&s).unwrap_or(v.kind),
                        )}
                    {b
                        .select(
                            "project_type",
                            "admin.widget_project_type",
                            || enum_choices(ProjectType::ALL, ProjectType::as_str, ProjectType::label_fr),
                            None,
                            |v| v.project_type.as_str().to_owned(),
                            |v, s| v.project_type = ProjectType::parse(&s).unwrap_or(v.project_type),
                        )}
                    {b
                        .text(
                            "supplier",
                            "admin.widget_supplier",
                            "text",
                            |v| v.supplier.clone().unwrap_or_default(),
                            |v, s| v.supplier = Some(s).filter(|s| !s.trim().is_empty()),
                        )}
                    {b
                        .select(
                            "routing.mode",
                            "admin.widget_routing",
                            || enum_choices(RoutingMode::ALL, RoutingMode::as_str, RoutingMode::label_fr),
                            None,
                            |v| v.routing.mode.as_str().to_owned(),
                            |v, s| {
                                v.routing.mode = RoutingMode::parse(&s).unwrap_or(v.routing.mode);
                                v.routing.user_id = None;
                                v.routing.team_id = None;
                            },
                        )}
                    {move || match mode.get() {
                        RoutingMode::User => b
                            .select(
                                "routing.user_id",
                                "admin.routing_user_pick",
                                move || users.with(|u| user_choices(u, None)),
                                Some("record.choose"),
                                |v| v.routing.user_id.clone().unwrap_or_default(),
                                |v, s| v.routing.user_id = Some(s).filter(|s| !s.is_empty()),
                            ),
                        RoutingMode::Team => b
                            .select(
                                "routing.team_id",
                                "admin.routing_team_pick",
                                move || users.with(|u| team_choices(u)),
                                Some("record.choose"),
                                |v| v.routing.team_id.clone().unwrap_or_default(),
                                |v, s| v.routing.team_id = Some(s).filter(|s| !s.is_empty()),
                            ),
                        RoutingMode::RoundRobin => ().into_any(),
                    }}
                </div>
                {b
                    .textarea(
                        "allowed_origins",
                        "admin.widget_origins_field",
                        |v| origins_text(&v.allowed_origins),
                        |v, s| v.allowed_origins = parse_origins(&s),
                    )}
                <p class="muted small">{tr("admin.widget_origins_help")}</p>
                {move || {
                    let lines = form.with(|f| origin_errors(&f.visible_errors()));
                    (!lines.is_empty())
                        .then(|| {
                            view! {
                                <ul class="form-error" role="alert" data-testid="origin-errors">
                                    {lines.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                                </ul>
                            }
                        })
                }}
                {b.checkbox("active", "admin.widget_active", |v| v.active, |v, on| v.active = on)}
                <FormStatus message=Signal::derive(move || form.with(|f| f.message.clone())) />
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| on_cancel.run(())>
                        {tr("record.cancel")}
                    </button>
                    <button type="submit" class="btn btn-primary" data-testid="widget-save" disabled=pending>
                        {move || if pending() { t("record.saving") } else { t("record.save") }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A saved widget: the snippet to paste, a button that copies it, and the form as a
/// visitor sees it (the preview page sends nothing).
#[component]
fn WidgetSnippet(widget: Widget) -> impl IntoView {
    let copied = RwSignal::new(false);
    let snippet = widget.snippet.clone();
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&snippet);
        copied.set(true);
    };
    let preview = format!("/w/{}/preview", widget.key);
    view! {
        <section class="panel admin-section" aria-labelledby="snippet-title" data-testid="widget-snippet">
            <h2 id="snippet-title">{widget.fields.name.clone()}</h2>
            <p class="muted">{tr("admin.snippet_help")}</p>
            <label class="field-label" for="widget-snippet-code">{tr("admin.snippet_label")}</label>
            <textarea id="widget-snippet-code" class="snippet" readonly rows="3" data-testid="widget-snippet-code">
                {widget.snippet.clone()}
            </textarea>
            <div class="form-actions">
                <button type="button" class="btn" data-testid="widget-copy" on:click=copy>
                    {move || if copied.get() { t("admin.snippet_copied") } else { t("admin.snippet_copy") }}
                </button>
            </div>
            <h3>{tr("admin.preview_title")}</h3>
            <iframe
                class="widget-preview"
                src=preview
                title=move || t("admin.preview_title")
                data-testid="widget-preview"
            ></iframe>
        </section>
    }
}
