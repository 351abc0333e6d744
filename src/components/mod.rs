//! Reusable pieces of the interface.

pub mod guides;
pub mod shell;
pub mod top_bar;
