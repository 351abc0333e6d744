//! The demo data: about 5,000 realistic French contacts with households, projects,
//! contracts and activity in Cabinet Démo, spread over five years.

use super::data::*;
use super::*;

/// Multi-row inserts, flushed every few hundred rows.
struct Batch {
    table: &'static str,
    cols: Vec<&'static str>,
    rows: Vec<Vec<sea_query::Value>>,
}

impl Batch {
    fn new(table: &'static str) -> Self {
        Batch {
            table,
            cols: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn push(&mut self, pairs: Pairs) {
        let (cols, vals): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        if self.cols.is_empty() {
            self.cols = cols;
        }
        self.rows.push(vals);
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut q = Query::insert();
        q.into_table(n(self.table))
            .columns(self.cols.iter().map(|c| n(c)));
        for r in self.rows.drain(..) {
            q.values_panic(r.into_iter().map(SimpleExpr::Value));
        }
        tx.exec(&q).await?;
        Ok(())
    }
}

/// Flushes the batches in the order given: parents before children (foreign keys).
async fn flush_all(tx: &mut Tx, batches: &mut [&mut Batch]) -> Result<()> {
    for b in batches.iter_mut() {
        b.flush(tx).await?;
    }
    Ok(())
}

/// Returns the number of contacts created.
/// Accounts plus the demo contacts, unless Cabinet Démo already has contacts.
pub async fn demo(db: &Db) -> Result<u64> {
    let acc = accounts(db).await?;
    super::lead_capture(db, &acc).await?;
    let mut tx = db.begin().await?;
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n("contacts"))
        .and_where(Expr::col(n("cabinet_id")).eq(acc.demo_cabinet.as_str()));
    if tx.int(&q).await? > 0 {
        tx.commit().await?;
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(20261129);
    let cab = acc.demo_cabinet.clone();
    let owners = [
        (acc.sales1.clone(), 35u32),
        (acc.sales2.clone(), 35),
        (acc.team_lead.clone(), 15),
        (acc.deputy.clone(), 10),
        (acc.admin.clone(), 5),
    ];
    let now = now_ms();
    let five_years = 5 * 365 * 24 * 3600 * 1000i64;
    let mut contacts = Batch::new("contacts");
    let mut household = Batch::new("household_members");
    let mut projects = Batch::new("projects");
    let mut bens = Batch::new("beneficiaries");
    let mut subs = Batch::new("subscriptions");
    let mut contracts = Batch::new("contracts");
    let mut insured = Batch::new("insured_persons");
    let mut activities = Batch::new("activities");
    let mut consents = Batch::new("consents");
    let mut seq = 0i64;
    let statuses = ProjectStatus::ALL;
    let types = ProjectType::ALL;
    for i in 0..DEMO_CONTACTS {
        seq += 1;
        let id = new_id();
        let created = now - rng.random_range(0..five_years);
        let roll = rng.random_range(0..100u32);
        let mut acc_w = 0;
        let owner = owners.iter().find(|(_, w)| {
            acc_w += *w;
            roll < acc_w
        });
        let owner = owner
            .map(|o| o.0.clone())
            .unwrap_or_else(|| acc.sales1.clone());
        let first: String = FirstName(FR_FR).fake_with_rng(&mut rng);
        let last: String = LastName(FR_FR).fake_with_rng(&mut rng);
        let is_company = i % 9 == 0;
        let company: Option<String> = is_company.then(|| {
            let name: String = LastName(FR_FR).fake_with_rng(&mut rng);
            format!(
                "{} {name}",
                [
                    "SARL",
                    "SAS",
                    "Cabinet",
                    "Établissements",
                    "Boulangerie",
                    "Garage"
                ][rng.random_range(0..6)]
            )
        });
        let siret = is_company.then(|| {
            gen::siret_from(
                &gen::siren_from(rng.random_range(0..99_999_999)),
                rng.random_range(1..500),
            )
        });
        let (dept, postal, city) = PLACES[rng.random_range(0..PLACES.len())];
        let (postal, city) = (postal.to_string(), city.to_string());
        let street: String = StreetName(FR_FR).fake_with_rng(&mut rng);
        let birth_year = rng.random_range(1945..2004);
        let (supplier, cost) = SUPPLIERS[rng.random_range(0..SUPPLIERS.len())];
        let created_date = crate::db::from_ms(created).date_naive();
        let inbound = rng
            .random_bool(0.4)
            .then(|| created + rng.random_range(0..(now - created).max(1)));
        let n_projects = rng.random_range(1..=3);
        let mut client = false;
        for _ in 0..n_projects {
            let pid = new_id();
            let kind = types[rng.random_range(0..types.len())];
            let status = statuses[rng.random_range(0..statuses.len())];
            let p_created = created
                + rng
                    .random_range(0..(now - created).max(1))
                    .min(90 * 24 * 3600 * 1000);
            projects.push(vec![
                ("id", pid.clone().into()),
                ("cabinet_id", cab.clone().into()),
                ("contact_id", id.clone().into()),
                ("type", kind.as_str().to_string().into()),
                ("status", status.as_str().to_string().into()),
                ("supplier", supplier.to_string().into()),
                ("assigned_to", owner.clone().into()),
                (
                    "comment",
                    rng.random_bool(0.3)
                        .then(|| "Rappeler après comparaison des garanties.".to_string())
                        .into(),
                ),
                ("created_at", p_created.into()),
                ("updated_at", p_created.into()),
            ]);
            if matches!(
                kind,
                ProjectType::Sante | ProjectType::Prevoyance | ProjectType::Obseques
            ) {
                for b in 0..rng.random_range(0..=2) {
                    let bf: String = FirstName(FR_FR).fake_with_rng(&mut rng);
                    bens.push(vec![
                        ("id", new_id().into()),
                        ("cabinet_id", cab.clone().into()),
                        ("project_id", pid.clone().into()),
                        ("position", (b as i64).into()),
                        ("first_name", bf.into()),
                        ("last_name", last.clone().into()),
                        (
                            "birth_date",
                            date(
                                rng.random_range(1950..2020),
                                rng.random_range(1..=12),
                                rng.random_range(1..=28),
                            )
                            .into(),
                        ),
                        ("created_at", p_created.into()),
                        ("updated_at", p_created.into()),
                    ]);
                }
            }
            let health = kind.may_hold_nir();
            let nir = health.then(|| {
                gen::nir_from(
                    if i % 2 == 0 { 1 } else { 2 },
                    (birth_year % 100) as u8,
                    rng.random_range(1..=12),
                    &format!("{dept:02}"),
                    rng.random_range(1..990),
                    rng.random_range(1..999),
                )
            });
            if matches!(
                status,
                ProjectStatus::AttenteSignature | ProjectStatus::ContratActif
            ) {
                let iban = gen::iban_fr(
                    rng.random_range(10000..99999),
                    rng.random_range(10000..99999),
                    &format!("{:011}", rng.random_range(0..99_999_999_999u64)),
                    rng.random_range(1..97),
                );
                subs.push(vec![
                    ("id", new_id().into()),
                    ("cabinet_id", cab.clone().into()),
                    ("project_id", pid.clone().into()),
                    ("position", 0i64.into()),
                    ("nir", nir.clone().into()),
                    (
                        "code_organisme",
                        health
                            .then(|| {
                                format!("01{:03}{:04}", dept * 10 % 1000, rng.random_range(0..9999))
                            })
                            .into(),
                    ),
                    ("iban", iban.into()),
                    (
                        "bic",
                        ["BNPAFRPPXXX", "CEPAFRPP751", "AGRIFRPP882", "SOGEFRPPXXX"]
                            [rng.random_range(0..4)]
                        .to_string()
                        .into(),
                    ),
                    ("created_at", p_created.into()),
                    ("updated_at", p_created.into()),
                ]);
            }
            if status == ProjectStatus::ContratActif
                || (status == ProjectStatus::Perdu && rng.random_bool(0.2))
            {
                let kid = new_id();
                let k_status = if status == ProjectStatus::ContratActif {
                    ContractStatus::Actif
                } else {
                    ContractStatus::Resilie
                };
                client |= k_status == ContractStatus::Actif;
                let start = crate::db::from_ms(p_created).date_naive();
                contracts.push(vec![
                    ("id", kid.clone().into()),
                    ("cabinet_id", cab.clone().into()),
                    ("project_id", pid.clone().into()),
                    ("contact_id", id.clone().into()),
                    (
                        "insurer",
                        INSURERS[rng.random_range(0..INSURERS.len())]
                            .to_string()
                            .into(),
                    ),
                    (
                        "product",
                        format!(
                            "{} {}",
                            kind.label_fr(),
                            ["Essentiel", "Confort", "Premium"][rng.random_range(0..3)]
                        )
                        .into(),
                    ),
                    (
                        "monthly_premium_cents",
                        rng.random_range(1500..25000i64).into(),
                    ),
                    ("start_date", start.format("%Y-%m-%d").to_string().into()),
                    ("end_date", Option::<String>::None.into()),
                    ("status", k_status.as_str().to_string().into()),
                    ("nir", nir.clone().into()),
                    (
                        "code_organisme",
                        health
                            .then(|| {
                                format!("01{:03}{:04}", dept * 10 % 1000, rng.random_range(0..9999))
                            })
                            .into(),
                    ),
                    ("created_at", p_created.into()),
                    ("updated_at", p_created.into()),
                ]);
                insured.push(vec![
                    ("id", new_id().into()),
                    ("cabinet_id", cab.clone().into()),
                    ("contract_id", kid.into()),
                    ("position", 0i64.into()),
                    ("first_name", first.clone().into()),
                    ("last_name", last.clone().into()),
                    (
                        "birth_date",
                        date(
                            birth_year,
                            rng.random_range(1..=12),
                            rng.random_range(1..=28),
                        )
                        .into(),
                    ),
                    ("created_at", p_created.into()),
                    ("updated_at", p_created.into()),
                ]);
            }
        }
        if rng.random_bool(0.35) {
            let hf: String = FirstName(FR_FR).fake_with_rng(&mut rng);
            household.push(vec![
                ("id", new_id().into()),
                ("cabinet_id", cab.clone().into()),
                ("contact_id", id.clone().into()),
                ("first_name", hf.into()),
                ("last_name", last.clone().into()),
                (
                    "relation",
                    ["spouse", "child", "child", "parent"][rng.random_range(0..4)]
                        .to_string()
                        .into(),
                ),
                (
                    "birth_date",
                    date(
                        rng.random_range(1950..2022),
                        rng.random_range(1..=12),
                        rng.random_range(1..=28),
                    )
                    .into(),
                ),
                ("created_at", created.into()),
                ("updated_at", created.into()),
            ]);
        }
        let email = format!(
            "{}.{}{}@{}",
            ascii(&first),
            ascii(&last),
            i % 97,
            ["exemple.fr", "courriel.fr", "messagerie.fr"][i % 3]
        );
        for k in 0..rng.random_range(0..=4) {
            let kind = [
                ActivityKind::Events,
                ActivityKind::Notes,
                ActivityKind::Tasks,
                ActivityKind::Messages,
                ActivityKind::Appointments,
            ][rng.random_range(0..5)];
            let at = created + rng.random_range(0..(now - created).max(1));
            let mut a: Pairs = vec![
                ("id", new_id().into()),
                ("cabinet_id", cab.clone().into()),
                ("contact_id", id.clone().into()),
                ("kind", kind.as_str().to_string().into()),
                ("author_id", owner.clone().into()),
                (
                    "assigned_to",
                    (kind == ActivityKind::Tasks).then(|| owner.clone()).into(),
                ),
                (
                    "title",
                    match kind {
                        ActivityKind::Events => Some("Appel entrant".to_string()),
                        ActivityKind::Tasks => Some("Relancer pour le devis".to_string()),
                        ActivityKind::Appointments => Some("Rendez-vous conseil".to_string()),
                        _ => None,
                    }
                    .into(),
                ),
                (
                    "body",
                    match kind {
                        ActivityKind::Notes => {
                            Some(format!("Souhaite comparer les garanties (note {k})."))
                        }
                        ActivityKind::Messages => {
                            Some("Bonjour, voici notre proposition.".to_string())
                        }
                        _ => None,
                    }
                    .into(),
                ),
                (
                    "occurred_at",
                    matches!(kind, ActivityKind::Events | ActivityKind::Messages)
                        .then_some(at)
                        .into(),
                ),
                (
                    "direction",
                    match kind {
                        ActivityKind::Events => Some("inbound".to_string()),
                        ActivityKind::Messages => Some("outbound".to_string()),
                        _ => None,
                    }
                    .into(),
                ),
                (
                    "due_date",
                    (kind == ActivityKind::Tasks)
                        .then(|| crate::db::from_ms(at).format("%Y-%m-%d").to_string())
                        .into(),
                ),
                (
                    "done",
                    (kind == ActivityKind::Tasks)
                        .then(|| i64::from(at < now - 30 * 24 * 3600 * 1000))
                        .into(),
                ),
                (
                    "starts_at",
                    (kind == ActivityKind::Appointments).then_some(at).into(),
                ),
                (
                    "channel",
                    (kind == ActivityKind::Messages)
                        .then(|| "email".to_string())
                        .into(),
                ),
                (
                    "recipient",
                    (kind == ActivityKind::Messages)
                        .then(|| email.clone())
                        .into(),
                ),
                ("created_at", at.into()),
                ("updated_at", at.into()),
            ];
            // Same column set for every row of the batch.
            for c in ["location", "file_name", "content_type", "blob_key"] {
                a.push((c, Option::<String>::None.into()));
            }
            for c in ["amount_cents", "signed", "size_bytes", "ends_at"] {
                a.push((c, Option::<i64>::None.into()));
            }
            a.sort_by_key(|(k, _)| *k);
            activities.push(a);
        }
        consents.push(vec![
            ("id", new_id().into()),
            ("cabinet_id", cab.clone().into()),
            ("contact_id", id.clone().into()),
            ("purpose", "cgu".to_string().into()),
            ("granted", 1i64.into()),
            (
                "source",
                if supplier == "Site web du cabinet" {
                    "widget"
                } else {
                    "import"
                }
                .to_string()
                .into(),
            ),
            ("actor_user_id", Option::<String>::None.into()),
            ("cgu_version_id", Option::<String>::None.into()),
            ("cgu_sha256", Option::<String>::None.into()),
            (
                "checkbox_label",
                "J'accepte les conditions générales d'utilisation."
                    .to_string()
                    .into(),
            ),
            ("origin_page", Option::<String>::None.into()),
            ("ip", Option::<String>::None.into()),
            ("user_agent", Option::<String>::None.into()),
            ("created_at", created.into()),
            ("updated_at", created.into()),
        ]);
        let with_birth = rng.random_bool(0.8);
        contacts.push(vec![
            ("id", id.clone().into()),
            ("cabinet_id", cab.clone().into()),
            // The faker gives no gender with a first name: leave the civility unset rather than wrong.
            ("civility", Option::<String>::None.into()),
            ("first_name", first.clone().into()),
            ("last_name", last.clone().into()),
            (
                "name_key",
                oubli_domain::filter::name_key(Some(&last), company.as_deref(), Some(&first))
                    .into(),
            ),
            ("company_name", company.into()),
            ("siret", siret.into()),
            ("email", email.into()),
            ("mobile_phone", phone(&mut rng, true).into()),
            (
                "landline_phone",
                rng.random_bool(0.3).then(|| phone(&mut rng, false)).into(),
            ),
            (
                "street",
                format!("{} {}", rng.random_range(1..200), street).into(),
            ),
            ("postal_code", postal.into()),
            ("city", city.into()),
            (
                "birth_date",
                with_birth
                    .then(|| {
                        date(
                            birth_year,
                            rng.random_range(1..=12),
                            rng.random_range(1..=28),
                        )
                    })
                    .into(),
            ),
            (
                "status",
                if client { "client" } else { "prospect" }
                    .to_string()
                    .into(),
            ),
            ("supplier", supplier.to_string().into()),
            ("lead_cost_cents", cost.into()),
            (
                "lead_purchased_on",
                created_date.format("%Y-%m-%d").to_string().into(),
            ),
            ("assigned_to", owner.into()),
            (
                "lawful_basis",
                if client { "contract" } else { "consent" }
                    .to_string()
                    .into(),
            ),
            (
                "lawful_basis_source",
                if client {
                    "Contrat signé"
                } else {
                    "Formulaire de demande de devis"
                }
                .to_string()
                .into(),
            ),
            ("comment", Option::<String>::None.into()),
            ("last_inbound_at", inbound.into()),
            ("opposition_at", Option::<i64>::None.into()),
            ("opposition_channel", Option::<String>::None.into()),
            ("anonymized_at", Option::<i64>::None.into()),
            ("change_seq", seq.into()),
            ("created_at", created.into()),
            ("updated_at", created.into()),
        ]);
        if contacts.rows.len() >= 100 {
            flush_all(
                &mut tx,
                &mut [
                    &mut contacts,
                    &mut household,
                    &mut projects,
                    &mut bens,
                    &mut subs,
                    &mut contracts,
                    &mut insured,
                    &mut activities,
                    &mut consents,
                ],
            )
            .await?;
        }
    }
    flush_all(
        &mut tx,
        &mut [
            &mut contacts,
            &mut household,
            &mut projects,
            &mut bens,
            &mut subs,
            &mut contracts,
            &mut insured,
            &mut activities,
            &mut consents,
        ],
    )
    .await?;
    let mut q = Query::update();
    q.table(n("cabinets"))
        .value(n("change_seq"), seq)
        .and_where(Expr::col(n("id")).eq(cab.as_str()));
    tx.exec(&q).await?;
    tx.commit().await?;
    Ok(DEMO_CONTACTS as u64)
}
