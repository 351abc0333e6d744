//! The erasure plan: what anonymizing a contact does to every column of every table
//! that holds something about the person (PRODUCT.md §3), declared once. The server's
//! use case executes this table; adding a column means adding one line here, and a
//! server test fails if a column of a person table is not classified.

/// Open previews kept per user; the next one replaces the oldest (a broker may have a
/// few erasure dialogs open at once across tabs, never more than this many stored
/// selections). The server applies it (`erasure::limits`).
pub const OPEN_PREVIEWS: i64 = 5;
/// Erasure previews one user may create in any 60 seconds (approvals and direct
/// deletions included: each resolves and stores a selection).
pub const PREVIEWS_PER_MINUTE: i64 = 20;
/// Erasure requests one user may create in any 60 seconds.
pub const REQUESTS_PER_MINUTE: i64 = 10;

/// What anonymization does to one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    /// Ids, links, timestamps, statuses: not about the person, or needed by statistics.
    Keep,
    /// Personal data: set to NULL.
    Blank,
    /// A birth date: reduced to its year (stored as `YYYY-01-01`), since postal code plus
    /// full birth date can single a person out.
    YearOnly,
}

/// What anonymization does to the rows of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rows {
    /// Rows stay; their columns are treated one by one.
    Treat,
    /// Rows are deleted (history, notes, tasks, documents and their files, messages…).
    Delete,
}

/// How a table's rows hang from the contact: the SQL path, as (column, parent table)
/// steps from this table up to `contacts.id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The contacts table itself.
    Itself,
    /// A `contact_id` column.
    Contact,
    /// `project_id` → projects.contact_id.
    Project,
    /// `contract_id` → contracts.contact_id.
    Contract,
}

#[derive(Clone, Copy, Debug)]
pub struct TablePlan {
    pub table: &'static str,
    pub link: Link,
    pub rows: Rows,
    /// Every column of the table with its treatment (for `Rows::Delete` tables the
    /// treatment is moot but the list still documents what the rows held).
    pub columns: &'static [(&'static str, Treatment)],
}

use Treatment::{Blank, Keep, YearOnly};

const TECH: [(&str, Treatment); 4] = [
    ("id", Keep),
    ("cabinet_id", Keep),
    ("created_at", Keep),
    ("updated_at", Keep),
];

/// Tables that hold nothing about a contact, with the reason. Every table of the
/// schema is either here or in [`PLAN`].
pub const NOT_ABOUT_A_PERSON: &[(&str, &str)] = &[
    ("cabinets", "the tenant"),
    ("teams", "the cabinet's teams"),
    ("users", "the cabinet's staff, not the people it processes"),
    ("sessions", "staff sessions"),
    ("tombstones", "contact ids only, for offline caches"),
    ("audit_log", "ids and counts only, by construction"),
    (
        "suppressions",
        "keyed hashes kept on purpose so an objection outlives erasure (PRODUCT.md §4)",
    ),
    ("erasures", "ids and counts of erasure operations"),
    (
        "erasure_chunks",
        "contact ids of a pending or running erasure",
    ),
    ("erasure_requests", "ids and the requester's reason"),
    (
        "erasure_request_members",
        "contact or project ids a selection request covers",
    ),
    (
        "cgu_versions",
        "the cabinet's CGU texts, the proof of what people accepted",
    ),
    ("widgets", "the cabinet's lead widgets"),
    (
        "api_keys",
        "the cabinet's supplier keys (hashes of secrets)",
    ),
    (
        "lead_receipts",
        "ids of received leads, idempotency keys and hashed supplier references",
    ),
    ("_sqlx_migrations", "schema versions"),
];

macro_rules! cols {
    ($($c:literal => $t:ident),* $(,)?) => {
        &[TECH[0], TECH[1], TECH[2], TECH[3], $(($c, $t)),*]
    };
}

/// What anonymizing one contact does, table by table, children first.
pub const PLAN: &[TablePlan] = &[
    TablePlan {
        table: "activities",
        link: Link::Contact,
        rows: Rows::Delete,
        columns: cols!["contact_id" => Keep, "kind" => Keep, "author_id" => Keep, "assigned_to" => Keep,
            "title" => Blank, "body" => Blank, "occurred_at" => Keep, "direction" => Keep, "due_date" => Keep,
            "done" => Keep, "starts_at" => Keep, "ends_at" => Keep, "location" => Blank, "amount_cents" => Keep,
            "signed" => Keep, "channel" => Keep, "recipient" => Blank, "file_name" => Blank,
            "content_type" => Keep, "size_bytes" => Keep, "blob_key" => Keep],
    },
    TablePlan {
        table: "consents",
        link: Link::Contact,
        rows: Rows::Treat,
        // The record that consent was given, under which CGU version, stays (it is
        // not about anyone once the contact is anonymous); what traces the device goes.
        columns: cols!["contact_id" => Keep, "purpose" => Keep, "granted" => Keep, "source" => Keep,
            "actor_user_id" => Keep, "cgu_version_id" => Keep, "cgu_sha256" => Keep, "checkbox_label" => Keep,
            "origin_page" => Blank, "ip" => Blank, "user_agent" => Blank, "widget_id" => Keep, "widget_build" => Keep],
    },
    TablePlan {
        table: "insured_persons",
        link: Link::Contract,
        rows: Rows::Treat,
        columns: cols!["contract_id" => Keep, "position" => Keep, "first_name" => Blank, "last_name" => Blank,
            "birth_date" => YearOnly],
    },
    TablePlan {
        table: "contracts",
        link: Link::Contact,
        rows: Rows::Treat,
        columns: cols!["project_id" => Keep, "contact_id" => Keep, "insurer" => Keep, "product" => Keep,
            "monthly_premium_cents" => Keep, "start_date" => Keep, "end_date" => Keep, "status" => Keep,
            "nir" => Blank, "code_organisme" => Blank],
    },
    TablePlan {
        table: "beneficiaries",
        link: Link::Project,
        rows: Rows::Treat,
        columns: cols!["project_id" => Keep, "position" => Keep, "first_name" => Blank, "last_name" => Blank,
            "birth_date" => YearOnly],
    },
    TablePlan {
        table: "subscriptions",
        link: Link::Project,
        rows: Rows::Treat,
        columns: cols!["project_id" => Keep, "position" => Keep, "nir" => Blank, "code_organisme" => Blank,
            "iban" => Blank, "bic" => Blank],
    },
    TablePlan {
        table: "projects",
        link: Link::Contact,
        rows: Rows::Treat,
        columns: cols!["contact_id" => Keep, "type" => Keep, "status" => Keep, "supplier" => Keep,
            "assigned_to" => Keep, "comment" => Blank, "opposition_match" => Keep],
    },
    TablePlan {
        table: "household_members",
        link: Link::Contact,
        rows: Rows::Treat,
        columns: cols!["contact_id" => Keep, "first_name" => Blank, "last_name" => Blank, "relation" => Keep,
            "birth_date" => YearOnly],
    },
    TablePlan {
        table: "contacts",
        link: Link::Itself,
        rows: Rows::Treat,
        columns: cols!["civility" => Blank, "first_name" => Blank, "last_name" => Blank, "company_name" => Blank,
            "name_key" => Blank, "siret" => Blank, "email" => Blank, "mobile_phone" => Blank, "landline_phone" => Blank,
            "street" => Blank, "postal_code" => Keep, "city" => Keep, "birth_date" => YearOnly,
            "status" => Keep, "supplier" => Keep, "lead_cost_cents" => Keep, "lead_purchased_on" => Keep,
            "assigned_to" => Keep, "lawful_basis" => Keep, "lawful_basis_source" => Blank, "comment" => Blank,
            "last_inbound_at" => Keep, "opposition_at" => Keep, "opposition_channel" => Keep,
            "anonymized_at" => Keep, "change_seq" => Keep],
    },
];

/// The treatment of `table.column`, if classified.
pub fn treatment(table: &str, column: &str) -> Option<Treatment> {
    PLAN.iter().find(|p| p.table == table).and_then(|p| {
        p.columns
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, t)| *t)
    })
}

/// `YYYY-MM-DD` → `YYYY-01-01`; anything else → None.
pub fn year_only(date: &str) -> Option<String> {
    let y = date.get(0..4)?;
    y.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| format!("{y}-01-01"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_items_are_classified_as_the_spec_says() {
        // PRODUCT.md §3, line by line.
        for c in [
            "first_name",
            "last_name",
            "company_name",
            "siret",
            "email",
            "mobile_phone",
            "landline_phone",
            "street",
        ] {
            assert_eq!(treatment("contacts", c), Some(Blank), "contacts.{c}");
        }
        for c in [
            "postal_code",
            "city",
            "supplier",
            "lead_cost_cents",
            "lead_purchased_on",
            "created_at",
            "status",
            "assigned_to",
        ] {
            assert_eq!(treatment("contacts", c), Some(Keep), "contacts.{c}");
        }
        for t in ["household_members", "beneficiaries", "insured_persons"] {
            assert_eq!(treatment(t, "first_name"), Some(Blank));
            assert_eq!(treatment(t, "last_name"), Some(Blank));
            assert_eq!(treatment(t, "birth_date"), Some(YearOnly));
        }
        for c in ["nir", "code_organisme", "iban", "bic"] {
            assert_eq!(treatment("subscriptions", c), Some(Blank));
        }
        assert_eq!(treatment("contracts", "nir"), Some(Blank));
        assert_eq!(treatment("contracts", "monthly_premium_cents"), Some(Keep));
        assert_eq!(treatment("projects", "comment"), Some(Blank));
        assert_eq!(treatment("projects", "type"), Some(Keep));
        assert_eq!(treatment("contacts", "birth_date"), Some(YearOnly));
        let activities = PLAN
            .iter()
            .find(|p| p.table == "activities")
            .map(|p| p.rows);
        assert_eq!(activities, Some(Rows::Delete));
    }

    #[test]
    fn no_table_twice_and_children_before_contacts() {
        let names: Vec<_> = PLAN.iter().map(|p| p.table).collect();
        let mut dedup = names.clone();
        dedup.sort();
        dedup.dedup();
        assert_eq!(dedup.len(), names.len());
        assert_eq!(names.last(), Some(&"contacts"));
        assert!(NOT_ABOUT_A_PERSON.iter().all(|(t, _)| !names.contains(t)));
    }

    #[test]
    fn year_only_keeps_the_year() {
        assert_eq!(year_only("1985-05-17").as_deref(), Some("1985-01-01"));
        assert_eq!(year_only("x"), None);
    }
}
