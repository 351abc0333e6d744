//! The lead form (PRODUCT.md §9 "Lead capture widgets") and its thank-you.
//!
//! Accessibility: every input has its label; errors are tied to their field
//! (`aria-describedby`, `aria-invalid`); a failed send moves focus to the first field
//! in error, a sent one to the thank-you heading. The send button is never disabled
//! (a disabled button cannot say why): without the CGU box ticked it refuses, says why
//! next to the box, and focuses it.

use super::cgu::CguDisclosure;
use super::config::WidgetConfig;
use super::form::{field_of, lead_body, LeadFields};
use crate::api::ApiError;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use oubli_domain::{Civility, FieldErrors};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// Sends a lead: `(JSON body, Idempotency-Key)`. The page passes the real POST
/// (`api::send_lead`); tests pass a recorder.
pub type SendLead =
    Rc<dyn Fn(String, String) -> Pin<Box<dyn Future<Output = Result<(), ApiError>>>>>;

/// Fetches the widget's definition again (`api::load`), for when the server says the
/// CGU shown are no longer the current ones.
pub type ReloadConfig = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<WidgetConfig>>>>>;

/// The state of one fill, shared by the form's pieces.
#[derive(Clone, Copy)]
struct Form {
    fields: RwSignal<LeadFields>,
    errors: RwSignal<FieldErrors>,
    /// Errors show (and follow the typing) once sending has been tried.
    tried: RwSignal<bool>,
}

impl Form {
    fn error(self, name: &'static str) -> impl Fn() -> Option<String> + Copy {
        move || self.errors.with(|e| e.get(name).cloned())
    }

    fn edit(self, change: impl FnOnce(&mut LeadFields)) {
        self.fields.update(change);
        if self.tried.get_untracked() {
            // Follow the typing, but keep what only the server can say (fields of a
            // 422 that the form does not check) until the next send.
            let fresh = self.fields.with_untracked(LeadFields::validate);
            self.errors.set(fresh);
        }
    }
}

fn element_id(field: &str) -> String {
    format!("w-{field}")
}

/// Moves focus once the current changes are on screen.
fn focus_later(id: String) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// The error line under a field, present only while there is an error.
fn error_line(form: Form, name: &'static str) -> impl IntoView {
    let error = form.error(name);
    move || {
        error().map(|m| {
            view! {
                <p class="w-error" id=format!("w-{name}-err")>
                    {m}
                </p>
            }
        })
    }
}

#[component]
fn TextField(
    form: Form,
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let error = form.error(name);
    let invalid = move || error().map(|_| "true");
    let described = move || error().map(|_| format!("w-{name}-err"));
    let value = move || form.fields.with(|f| f.text(name).to_owned());
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        form.edit(|f| f.set_text(name, v));
    };
    let control = if multiline {
        view! {
            <textarea
                id=element_id(name)
                name=name
                rows="4"
                aria-invalid=invalid
                aria-describedby=described
                prop:value=value
                on:input=on_input
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=element_id(name)
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                aria-required=(!optional).then_some("true")
                aria-invalid=invalid
                aria-describedby=described
                prop:value=value
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="w-field" class:w-field-error=move || error().is_some()>
            <label for=element_id(name)>
                {label}
                {optional.then_some(view! { <span class="w-optional">" (facultatif)"</span> })}
            </label>
            {control}
            {error_line(form, name)}
        </div>
    }
}

#[component]
fn CivilityField(form: Form) -> impl IntoView {
    let radio = move |id: &'static str, value: Civility, label: &'static str| {
        let checked = move || form.fields.with(|f| f.civility == Some(value));
        view! {
            <label class="w-radio" for=id>
                <input
                    id=id
                    type="radio"
                    name="civility"
                    value=value.as_str()
                    prop:checked=checked
                    on:change=move |_| form.edit(|f| f.civility = Some(value))
                />
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="w-civility">
            <legend>"Civilité" <span class="w-optional">" (facultatif)"</span></legend>
            {radio("w-civility", Civility::Mme, "Madame")}
            {radio("w-civility-m", Civility::M, "Monsieur")}
        </fieldset>
    }
}

/// The consents: the CGU box (never pre-checked) with the text one click away, then the
/// separate, optional marketing box.
#[component]
fn Consents(form: Form, config: RwSignal<WidgetConfig>) -> impl IntoView {
    let error = form.error("cgu");
    let cgu_checked = move || form.fields.with(|f| f.cgu_accepted);
    let marketing_checked = move || form.fields.with(|f| f.marketing_consent);
    view! {
        <fieldset class="w-consents">
            <legend>"Vos consentements"</legend>
            <div class="w-check" class:w-field-error=move || error().is_some()>
                <input
                    id="w-cgu"
                    type="checkbox"
                    name="cgu"
                    aria-required="true"
                    aria-invalid=move || error().map(|_| "true")
                    aria-describedby=move || error().map(|_| "w-cgu-err")
                    prop:checked=cgu_checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.edit(|f| f.cgu_accepted = on);
                    }
                />
                <label for="w-cgu">{move || config.with(|c| c.cgu_label().to_owned())}</label>
            </div>
            {error_line(form, "cgu")}
            {move || {
                view! { <CguDisclosure text=config.with(|c| c.cgu.text.clone()) id="w-cgu-text" /> }
            }}
            <div class="w-check">
                <input
                    id="w-marketing"
                    type="checkbox"
                    name="marketing_consent"
                    prop:checked=marketing_checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.fields.update(|f| f.marketing_consent = on);
                    }
                />
                <label for="w-marketing">
                    {move || config.with(|c| c.marketing_label().to_owned())}
                </label>
            </div>
        </fieldset>
    }
}

/// The lead form of a widget, then its thank-you once sent. When the server refuses
/// the CGU (a new version came into force since the form was loaded), the box is
/// unticked and, with `reload`, the current text and its SHA-256 replace the old ones:
/// a person only ever accepts the text they could read.
#[component]
pub fn LeadForm(
    config: WidgetConfig,
    page: String,
    send: SendLead,
    #[prop(optional)] reload: Option<ReloadConfig>,
) -> impl IntoView {
    let form = Form {
        fields: RwSignal::new(LeadFields::default()),
        errors: RwSignal::new(FieldErrors::new()),
        tried: RwSignal::new(false),
    };
    let top_error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let sent = RwSignal::new(false);
    // One key per fill: a retry after a lost answer carries the same one.
    let idempotency_key = StoredValue::new(super::api::new_idempotency_key());
    let config = RwSignal::new(config);
    let reload = StoredValue::new_local(reload);
    let page = StoredValue::new(page);
    let send = StoredValue::new_local(send);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        form.tried.set(true);
        top_error.set(None);
        let errors = form.fields.with_untracked(LeadFields::validate);
        if let Some(first) = LeadFields::first_error(&errors) {
            form.errors.set(errors);
            focus_later(element_id(first));
            return;
        }
        form.errors.set(FieldErrors::new());
        let body = form
            .fields
            .with_untracked(|f| config.with_untracked(|c| page.with_value(|p| lead_body(f, c, p))))
            .to_string();
        sending.set(true);
        let request = send.with_value(|send| send(body, idempotency_key.get_value()));
        leptos::task::spawn_local(async move {
            match request.await {
                Ok(()) => {
                    sent.set(true);
                    focus_later("w-thanks".into());
                }
                Err(e) => {
                    sending.set(false);
                    let mut fields = FieldErrors::new();
                    for (name, message) in &e.fields {
                        match field_of(name) {
                            Some(field) => {
                                fields.insert(field.into(), message.clone());
                            }
                            None => top_error.set(Some(message.clone())),
                        }
                    }
                    if top_error.get_untracked().is_none() {
                        top_error.set(Some(e.message.clone()));
                    }
                    if fields.contains_key("cgu") {
                        form.fields.update(|f| f.cgu_accepted = false);
                        if let Some(reload) = reload.with_value(Clone::clone) {
                            leptos::task::spawn_local(async move {
                                if let Some(current) = reload().await {
                                    config.set(current);
                                }
                            });
                        }
                    }
                    let first = LeadFields::first_error(&fields);
                    form.errors.set(fields);
                    focus_later(first.map_or_else(|| "w-alert".into(), element_id));
                }
            }
        });
    };

    let the_form = move || {
        view! {
            <form class="w-form" novalidate on:submit=on_submit aria-labelledby="w-title">
                <h1 id="w-title" class="w-title">"Demande de contact"</h1>
                <p class="w-intro">
                    "Laissez vos coordonnées : un conseiller du cabinet vous recontacte. Les champs sont obligatoires, sauf mention « facultatif »."
                </p>
                {move || {
                    top_error
                        .get()
                        .map(|m| {
                            view! {
                                <p class="w-alert" id="w-alert" role="alert" tabindex="-1">
                                    {m}
                                </p>
                            }
                        })
                }}
                <fieldset class="w-contact">
                    <legend>"Vos coordonnées"</legend>
                    <CivilityField form=form />
                    <div class="w-row">
                        <TextField form=form name="first_name" label="Prénom" autocomplete="given-name" />
                        <TextField form=form name="last_name" label="Nom" autocomplete="family-name" />
                    </div>
                    <TextField form=form name="email" label="Adresse e-mail" autocomplete="email" input_type="email" />
                    <TextField form=form name="mobile_phone" label="Téléphone mobile" autocomplete="tel" input_type="tel" />
                    <div class="w-row">
                        <TextField form=form name="postal_code" label="Code postal" autocomplete="postal-code" inputmode="numeric" />
                        <TextField form=form name="city" label="Ville" autocomplete="address-level2" />
                    </div>
                </fieldset>
                <TextField form=form name="comment" label="Votre message" autocomplete="off" multiline=true optional=true />
                <Consents form=form config=config />
                // The honeypot: off-screen, out of the tab order, hidden from screen
                // readers; a person leaves it empty.
                <div class="w-hp" aria-hidden="true">
                    <label for="w-website">"Site web (ne pas remplir)"</label>
                    <input
                        id="w-website"
                        type="text"
                        name="website"
                        tabindex="-1"
                        autocomplete="off"
                        prop:value=move || form.fields.with(|f| f.website.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            form.fields.update(|f| f.website = v);
                        }
                    />
                </div>
                <button
                    type="submit"
                    class="w-send"
                    aria-describedby=move || form.error("cgu")().map(|_| "w-cgu-err")
                    aria-disabled=move || sending.get().then_some("true")
                >
                    {move || if sending.get() { "Envoi en cours…" } else { "Envoyer ma demande" }}
                </button>
            </form>
        }
    };

    move || {
        if sent.get() {
            let marketing = form.fields.with_untracked(|f| f.marketing_consent);
            let cgu = config.with_untracked(|c| c.cgu.text.clone());
            view! { <ThankYou marketing cgu /> }.into_any()
        } else {
            the_form().into_any()
        }
    }
}

/// What happens next, and how to exercise one's rights.
#[component]
fn ThankYou(marketing: bool, cgu: String) -> impl IntoView {
    view! {
        <section class="w-thanks" aria-labelledby="w-thanks">
            <h1 id="w-thanks" class="w-title" tabindex="-1">
                "Merci, votre demande a bien été envoyée."
            </h1>
            <p>
                "Un conseiller du cabinet va l'étudier et vous recontacter par téléphone ou par e-mail dans les meilleurs délais."
            </p>
            <h2>"Vos données, vos droits"</h2>
            <p>
                {if marketing {
                    "Vos coordonnées servent à traiter votre demande et, comme vous l'avez accepté, à vous envoyer des offres du cabinet."
                } else {
                    "Vos coordonnées servent uniquement à traiter votre demande."
                }}
                " Vous pouvez à tout moment demander au cabinet d'y accéder, de les rectifier ou de les effacer, et vous opposer à leur utilisation, y compris à la prospection commerciale : contactez le cabinet aux coordonnées indiquées dans les conditions générales ci-dessous. Vous pouvez aussi adresser une réclamation à la CNIL."
            </p>
            <CguDisclosure text=cgu id="w-thanks-cgu" />
        </section>
    }
}
