//! The widget page's logic (src/widget/), in a real headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test widget`.
//! The lead form is mounted with a recorder in place of the POST, so the tests see
//! exactly what would be sent, and that nothing is sent when the form refuses.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use oubli::api::ApiError;
use oubli::widget::config::{CguVersion, WidgetConfig};
use oubli::widget::form::{self, lead_body, LeadFields, CGU_REQUIRED, WIDGET_BUILD};
use oubli::widget::lead_form::{LeadForm, ReloadConfig, SendLead};
use oubli::widget::{api, frame, Widget, UNAVAILABLE};
use oubli_domain::{validate, Civility};
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn config() -> WidgetConfig {
    WidgetConfig {
        kind: "lead_form".into(),
        name: "Site vitrine".into(),
        cgu: CguVersion {
            version_id: json!("cgu-3"),
            text: "Conditions générales, version 3.".into(),
            sha256: "ab".repeat(32),
        },
        cgu_label: None,
        marketing_label: None,
        project_type: Some("sante".into()),
        form_token: Some("tok-1".into()),
    }
}

const PAGE: &str = "https://courtier.example/devis?x=1";

/// What the form asked to send, and what each attempt answers (Ok when none is queued).
#[derive(Clone, Default)]
struct Recorder {
    sent: Rc<RefCell<Vec<(String, String)>>>,
    answers: Rc<RefCell<Vec<Result<(), ApiError>>>>,
}

impl Recorder {
    fn send(&self) -> SendLead {
        let this = self.clone();
        Rc::new(move |body, key| {
            this.sent.borrow_mut().push((body, key));
            let answer = if this.answers.borrow().is_empty() {
                Ok(())
            } else {
                this.answers.borrow_mut().remove(0)
            };
            Box::pin(async move { answer })
        })
    }

    fn count(&self) -> usize {
        self.sent.borrow().len()
    }
}

fn el<T: JsCast>(id: &str) -> T {
    document()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("#{id} missing"))
        .unchecked_into()
}

fn text(id: &str) -> Option<String> {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.text_content())
}

fn attr(id: &str, name: &str) -> Option<String> {
    el::<HtmlElement>(id).get_attribute(name)
}

fn type_into(id: &str, value: &str) {
    let input = el::<HtmlInputElement>(id);
    input.set_value(value);
    // Leptos listens for `input` once, on the document: the event must bubble.
    let event = document().create_event("Event").unwrap();
    event.init_event_with_bubbles("input", true);
    input.dispatch_event(&event).unwrap();
}

fn submit() {
    document()
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
}

/// Lets the reactive system run, and an animation frame pass (focus moves in one).
async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    leptos::task::tick().await;
}

fn focused_id() -> Option<String> {
    document().active_element().map(|e| e.id())
}

fn fill_valid() {
    type_into("w-first_name", "Camille");
    type_into("w-last_name", "Exemple");
    type_into("w-email", "Camille.Exemple@Example.fr");
    type_into("w-mobile_phone", "06 12 34 56 78");
    type_into("w-postal_code", "69003");
    type_into("w-city", "Lyon");
}

/// Mounts the lead form in a fresh element; the element goes with the returned guard.
fn mount_form(recorder: &Recorder) -> (HtmlElement, impl Drop) {
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let send = recorder.send();
    let mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! { <LeadForm config=config() page=PAGE.to_owned() send=send.clone() /> }
    });
    (parent, mounted)
}

#[wasm_bindgen_test]
async fn sending_without_the_cgu_is_refused_and_says_why() {
    let recorder = Recorder::default();
    let (parent, _mounted) = mount_form(&recorder);
    let cgu = el::<HtmlInputElement>("w-cgu");
    assert!(!cgu.checked(), "never pre-checked");
    fill_valid();
    submit();
    settle().await;
    assert_eq!(recorder.count(), 0, "nothing sent");
    assert_eq!(text("w-cgu-err").as_deref(), Some(CGU_REQUIRED));
    assert_eq!(attr("w-cgu", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        attr("w-cgu", "aria-describedby").as_deref(),
        Some("w-cgu-err")
    );
    let button = document()
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap();
    assert_eq!(
        button.get_attribute("aria-describedby").as_deref(),
        Some("w-cgu-err")
    );
    assert_eq!(
        button.get_attribute("disabled"),
        None,
        "refuses, not disabled"
    );
    assert_eq!(focused_id().as_deref(), Some("w-cgu"));
    // The other fields were fine.
    assert_eq!(text("w-email-err"), None);

    // Ticking it clears the message.
    cgu.click();
    settle().await;
    assert_eq!(text("w-cgu-err"), None);
    parent.remove();
}

#[wasm_bindgen_test]
async fn field_errors_are_the_domain_messages_tied_to_their_fields() {
    let recorder = Recorder::default();
    let (parent, _mounted) = mount_form(&recorder);
    submit();
    settle().await;
    assert_eq!(recorder.count(), 0);
    assert_eq!(
        text("w-first_name-err").as_deref(),
        Some(form::FIRST_NAME_REQUIRED)
    );
    assert_eq!(
        text("w-last_name-err").as_deref(),
        Some(form::LAST_NAME_REQUIRED)
    );
    assert_eq!(text("w-city-err").as_deref(), Some(form::CITY_REQUIRED));
    assert_eq!(text("w-email-err").as_deref(), validate::email("").err());
    assert_eq!(
        text("w-mobile_phone-err").as_deref(),
        validate::phone_fr("").err()
    );
    assert_eq!(
        text("w-postal_code-err").as_deref(),
        validate::postal_code("").err()
    );
    assert_eq!(text("w-comment-err"), None, "the message is optional");
    assert_eq!(focused_id().as_deref(), Some("w-first_name"));

    fill_valid();
    type_into("w-email", "camille@");
    type_into("w-mobile_phone", "0612");
    type_into("w-postal_code", "123");
    settle().await;
    // Once sending was tried, the messages follow the typing.
    assert_eq!(text("w-first_name-err"), None);
    assert_eq!(attr("w-first_name", "aria-invalid"), None);
    assert_eq!(
        text("w-email-err").as_deref(),
        validate::email("camille@").err()
    );
    assert_eq!(
        text("w-mobile_phone-err").as_deref(),
        validate::phone_fr("0612").err()
    );
    assert_eq!(
        text("w-postal_code-err").as_deref(),
        validate::postal_code("123").err()
    );
    for field in ["w-email", "w-mobile_phone", "w-postal_code"] {
        assert_eq!(
            attr(field, "aria-invalid").as_deref(),
            Some("true"),
            "{field}"
        );
        assert_eq!(
            attr(field, "aria-describedby"),
            Some(format!("{field}-err")),
            "{field}"
        );
    }
    // Every message is French and none repeats what was typed.
    assert!(!text("w-email-err").unwrap().contains("camille@"));
    el::<HtmlInputElement>("w-cgu").click();
    submit();
    settle().await;
    assert_eq!(recorder.count(), 0);
    assert_eq!(focused_id().as_deref(), Some("w-email"));
    parent.remove();
}

#[wasm_bindgen_test]
fn the_body_is_exactly_the_contract() {
    let fields = LeadFields {
        civility: Some(Civility::Mme),
        first_name: " Camille ".into(),
        last_name: "Exemple".into(),
        email: "Camille.Exemple@Example.FR".into(),
        mobile_phone: "06 12 34 56 78".into(),
        postal_code: "69003".into(),
        city: "Lyon".into(),
        comment: "Rappel après 18 h.".into(),
        cgu_accepted: true,
        marketing_consent: true,
        website: "http://spam.example".into(),
    };
    assert!(fields.validate().is_empty());
    assert_eq!(
        lead_body(&fields, &config(), PAGE),
        json!({
            "contact": {
                "civility": "mme",
                "first_name": "Camille",
                "last_name": "Exemple",
                "email": "camille.exemple@example.fr",
                "mobile_phone": "06 12 34 56 78",
                "postal_code": "69003",
                "city": "Lyon"
            },
            "project": { "type": "sante", "comment": "Rappel après 18 h." },
            "cgu": { "accepted": true, "version_id": "cgu-3", "sha256": "ab".repeat(32) },
            "marketing_consent": true,
            "page": PAGE,
            "website": "http://spam.example",
            "form_token": "tok-1",
            "widget_build": WIDGET_BUILD
        })
    );

    // No civility, comment, project type or form token: those keys are left out; the
    // server's version id is echoed in its own JSON type.
    let mut bare = config();
    bare.project_type = None;
    bare.form_token = None;
    bare.cgu.version_id = json!(7);
    let fields = LeadFields {
        civility: None,
        comment: "  ".into(),
        marketing_consent: false,
        website: String::new(),
        ..fields
    };
    assert_eq!(
        lead_body(&fields, &bare, ""),
        json!({
            "contact": {
                "first_name": "Camille",
                "last_name": "Exemple",
                "email": "camille.exemple@example.fr",
                "mobile_phone": "06 12 34 56 78",
                "postal_code": "69003",
                "city": "Lyon"
            },
            "cgu": { "accepted": true, "version_id": 7, "sha256": "ab".repeat(32) },
            "marketing_consent": false,
            "page": "",
            "website": "",
            "widget_build": WIDGET_BUILD
        })
    );
}

#[wasm_bindgen_test]
async fn a_valid_fill_is_sent_once_then_thanks_with_the_rights() {
    let recorder = Recorder::default();
    let (parent, _mounted) = mount_form(&recorder);
    fill_valid();
    el::<HtmlInputElement>("w-cgu").click();
    submit();
    settle().await;
    let sent = recorder.sent.borrow().clone();
    assert_eq!(sent.len(), 1);
    let (body, key) = &sent[0];
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        body["cgu"],
        json!({ "accepted": true, "version_id": "cgu-3", "sha256": "ab".repeat(32) })
    );
    assert_eq!(body["page"], json!(PAGE));
    assert_eq!(body["website"], json!(""));
    assert_eq!(body["marketing_consent"], json!(false));
    assert_eq!(body["form_token"], json!("tok-1"));
    assert_eq!(
        body["contact"]["email"],
        json!("camille.exemple@example.fr")
    );
    assert_eq!(key.len(), 32);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));

    let thanks = text("w-thanks").unwrap();
    assert!(thanks.contains("Merci"), "{thanks}");
    let all = parent.text_content().unwrap();
    for right in [
        "accéder",
        "rectifier",
        "effacer",
        "opposer",
        "contactez le cabinet",
    ] {
        assert!(all.contains(right), "{right}");
    }
    assert_eq!(focused_id().as_deref(), Some("w-thanks"));
    // The CGU stay one click away.
    assert_eq!(attr("w-thanks-cgu", "hidden").as_deref(), Some(""));
    el::<HtmlElement>("w-thanks-cgu-toggle").click();
    settle().await;
    assert_eq!(attr("w-thanks-cgu", "hidden"), None);
    assert_eq!(
        text("w-thanks-cgu").as_deref(),
        Some("Conditions générales, version 3.")
    );
    parent.remove();
}

#[wasm_bindgen_test]
async fn server_refusals_show_in_french_and_a_retry_keeps_its_key() {
    let recorder = Recorder::default();
    let body = r#"{"error":{"code":"invalid_fields","message":"Certaines valeurs sont invalides.",
        "fields":{"contact.email":"Adresse refusée par le serveur.","cgu":"Les conditions ont changé."}}}"#;
    recorder.answers.borrow_mut().extend([
        Err(ApiError::from_response(422, body)),
        Err(api::too_many(Some("30"))),
        Err(ApiError::network()),
    ]);
    let (parent, _mounted) = mount_form(&recorder);
    fill_valid();
    el::<HtmlInputElement>("w-cgu").click();

    submit();
    settle().await;
    assert_eq!(
        text("w-email-err").as_deref(),
        Some("Adresse refusée par le serveur.")
    );
    assert_eq!(
        text("w-cgu-err").as_deref(),
        Some("Les conditions ont changé.")
    );
    assert_eq!(
        text("w-alert").as_deref(),
        Some("Certaines valeurs sont invalides.")
    );
    assert_eq!(focused_id().as_deref(), Some("w-email"));
    // Refused CGU: the box is unticked, to be ticked again.
    assert!(!el::<HtmlInputElement>("w-cgu").checked());
    el::<HtmlInputElement>("w-cgu").click();

    submit();
    settle().await;
    assert_eq!(
        text("w-alert").as_deref(),
        Some("Trop de demandes, réessayez dans 30 secondes.")
    );
    assert_eq!(attr("w-alert", "role").as_deref(), Some("alert"));

    submit();
    settle().await;
    assert_eq!(text("w-alert"), Some(ApiError::network().message));

    let sent = recorder.sent.borrow().clone();
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter().all(|(_, key)| *key == sent[0].1),
        "one key per fill"
    );
    assert_eq!(text("w-thanks"), None);
    parent.remove();
}

#[wasm_bindgen_test]
fn too_many_reads_retry_after() {
    assert_eq!(
        api::too_many(Some("1")).message,
        "Trop de demandes, réessayez dans 1 seconde."
    );
    assert_eq!(
        api::too_many(Some(" 12 ")).message,
        "Trop de demandes, réessayez dans 12 secondes."
    );
    assert_eq!(
        api::too_many(None).message,
        "Trop de demandes, réessayez dans quelques instants."
    );
    assert_eq!(
        api::too_many(Some("Wed, 21 Oct 2026 07:28:00 GMT")).status,
        429
    );
}

#[wasm_bindgen_test]
fn the_frame_reads_its_key_and_host_page() {
    assert_eq!(
        frame::widget_key("/w/abc-DEF_9").as_deref(),
        Some("abc-DEF_9")
    );
    assert_eq!(frame::widget_key("/w/abc/").as_deref(), Some("abc"));
    // The administration's preview of the same widget.
    assert_eq!(frame::widget_key("/w/abc/preview").as_deref(), Some("abc"));
    assert!(frame::is_preview("/w/abc/preview"));
    assert!(!frame::is_preview("/w/abc") && !frame::is_preview("/w/preview"));
    for bad in ["/w/", "/x/abc", "/w/a b", "/w/a/b", "/w/%2e%2e"] {
        assert_eq!(frame::widget_key(bad), None, "{bad}");
    }
    let page = "https://courtier.example/devis?x=1#haut";
    let hash = format!("#page={}", String::from(js_sys::encode_uri_component(page)));
    assert_eq!(frame::host_page(&hash).as_deref(), Some(page));
    assert_eq!(frame::host_page(""), None);
    assert_eq!(frame::host_page("#page=javascript%3Aalert(1)"), None);
    assert_eq!(frame::host_page("#page=%E0%A4%A"), None, "malformed escape");
    assert_eq!(
        frame::origin_of(page).as_deref(),
        Some("https://courtier.example")
    );
    assert_eq!(
        frame::origin_of("http://127.0.0.1:8932/").as_deref(),
        Some("http://127.0.0.1:8932")
    );
    assert_eq!(frame::origin_of("data:text/html,x"), None);

    let message = frame::height_message(640.0);
    let keys = js_sys::Object::keys(message.unchecked_ref::<js_sys::Object>());
    assert_eq!(keys.length(), 2);
    let get = |k: &str| js_sys::Reflect::get(&message, &k.into()).unwrap();
    assert_eq!(get("oubli").as_f64(), Some(1.0));
    assert_eq!(get("height").as_f64(), Some(640.0));
}

#[wasm_bindgen_test]
async fn a_page_without_a_key_says_the_form_is_unavailable() {
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let _mounted = leptos::mount::mount_to(parent.clone(), || {
        view! { <Widget key=None page=None /> }
    });
    settle().await;
    assert_eq!(parent.text_content().as_deref(), Some(UNAVAILABLE));
    parent.remove();
}

/// The widget page stays small because it imports nothing of the CRM but the API's
/// error type and constants (no router, pages, session, dictionaries or cache): what
/// its modules name of the crate is checked here, at compile time's copy of them.
#[wasm_bindgen_test]
fn the_widget_imports_nothing_of_the_crm() {
    const ALLOWED: [&str; 3] = [
        "crate::api::ApiError",
        "crate::api::API_BASE",
        "crate::api::CSRF_HEADER",
    ];
    let sources = [
        ("main.rs", include_str!("../src/widget/main.rs")),
        ("mod.rs", include_str!("../src/widget/mod.rs")),
        ("api.rs", include_str!("../src/widget/api.rs")),
        ("cgu.rs", include_str!("../src/widget/cgu.rs")),
        ("config.rs", include_str!("../src/widget/config.rs")),
        ("form.rs", include_str!("../src/widget/form.rs")),
        ("frame.rs", include_str!("../src/widget/frame.rs")),
        ("lead_form.rs", include_str!("../src/widget/lead_form.rs")),
    ];
    for (file, source) in sources {
        for (at, _) in source.match_indices("crate::") {
            let rest = &source[at..];
            assert!(
                ALLOWED.iter().any(|a| rest.starts_with(a)),
                "src/widget/{file} imports {}",
                rest.lines().next().unwrap_or_default()
            );
        }
        for (at, _) in source.match_indices("oubli::") {
            assert!(
                source[at..].starts_with("oubli::widget::"),
                "src/widget/{file}"
            );
        }
        assert!(
            !source.contains("leptos_router"),
            "src/widget/{file} names the router"
        );
    }
}

/// The real GET through `api::load`: the test runner's server knows no widget, so it
/// answers 404, which shows the neutral message.
#[wasm_bindgen_test]
async fn an_unknown_widget_says_the_form_is_unavailable() {
    assert_eq!(api::load("inconnu").await, Err(api::LoadError::Unavailable));
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let _mounted = leptos::mount::mount_to(parent.clone(), || {
        view! { <Widget key=Some("inconnu".to_owned()) page=None /> }
    });
    assert_eq!(
        parent.text_content().as_deref(),
        Some("Chargement du formulaire…")
    );
    for _ in 0..50 {
        settle().await;
        if parent.text_content().as_deref() == Some(UNAVAILABLE) {
            break;
        }
    }
    assert_eq!(parent.text_content().as_deref(), Some(UNAVAILABLE));
    parent.remove();
}

#[wasm_bindgen_test]
async fn cgu_refused_as_outdated_bring_the_current_text_to_accept() {
    let recorder = Recorder::default();
    let body = r#"{"error":{"code":"invalid_fields","message":"Certaines valeurs sont invalides.",
        "fields":{"cgu":"Les conditions générales ont changé : lisez-les et acceptez-les à nouveau."}}}"#;
    recorder
        .answers
        .borrow_mut()
        .push(Err(ApiError::from_response(422, body)));
    let mut current = config();
    current.cgu = CguVersion {
        version_id: json!("cgu-4"),
        text: "Conditions générales, version 4.".into(),
        sha256: "cd".repeat(32),
    };
    let reload: ReloadConfig = Rc::new(move || {
        let current = current.clone();
        Box::pin(async move { Some(current) })
    });
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let send = recorder.send();
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! { <LeadForm config=config() page=PAGE.to_owned() send=send.clone() reload=reload.clone() /> }
    });
    fill_valid();
    el::<HtmlInputElement>("w-cgu").click();
    submit();
    settle().await;
    settle().await;
    assert_eq!(
        text("w-cgu-err").as_deref(),
        Some("Les conditions générales ont changé : lisez-les et acceptez-les à nouveau.")
    );
    assert!(!el::<HtmlInputElement>("w-cgu").checked());
    assert_eq!(focused_id().as_deref(), Some("w-cgu"));
    assert_eq!(
        text("w-cgu-text").as_deref(),
        Some("Conditions générales, version 4.")
    );

    el::<HtmlInputElement>("w-cgu").click();
    submit();
    settle().await;
    let sent = recorder.sent.borrow().clone();
    assert_eq!(sent.len(), 2);
    let last: serde_json::Value = serde_json::from_str(&sent[1].0).unwrap();
    assert_eq!(
        last["cgu"],
        json!({ "accepted": true, "version_id": "cgu-4", "sha256": "cd".repeat(32) })
    );
    assert!(text("w-thanks").is_some());
    parent.remove();
}
