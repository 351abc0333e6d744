//! Masked NIR and IBAN: a saved value is shown hidden, with a button to reveal it for
//! editing.

use crate::components::form::tr;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Bullet used for hidden characters.
const DOT: char = '•';

/// Shows an IBAN as "FR76 •••• •••• 0189": the country and check digits, then only
/// the last four characters. Anything shorter than 9 characters is hidden entirely.
pub fn mask_iban(iban: &str) -> String {
    let c: Vec<char> = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.is_empty() {
        return String::new();
    }
    if c.len() < 9 {
        return DOT.to_string().repeat(4);
    }
    let head: String = c[..4].iter().collect();
    let tail: String = c[c.len() - 4..].iter().collect();
    format!("{head} {d} {d} {tail}", d = DOT.to_string().repeat(4))
}

/// Shows a NIR as "• •• •• •• ••• ••• 84": only the two-digit key stays visible,
/// in the usual grouping (sex, year, month, department, commune, order, key).
pub fn mask_nir(nir: &str) -> String {
    let c: Vec<char> = nir
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if c.is_empty() {
        return String::new();
    }
    if c.len() < 6 {
        return DOT.to_string().repeat(4);
    }
    let tail: String = c[c.len() - 2..].iter().collect();
    let hidden = c.len() - 2;
    // Standard groups 1-2-2-2-3-3 over the hidden part.
    let mut out = String::new();
    let mut left = hidden;
    for g in [1usize, 2, 2, 2, 3, 3] {
        if left == 0 {
            break;
        }
        let n = g.min(left);
        out.push_str(&DOT.to_string().repeat(n));
        out.push(' ');
        left -= n;
    }
    if left > 0 {
        out.push_str(&DOT.to_string().repeat(left));
        out.push(' ');
    }
    out.push_str(&tail);
    out
}

/// Groups an IBAN by four for reading ("FR76 3000 6000 …").
pub fn group4(s: &str) -> String {
    let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    c.chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which saved values are still masked on a page, by field name
/// (`subscriptions.0.iban`, `nir`). Revealing is per field and lasts until the
/// record is reloaded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Masks(pub BTreeSet<String>);

impl Masks {
    pub fn is_masked(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    pub fn reveal(&mut self, name: &str) {
        self.0.remove(name);
    }

    /// Row `index` of `list` was removed: later rows move up by one.
    pub fn row_removed(&mut self, list: &str, index: usize) {
        let prefix = format!("{list}.");
        self.0 = std::mem::take(&mut self.0)
            .into_iter()
            .filter_map(|name| {
                let Some(rest) = name.strip_prefix(&prefix) else {
                    return Some(name);
                };
                let (i, field) = rest.split_once('.')?;
                let i: usize = i.parse().ok()?;
                match i.cmp(&index) {
                    std::cmp::Ordering::Less => Some(name),
                    std::cmp::Ordering::Equal => None,
                    std::cmp::Ordering::Greater => Some(format!("{list}.{}.{field}", i - 1)),
                }
            })
            .collect();
    }
}

/// A masked value with its "Afficher" button (`reveal-<name>`); once revealed, the
/// `editor` (the input) takes its place.
pub fn masked_or<V: IntoView + 'static>(
    masks: RwSignal<Masks>,
    name: String,
    label: &'static str,
    masked_text: impl Fn() -> String + Send + Sync + 'static,
    editor: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let n = name.clone();
    move || {
        if masks.with(|m| m.is_masked(&n)) {
            let n2 = n.clone();
            let id = format!("masked-{}", n.replace('.', "-"));
            let text = masked_text();
            view! {
                <div class="field">
                    <span class="label" id=id.clone()>{tr(label)}</span>
                    <div class="masked">
                        <span
                            class="masked-value"
                            aria-labelledby=id
                            data-testid=format!("masked-{n}")
                        >
                            {text}
                        </span>
                        <button
                            type="button"
                            class="btn btn-small"
                            data-testid=format!("reveal-{n}")
                            on:click=move |_| masks.update(|m| m.reveal(&n2))
                        >
                            {tr("record.reveal")}
                        </button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            editor().into_any()
        }
    }
}
