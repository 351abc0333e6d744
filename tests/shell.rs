//! The app shell's logic, in a real headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test shell`.
//! Compiled out of native builds (`cargo test --workspace`): there is no DOM there.
#![cfg(target_arch = "wasm32")]

use gloo_net::http::Method;
use leptos::prelude::*;
use oubli::api::{needs_csrf_header, ApiError};
use oubli::pages::login::{LoginForm, LoginFormErrors, LoginPage, EMAIL_MISSING, PASSWORD_MISSING};
use oubli::{Auth, Session};
use oubli_domain::validate;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

// ------------------------------------------------------------------ ApiError

#[wasm_bindgen_test]
fn api_error_reads_the_error_body() {
    oubli::i18n::load_sources();
    let body = r#"{"error":{"code":"invalid_fields","message":"Certaines valeurs sont invalides.",
        "fields":{"email":"Adresse email invalide.","postal_code":"Code postal invalide."}}}"#;
    let e = ApiError::from_response(422, body);
    assert_eq!(e.status, 422);
    assert_eq!(e.code, "invalid_fields");
    assert_eq!(e.message, "Certaines valeurs sont invalides.");
    assert_eq!(e.field("email"), Some("Adresse email invalide."));
    assert_eq!(e.field("postal_code"), Some("Code postal invalide."));
    assert_eq!(e.field("city"), None);
    assert_eq!(e.to_string(), e.message);
}

#[wasm_bindgen_test]
fn api_error_without_fields_has_none() {
    oubli::i18n::load_sources();
    let body =
        r#"{"error":{"code":"invalid_credentials","message":"Email ou mot de passe incorrect."}}"#;
    let e = ApiError::from_response(401, body);
    assert!(e.is_unauthorized());
    assert_eq!(e.code, "invalid_credentials");
    assert_eq!(e.message, "Email ou mot de passe incorrect.");
    assert!(e.fields.is_empty());
}

#[wasm_bindgen_test]
fn api_error_falls_back_to_a_french_message_for_foreign_bodies() {
    oubli::i18n::load_sources();
    // A proxy's HTML page, an empty body, JSON of another shape: never shown raw.
    for (status, body, code) in [
        (502, "<html><body>Bad Gateway</body></html>", "server_error"),
        (429, "", "rate_limited"),
        (403, r#"{"detail":"nope"}"#, "forbidden"),
        (418, "teapot", "http_error"),
    ] {
        let e = ApiError::from_response(status, body);
        assert_eq!(e.status, status);
        assert_eq!(e.code, code, "{status}");
        assert!(!e.message.is_empty());
        assert!(
            !e.message.contains('<') && !e.message.contains("nope"),
            "{}",
            e.message
        );
    }
    assert_eq!(
        ApiError::from_response(429, "").message,
        "Trop de tentatives. Patientez un instant puis réessayez."
    );
}

#[wasm_bindgen_test]
fn api_error_keeps_the_code_when_the_message_is_blank() {
    oubli::i18n::load_sources();
    let e = ApiError::from_response(409, r#"{"error":{"code":"anonymized","message":" "}}"#);
    assert_eq!(e.code, "anonymized");
    assert_eq!(
        e.message,
        "Cette action est impossible dans l'état actuel de l'élément."
    );
}

#[wasm_bindgen_test]
fn network_error_is_status_zero_and_not_unauthorized() {
    oubli::i18n::load_sources();
    let e = ApiError::network();
    assert_eq!(e.status, 0);
    assert!(!e.is_unauthorized());
    assert!(e.message.starts_with("Impossible de joindre le serveur"));
}

#[wasm_bindgen_test]
fn only_unsafe_methods_carry_the_csrf_header() {
    oubli::i18n::load_sources();
    for m in [Method::POST, Method::PATCH, Method::PUT, Method::DELETE] {
        assert!(needs_csrf_header(&m), "{m}");
    }
    for m in [Method::GET, Method::HEAD, Method::OPTIONS] {
        assert!(!needs_csrf_header(&m), "{m}");
    }
}

// ------------------------------------------------------------------ login form

fn form(email: &str, password: &str) -> LoginForm {
    LoginForm {
        email: email.into(),
        password: password.into(),
    }
}

#[wasm_bindgen_test]
fn login_form_requires_both_fields() {
    oubli::i18n::load_sources();
    let e = form("", "").check().unwrap_err();
    assert_eq!(e.email.as_deref(), Some(EMAIL_MISSING));
    assert_eq!(e.password.as_deref(), Some(PASSWORD_MISSING));
    // Blank is missing, not invalid.
    assert_eq!(
        form("   ", "x").check().unwrap_err().email.as_deref(),
        Some(EMAIL_MISSING)
    );
}

#[wasm_bindgen_test]
fn login_form_uses_the_domain_email_rule_and_message() {
    oubli::i18n::load_sources();
    for bad in ["alice", "alice@", "@demo.fr", "alice demo@demo.fr"] {
        let e = form(bad, "demo1234").check().unwrap_err();
        let expected = validate::email(bad.trim()).expect_err(bad);
        assert_eq!(e.email.as_deref(), Some(expected), "{bad}");
        assert_eq!(e.password, None);
    }
}

#[wasm_bindgen_test]
fn login_form_trims_the_email_but_not_the_password() {
    oubli::i18n::load_sources();
    let request = form("  admin@demo.fr ", " demo1234 ").check().unwrap();
    assert_eq!(request.email, "admin@demo.fr");
    assert_eq!(request.password, " demo1234 ");
    assert!(LoginFormErrors::default().is_empty());
}

#[wasm_bindgen_test]
fn login_form_debug_hides_the_password() {
    oubli::i18n::load_sources();
    let shown = format!("{:?}", form("admin@demo.fr", "demo1234"));
    assert!(
        !shown.contains("demo1234") && !shown.contains("admin@demo.fr"),
        "{shown}"
    );
}

// ------------------------------------------------------------------ login page, mounted

fn by_testid<T: JsCast>(id: &str) -> Option<T> {
    document()
        .query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
        .map(|el| el.dyn_into::<T>().unwrap())
}

fn text(id: &str) -> Option<String> {
    by_testid::<HtmlElement>(id).map(|el| el.inner_text())
}

fn type_into(id: &str, value: &str) {
    let input = by_testid::<HtmlInputElement>(id).unwrap();
    input.set_value(value);
    // Leptos listens for `input` once, on the document: the event must bubble.
    let event = document().create_event("Event").unwrap();
    event.init_event_with_bubbles("input", true);
    input.dispatch_event(&event).unwrap();
}

/// Lets the reactive system run the effects queued by an event.
async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

#[wasm_bindgen_test]
async fn login_page_shows_french_field_errors_and_sends_nothing_invalid() {
    oubli::i18n::load_sources();
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    let auth = RwSignal::new(Auth::LoggedOut);
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        provide_context(Session(auth));
        view! { <LoginPage /> }
    });

    assert_eq!(text("login-email-error"), None);
    by_testid::<HtmlElement>("login-submit").unwrap().click();
    settle().await;
    assert_eq!(text("login-email-error").as_deref(), Some(EMAIL_MISSING));
    assert_eq!(
        text("login-password-error").as_deref(),
        Some(PASSWORD_MISSING)
    );
    let email = by_testid::<HtmlInputElement>("login-email").unwrap();
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(document().active_element(), Some(email.clone().into()));

    // Typing clears that field's message.
    type_into("login-email", "alice@");
    settle().await;
    assert_eq!(text("login-email-error"), None);
    assert_eq!(
        email.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );

    type_into("login-password", "demo1234");
    by_testid::<HtmlElement>("login-submit").unwrap().click();
    settle().await;
    let expected = validate::email("alice@").unwrap_err();
    assert_eq!(text("login-email-error").as_deref(), Some(expected));
    assert_eq!(text("login-password-error"), None);
    // Refused here: nothing went to the server, so no server error and still logged out.
    assert_eq!(text("login-error"), None);
    assert!(auth.get_untracked() == Auth::LoggedOut);

    parent.remove();
}

#[wasm_bindgen_test]
fn every_path_has_its_screen_and_parameter() {
    use oubli::{route_of, Screen};
    let cases = [
        ("/", Screen::Home, ""),
        ("/login", Screen::Login, ""),
        ("/contacts", Screen::Contacts, ""),
        ("/contacts/", Screen::Contacts, ""),
        ("/contacts/new", Screen::ContactNew, ""),
        ("/contacts/c-42", Screen::Contact, "c-42"),
        ("/projects", Screen::Projects, ""),
        ("/projects/p-1", Screen::Project, "p-1"),
        ("/contracts/k-9", Screen::Contract, "k-9"),
        ("/tasks", Screen::Tasks, ""),
        ("/rgpd", Screen::Rgpd, ""),
        (
            "/guides/informations-rgpd",
            Screen::Guide,
            "informations-rgpd",
        ),
        // Unknown paths, and known ones with too many or too few segments.
        ("/nulle-part", Screen::NotFound, ""),
        ("/contracts", Screen::NotFound, ""),
        ("/guides", Screen::NotFound, ""),
        ("/contacts/c-42/edit", Screen::NotFound, ""),
        ("/login/x", Screen::NotFound, ""),
    ];
    for (path, screen, param) in cases {
        assert_eq!(route_of(path), (screen, param.to_owned()), "{path}");
    }
}

#[wasm_bindgen_test]
fn the_administration_is_its_own_module_with_its_tabs() {
    use oubli::admin::{is_admin_path, Tab};
    for path in [
        "/admin",
        "/admin/",
        "/admin/widgets",
        "/admin/cgu",
        "/admin/api-keys",
    ] {
        assert!(is_admin_path(path), "{path}");
    }
    for path in ["/", "/administration", "/contacts", "/login", "/adminx/cgu"] {
        assert!(!is_admin_path(path), "{path}");
    }
    assert_eq!(Tab::of("/admin"), Some(Tab::Widgets));
    assert_eq!(Tab::of("/admin/widgets"), Some(Tab::Widgets));
    assert_eq!(Tab::of("/admin/cgu/"), Some(Tab::Cgu));
    assert_eq!(Tab::of("/admin/api-keys"), Some(Tab::ApiKeys));
    assert_eq!(Tab::of("/admin/nothing"), None);
    for tab in Tab::ALL {
        assert_eq!(Tab::of(tab.href()), Some(tab));
    }
}
