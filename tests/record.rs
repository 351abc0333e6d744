//! The record pages' logic, in a real headless Chromium:
//! `cargo test -p oubli --target wasm32-unknown-unknown --test record`.
//! Compiled out of native builds: there is no DOM there.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use oubli::api::ApiError;
use oubli::components::confirm_dialog::{
    confirms, confirms_word, ConfirmDialog, ANONYMIZE_WORD, CONFIRM_WORD,
};
use oubli::components::erasure::{percent, wording};
use oubli::components::form::{
    euros_input_text, format_euros, parse_euros, premium_text, FormState, UnreadableAmount,
    AMOUNT_UNREADABLE,
};
use oubli::components::record::{
    erasure_rights, group4, mask_iban, mask_nir, use_record, ErasureRights, Masks, RecordFrame,
};
use oubli::components::record_contact::{
    contact_form_state, household_rows_validator, prefixed_error, ContactForm,
};
use oubli::components::record_project::{project_validator, ProjectForm};
use oubli_domain::perm::{Actor, Owner};
use oubli_domain::{
    validate, ContactInput, EraseAction, HouseholdMemberInput, ProjectInput, ProjectType, Role,
    SubscriptionInput,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const NAME_MISSING: &str = "Indiquez le nom du contact ou sa raison sociale.";
const VALID_IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";

fn server_error(fields: &[(&str, &str)]) -> ApiError {
    ApiError {
        status: 422,
        code: "invalid_fields".into(),
        message: "Certains champs sont invalides.".into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

// ------------------------------------------------------------------ form state

#[wasm_bindgen_test]
fn form_state_runs_the_domain_validator_as_the_user_types() {
    oubli::i18n::load_sources();
    let mut f = contact_form_state(ContactInput::default());
    // Nothing is shown before the user touches a field…
    assert_eq!(f.error("last_name"), None);
    assert!(!f.is_valid());
    // …a bad email shows the domain's own French message at once…
    f.edit("email", |v| v.email = Some("pas-un-email".into()));
    let expected = validate::email("pas-un-email").unwrap_err();
    assert_eq!(f.error("email").as_deref(), Some(expected));
    // …and fixing it clears it.
    f.edit("email", |v| {
        v.email = Some("claire.martin@exemple.fr".into())
    });
    assert_eq!(f.error("email"), None);
    // Untouched required fields speak up on submit.
    assert!(!f.submit());
    assert_eq!(f.error("last_name").as_deref(), Some(NAME_MISSING));
    f.edit("last_name", |v| v.last_name = Some("Martin".into()));
    assert!(f.submit());
}

#[wasm_bindgen_test]
fn form_state_normalizes_before_validating_like_the_server() {
    oubli::i18n::load_sources();
    let mut f = contact_form_state(ContactInput::default());
    // Only spaces: the server trims it to nothing, so the name is still missing.
    f.edit("last_name", |v| v.last_name = Some("   ".into()));
    assert_eq!(f.error("last_name").as_deref(), Some(NAME_MISSING));
    // Surrounding spaces around a good email are fine on both sides.
    f.edit("email", |v| v.email = Some("  a@exemple.fr ".into()));
    assert_eq!(f.error("email"), None);
}

#[wasm_bindgen_test]
fn form_state_keeps_server_errors_until_the_field_is_edited() {
    oubli::i18n::load_sources();
    let mut f = contact_form_state(ContactInput {
        last_name: Some("Martin".into()),
        ..Default::default()
    });
    assert!(f.submit());
    f.failed(&server_error(&[
        ("assigned_to", "Utilisateur inconnu dans ce cabinet."),
        ("city", "Ville inconnue."),
    ]));
    assert_eq!(
        f.error("assigned_to").as_deref(),
        Some("Utilisateur inconnu dans ce cabinet.")
    );
    assert_eq!(f.error("city").as_deref(), Some("Ville inconnue."));
    assert_eq!(
        f.message.as_deref(),
        Some("Certains champs sont invalides.")
    );
    assert!(!f.submit(), "a pending server error blocks a resend");
    // Editing one field clears only that field's server message (and the banner).
    f.edit("city", |v| v.city = Some("Lyon".into()));
    assert_eq!(f.error("city"), None);
    assert!(f.error("assigned_to").is_some());
    assert_eq!(f.message, None);
    let shown = f.visible_errors();
    assert_eq!(shown.keys().collect::<Vec<_>>(), vec!["assigned_to"]);
}

#[wasm_bindgen_test]
fn form_state_reports_unreadable_amounts() {
    oubli::i18n::load_sources();
    let mut f = contact_form_state(ContactInput {
        last_name: Some("Martin".into()),
        ..Default::default()
    });
    f.set_parse_error("lead_cost_cents", Some(AMOUNT_UNREADABLE));
    assert_eq!(
        f.error("lead_cost_cents").as_deref(),
        Some(AMOUNT_UNREADABLE)
    );
    assert!(!f.submit());
    f.set_parse_error("lead_cost_cents", None);
    assert!(f.submit());
}

#[wasm_bindgen_test]
fn list_rows_are_validated_with_their_index_and_reset_on_change() {
    oubli::i18n::load_sources();
    let mut f = FormState::new(ProjectInput::default(), project_validator());
    f.list_changed("subscriptions", |v| {
        v.subscriptions = Some(vec![
            SubscriptionInput::default(),
            SubscriptionInput {
                iban: Some("FR76 3000 6000 0112 3456 7890 188".into()),
                ..Default::default()
            },
        ])
    });
    assert!(!f.submit());
    assert_eq!(
        f.error("subscriptions.1.iban").as_deref(),
        validate::iban("FR7630006000011234567890188").err()
    );
    assert_eq!(
        f.error("type").as_deref(),
        Some("Choisissez le type de projet.")
    );
    f.failed(&server_error(&[("subscriptions.1.bic", "BIC refusé.")]));
    // Removing a row moves indices: old messages about the list are dropped.
    f.list_changed("subscriptions", |v| {
        v.subscriptions.as_mut().unwrap().remove(0);
    });
    assert_eq!(f.error("subscriptions.1.bic"), None);
    assert!(f.error("subscriptions.0.iban").is_some());
}

#[wasm_bindgen_test]
fn household_rows_and_server_errors_carry_the_household_prefix() {
    oubli::i18n::load_sources();
    let v = household_rows_validator();
    let errors = v(&vec![
        HouseholdMemberInput {
            first_name: Some("Léa".into()),
            ..Default::default()
        },
        HouseholdMemberInput::default(),
    ]);
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        vec!["household.1.last_name"]
    );
    let e = prefixed_error(
        "household",
        &server_error(&[(
            "birth_date",
            "La date de naissance ne peut pas être dans le futur.",
        )]),
    );
    assert!(e.fields.contains_key("household.birth_date"));
}

// ------------------------------------------------------------------ masking, money

#[wasm_bindgen_test]
fn iban_is_masked_except_country_and_last_four() {
    oubli::i18n::load_sources();
    assert_eq!(mask_iban(VALID_IBAN), "FR76 •••• •••• 0189");
    assert_eq!(
        mask_iban("fr7630006000011234567890189"),
        "FR76 •••• •••• 0189"
    );
    assert_eq!(mask_iban(""), "");
    assert_eq!(mask_iban("FR76"), "••••");
    assert_eq!(group4("FR7630006000011234567890189"), VALID_IBAN);
}

#[wasm_bindgen_test]
fn nir_is_masked_except_its_key() {
    oubli::i18n::load_sources();
    let nir = validate::gen::nir_from(1, 85, 5, "78", 6, 84);
    let masked = mask_nir(&nir);
    let key = &nir[nir.len() - 2..];
    assert!(masked.ends_with(key), "{masked}");
    let digits: String = masked
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(digits, key, "only the key is visible: {masked}");
    assert_eq!(masked.chars().filter(|c| *c == '•').count(), 13);
    assert_eq!(mask_nir("2A"), "••••");
    assert_eq!(mask_nir(""), "");
}

#[wasm_bindgen_test]
fn masks_follow_removed_rows() {
    oubli::i18n::load_sources();
    let mut m = Masks::default();
    for n in [
        "subscriptions.0.iban",
        "subscriptions.1.nir",
        "subscriptions.2.iban",
        "nir",
    ] {
        m.0.insert(n.to_owned());
    }
    m.row_removed("subscriptions", 1);
    assert!(m.is_masked("subscriptions.0.iban"));
    assert!(m.is_masked("subscriptions.1.iban"));
    assert!(!m.is_masked("subscriptions.1.nir"));
    assert!(!m.is_masked("subscriptions.2.iban"));
    assert!(m.is_masked("nir"));
    m.reveal("nir");
    assert!(!m.is_masked("nir"));
}

#[wasm_bindgen_test]
fn euros_are_read_as_typed_in_french() {
    oubli::i18n::load_sources();
    assert_eq!(parse_euros("45,90"), Ok(Some(4590)));
    assert_eq!(parse_euros("45.9"), Ok(Some(4590)));
    assert_eq!(parse_euros("1 200 €"), Ok(Some(120_000)));
    assert_eq!(parse_euros(""), Ok(None));
    assert_eq!(parse_euros("12,345"), Err(UnreadableAmount));
    assert_eq!(parse_euros("douze"), Err(UnreadableAmount));
    assert_eq!(parse_euros(","), Err(UnreadableAmount));
    assert_eq!(euros_input_text(Some(4590)), "45,90");
    assert_eq!(format_euros(123_456), "1\u{a0}234,56 €");
    // A contract saved without a premium is stored with 0: shown as not given.
    assert_eq!(premium_text(0), "—");
    assert_eq!(premium_text(4590), "45,90 €");
}

#[wasm_bindgen_test]
fn the_confirm_word_must_be_typed_exactly() {
    oubli::i18n::load_sources();
    assert!(confirms(CONFIRM_WORD));
    assert!(confirms(" SUPPRIMER "));
    assert!(!confirms("supprimer"));
    assert!(!confirms(""));
}

#[wasm_bindgen_test]
fn each_erasure_has_its_own_word_and_wording() {
    oubli::i18n::load_sources();
    assert_eq!(wording(EraseAction::Anonymize).2, ANONYMIZE_WORD);
    assert_eq!(wording(EraseAction::Delete).2, CONFIRM_WORD);
    assert_ne!(
        wording(EraseAction::Anonymize).0,
        wording(EraseAction::Delete).0
    );
    assert!(confirms_word(" ANONYMISER", ANONYMIZE_WORD));
    assert!(!confirms_word("SUPPRIMER", ANONYMIZE_WORD));
    assert!(!confirms_word("anonymiser", ANONYMIZE_WORD));
}

#[wasm_bindgen_test]
fn erasure_progress_is_a_whole_percentage_that_never_overshoots() {
    oubli::i18n::load_sources();
    assert_eq!(percent(0, 0), 0);
    assert_eq!(percent(0, 3), 0);
    assert_eq!(percent(1, 3), 33);
    assert_eq!(percent(2, 3), 66);
    assert_eq!(percent(3, 3), 100);
    assert_eq!(percent(5, 3), 100);
    assert_eq!(percent(-1, 3), 0);
    assert_eq!(percent(999_999, 1_000_000), 99);
}

#[wasm_bindgen_test]
async fn confirm_dialog_waits_for_the_word_and_for_the_preview() {
    oubli::i18n::load_sources();
    let parent = host();
    let open = RwSignal::new(true);
    let ready = RwSignal::new(false);
    let confirmed = RwSignal::new(0);
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! {
            <ConfirmDialog
                open=open
                title="record.anonymize_title"
                body="record.anonymize_contact_body"
                confirm_label="record.anonymize_confirm"
                word=ANONYMIZE_WORD
                on_confirm=Callback::new(move |_| confirmed.update(|n| *n += 1))
                pending=Signal::derive(|| false)
                ready=Signal::derive(move || ready.get())
                error=Signal::derive(|| None::<String>)
            >
                <p data-testid="dialog-detail">"détail"</p>
            </ConfirmDialog>
        }
    });
    settle().await;
    assert_eq!(text("dialog-detail").as_deref(), Some("détail"));
    let ok = || by_testid::<HtmlElement>("confirm-ok").unwrap();
    let disabled = || ok().has_attribute("disabled");
    // The delete word does not confirm an anonymization.
    type_into("confirm-input", CONFIRM_WORD);
    settle().await;
    assert!(disabled());
    // The right word, but the preview has not arrived.
    type_into("confirm-input", ANONYMIZE_WORD);
    settle().await;
    assert!(disabled());
    ready.set(true);
    settle().await;
    assert!(!disabled());
    ok().click();
    settle().await;
    assert_eq!(confirmed.get_untracked(), 1);
    parent.remove();
}

#[wasm_bindgen_test]
fn erasure_buttons_follow_the_permission_matrix() {
    oubli::i18n::load_sources();
    let owner = Owner {
        cabinet_id: "cab".into(),
        assigned_to: Some("u-sales".into()),
        team_id: Some("t1".into()),
    };
    let actor = |role, id: &str| Actor {
        user_id: id.into(),
        cabinet_id: "cab".into(),
        team_id: Some("t1".into()),
        role,
    };
    assert_eq!(
        erasure_rights(&actor(Role::Admin, "a"), &owner),
        ErasureRights::Erase
    );
    assert_eq!(
        erasure_rights(&actor(Role::Deputy, "d"), &owner),
        ErasureRights::Erase
    );
    assert_eq!(
        erasure_rights(&actor(Role::TeamLead, "c"), &owner),
        ErasureRights::Request
    );
    assert_eq!(
        erasure_rights(&actor(Role::Sales, "u-sales"), &owner),
        ErasureRights::Request
    );
    assert_eq!(
        erasure_rights(&actor(Role::Sales, "other"), &owner),
        ErasureRights::None
    );
}

// ------------------------------------------------------------------ mounted forms

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
    let input = by_testid::<HtmlInputElement>(id).unwrap_or_else(|| panic!("no {id}"));
    input.set_value(value);
    let event = document().create_event("Event").unwrap();
    event.init_event_with_bubbles("input", true);
    input.dispatch_event(&event).unwrap();
}

async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

fn host() -> HtmlElement {
    let parent: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&parent).unwrap();
    parent
}

#[wasm_bindgen_test]
async fn contact_form_shows_the_french_message_of_a_bad_email() {
    oubli::i18n::load_sources();
    let parent = host();
    let form = RwSignal::new(contact_form_state(ContactInput::default()));
    let submitted = RwSignal::new(0);
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! {
            <ContactForm
                form=form
                users=Signal::derive(Vec::new)
                readonly=Signal::derive(|| false)
                on_submit=Callback::new(move |_| submitted.update(|n| *n += 1))
            />
        }
    });
    assert!(by_testid::<HtmlElement>("contact-form").is_some());
    assert_eq!(text("field-error-email"), None);

    type_into("field-email", "jean.dupont@exemple");
    settle().await;
    let expected = validate::email("jean.dupont@exemple").unwrap_err();
    assert_eq!(text("field-error-email").as_deref(), Some(expected));
    let input = by_testid::<HtmlInputElement>("field-email").unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    // Every input has its label.
    let label = document()
        .query_selector(&format!("label[for=\"{}\"]", input.id()))
        .unwrap();
    assert!(label.is_some());

    type_into("field-email", "jean.dupont@exemple.fr");
    settle().await;
    assert_eq!(text("field-error-email"), None);

    // The server's word shows next to its field.
    form.update(|f| {
        f.failed(&server_error(&[(
            "postal_code",
            "Ce code postal ne correspond à aucun département français.",
        )]))
    });
    settle().await;
    assert_eq!(
        text("field-error-postal_code").as_deref(),
        Some("Ce code postal ne correspond à aucun département français.")
    );
    type_into("field-postal_code", "75011");
    settle().await;
    assert_eq!(text("field-error-postal_code"), None);

    by_testid::<HtmlElement>("contact-save").unwrap().click();
    settle().await;
    assert_eq!(submitted.get_untracked(), 1);
    parent.remove();
}

#[wasm_bindgen_test]
async fn project_form_refuses_a_bad_iban_and_masks_saved_ones() {
    oubli::i18n::load_sources();
    let parent = host();
    let saved_iban = VALID_IBAN.replace(' ', "");
    let form = RwSignal::new(FormState::new(
        ProjectInput {
            contact_id: Some("c1".into()),
            kind: Some(ProjectType::Sante),
            subscriptions: Some(vec![SubscriptionInput {
                iban: Some(saved_iban.clone()),
                ..Default::default()
            }]),
            ..Default::default()
        },
        project_validator(),
    ));
    let mut m = Masks::default();
    m.0.insert("subscriptions.0.iban".into());
    let masks = RwSignal::new(m);
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! {
            <ProjectForm
                form=form
                masks=masks
                users=Signal::derive(Vec::new)
                readonly=Signal::derive(|| false)
                on_submit=Callback::new(|_| {})
            />
        }
    });
    // The saved IBAN is masked; its input is not even in the page.
    assert_eq!(
        text("masked-subscriptions.0.iban").as_deref(),
        Some("FR76 •••• •••• 0189")
    );
    assert!(by_testid::<HtmlInputElement>("field-subscriptions.0.iban").is_none());
    assert!(!parent.inner_html().contains(&saved_iban));
    by_testid::<HtmlElement>("reveal-subscriptions.0.iban")
        .unwrap()
        .click();
    settle().await;
    let input = by_testid::<HtmlInputElement>("field-subscriptions.0.iban").unwrap();
    assert_eq!(input.value(), saved_iban);

    // A new row: typed, refused with the domain's French message.
    by_testid::<HtmlElement>("subscription-add")
        .unwrap()
        .click();
    settle().await;
    type_into(
        "field-subscriptions.1.iban",
        "FR76 3000 6000 0112 3456 7890 188",
    );
    settle().await;
    let expected = validate::iban("FR7630006000011234567890188").unwrap_err();
    assert_eq!(
        text("field-error-subscriptions.1.iban").as_deref(),
        Some(expected)
    );
    parent.remove();
}

// ------------------------------------------------------------------ record frame

/// Waits until `gate` opens: the test holds a fetch back to see the loading state.
async fn opened(gate: RwSignal<bool>) {
    while !gate.get_untracked() {
        leptos::task::tick().await;
    }
}

/// Ticks until `ready`, at most a few hundred times.
async fn until(ready: impl Fn() -> bool) {
    for _ in 0..300 {
        if ready() {
            return;
        }
        leptos::task::tick().await;
    }
}

/// A record page in miniature: `use_record` over an answer held back by `gate`.
#[component]
fn Framed(
    answer: Result<String, ApiError>,
    gate: RwSignal<bool>,
    testid: &'static str,
) -> impl IntoView {
    let record = use_record(move || {
        let answer = answer.clone();
        async move {
            opened(gate).await;
            answer
        }
    });
    view! {
        <RecordFrame phase=record.phase() testid=testid back=("/contacts", "record.back_to_contacts")>
            <p data-testid=format!("{testid}-value")>{move || record.value().get()}</p>
        </RecordFrame>
    }
}

#[wasm_bindgen_test]
async fn record_frame_shows_loading_then_the_record_or_the_french_error() {
    oubli::i18n::load_sources();
    let parent = host();
    let gate = RwSignal::new(false);
    let _mounted = leptos::mount::mount_to(parent.clone(), move || {
        view! {
            <Framed answer=Ok("Claire Martin".to_owned()) gate=gate testid="found" />
            <Framed answer=Err(ApiError::from_response(404, "")) gate=gate testid="missing" />
        }
    });
    settle().await;
    for page in ["found", "missing"] {
        let shown = text(page).unwrap_or_default();
        assert!(shown.contains("Chargement…"), "{page}: {shown}");
    }
    gate.set(true);
    until(|| text("found-value").is_some() && !text("missing").unwrap().contains("Chargement"))
        .await;
    assert_eq!(text("found-value").as_deref(), Some("Claire Martin"));
    let missing = text("missing").unwrap();
    assert!(missing.contains("Élément introuvable."), "{missing}");
    assert!(missing.contains("Retour aux contacts"), "{missing}");
    assert_eq!(text("missing-value"), None);
    parent.remove();
}
