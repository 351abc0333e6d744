//! The selection model of the lists (PRODUCT.md §3, Bulk): the main checkbox ("coche
//! principale") selects the visible page; a banner then offers to select every record
//! matching the filter, and from then on the selection travels as *filter +
//! exclusions*, never as a list of 100,000 ids.
//!
//! [`Selection`] is plain data with pure methods, so the rules are unit-tested
//! without a DOM; the lists keep it in an `RwSignal`.

use oubli_domain::filter::{Filter, Resource};
use oubli_domain::ErasureTarget;
use serde_json::Value;
use std::collections::BTreeSet;

/// What is selected.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Rows ticked one by one or page by page.
    Ids(BTreeSet<String>),
    /// Every record matching `filter`, except the rows unticked since.
    AllMatching {
        filter: Filter,
        excluded: BTreeSet<String>,
    },
}

/// State of the main checkbox for the visible page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageState {
    None,
    Some,
    All,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    pub resource: Resource,
    pub mode: Mode,
}

impl Selection {
    pub fn new(resource: Resource) -> Self {
        Selection {
            resource,
            mode: Mode::Ids(BTreeSet::new()),
        }
    }

    pub fn is_selected(&self, id: &str) -> bool {
        match &self.mode {
            Mode::Ids(ids) => ids.contains(id),
            Mode::AllMatching { excluded, .. } => !excluded.contains(id),
        }
    }

    /// Ticks or unticks one row. In "all matching" mode unticking adds the row to the
    /// exclusions, ticking it again removes it from them.
    pub fn set(&mut self, id: &str, selected: bool) {
        match &mut self.mode {
            Mode::Ids(ids) => {
                if selected {
                    ids.insert(id.to_owned());
                } else {
                    ids.remove(id);
                }
            }
            Mode::AllMatching { excluded, .. } => {
                if selected {
                    excluded.remove(id);
                } else {
                    excluded.insert(id.to_owned());
                }
            }
        }
    }

    pub fn toggle(&mut self, id: &str) {
        let now = self.is_selected(id);
        self.set(id, !now);
    }

    /// The main checkbox for the rows on screen.
    pub fn page_state(&self, page: &[String]) -> PageState {
        let n = page.iter().filter(|id| self.is_selected(id)).count();
        match n {
            0 => PageState::None,
            n if n == page.len() => PageState::All,
            _ => PageState::Some,
        }
    }

    /// What a click on the main checkbox does: selects the page unless it is all
    /// selected already, in which case it unselects it.
    pub fn toggle_page(&mut self, page: &[String]) {
        let select = self.page_state(page) != PageState::All;
        for id in page {
            self.set(id, select);
        }
    }

    /// Switches to "every record matching `filter`" (the banner's button).
    pub fn select_all_matching(&mut self, filter: Filter) {
        self.mode = Mode::AllMatching {
            filter,
            excluded: BTreeSet::new(),
        };
    }

    pub fn is_all_matching(&self) -> bool {
        matches!(self.mode, Mode::AllMatching { .. })
    }

    pub fn clear(&mut self) {
        self.mode = Mode::Ids(BTreeSet::new());
    }

    /// The filter (or search) changed: a selection made under another filter no longer
    /// means anything, so it is dropped.
    pub fn filter_changed(&mut self) {
        self.clear();
    }

    /// How many records are selected, given the `total` matching the current filter.
    pub fn count(&self, total: i64) -> i64 {
        match &self.mode {
            Mode::Ids(ids) => ids.len() as i64,
            Mode::AllMatching { excluded, .. } => (total - excluded.len() as i64).max(0),
        }
    }

    pub fn is_empty(&self, total: i64) -> bool {
        self.count(total) == 0
    }

    /// The erasure target of API.md, as the domain's [`ErasureTarget`]: ids while
    /// rows were ticked one by one, else the filter (as the list's query parameters)
    /// and the exclusions.
    pub fn target(&self) -> ErasureTarget {
        match &self.mode {
            Mode::Ids(ids) => {
                let ids: Vec<String> = ids.iter().cloned().collect();
                match self.resource {
                    Resource::Contacts => ErasureTarget {
                        contacts: Some(ids),
                        ..Default::default()
                    },
                    Resource::Projects => ErasureTarget {
                        projects: Some(ids),
                        ..Default::default()
                    },
                }
            }
            Mode::AllMatching { filter, excluded } => {
                let query = filter.to_list_query();
                let exclude = Some(excluded.iter().cloned().collect());
                match self.resource {
                    Resource::Contacts => ErasureTarget {
                        contacts_filter: Some(query.into()),
                        exclude,
                        ..Default::default()
                    },
                    Resource::Projects => ErasureTarget {
                        projects_filter: Some(query.into()),
                        exclude,
                        ..Default::default()
                    },
                }
            }
        }
    }

    /// [`Self::target`] as the JSON body's `target`: `{"contacts":[ids]}` /
    /// `{"projects":[ids]}`, or `{"contacts_filter":{…}, "exclude":[ids]}` /
    /// `{"projects_filter":{…}, …}`, the filter holding only the parameters set.
    pub fn target_json(&self) -> Value {
        let mut value = serde_json::to_value(self.target()).unwrap_or(Value::Null);
        if let Value::Object(target) = &mut value {
            for key in ["contacts_filter", "projects_filter"] {
                if let Some(Value::Object(filter)) = target.get_mut(key) {
                    filter.retain(|_, v| !v.is_null());
                }
            }
        }
        value
    }
}
