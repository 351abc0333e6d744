//! The fast bulk generator: a cabinet of numbered synthetic contacts with their
//! cascades, written with multi-row INSERTs.

use super::*;
use crate::db::rows::{insert, n};
use crate::db::{new_id, Tx};
use sea_query::{Query, SimpleExpr};

/// Contacts per generator transaction.
const TX_CONTACTS: usize = 1000;
/// Rows per multi-row INSERT (keeps bind parameters under SQLite's and PostgreSQL's
/// limits for the widest table).
const ROWS_PER_INSERT: usize = 1000;

const DAY_MS: i64 = 86_400_000;

/// A cabinet and its admin, created for a benchmark or a test.
pub struct BenchCabinet {
    pub id: String,
    pub admin_id: String,
    pub admin_email: String,
}

/// Creates a cabinet with one admin whose password is `password_hash`'s.
pub async fn cabinet(
    db: &Db,
    name: &str,
    email: &str,
    password_hash: &str,
) -> Result<BenchCabinet> {
    let (admin_id, now) = (new_id(), now_ms());
    let mut tx = db.begin().await?;
    let id = crate::seed::insert_cabinet(&mut tx, name).await?;
    tx.exec(&insert(
        "users",
        vec![
            ("id", admin_id.clone().into()),
            ("cabinet_id", id.clone().into()),
            ("team_id", Option::<String>::None.into()),
            ("email", email.to_string().into()),
            ("name", "Admin banc d'essai".to_string().into()),
            ("role", "admin".to_string().into()),
            ("password_hash", password_hash.to_string().into()),
            ("active", 1i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    tx.commit().await?;
    Ok(BenchCabinet {
        id,
        admin_id,
        admin_email: email.to_string(),
    })
}

/// Rows of one table being accumulated for multi-row INSERTs.
struct Batch {
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<SimpleExpr>>,
}

impl Batch {
    fn new(table: &'static str, cols: &'static [&'static str]) -> Self {
        Batch {
            table,
            cols,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<SimpleExpr>) {
        debug_assert_eq!(row.len(), self.cols.len());
        self.rows.push(row);
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<u64> {
        let mut written = 0;
        let per = (ROWS_PER_INSERT * 12 / self.cols.len()).max(1);
        for chunk in self.rows.chunks(per) {
            let mut q = Query::insert();
            q.into_table(n(self.table))
                .columns(self.cols.iter().map(|c| n(c)));
            for r in chunk {
                q.values_panic(r.iter().cloned());
            }
            written += tx.exec(&q).await?;
        }
        self.rows.clear();
        Ok(written)
    }
}

/// The stored name sort key of generated contact `k` ("Nom{k}", "Prénom{k}").
fn bench_name_key(k: usize) -> String {
    oubli_domain::filter::name_key(Some(&format!("Nom{k}")), None, Some(&format!("Prénom{k}")))
        .unwrap_or_default()
}

fn s(v: impl Into<String>) -> SimpleExpr {
    SimpleExpr::Value(sea_query::Value::String(Some(Box::new(v.into()))))
}
fn i(v: i64) -> SimpleExpr {
    SimpleExpr::Value(v.into())
}
fn null() -> SimpleExpr {
    SimpleExpr::Value(sea_query::Value::String(None))
}
fn null_i() -> SimpleExpr {
    SimpleExpr::Value(sea_query::Value::BigInt(None))
}

/// A small deterministic generator (no personal data, same data for the same seed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const CONTACT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "civility",
    "first_name",
    "last_name",
    "name_key",
    "email",
    "mobile_phone",
    "street",
    "postal_code",
    "city",
    "birth_date",
    "status",
    "supplier",
    "lead_cost_cents",
    "assigned_to",
    "comment",
    "change_seq",
    "created_at",
    "updated_at",
];
const HOUSEHOLD_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contact_id",
    "first_name",
    "last_name",
    "relation",
    "birth_date",
    "created_at",
    "updated_at",
];
const PROJECT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contact_id",
    "type",
    "status",
    "supplier",
    "assigned_to",
    "comment",
    "created_at",
    "updated_at",
];
const PERSON_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "project_id",
    "position",
    "first_name",
    "last_name",
    "birth_date",
    "created_at",
    "updated_at",
];
const SUBSCRIPTION_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "project_id",
    "position",
    "nir",
    "code_organisme",
    "iban",
    "bic",
    "created_at",
    "updated_at",
];
const CONTRACT_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "project_id",
    "contact_id",
    "insurer",
    "monthly_premium_cents",
    "status",
    "nir",
    "code_organisme",
    "created_at",
    "updated_at",
];
const INSURED_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contract_id",
    "position",
    "first_name",
    "last_name",
    "birth_date",
    "created_at",
    "updated_at",
];
const ACTIVITY_COLS: &[&str] = &[
    "id",
    "cabinet_id",
    "contact_id",
    "kind",
    "author_id",
    "title",
    "body",
    "occurred_at",
    "channel",
    "recipient",
    "file_name",
    "content_type",
    "size_bytes",
    "blob_key",
    "created_at",
    "updated_at",
];

const KINDS: &[&str] = &[
    "events",
    "notes",
    "tasks",
    "appointments",
    "quotes",
    "advice_docs",
    "membership_forms",
    "messages",
    "events",
    "notes",
];
const TYPES: &[&str] = &[
    "sante",
    "sante",
    "sante",
    "sante",
    "sante",
    "sante",
    "prevoyance",
    "auto",
];
const STATUSES: &[&str] = &[
    "nouveau",
    "en_cours",
    "devis_envoye",
    "attente_signature",
    "contrat_actif",
    "perdu",
    "sans_suite",
];

/// Inserts `count` contacts with realistic cascades into `cabinet`: per contact one
/// household member, two projects (each with a beneficiary and a subscription), one
/// contract with an insured person, ten activity items and one document (its file
/// written under `blob_dir` when given). Returns the number of rows written.
pub async fn seed_contacts(
    db: &Db,
    cabinet: &BenchCabinet,
    count: usize,
    supplier: &str,
    blob_dir: Option<&Path>,
    seed: u64,
) -> Result<u64> {
    let mut rng = Rng(seed | 1);
    let now = now_ms();
    let mut written = 0;
    if let Some(d) = blob_dir {
        std::fs::create_dir_all(d).map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let mut start = 0;
    while start < count {
        let end = (start + TX_CONTACTS).min(count);
        let mut contacts = Batch::new("contacts", CONTACT_COLS);
        let mut household = Batch::new("household_members", HOUSEHOLD_COLS);
        let mut projects = Batch::new("projects", PROJECT_COLS);
        let mut beneficiaries = Batch::new("beneficiaries", PERSON_COLS);
        let mut subscriptions = Batch::new("subscriptions", SUBSCRIPTION_COLS);
        let mut contracts = Batch::new("contracts", CONTRACT_COLS);
        let mut insured = Batch::new("insured_persons", INSURED_COLS);
        let mut activities = Batch::new("activities", ACTIVITY_COLS);
        for k in start..end {
            let cid = new_id();
            let created = now - (rng.below(6 * 365) as i64 + 1) * DAY_MS;
            let birth = format!(
                "{}-{:02}-{:02}",
                1940 + rng.below(60),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            contacts.push(vec![
                s(cid.clone()),
                s(cabinet.id.clone()),
                s("M."),
                s(format!("Prénom{k}")),
                s(format!("Nom{k}")),
                s(bench_name_key(k)),
                s(format!("c{k}@exemple.invalid")),
                s(format!("06{:08}", k)),
                s(format!("{k} rue de l'Essai")),
                s(format!("{:05}", 1000 + rng.below(94000))),
                s("Ville"),
                s(birth.clone()),
                s(if k % 5 == 0 { "client" } else { "prospect" }),
                s(supplier),
                i(500 + rng.below(3000) as i64),
                s(cabinet.admin_id.clone()),
                s(format!("Commentaire {k}")),
                i(0),
                i(created),
                i(created),
            ]);
            household.push(vec![
                s(new_id()),
                s(cabinet.id.clone()),
                s(cid.clone()),
                s(format!("Conjoint{k}")),
                s(format!("Nom{k}")),
                s("spouse"),
                s(birth.clone()),
                i(created),
                i(created),
            ]);
            let mut first_project = String::new();
            for p in 0..2 {
                let pid = new_id();
                if p == 0 {
                    first_project = pid.clone();
                }
                projects.push(vec![
                    s(pid.clone()),
                    s(cabinet.id.clone()),
                    s(cid.clone()),
                    s(TYPES[rng.below(TYPES.len() as u64) as usize]),
                    s(STATUSES[rng.below(STATUSES.len() as u64) as usize]),
                    s(supplier),
                    s(cabinet.admin_id.clone()),
                    s(format!("Projet {k}-{p}")),
                    i(created),
                    i(created),
                ]);
                beneficiaries.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(pid.clone()),
                    i(0),
                    s(format!("Bénéficiaire{k}")),
                    s(format!("Nom{k}")),
                    s(birth.clone()),
                    i(created),
                    i(created),
                ]);
                subscriptions.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(pid),
                    i(0),
                    s(format!("1{:014}", k)),
                    s("01234"),
                    s(format!("FR76{:023}", k)),
                    s("BNPAFRPP"),
                    i(created),
                    i(created),
                ]);
            }
            let kid = new_id();
            contracts.push(vec![
                s(kid.clone()),
                s(cabinet.id.clone()),
                s(first_project),
                s(cid.clone()),
                s("Assureur"),
                i(3000 + rng.below(20000) as i64),
                s("actif"),
                s(format!("1{:014}", k)),
                s("01234"),
                i(created),
                i(created),
            ]);
            insured.push(vec![
                s(new_id()),
                s(cabinet.id.clone()),
                s(kid),
                i(0),
                s(format!("Assuré{k}")),
                s(format!("Nom{k}")),
                s(birth),
                i(created),
                i(created),
            ]);
            for kind in KINDS.iter() {
                let is_msg = *kind == "messages";
                activities.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(cid.clone()),
                    s(*kind),
                    s(cabinet.admin_id.clone()),
                    s(format!("Titre {k}")),
                    s(format!("Texte au sujet de Nom{k}")),
                    i(created),
                    if is_msg { s("email") } else { null() },
                    if is_msg {
                        s(format!("c{k}@exemple.invalid"))
                    } else {
                        null()
                    },
                    null(),
                    null(),
                    null_i(),
                    null(),
                    i(created),
                    i(created),
                ]);
            }
            let key = new_id();
            if let Some(d) = blob_dir {
                std::fs::write(d.join(&key), format!("Document de Nom{k}\n").repeat(16))
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            }
            activities.push(vec![
                s(new_id()),
                s(cabinet.id.clone()),
                s(cid),
                s("documents"),
                s(cabinet.admin_id.clone()),
                s(format!("Pièce {k}")),
                null(),
                i(created),
                null(),
                null(),
                s(format!("piece-{k}.pdf")),
                s("application/pdf"),
                i(256),
                s(key),
                i(created),
                i(created),
            ]);
        }
        let mut tx = db.begin().await?;
        for b in [
            &mut contacts,
            &mut household,
            &mut projects,
            &mut beneficiaries,
            &mut subscriptions,
            &mut contracts,
            &mut insured,
            &mut activities,
        ] {
            written += b.flush(&mut tx).await?;
        }
        tx.commit().await?;
        start = end;
    }
    Ok(written)
}

/// Inserts `projects` projects spread over `projects / 5` light contacts (the list
/// benchmark's cabinet). Returns the number of rows written.
pub async fn seed_projects(
    db: &Db,
    cabinet: &BenchCabinet,
    projects: usize,
    seed: u64,
) -> Result<u64> {
    let mut rng = Rng(seed | 1);
    let now = now_ms();
    let per_contact = 5;
    let contacts_n = projects.div_ceil(per_contact);
    let mut written = 0;
    let mut start = 0;
    while start < contacts_n {
        let end = (start + 4 * TX_CONTACTS).min(contacts_n);
        let mut contacts = Batch::new("contacts", CONTACT_COLS);
        let mut prj = Batch::new("projects", PROJECT_COLS);
        for k in start..end {
            let cid = new_id();
            let created = now - (rng.below(10 * 365) as i64 + 1) * DAY_MS;
            contacts.push(vec![
                s(cid.clone()),
                s(cabinet.id.clone()),
                null(),
                s(format!("Prénom{k}")),
                s(format!("Nom{k}")),
                s(bench_name_key(k)),
                null(),
                null(),
                null(),
                s("75001"),
                s("Paris"),
                null(),
                s("prospect"),
                s("Liste"),
                null_i(),
                s(cabinet.admin_id.clone()),
                null(),
                i(0),
                i(created),
                i(created),
            ]);
            for p in 0..per_contact {
                if k * per_contact + p >= projects {
                    break;
                }
                let pc = created + rng.below(365) as i64 * DAY_MS;
                prj.push(vec![
                    s(new_id()),
                    s(cabinet.id.clone()),
                    s(cid.clone()),
                    s(TYPES[rng.below(TYPES.len() as u64) as usize]),
                    s(STATUSES[rng.below(STATUSES.len() as u64) as usize]),
                    s("Liste"),
                    s(cabinet.admin_id.clone()),
                    null(),
                    i(pc),
                    i(pc),
                ]);
            }
        }
        let mut tx = db.begin().await?;
        written += contacts.flush(&mut tx).await?;
        written += prj.flush(&mut tx).await?;
        tx.commit().await?;
        start = end;
    }
    Ok(written)
}
