//! One page per file.

pub mod contact;
pub mod contact_new;
pub mod contacts;
pub mod contract;
pub mod guide;
pub mod home;
pub mod login;
pub mod not_found;
pub mod project;
pub mod projects;
pub mod rgpd;
pub mod tasks;
