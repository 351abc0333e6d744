//! Reusable pieces of the interface.

pub mod bulk;
pub mod confirm_dialog;
pub mod data_table;
pub mod erasure;
pub mod filter_panel;
pub mod form;
pub mod guides;
pub mod record;
pub mod record_activity;
pub mod record_contact;
pub mod record_contract;
pub mod record_project;
pub mod selection;
pub mod shell;
pub mod top_bar;
