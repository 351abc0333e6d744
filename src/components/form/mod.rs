//! Form state and inputs shared by the record forms (contact, household member,
//! project, contract, activity).
//!
//! The rules live in `oubli_domain`: a [`FormState`] runs the same validator as the
//! server on every keystroke (on a normalized copy, as the server does), keeps the
//! server's 422 messages next to the field they name until that field is edited, and
//! only shows a field's own error once the user has touched it or tried to submit.
//!
//! This file holds the state, [`values`] the conversions between typed text and
//! values (dates, euros), [`binder`] the inputs bound to a form.

mod binder;
mod values;

pub use binder::{Binder, Choice};
pub use values::{
    date_text, datetime_text, euros_input_text, format_euros, iso_date, opt_text, parse_date,
    parse_datetime, parse_euros, premium_text, set_opt, UnreadableAmount, AMOUNT_UNREADABLE,
};

use crate::api::ApiError;
use crate::i18n::{msg, t};
use chrono::{Local, NaiveDate};
use leptos::prelude::*;
use oubli_domain::FieldErrors;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Runs the domain validator on a value; an empty map means valid.
pub type Validator<T> = Arc<dyn Fn(&T) -> FieldErrors + Send + Sync>;

/// Today in the browser's calendar, for birth-date checks.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The state of one form: its value and the three sources of errors.
pub struct FormState<T> {
    pub value: T,
    validator: Validator<T>,
    /// From the domain validator, recomputed on every edit.
    client: FieldErrors,
    /// From the server's last 422, dropped field by field as the user edits.
    server: FieldErrors,
    /// From widgets that could not read what was typed (an amount).
    parse: FieldErrors,
    touched: BTreeSet<String>,
    submitted: bool,
    /// The server's message for the last failed save (not about one field).
    pub message: Option<String>,
    /// A save is on its way.
    pub pending: bool,
}

impl<T> FormState<T> {
    pub fn new(value: T, validator: Validator<T>) -> Self {
        let client = validator(&value);
        FormState {
            value,
            validator,
            client,
            server: FieldErrors::new(),
            parse: FieldErrors::new(),
            touched: BTreeSet::new(),
            submitted: false,
            message: None,
            pending: false,
        }
    }

    /// Starts over with `value` (after a save, or to open a new form).
    pub fn reset(&mut self, value: T) {
        self.client = (self.validator)(&value);
        self.value = value;
        self.server.clear();
        self.parse.clear();
        self.touched.clear();
        self.submitted = false;
        self.message = None;
        self.pending = false;
    }

    fn revalidate(&mut self) {
        self.client = (self.validator)(&self.value);
    }

    /// The user changed `field`: apply it, forget the server's word on it, re-check.
    pub fn edit(&mut self, field: &str, change: impl FnOnce(&mut T)) {
        change(&mut self.value);
        self.touched.insert(field.to_owned());
        self.server.remove(field);
        self.message = None;
        self.revalidate();
    }

    /// A widget could (`None`) or could not (`Some(message)`) read what was typed.
    pub fn set_parse_error(&mut self, field: &str, message: Option<&str>) {
        match message {
            Some(m) => {
                self.parse.insert(field.to_owned(), m.to_owned());
            }
            None => {
                self.parse.remove(field);
            }
        }
    }

    /// A row of a list (`beneficiaries`, `subscriptions`, `insured`) was added or
    /// removed: indices moved, so messages about that list no longer point anywhere.
    pub fn list_changed(&mut self, list: &str, change: impl FnOnce(&mut T)) {
        change(&mut self.value);
        let prefix = format!("{list}.");
        self.server
            .retain(|k, _| !k.starts_with(&prefix) && k.as_str() != list);
        self.parse.retain(|k, _| !k.starts_with(&prefix));
        self.touched.retain(|k| !k.starts_with(&prefix));
        self.revalidate();
    }

    /// The message to show next to `field`, if any. What the user typed and the
    /// server's answer win over the validator's, which waits until the field has been
    /// touched or a save was attempted.
    pub fn error(&self, field: &str) -> Option<String> {
        if let Some(m) = self.parse.get(field).or_else(|| self.server.get(field)) {
            return Some(m.clone());
        }
        if self.submitted || self.touched.contains(field) {
            return self.client.get(field).cloned();
        }
        None
    }

    /// Every message that would be shown now, by field.
    pub fn visible_errors(&self) -> FieldErrors {
        let mut all = FieldErrors::new();
        for (k, v) in &self.client {
            if self.submitted || self.touched.contains(k) {
                all.insert(k.clone(), v.clone());
            }
        }
        all.extend(self.server.clone());
        all.extend(self.parse.clone());
        all
    }

    /// Whether the value passes the domain validator and every widget could read it.
    pub fn is_valid(&self) -> bool {
        self.client.is_empty() && self.parse.is_empty()
    }

    /// The user asked to save: from now on every error shows. `true` when the value
    /// may be sent.
    pub fn submit(&mut self) -> bool {
        self.submitted = true;
        self.message = None;
        self.is_valid() && self.server.is_empty()
    }

    /// The save failed: keep the per-field messages and the general one.
    pub fn failed(&mut self, e: &ApiError) {
        self.pending = false;
        self.server = e.fields.clone();
        self.message = Some(e.message.clone());
    }
}

/// Starts sending `form`: validates it (its errors show) and, when it may go, marks it
/// pending and returns a copy of its value. Every save of a record form begins so.
pub fn submission<T: Clone + 'static>(form: RwSignal<FormState<T>>) -> Option<T>
where
    FormState<T>: Send + Sync,
{
    form.try_update(|f| {
        f.submit().then(|| {
            f.pending = true;
            f.value.clone()
        })
    })
    .flatten()
}

/// Validator of a type with `normalize()` + `validate()`: the domain's check on a
/// normalized copy, as the server runs it.
pub fn normalized_validator<T: Clone + 'static>(
    normalize: fn(&mut T),
    validate: fn(&T) -> Result<(), FieldErrors>,
) -> Validator<T> {
    Arc::new(move |v: &T| {
        let mut v = v.clone();
        normalize(&mut v);
        validate(&v).err().unwrap_or_default()
    })
}

/// Validator of a type with `normalize()` + `validate(today)`.
pub fn dated_validator<T: Clone + 'static>(
    normalize: fn(&mut T),
    validate: fn(&T, NaiveDate) -> Result<(), FieldErrors>,
) -> Validator<T> {
    Arc::new(move |v: &T| {
        let mut v = v.clone();
        normalize(&mut v);
        validate(&v, today()).err().unwrap_or_default()
    })
}

/// The translation of `key`, following the language switch. Every label shares this
/// one closure type, so the renderer is instantiated once rather than once per label.
pub fn tr(key: &'static str) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || t(key)
}

/// The general message of a failed save, and a polite "saved" once it worked.
#[component]
pub fn FormStatus(
    #[prop(into)] message: Signal<Option<String>>,
    #[prop(into, optional)] saved: Option<Signal<bool>>,
) -> impl IntoView {
    view! {
        {move || {
            message
                .get()
                .map(|m| {
                    view! {
                        <p class="form-error" role="alert">
                            {move || msg(&m)}
                        </p>
                    }
                })
        }}
        {move || {
            saved
                .filter(|s| s.get())
                .map(|_| {
                    view! {
                        <p class="form-saved" role="status">
                            {tr("record.saved")}
                        </p>
                    }
                })
        }}
    }
}

/// Starts async work (API calls) from event handlers under the component that owns
/// them, so the requests are cancelled (aborted) when the component goes away.
#[derive(Clone, Copy)]
pub struct Tasks(StoredValue<Owner>);

impl Tasks {
    /// Must be called while the component is being built.
    pub fn new() -> Self {
        Tasks(StoredValue::new(
            Owner::current().expect("Tasks::new is called inside a component"),
        ))
    }

    pub fn spawn(&self, fut: impl std::future::Future<Output = ()> + 'static) {
        self.spawn_boxed(Box::pin(fut));
    }

    /// One copy of the spawning and cancellation code for every task.
    fn spawn_boxed(&self, fut: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>) {
        let owner = self.0.get_value();
        owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(fut));
    }
}

impl Default for Tasks {
    fn default() -> Self {
        Self::new()
    }
}
