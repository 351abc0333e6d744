//! The orders of the lists (`?sort=`).

use super::Resource;
use serde::{Deserialize, Serialize};

/// The orders a list offers (`?sort=`). Each one is a keyset order backed by an index,
/// so a page deep in the list costs what the first page costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest first (the default).
    #[default]
    CreatedDesc,
    CreatedAsc,
    /// Contacts by name, A to Z.
    NameAsc,
    NameDesc,
    /// Projects by their contact's name, A to Z.
    ContactAsc,
    ContactDesc,
}

/// What a sortable column sorts on; a click on its header picks the [`Sort`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortField {
    Created,
    /// The contact's name (contacts list) or the project's contact (projects list).
    Name,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::CreatedDesc,
        Sort::CreatedAsc,
        Sort::NameAsc,
        Sort::NameDesc,
        Sort::ContactAsc,
        Sort::ContactDesc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::CreatedDesc => "created_desc",
            Sort::CreatedAsc => "created_asc",
            Sort::NameAsc => "name_asc",
            Sort::NameDesc => "name_desc",
            Sort::ContactAsc => "contact_asc",
            Sort::ContactDesc => "contact_desc",
        }
    }

    /// Any sort's code, whatever the list.
    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The sorts one list offers.
    pub fn allowed(resource: Resource) -> &'static [Sort] {
        match resource {
            Resource::Contacts => &[
                Sort::CreatedDesc,
                Sort::CreatedAsc,
                Sort::NameAsc,
                Sort::NameDesc,
            ],
            Resource::Projects => &[
                Sort::CreatedDesc,
                Sort::CreatedAsc,
                Sort::ContactAsc,
                Sort::ContactDesc,
            ],
        }
    }

    /// `?sort=` of one list: absent or empty is the default, an unknown value a
    /// French message naming the possible ones.
    pub fn for_list(resource: Resource, v: Option<&str>) -> Result<Sort, String> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Sort::default()),
            Some(s) => Sort::parse(s)
                .filter(|x| Sort::allowed(resource).contains(x))
                .ok_or_else(|| {
                    let allowed: Vec<&str> =
                        Sort::allowed(resource).iter().map(|x| x.as_str()).collect();
                    format!("Tri inconnu. Valeurs possibles : {}.", allowed.join(", "))
                }),
        }
    }

    pub fn is_descending(self) -> bool {
        matches!(self, Sort::CreatedDesc | Sort::NameDesc | Sort::ContactDesc)
    }

    pub fn field(self) -> SortField {
        match self {
            Sort::CreatedDesc | Sort::CreatedAsc => SortField::Created,
            _ => SortField::Name,
        }
    }

    /// The sort a click on `field`'s header gives, on `resource`'s list: the other
    /// direction when the list is sorted on that field already, else its natural
    /// first direction (names A to Z, dates newest first).
    pub fn toggled(self, resource: Resource, field: SortField) -> Sort {
        let (first, second) = match (field, resource) {
            (SortField::Created, _) => (Sort::CreatedDesc, Sort::CreatedAsc),
            (SortField::Name, Resource::Contacts) => (Sort::NameAsc, Sort::NameDesc),
            (SortField::Name, Resource::Projects) => (Sort::ContactAsc, Sort::ContactDesc),
        };
        if self == first {
            second
        } else {
            first
        }
    }
}
