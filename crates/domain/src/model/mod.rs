//! Entities of PRODUCT.md §2 and their request/response types (the JSON of API.md).
//!
//! Inputs (`*Input`) are what a client sends on POST; PATCH is a JSON merge patch
//! (RFC 7396) applied by the server onto the current input, then validated as a whole,
//! so creation and edition share one validator. Responses add ids and timestamps.
//!
//! One file per entity (or small family), its types beside their `normalize()` and
//! `validate()`; the closed lists in `enums`, the field checks they share in `fields`.
//! Everything is re-exported here, so `crate::model::Contact` and `crate::Contact` are
//! the only paths callers use.

mod activity;
mod audit;
mod consent;
mod contact;
mod contract;
mod enums;
mod erasure;
mod errors;
mod fields;
mod household;
mod lead;
mod project;
mod stats;
mod sync;
mod user;
mod widget;

pub use activity::*;
pub use audit::*;
pub use consent::*;
pub use contact::*;
pub use contract::*;
pub use enums::*;
pub use erasure::*;
pub use errors::*;
pub use fields::{check_birth_date, MAX_LONG, MAX_SHORT};
pub use household::*;
pub use lead::*;
pub use project::*;
pub use stats::*;
pub use sync::*;
pub use user::*;
pub use widget::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_personal_data() {
        let c = ContactInput {
            last_name: Some("Dupont".into()),
            email: Some("jean.dupont@example.fr".into()),
            ..Default::default()
        };
        let s = format!("{c:?}");
        assert!(!s.contains("Dupont") && !s.contains("example"), "{s}");
        let l = LoginRequest {
            email: "a@b.fr".into(),
            password: "secret".into(),
        };
        assert!(!format!("{l:?}").contains("secret"));
    }
}
