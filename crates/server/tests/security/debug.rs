//! Personal data is never in `Debug` output.

use crate::support::*;

#[test]
fn personal_data_never_in_debug() {
    use chrono::{NaiveDate, Utc};
    use oubli_domain::*;
    let markers = [
        "MarqPrenom",
        "MarqNom",
        "MarqSociete",
        "marq.email@exemple.fr",
        "0611223344",
        "0299887766",
        "MarqRue",
        "MarqVille",
        "MarqFournisseur",
        "MarqCommentaire",
        "MarqSource",
        "1971-03-17",
        "MarqBenef",
        "MarqMotDePasse",
        "BNPAFRPP",
        "011234567",
        "MarqNote",
        "MarqLieu",
        "MarqLibelle",
        "marq-origine.example",
    ];
    let nir = valid_nir();
    let iban = valid_iban();
    let birth = NaiveDate::from_ymd_opt(1971, 3, 17);
    let contact_input = ContactInput {
        civility: Some(Civility::Mme),
        first_name: Some("MarqPrenom".into()),
        last_name: Some("MarqNom".into()),
        company_name: Some("MarqSociete".into()),
        siret: Some(oubli_domain::validate::gen::siret_from("732829320", 74)),
        email: Some("marq.email@exemple.fr".into()),
        mobile_phone: Some("0611223344".into()),
        landline_phone: Some("0299887766".into()),
        street: Some("MarqRue".into()),
        postal_code: Some("35000".into()),
        city: Some("MarqVille".into()),
        birth_date: birth,
        status: Some(ContactStatus::Prospect),
        supplier: Some("MarqFournisseur".into()),
        lead_cost_cents: Some(1234),
        lead_purchased_on: birth,
        assigned_to: Some("u1".into()),
        lawful_basis: Some(LawfulBasis::Consent),
        lawful_basis_source: Some("MarqSource".into()),
        comment: Some("MarqCommentaire".into()),
    };
    let contact = Contact {
        id: "c1".into(),
        fields: contact_input.clone(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        last_inbound_at: None,
        opposition_at: None,
        opposition_channel: None,
        anonymized_at: None,
    };
    let person = PersonInput {
        first_name: Some("MarqBenef".into()),
        last_name: Some("MarqNom".into()),
        birth_date: birth,
    };
    let subscription = SubscriptionInput {
        nir: Some(nir.clone()),
        code_organisme: Some("011234567".into()),
        iban: Some(iban.clone()),
        bic: Some("BNPAFRPP".into()),
    };
    let project = ProjectInput {
        contact_id: Some("c1".into()),
        kind: Some(ProjectType::Sante),
        status: Some(ProjectStatus::Nouveau),
        supplier: Some("MarqFournisseur".into()),
        assigned_to: Some("u1".into()),
        comment: Some("MarqCommentaire".into()),
        beneficiaries: Some(vec![person.clone()]),
        subscriptions: Some(vec![subscription.clone()]),
    };
    let login = LoginRequest {
        email: "marq.email@exemple.fr".into(),
        password: "MarqMotDePasse".into(),
    };
    let contract = ContractInput {
        project_id: Some("p1".into()),
        insurer: Some("Assureur".into()),
        nir: Some(nir.clone()),
        code_organisme: Some("011234567".into()),
        insured: Some(vec![person.clone()]),
        ..Default::default()
    };
    let member = HouseholdMemberInput {
        first_name: Some("MarqPrenom".into()),
        last_name: Some("MarqNom".into()),
        relation: Some(Relation::Child),
        birth_date: birth,
    };
    let activity = ActivityInput {
        title: Some("MarqLibelle".into()),
        body: Some("MarqNote".into()),
        location: Some("MarqLieu".into()),
        recipient: Some("marq.email@exemple.fr".into()),
        channel: Some(MessageChannel::Email),
        ..Default::default()
    };
    let consent = ConsentInput {
        purpose: Some(ConsentPurpose::Marketing),
        granted: Some(true),
        checkbox_label: Some("MarqLibelle".into()),
        origin_page: Some("https://marq-origine.example/form".into()),
        ..Default::default()
    };
    let new_user = NewUser {
        email: "marq.email@exemple.fr".into(),
        name: "MarqNom".into(),
        role: Role::Sales,
        team_id: None,
        password: "MarqMotDePasse".into(),
    };
    let dumps = [
        ("ContactInput", format!("{contact_input:?}")),
        ("Contact", format!("{contact:?}")),
        ("ProjectInput", format!("{project:?}")),
        ("SubscriptionInput", format!("{subscription:?}")),
        ("LoginRequest", format!("{login:?}")),
        ("ContractInput", format!("{contract:?}")),
        ("HouseholdMemberInput", format!("{member:?}")),
        ("PersonInput", format!("{person:?}")),
        ("ActivityInput", format!("{activity:?}")),
        ("ConsentInput", format!("{consent:?}")),
        ("NewUser", format!("{new_user:?}")),
        ("Contact (pretty)", format!("{contact:#?}")),
    ];
    let siret = contact_input.siret.clone().expect("siret");
    for (what, dump) in &dumps {
        assert!(
            dump.starts_with(what.split(' ').next().unwrap_or(what)),
            "{what}: {dump}"
        );
        for m in markers.iter().copied().chain([
            nir.as_str(),
            iban.as_str(),
            siret.as_str(),
            "732829320",
        ]) {
            assert!(!dump.contains(m), "{what} Debug shows {m:?}: {dump}");
        }
    }
}
