//! The erasure engine: anonymize or delete contacts, delete projects, with the exact
//! cascade of PRODUCT.md §3 driven by `oubli_domain::erasure::PLAN`.
//!
//! Two steps: [`preview`] resolves the selection into a stored set of ids bound to a
//! single-use token (user, action, that exact set, 10 minutes); [`confirm`] consumes the
//! token, which makes the erasure a job. Jobs are processed in batches
//! ([`batch::process_batch`]): members are claimed, erased and marked done in one
//! transaction (all or nothing for each contact), so a run interrupted at any point
//! resumes without erasing anything twice or leaving a contact half-erased. Claims hold
//! row locks, so the workers of several instances on one PostgreSQL ([`spawn_worker`])
//! never take the same member.
//!
//! One job a file:
//! - `selection`: what a target or a stored request designates (`SELECT` of ids);
//! - `preview`: step one, the stored set, its counts and the token;
//! - `limits`: the cap on a user's open previews, the rates of previews and requests;
//! - `job`: a job as the API shows it, the list of jobs, and step two (`confirm`);
//! - `batch`: running a job batch by batch, closing it, counting failures;
//! - `anonymize`: the anonymization of a batch of contacts by the plan;
//! - `delete`: the delete cascade of a contact or a project, and blob unlinking;
//! - `worker`: the background worker, resuming at start-up, purging expired previews,
//!   and what follows an erasure on disk;
//! - `requests`: erasure requests by sales and team leads.

mod anonymize;
mod batch;
mod delete;
mod job;
mod limits;
mod preview;
mod requests;
mod selection;
mod worker;

pub use anonymize::{anonymize_contacts, Anonymized};
pub use batch::{batch_size, run, run_batches, BATCH, MAX_FAILURES};
pub use delete::{delete_contact, delete_project, Removed, Unlinks};
pub use job::{confirm, jobs, status, ErasureJob, JOB_STATUSES};
pub use limits::{OPEN_PREVIEWS, PREVIEWS_PER_MINUTE, REQUESTS_PER_MINUTE};
pub use preview::{erase_now, preview, preview_request};
pub use requests::{check_request_rate, insert_request, insert_selection_request};
pub use worker::{after_erasure, purge_expired_previews, resume_pending, spawn_worker};

pub const TOKEN_TTL_MS: i64 = 10 * 60 * 1000;

/// Selections up to this size are processed before `confirm` answers; larger ones by a
/// background task.
pub const INLINE_LIMIT: i64 = 20;

/// What the members of an erasure are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Contacts,
    Projects,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::Contacts => "contacts",
            MemberKind::Projects => "projects",
        }
    }

    /// The kind stored as `as_str` (contacts when unknown).
    pub fn parse(s: &str) -> MemberKind {
        if s == "projects" {
            MemberKind::Projects
        } else {
            MemberKind::Contacts
        }
    }
}

/// Members per stored chunk (`erasure_chunks`, migration 0008): the preview writes one
/// row per 50 members (2,000 rows for 100,000 contacts, not 100,000), and a batch
/// claims whole chunks.
pub const CHUNK: i64 = 50;
