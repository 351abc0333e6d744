//! A confirmation dialog for irreversible actions: the user types a word (SUPPRIMER)
//! to enable the button. Modal, keyboard-usable: focus moves into it, Tab stays
//! inside, Escape closes it and gives focus back to what opened it.

use crate::components::form::FormStatus;
use crate::i18n::t;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The word to type, in every language: it is what the button does, said loudly.
pub const CONFIRM_WORD: &str = "SUPPRIMER";

/// The word that confirms an anonymization.
pub const ANONYMIZE_WORD: &str = "ANONYMISER";

/// Whether what was typed confirms (spaces around it are forgiven, case is not).
pub fn confirms(typed: &str) -> bool {
    confirms_word(typed, CONFIRM_WORD)
}

/// Whether `typed` is `word` (spaces around it are forgiven, case is not).
pub fn confirms_word(typed: &str, word: &str) -> bool {
    typed.trim() == word
}

#[component]
pub fn ConfirmDialog(
    /// Whether the dialog is shown; the dialog sets it to `false` to close.
    open: RwSignal<bool>,
    /// Translation key of the title.
    title: &'static str,
    /// Translation key of the explanation.
    body: &'static str,
    /// Translation key of the confirm button.
    confirm_label: &'static str,
    /// Called once the word was typed and the button pressed.
    on_confirm: Callback<()>,
    /// An action is running (the button waits).
    #[prop(into)]
    pending: Signal<bool>,
    /// A French message when the action failed.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The word to type ([`CONFIRM_WORD`] unless said otherwise).
    #[prop(default = CONFIRM_WORD)]
    word: &'static str,
    /// Whether the action can be confirmed yet (e.g. its preview has arrived).
    #[prop(into, default = Signal::derive(|| true))]
    ready: Signal<bool>,
    /// The action is over: the word and the confirm button give way to "Fermer".
    #[prop(into, default = Signal::derive(|| false))]
    finished: Signal<bool>,
    /// What the action will do in detail (counts, progress), under the explanation.
    #[prop(optional)]
    children: Option<ChildrenFn>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let dialog = NodeRef::<leptos::html::Div>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    // What had focus before opening, to give it back on close.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);

    Effect::new(move |_| {
        if open.get() {
            typed.set(String::new());
            opener.set_value(
                document()
                    .active_element()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
            );
            request_animation_frame(move || {
                if let Some(i) = input.get_untracked() {
                    let _ = i.focus();
                }
            });
        }
    });

    let close = move || {
        open.set(false);
        if let Some(el) = opener.get_value() {
            let _ = el.focus();
        }
    };

    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            // The dialog's focusable elements, in order (a disabled button is skipped).
            let items: Vec<web_sys::HtmlElement> =
                ["confirm-input", "confirm-cancel", "confirm-ok"]
                    .iter()
                    .filter_map(|id| document().get_element_by_id(id))
                    .filter(|e| !e.has_attribute("disabled"))
                    .filter_map(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    .collect();
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = document().active_element();
            let is = |el: &web_sys::HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
            };
            if ev.shift_key() && is(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && is(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };

    let can_confirm = move || confirms_word(&typed.get(), word) && ready.get() && !pending.get();
    let children = StoredValue::new(children);

    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop" on:click=move |_| close()></div>
            <div
                class="dialog"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="confirm-title"
                aria-describedby="confirm-body"
                data-testid="confirm-dialog"
                node_ref=dialog
                on:keydown=on_keydown
            >
                <h2 id="confirm-title">{move || t(title)}</h2>
                <p id="confirm-body">{move || t(body)}</p>
                {move || children.with_value(|c| c.as_ref().map(|c| c()))}
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    if can_confirm() {
                        on_confirm.run(());
                    }
                }>
                    <div class="field" class:hidden=move || finished.get()>
                        <label for="confirm-input">
                            {move || t("record.confirm_type").replace("{word}", word)}
                        </label>
                        <input
                            id="confirm-input"
                            type="text"
                            autocomplete="off"
                            spellcheck="false"
                            data-testid="confirm-input"
                            node_ref=input
                            prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev))
                        />
                    </div>
                    <FormStatus message=error />
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="btn"
                            data-testid="confirm-cancel"
                            id="confirm-cancel"
                            on:click=move |_| close()
                        >
                            {move || if finished.get() { t("record.close") } else { t("record.cancel") }}
                        </button>
                        <button
                            type="submit"
                            class="btn btn-danger"
                            class:hidden=move || finished.get()
                            id="confirm-ok"
                            data-testid="confirm-ok"
                            disabled=move || !can_confirm()
                        >
                            {move || t(confirm_label)}
                        </button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
