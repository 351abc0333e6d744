//! Login: email and password, checked here with the same validator as the server,
//! then `POST /session`.

use crate::nav::Redirect;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use oubli_domain::{validate, LoginRequest};

use crate::{api, set_title, use_session, Auth};

pub const EMAIL_MISSING: &str = "Saisissez votre adresse email.";
pub const PASSWORD_MISSING: &str = "Saisissez votre mot de passe.";

/// What the login form holds.
#[derive(Clone, Default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
}
oubli_domain::masked_debug!(LoginForm);

/// French message per field; `None` when the field is fine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginFormErrors {
    pub email: Option<String>,
    pub password: Option<String>,
}

impl LoginFormErrors {
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.password.is_none()
    }
}

impl LoginForm {
    /// The request to send, or why not. The email is trimmed (pasted addresses often
    /// carry a space); the password is sent exactly as typed.
    pub fn check(&self) -> Result<LoginRequest, LoginFormErrors> {
        let email = self.email.trim();
        let errors = LoginFormErrors {
            email: if email.is_empty() {
                Some(EMAIL_MISSING.to_owned())
            } else {
                validate::email(email).err().map(str::to_owned)
            },
            password: self
                .password
                .is_empty()
                .then(|| PASSWORD_MISSING.to_owned()),
        };
        if errors.is_empty() {
            Ok(LoginRequest {
                email: email.to_owned(),
                password: self.password.clone(),
            })
        } else {
            Err(errors)
        }
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    set_title("Connexion");
    let session = use_session();
    // The CRM's offline cache (none in the administration module).
    let sync = use_context::<crate::sync_link::SyncState>();
    let logged_in = Memo::new(move |_| session.0.with(|a| matches!(a, Auth::LoggedIn(_))));

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(LoginFormErrors::default());
    let server_error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let email_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();

    let owner = Owner::current().expect("LoginPage is rendered under an owner");
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        server_error.set(None);
        let form = LoginForm {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let request = match form.check() {
            Ok(request) => request,
            Err(e) => {
                let first = if e.email.is_some() {
                    email_input
                } else {
                    password_input
                };
                errors.set(e);
                if let Some(input) = first.get_untracked() {
                    let _ = input.focus();
                }
                return;
            }
        };
        errors.set(LoginFormErrors::default());
        pending.set(true);
        owner.with(|| {
            spawn_local_scoped_with_cancellation(async move {
                match api::session::login(&request).await {
                    // The redirect below takes over; the offline cache opens with the
                    // password meanwhile.
                    Ok(user) => {
                        if let Some(sync) = sync {
                            crate::sync_link::open_at_login(
                                sync,
                                user.id.clone(),
                                request.password.clone(),
                            );
                        }
                        session.0.set(Auth::LoggedIn(user))
                    }
                    Err(e) => {
                        pending.set(false);
                        password.set(String::new());
                        // A 422 names the field; anything else is about the pair.
                        errors.set(LoginFormErrors {
                            email: e.field("email").map(str::to_owned),
                            password: e.field("password").map(str::to_owned),
                        });
                        server_error.set(Some(e.message));
                        if let Some(input) = password_input.get_untracked() {
                            let _ = input.focus();
                        }
                    }
                }
            })
        });
    };

    let email_error = move || errors.with(|e| e.email.clone());
    let password_error = move || errors.with(|e| e.password.clone());

    view! {
        <Show when=move || logged_in.get()>
            <Redirect path="/" />
        </Show>
        <main class="login">
            <div class="login-card">
                <div class="login-brand">
                    <span class="brand brand-large">"Oubli"</span>
                    <p class="muted">"Le CRM des courtiers, RGPD compris."</p>
                </div>
                <h1>"Connexion"</h1>
                <form on:submit=on_submit novalidate data-testid="login-form">
                    <div class="field">
                        <label for="login-email">"Adresse email"</label>
                        <input
                            id="login-email"
                            name="email"
                            type="email"
                            inputmode="email"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            data-testid="login-email"
                            node_ref=email_input
                            aria-invalid=move || email_error().is_some().to_string()
                            aria-describedby=move || {
                                email_error().map(|_| "login-email-error")
                            }
                            prop:value=move || email.get()
                            on:input=move |ev| {
                                email.set(event_target_value(&ev));
                                errors.update(|e| e.email = None);
                            }
                        />
                        {move || {
                            email_error()
                                .map(|message| {
                                    view! {
                                        <p
                                            class="field-error"
                                            id="login-email-error"
                                            data-testid="login-email-error"
                                        >
                                            {message}
                                        </p>
                                    }
                                })
                        }}
                    </div>
                    <div class="field">
                        <label for="login-password">"Mot de passe"</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            data-testid="login-password"
                            node_ref=password_input
                            aria-invalid=move || password_error().is_some().to_string()
                            aria-describedby=move || {
                                password_error().map(|_| "login-password-error")
                            }
                            prop:value=move || password.get()
                            on:input=move |ev| {
                                password.set(event_target_value(&ev));
                                errors.update(|e| e.password = None);
                            }
                        />
                        {move || {
                            password_error()
                                .map(|message| {
                                    view! {
                                        <p
                                            class="field-error"
                                            id="login-password-error"
                                            data-testid="login-password-error"
                                        >
                                            {message}
                                        </p>
                                    }
                                })
                        }}
                    </div>
                    {move || {
                        server_error
                            .get()
                            .map(|message| {
                                view! {
                                    <p class="form-error" role="alert" data-testid="login-error">
                                        {message}
                                    </p>
                                }
                            })
                    }}
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        data-testid="login-submit"
                        disabled=move || pending.get()
                    >
                        {move || if pending.get() { "Connexion…" } else { "Se connecter" }}
                    </button>
                </form>
            </div>
        </main>
    }
}
