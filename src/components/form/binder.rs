//! Inputs bound to a [`FormState`]: text, textarea, select, euros, checkbox, each with
//! its label, `data-testid` and error message.

use super::values::{
    date_text, datetime_text, euros_input_text, parse_date, parse_datetime, parse_euros,
    UnreadableAmount, AMOUNT_UNREADABLE,
};
use super::{tr, FormState};
use crate::i18n::msg;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use std::sync::Arc;

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
