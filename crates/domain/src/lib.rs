//! Oubli's rules, shared by the browser app (wasm32) and the REST server (native):
//! entities and their request/response types, field validation with French messages,
//! the permission matrix, and list filters. No I/O here, so both sides refuse exactly
//! the same input and apply exactly the same rights.

pub mod date;
pub mod erasure;
pub mod filter;
pub mod model;
pub mod perm;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod text;
pub mod validate;

pub use model::*;
pub use perm::{Action, Actor, Decision, Role, Scope};

/// Per-field French error messages, keyed by the JSON field name.
pub type FieldErrors = std::collections::BTreeMap<String, String>;

/// Implements `Debug` for types that carry personal data: only the listed fields
/// (ids, statuses) are shown, everything else is replaced by `..`, so a stray
/// `{:?}` in a log line can never leak a name, an email or a number.
#[macro_export]
macro_rules! masked_debug {
    ($ty:ident $(, $field:ident)*) => {
        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }
    };
}
