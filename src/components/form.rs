//! Form state and inputs shared by the record forms (contact, household member,
//! project, contract, activity).
//!
//! The rules live in `oubli_domain`: a [`FormState`] runs the same validator as the
//! server on every keystroke (on a normalized copy, as the server does), keeps the
//! server's 422 messages next to the field they name until that field is edited, and
//! only shows a field's own error once the user has touched it or tried to submit.

use crate::api::ApiError;
use crate::i18n::{msg, t};
use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use leptos::prelude::*;
use oubli_domain::FieldErrors;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Runs the domain validator on a value; an empty map means valid.
pub type Validator<T> = Arc<dyn Fn(&T) -> FieldErrors + Send + Sync>;

/// French message shown when a typed amount cannot be read as euros. A parse failure
/// of the widget, not a business rule: the domain validator still judges the amount.
pub const AMOUNT_UNREADABLE: &str = "Saisissez un montant en euros, par exemple 45,90.";

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

/// Text of an optional string field.
pub fn opt_text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Stores what was typed (the domain's `normalize` trims it before sending).
pub fn set_opt(v: &mut Option<String>, s: String) {
    *v = if s.is_empty() { None } else { Some(s) };
}

pub fn date_text(d: &Option<NaiveDate>) -> String {
    d.map(iso_date).unwrap_or_default()
}

// Dates are formatted and read by hand rather than with chrono's `format` and
// `parse_from_str`: their format-string interpreters weigh some 10 KB in the wasm.

/// `2026-11-29`, the value of an `<input type="date">`.
pub fn iso_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Reads `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    oubli_domain::date::parse_iso(s.trim())
}

/// `datetime-local` value, in the browser's time zone.
pub fn datetime_text(d: &Option<DateTime<Utc>>) -> String {
    d.map(|d| {
        let d = d.with_timezone(&Local);
        format!(
            "{}T{:02}:{:02}",
            iso_date(d.date_naive()),
            d.hour(),
            d.minute()
        )
    })
    .unwrap_or_default()
}

pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    // `YYYY-MM-DDTHH:MM`, or with `:SS`.
    let (date, time) = s.trim().split_once('T')?;
    let mut hms = time.splitn(3, ':');
    let h = hms.next()?.parse().ok()?;
    let m = hms.next()?.parse().ok()?;
    let sec = match hms.next() {
        Some(sec) => sec.parse().ok()?,
        None => 0,
    };
    let n = parse_date(date)?.and_time(NaiveTime::from_hms_opt(h, m, sec)?);
    Local
        .from_local_datetime(&n)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

/// What was typed is not an amount in euros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnreadableAmount;

/// Euros as typed by a French user ("45,90", "1 200", "45.9 €") → cents.
pub fn parse_euros(s: &str) -> Result<Option<i64>, UnreadableAmount> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (units, frac) = match cleaned.split_once('.') {
        Some((u, f)) => (u, f),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if units.is_empty() && frac.is_empty()
        || !digits(units)
        || !digits(frac)
        || frac.len() > 2
        || units.len() > 12
    {
        return Err(UnreadableAmount);
    }
    let u: i64 = if units.is_empty() {
        0
    } else {
        units.parse().map_err(|_| UnreadableAmount)?
    };
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| UnreadableAmount)? * 10,
        _ => frac.parse().map_err(|_| UnreadableAmount)?,
    };
    Ok(Some(u * 100 + f))
}

/// Cents → "1 234,50 €" (French grouping).
pub fn format_euros(cents: i64) -> String {
    format!("{} €", euros_text(cents))
}

/// A contract's monthly premium: "—" when none was given (the server stores 0).
pub fn premium_text(cents: i64) -> String {
    if cents == 0 {
        "—".to_owned()
    } else {
        format_euros(cents)
    }
}

/// Cents → "1234,50", what an amount input shows.
pub fn euros_input_text(cents: Option<i64>) -> String {
    cents
        .map(|c| format!("{},{:02}", c / 100, (c % 100).abs()))
        .unwrap_or_default()
}

fn euros_text(cents: i64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    format!("{grouped},{:02}", (cents % 100).abs())
}

/// Binds inputs to one [`FormState`]: ids, labels, `data-testid`s and error messages
/// follow the JSON field names (`field-<name>`, `field-error-<name>`).
pub struct Binder<T: Send + Sync + 'static> {
    pub form: RwSignal<FormState<T>>,
    /// Makes element ids unique when several forms share a page.
    pub prefix: &'static str,
}

impl<T: Send + Sync + 'static> Clone for Binder<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Binder<T> {}

/// A choice of a `<select>`: the JSON code and its label (already translated).
pub type Choice = (String, String);

/// What one input needs from its form, with the form's type erased: every field
/// shares one non-generic view instead of a copy per call site.
#[derive(Clone)]
struct Field {
    name: String,
    id: String,
    err_id: String,
    label: &'static str,
    /// The form's message for this field.
    error: ReadError,
}

/// Reads a field's text from the form's value.
type Getter<T> = Arc<dyn Fn(&T) -> String + Send + Sync>;
/// Writes what was typed into the form's value.
type Setter<T> = Arc<dyn Fn(&mut T, String) + Send + Sync>;
/// The field's text, read from the form (tracked).
type Read = Arc<dyn Fn() -> String + Send + Sync>;
/// An edit of the field with what was typed.
type Write = Arc<dyn Fn(String) + Send + Sync>;
type ReadError = Arc<dyn Fn() -> Option<String> + Send + Sync>;

impl<T: Send + Sync + 'static> Binder<T> {
    pub fn new(form: RwSignal<FormState<T>>, prefix: &'static str) -> Self {
        Binder { form, prefix }
    }

    fn field(&self, name: String, label: &'static str) -> Field {
        let form = self.form;
        let id = format!("{}-{}", self.prefix, name.replace('.', "-"));
        let err_id = format!("{id}-error");
        let n = name.clone();
        Field {
            name,
            id,
            err_id,
            label,
            error: Arc::new(move || form.with(|f| f.error(&n))),
        }
    }

    /// The field's text, read from the form (tracked).
    fn getter(&self, get: Getter<T>) -> Read {
        let form = self.form;
        Arc::new(move || form.with(|f| get(&f.value)))
    }

    /// An edit of `name` through `set`.
    fn setter(&self, name: &str, set: Setter<T>) -> Write {
        let form = self.form;
        let name = name.to_owned();
        Arc::new(move |v: String| form.update(|f| f.edit(&name, |x| set(x, v))))
    }

    fn text_erased(
        &self,
        name: String,
        label: &'static str,
        input_type: &'static str,
        get: Getter<T>,
        set: Setter<T>,
    ) -> AnyView {
        let value = self.getter(get);
        let on_input = self.setter(&name, set);
        text_view(self.field(name, label), input_type, value, on_input)
    }

    /// A text-like `<input>` (`type` = text, email, tel…).
    pub fn text(
        &self,
        name: impl Into<String>,
        label: &'static str,
        input_type: &'static str,
        get: impl Fn(&T) -> String + Send + Sync + 'static,
        set: impl Fn(&mut T, String) + Send + Sync + 'static,
    ) -> AnyView {
        self.text_erased(name.into(), label, input_type, Arc::new(get), Arc::new(set))
    }

    /// A `<textarea>`.
    pub fn textarea(
        &self,
        name: impl Into<String>,
        label: &'static str,
        get: impl Fn(&T) -> String + Send + Sync + 'static,
        set: impl Fn(&mut T, String) + Send + Sync + 'static,
    ) -> AnyView {
        let name = name.into();
        let value = self.getter(Arc::new(get));
        let on_input = self.setter(&name, Arc::new(set));
        textarea_view(self.field(name, label), value, on_input)
    }

    /// A `<select>`; `empty` is the label of the "no value" choice, if allowed.
    pub fn select(
        &self,
        name: impl Into<String>,
        label: &'static str,
        choices: impl Fn() -> Vec<Choice> + Send + Sync + 'static,
        empty: Option<&'static str>,
        get: impl Fn(&T) -> String + Send + Sync + 'static,
        set: impl Fn(&mut T, String) + Send + Sync + 'static,
    ) -> AnyView {
        let name = name.into();
        let value = self.getter(Arc::new(get));
        let on_change = self.setter(&name, Arc::new(set));
        select_view(
            self.field(name, label),
            Arc::new(choices),
            empty,
            value,
            on_change,
        )
    }

    /// An `<input type=date>` bound to an optional date.
    pub fn date(
        &self,
        name: impl Into<String>,
        label: &'static str,
        get: impl Fn(&T) -> Option<NaiveDate> + Send + Sync + 'static,
        set: impl Fn(&mut T, Option<NaiveDate>) + Send + Sync + 'static,
    ) -> AnyView {
        self.text_erased(
            name.into(),
            label,
            "date",
            Arc::new(move |v| date_text(&get(v))),
            Arc::new(move |v, s| set(v, parse_date(&s))),
        )
    }

    /// An `<input type=datetime-local>` bound to an optional instant.
    pub fn datetime(
        &self,
        name: impl Into<String>,
        label: &'static str,
        get: impl Fn(&T) -> Option<DateTime<Utc>> + Send + Sync + 'static,
        set: impl Fn(&mut T, Option<DateTime<Utc>>) + Send + Sync + 'static,
    ) -> AnyView {
        self.text_erased(
            name.into(),
            label,
            "datetime-local",
            Arc::new(move |v| datetime_text(&get(v))),
            Arc::new(move |v, s| set(v, parse_datetime(&s))),
        )
    }

    /// An amount typed in euros, stored in cents. Keeps the text as typed ("45,")
    /// and reports what it cannot read.
    pub fn euros(
        &self,
        name: impl Into<String>,
        label: &'static str,
        get: impl Fn(&T) -> Option<i64> + Send + Sync + 'static,
        set: impl Fn(&mut T, Option<i64>) + Send + Sync + 'static,
    ) -> AnyView {
        let name: String = name.into();
        let form = self.form;
        let initial = form.with_untracked(|f| euros_input_text(get(&f.value)));
        let n = name.clone();
        let on_input: Write = Arc::new(move |v: String| {
            let parsed = parse_euros(&v);
            form.update(|f| match parsed {
                Ok(c) => {
                    f.edit(&n, |x| set(x, c));
                    f.set_parse_error(&n, None);
                }
                Err(UnreadableAmount) => {
                    f.edit(&n, |_| {});
                    f.set_parse_error(&n, Some(AMOUNT_UNREADABLE));
                }
            });
        });
        euros_view(self.field(name, label), initial, on_input)
    }

    /// A checkbox bound to an optional boolean.
    pub fn checkbox(
        &self,
        name: impl Into<String>,
        label: &'static str,
        get: impl Fn(&T) -> bool + Send + Sync + 'static,
        set: impl Fn(&mut T, bool) + Send + Sync + 'static,
    ) -> AnyView {
        let name: String = name.into();
        let form = self.form;
        let n = name.clone();
        checkbox_view(
            self.field(name, label),
            Arc::new(move || form.with(|f| get(&f.value))),
            Arc::new(move |v: bool| form.update(|f| f.edit(&n, |x| set(x, v)))),
        )
    }
}

fn error_view(field: &Field) -> impl IntoView {
    let error = field.error.clone();
    let err_id = field.err_id.clone();
    let testid = format!("field-error-{}", field.name);
    move || {
        error().map(|m| {
            view! {
                <p class="field-error" id=err_id.clone() data-testid=testid.clone()>
                    {move || msg(&m)}
                </p>
            }
        })
    }
}

fn invalid_text(error: &ReadError) -> String {
    error().is_some().to_string()
}

fn text_view(field: Field, input_type: &'static str, value: Read, on_input: Write) -> AnyView {
    let err = error_view(&field);
    let Field {
        name,
        id,
        err_id,
        label,
        error,
    } = field;
    let autocomplete = autocomplete_of(&name);
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <input
                id=id
                type=input_type
                name=name.clone()
                autocomplete=autocomplete
                data-testid=format!("field-{name}")
                aria-invalid=move || invalid_text(&error)
                aria-describedby=err_id
                prop:value=move || value()
                on:input=move |ev| on_input(event_target_value(&ev))
            />
            {err}
        </div>
    }
    .into_any()
}

fn textarea_view(field: Field, value: Read, on_input: Write) -> AnyView {
    let err = error_view(&field);
    let Field {
        name,
        id,
        err_id,
        label,
        error,
    } = field;
    view! {
        <div class="field field-wide">
            <label for=id.clone()>{tr(label)}</label>
            <textarea
                id=id
                name=name.clone()
                rows="3"
                data-testid=format!("field-{name}")
                aria-invalid=move || invalid_text(&error)
                aria-describedby=err_id
                prop:value=move || value()
                on:input=move |ev| on_input(event_target_value(&ev))
            ></textarea>
            {err}
        </div>
    }
    .into_any()
}

fn select_view(
    field: Field,
    choices: Arc<dyn Fn() -> Vec<Choice> + Send + Sync>,
    empty: Option<&'static str>,
    value: Read,
    on_change: Write,
) -> AnyView {
    let err = error_view(&field);
    let Field {
        name,
        id,
        err_id,
        label,
        error,
    } = field;
    let current = Memo::new(move |_| value());
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <select
                id=id
                name=name.clone()
                data-testid=format!("field-{name}")
                aria-invalid=move || invalid_text(&error)
                aria-describedby=err_id
                prop:value=move || current.get()
                on:change=move |ev| on_change(event_target_value(&ev))
            >
                {empty
                    .map(|k| {
                        view! {
                            <option value="" selected=move || current.get().is_empty()>
                                {tr(k)}
                            </option>
                        }
                    })}
                {move || {
                    choices()
                        .into_iter()
                        .map(|(code, text)| {
                            let c = code.clone();
                            view! {
                                <option value=code selected=move || current.get() == c>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {err}
        </div>
    }
    .into_any()
}

fn euros_view(field: Field, initial: String, on_input: Write) -> AnyView {
    let err = error_view(&field);
    let Field {
        name,
        id,
        err_id,
        label,
        error,
    } = field;
    let raw = RwSignal::new(initial);
    view! {
        <div class="field">
            <label for=id.clone()>{tr(label)}</label>
            <div class="input-suffix">
                <input
                    id=id
                    type="text"
                    inputmode="decimal"
                    name=name.clone()
                    data-testid=format!("field-{name}")
                    aria-invalid=move || invalid_text(&error)
                    aria-describedby=err_id
                    prop:value=move || raw.get()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        raw.set(v.clone());
                        on_input(v);
                    }
                />
                <span aria-hidden="true">"€"</span>
            </div>
            {err}
        </div>
    }
    .into_any()
}

fn checkbox_view(
    field: Field,
    checked: Arc<dyn Fn() -> bool + Send + Sync>,
    on_change: Arc<dyn Fn(bool) + Send + Sync>,
) -> AnyView {
    let err = error_view(&field);
    let Field {
        name, id, label, ..
    } = field;
    view! {
        <div class="field field-check">
            <input
                id=id.clone()
                type="checkbox"
                name=name.clone()
                data-testid=format!("field-{name}")
                prop:checked=move || checked()
                on:change=move |ev| on_change(event_target_checked(&ev))
            />
            <label for=id>{tr(label)}</label>
            {err}
        </div>
    }
    .into_any()
}

/// The translation of `key`, following the language switch. Every label shares this
/// one closure type, so the renderer is instantiated once rather than once per label.
pub fn tr(key: &'static str) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || t(key)
}

/// Lets the browser fill what it knows, and never what it should not.
fn autocomplete_of(name: &str) -> &'static str {
    match name {
        "first_name" => "given-name",
        "last_name" => "family-name",
        "email" => "email",
        "mobile_phone" | "landline_phone" => "tel",
        "street" => "street-address",
        "postal_code" => "postal-code",
        "city" => "address-level2",
        "company_name" => "organization",
        _ => "off",
    }
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
