//! Loading a record and framing its page: [`use_record`] fetches the contact, project
//! or contract of the page, [`RecordFrame`] shows "Chargement…" until the first answer,
//! the French error (404: "introuvable") with a way back if it failed, and the page
//! itself once it came.

use crate::api::ApiError;
use crate::components::form::{tr, Tasks};
use crate::i18n::msg;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// The page's fetch, boxed so that [`Record`] names one type whatever the page.
type Fetch<T> = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>>>;

/// Where the loading of a record stands; what [`RecordFrame`] shows. Not generic.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// No answer yet.
    Loading,
    /// The last load failed.
    Failed(ApiError),
    /// The record came, for the `n`th time: the frame builds the page again after each
    /// load (not after a save or a [`Record::refresh`]).
    Loaded(u32),
}

/// A record shown on a page: its value, where its loading stands, and how to load it
/// again. Made by [`use_record`]; `Copy`, like the signals it holds.
pub struct Record<T: 'static> {
    phase: RwSignal<Phase>,
    /// The record as last loaded or saved; `None` until the first load succeeds.
    value: RwSignal<Option<T>>,
    fetch: StoredValue<Fetch<T>, LocalStorage>,
    tasks: Tasks,
}

impl<T> Clone for Record<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Record<T> {}

/// Loads the page's record with `fetch` (an API call, plus whatever the page sets from
/// the answer, such as its form), once now and again on [`Record::reload`] or
/// [`Record::refresh`]. The fetch runs in a task of the page (aborted if the page
/// goes), untracked: reading a signal in it does not load the record again.
///
/// This is the one place the pages get their record from, so it is where the offline
/// cache (`src/cache/`, IndexedDB) plugs in as a second source, without the pages
/// changing: before the fetch, the value found in the cache goes into
/// [`Record::value`] and the phase becomes [`Phase::Loaded`] at once (the page shows,
/// from the cache); the fetch then runs as now, its answer replaces the value in place
/// and is written back to the cache, and a network failure keeps the cached value
/// instead of showing the error. A save ([`Record::set`]) writes to the cache too.
///
/// Not a `LocalResource` under `<Transition>` and `<ErrorBoundary>`: that form, tried
/// first, added about 13 KB of brotli to a wasm whose first load sits at its budget;
/// two signals and the page's task give the same states.
pub fn use_record<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Record<T>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let fetch: Fetch<T> = Rc::new(move || Box::pin(fetch()));
    let record = Record {
        phase: RwSignal::new(Phase::Loading),
        value: RwSignal::new(None),
        fetch: StoredValue::new_local(fetch),
        tasks: Tasks::new(),
    };
    record.reload();
    record
}

impl<T: Send + Sync + 'static> Record<T> {
    /// The record, tracked; `None` until the first load succeeds.
    pub fn value(&self) -> RwSignal<Option<T>> {
        self.value
    }

    /// Loads the record again and builds the page again from the answer, every section
    /// included (after an anonymization: history and documents are gone). The page in
    /// place stays until the answer comes.
    pub fn reload(&self) {
        let answer = self.start();
        let (value, phase) = (self.value, self.phase);
        self.tasks.spawn(async move {
            match answer.await {
                Ok(answer) => {
                    value.set(Some(answer));
                    phase.update(|p| {
                        *p = Phase::Loaded(match p {
                            Phase::Loaded(n) => *n + 1,
                            _ => 1,
                        })
                    });
                }
                Err(e) => phase.set(Phase::Failed(e)),
            }
        });
    }

    /// Loads the record again and updates the page in place (after a change made by
    /// one of its sections, such as a household member added). A failure keeps what
    /// is shown.
    pub fn refresh(&self) {
        let answer = self.start();
        let value = self.value;
        self.tasks.spawn(async move {
            if let Ok(answer) = answer.await {
                value.set(Some(answer));
            }
        });
    }

    /// The page's fetch, started untracked.
    fn start(&self) -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>> {
        untrack(|| self.fetch.with_value(|fetch| fetch()))
    }

    /// Shows a newer copy of the record, as a save returned it.
    pub fn set(&self, record: T) {
        self.value.set(Some(record));
    }

    /// Changes the record in place (part of it was saved).
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        self.value.update(|v| {
            if let Some(v) = v {
                f(v)
            }
        });
    }

    /// What [`RecordFrame`] shows.
    pub fn phase(&self) -> ReadSignal<Phase> {
        self.phase.read_only()
    }
}

/// The frame of a record page (`<div class="record">` with the page's `data-testid`):
/// "Chargement…" until the record's first answer, then the page (`children`, built
/// again after each load), or, when the load failed, the error in French and a link
/// back to the list. Not generic, so it exists once in the wasm for the three pages.
#[component]
pub fn RecordFrame(
    /// [`Record::phase`] of the page's record.
    phase: ReadSignal<Phase>,
    /// `data-testid` of the page.
    testid: &'static str,
    /// Where the link under an error goes, and its translation key.
    back: (&'static str, &'static str),
    children: ChildrenFn,
) -> impl IntoView {
    let (back_href, back_label) = back;
    view! {
        <div class="record" data-testid=testid>
            {move || match phase.get() {
                Phase::Loading => view! { <p class="loading">{tr("record.loading")}</p> }.into_any(),
                Phase::Failed(e) => {
                    view! {
                        <div class="record-missing">
                            <p class="form-error" role="alert">{move || msg(&e.message)}</p>
                            <a href=back_href>{tr(back_label)}</a>
                        </div>
                    }
                        .into_any()
                }
                Phase::Loaded(_) => children(),
            }}
        </div>
    }
}
