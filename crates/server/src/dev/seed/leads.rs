//! The demo's lead capture: a current CGU version in each cabinet and, in Cabinet
//! Démo, two lead forms allowed on the demo host page (`http://127.0.0.1:8081`, also
//! `http://localhost:8081`, served by `scripts/demo-host.mjs`): a health quote request
//! and a provident-insurance contact form. Their keys are fixed ([`DEMO_WIDGET_KEY`],
//! [`DEMO_WIDGET_KEY_PREVOYANCE`]) so the host page can name them; a widget key is
//! public anyway (it is in the snippet).

use super::*;
use crate::db::rows::insert;

/// The public key of the demo's lead form.
pub const DEMO_WIDGET_KEY: &str = "demo-formulaire-sante";
/// The public key of the demo's second lead form (provident insurance).
pub const DEMO_WIDGET_KEY_PREVOYANCE: &str = "demo-formulaire-prevoyance";
/// The origins of the demo host page.
pub const DEMO_HOST_ORIGINS: [&str; 2] = ["http://127.0.0.1:8081", "http://localhost:8081"];

/// A plain French CGU text for a broker's web form (to be reviewed by counsel, as the
/// reference page advises).
pub const DEMO_CGU: &str = "Conditions générales d'utilisation du formulaire de demande de devis

1. Objet
Ce formulaire permet de demander à {cabinet}, cabinet de courtage en assurances, d'être recontacté pour une étude personnalisée et un devis. L'envoi du formulaire n'engage à aucune souscription.

2. Données collectées
Civilité, nom, prénom, adresse email, téléphone, code postal, ville, date de naissance, et, le cas échéant, les dates de naissance des membres de votre foyer et votre commentaire. Les champs obligatoires sont signalés.

3. Finalités et base légale
Vos données servent à traiter votre demande (vous recontacter, établir un devis, vous conseiller), sur la base de votre consentement donné en cochant la case d'acceptation. Si vous cochez la case prévue à cet effet, elles servent aussi à vous adresser des offres commerciales du cabinet ; vous pouvez retirer ce consentement à tout moment.

4. Destinataires
Les collaborateurs du cabinet chargés de votre demande et, si vous donnez suite, les assureurs dont les offres vous sont proposées. Vos données ne sont ni vendues ni louées.

5. Durée de conservation
Trois ans à compter de notre dernier échange si vous ne devenez pas client ; pendant la durée du contrat puis les délais légaux de prescription si vous le devenez.

6. Vos droits
Vous disposez des droits d'accès, de rectification, d'effacement, de limitation, de portabilité et d'opposition, ainsi que du droit de retirer votre consentement. Pour les exercer, écrivez au cabinet en indiquant votre nom et votre adresse email. Vous pouvez introduire une réclamation auprès de la CNIL.

7. Preuve de votre acceptation
Le cabinet conserve la version de ces conditions que vous avez acceptée, la date et l'heure, la page d'où vous l'avez envoyée, votre adresse IP et votre navigateur, comme preuve de votre consentement.";

async fn has_cgu(tx: &mut Tx, cabinet: &str) -> Result<bool> {
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n("cgu_versions"))
        .and_where(Expr::col(n("cabinet_id")).eq(cabinet));
    Ok(tx.int(&q).await? > 0)
}

async fn cgu(tx: &mut Tx, cabinet: &str, name: &str, admin: &str) -> Result<()> {
    if has_cgu(tx, cabinet).await? {
        return Ok(());
    }
    let text = DEMO_CGU.replace("{cabinet}", name);
    let now = now_ms();
    tx.exec(&insert(
        "cgu_versions",
        vec![
            ("id", new_id().into()),
            ("cabinet_id", cabinet.to_string().into()),
            (
                "title",
                "Conditions générales du formulaire".to_string().into(),
            ),
            ("sha256", crate::auth::sha256_hex(text.as_bytes()).into()),
            ("text", text.into()),
            ("is_current", 1i64.into()),
            ("created_by", admin.to_string().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// The demo's CGU versions and lead forms, once (a second run changes nothing).
pub async fn lead_capture(db: &Db, acc: &Accounts) -> Result<()> {
    let mut tx = db.begin().await?;
    cgu(&mut tx, &acc.demo_cabinet, DEMO_CABINET, &acc.admin).await?;
    cgu(
        &mut tx,
        &acc.witness_cabinet,
        WITNESS_CABINET,
        &acc.witness_admin,
    )
    .await?;
    for (key, name, project_type) in [
        (
            DEMO_WIDGET_KEY,
            "Demande de devis santé",
            ProjectType::Sante,
        ),
        (
            DEMO_WIDGET_KEY_PREVOYANCE,
            "Contact prévoyance",
            ProjectType::Prevoyance,
        ),
    ] {
        widget(&mut tx, &acc.demo_cabinet, key, name, project_type).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A lead form of Cabinet Démo allowed on the demo host page, unless its key exists.
async fn widget(
    tx: &mut Tx,
    cabinet: &str,
    key: &str,
    name: &str,
    project_type: ProjectType,
) -> Result<()> {
    let mut q = Query::select();
    q.expr(Expr::col(n("id")).count())
        .from(n("widgets"))
        .and_where(Expr::col(n("public_key")).eq(key));
    if tx.int(&q).await? > 0 {
        return Ok(());
    }
    let now = now_ms();
    tx.exec(&insert(
        "widgets",
        vec![
            ("id", new_id().into()),
            ("cabinet_id", cabinet.to_string().into()),
            ("public_key", key.to_string().into()),
            (
                "kind",
                oubli_domain::WidgetKind::LeadForm
                    .as_str()
                    .to_string()
                    .into(),
            ),
            ("name", name.to_string().into()),
            (
                "allowed_origins",
                serde_json::to_string(&DEMO_HOST_ORIGINS)
                    .unwrap_or_default()
                    .into(),
            ),
            ("project_type", project_type.as_str().to_string().into()),
            ("supplier", "Site du cabinet".to_string().into()),
            (
                "routing_mode",
                oubli_domain::RoutingMode::RoundRobin
                    .as_str()
                    .to_string()
                    .into(),
            ),
            ("active", 1i64.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ],
    ))
    .await?;
    Ok(())
}
