//! Unit tests of the filters.
use super::read::KEY_SHOWN;
use super::*;

#[test]
fn name_keys_fold_case_and_accents() {
    assert_eq!(
        name_key(Some("ÉCUYER"), None, Some("Éric")).as_deref(),
        Some("0ecuyer eric")
    );
    assert_eq!(
        name_key(Some(""), Some("Œuvres Ça & Là"), None).as_deref(),
        Some("0oeuvres ca & la ")
    );
    assert_eq!(name_key(None, Some(""), Some("Anne")), None);
    // Sorted by key: among their letter, not after Z.
    let mut names = ["Zola", "Écuyer", "Eckert", "Eden", "Œuvray", "Olivier"];
    names.sort_by_key(|n| name_key(Some(n), None, None));
    assert_eq!(
        names,
        ["Eckert", "Écuyer", "Eden", "Œuvray", "Olivier", "Zola"]
    );
}

fn body(v: serde_json::Value) -> JsonFilter {
    serde_json::from_value(v).expect("a filter object always deserializes")
}

#[test]
fn json_types_give_the_filter_of_their_string_forms() {
    let typed = body(serde_json::json!({
        "anonymized": false, "opposition": true, "limit": 10,
        "status": ["prospect", "client"], "status_not": [], "type": ["sante", "auto"],
        "created_before": "2023-01-31", "supplier": null,
    }));
    let text = body(serde_json::json!({
        "anonymized": "false", "opposition": "true", "limit": "10",
        "status": "prospect,client", "status_not": "", "type": "sante,auto",
        "created_before": "2023-01-31",
    }));
    assert_eq!(typed, text);
    assert_eq!(typed.query().anonymized.as_deref(), Some("false"));
    assert_eq!(typed.status.as_deref(), Some("prospect,client"));
    let (f, limit) = typed.parse(Resource::Contacts).unwrap();
    assert_eq!((f.clone(), limit), text.parse(Resource::Contacts).unwrap());
    assert_eq!(f.anonymized, Some(false));
    assert_eq!(f.opposition, Some(true));
    assert_eq!(f.status, vec!["prospect", "client"]);
    assert!(f.status_not.is_empty());
    assert_eq!(f.types, vec![ProjectType::Sante, ProjectType::Auto]);
    assert_eq!(limit, 10);
    // The raw form takes them too (one reader), and the string form is unchanged.
    let raw: ListQuery =
        serde_json::from_value(serde_json::json!({"anonymized": false, "status": ["prospect"]}))
            .unwrap();
    assert_eq!(raw.anonymized.as_deref(), Some("false"));
    assert_eq!(raw.status.as_deref(), Some("prospect"));
    // What the browser sends (the string form, nulls included) reads back the same.
    let sent = serde_json::to_value(&typed).unwrap();
    assert_eq!(sent["anonymized"], "false");
    assert!(sent["q"].is_null());
    assert_eq!(body(sent), typed);
    assert_eq!(JsonFilter::from(text.query().clone()), text);
}

#[test]
fn a_single_code_array_is_that_code_and_values_are_still_checked() {
    let f = body(serde_json::json!({"status": ["prospect"]}));
    assert_eq!(
        f.parse(Resource::Contacts).unwrap().0.status,
        vec!["prospect"]
    );
    // A project status in a contacts filter: the list's message, array or not.
    for v in [serde_json::json!(["perdu"]), serde_json::json!("perdu")] {
        let e = body(serde_json::json!({ "status": v }))
            .parse(Resource::Contacts)
            .unwrap_err();
        assert!(
            e["status"].starts_with("Statut inconnu. Valeurs possibles : "),
            "{e:?}"
        );
    }
    let e = body(serde_json::json!({"anonymized": "peut-être", "limit": 501}))
        .parse(Resource::Contacts)
        .unwrap_err();
    assert_eq!(e["anonymized"], "Valeur attendue : true ou false.");
    assert_eq!(
        e["limit"],
        "La taille de page doit être comprise entre 1 et 500."
    );
}

#[test]
fn an_unknown_key_in_a_body_filter_is_an_error_naming_it() {
    let f = body(serde_json::json!({"statut": ["prospect"], "supplier": "Comparateur"}));
    // Not a filter on nothing: refused, whatever the resource.
    for r in [Resource::Contacts, Resource::Projects] {
        let e = f.parse(r).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            e["statut"],
            "Filtre inconnu : statut. Filtres possibles : created_before, created_after, \
             status, status_not, type, supplier, assigned_to, last_interaction_before, \
             anonymized, opposition, q, preset, sort, limit, after."
        );
    }
    // Reported with the other errors, not instead of them.
    let e = body(serde_json::json!({"typ": "auto", "type": "velo"}))
        .parse(Resource::Projects)
        .unwrap_err();
    assert_eq!(e.keys().collect::<Vec<_>>(), ["typ", "type"]);
    // A very long key is cut in the message.
    let long = "x".repeat(500);
    let e = body(serde_json::json!({ long.clone(): 1 }))
        .parse(Resource::Contacts)
        .unwrap_err();
    let (k, m) = e.iter().next().unwrap();
    assert_eq!(k.len(), KEY_SHOWN);
    assert!(m.len() < 400, "{m}");
    // The query string's form still ignores keys it does not know.
    let q: ListQuery =
        serde_json::from_value(serde_json::json!({"statut": "prospect", "q": "x"})).unwrap();
    assert_eq!(
        q,
        ListQuery {
            q: Some("x".into()),
            ..Default::default()
        }
    );
}

#[test]
fn wrong_types_are_french_messages_keyed_by_the_key() {
    let f = body(serde_json::json!({
        "status": {"in": ["prospect"]},
        "status_not": [1, 2],
        "type": [["sante"]],
        "created_after": 20230131,
        "last_interaction_before": ["2023-01-31"],
        "anonymized": 0,
        "opposition": ["true"],
        "q": true,
        "supplier": 12,
        "limit": 10.5,
    }));
    let e = f.parse(Resource::Contacts).unwrap_err();
    let codes = "Valeur attendue : une liste de codes, ou des codes séparés par des virgules.";
    let expected: FieldErrors = [
        ("status", codes),
        ("status_not", codes),
        ("type", codes),
        (
            "created_after",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        (
            "last_interaction_before",
            "Date invalide : format attendu AAAA-MM-JJ.",
        ),
        ("anonymized", "Valeur attendue : true ou false."),
        ("opposition", "Valeur attendue : true ou false."),
        ("q", "Valeur attendue : un texte."),
        ("supplier", "Valeur attendue : un texte."),
        (
            "limit",
            "La taille de page doit être comprise entre 1 et 500.",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(e, expected);
    // A wrong type never reaches the list query: nothing of it is kept.
    assert_eq!(f.query(), &ListQuery::default());
    // Into the raw form directly, a wrong type is a deserialization error.
    assert!(serde_json::from_value::<ListQuery>(serde_json::json!({"anonymized": 0})).is_err());
    // A key given twice is an error, as it was.
    assert!(serde_json::from_str::<JsonFilter>(r#"{"q": "a", "q": "b"}"#).is_err());
    // Not an object at all.
    assert!(serde_json::from_value::<JsonFilter>(serde_json::json!(["status"])).is_err());
}

#[test]
fn filter_keys_are_the_list_query_fields() {
    let every = ListQuery {
        created_before: Some("1".into()),
        created_after: Some("2".into()),
        status: Some("3".into()),
        status_not: Some("4".into()),
        kind: Some("5".into()),
        supplier: Some("6".into()),
        assigned_to: Some("7".into()),
        last_interaction_before: Some("8".into()),
        anonymized: Some("9".into()),
        opposition: Some("10".into()),
        q: Some("11".into()),
        preset: Some("12".into()),
        sort: Some("13".into()),
        limit: Some("14".into()),
        after: Some("15".into()),
    };
    let json = serde_json::to_value(&every).unwrap();
    let names: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut keys: Vec<&str> = filter_keys().collect();
    keys.sort_unstable();
    let mut names = names;
    names.sort_unstable();
    assert_eq!(names, keys);
    assert_eq!(serde_json::from_value::<ListQuery>(json).unwrap(), every);
}

#[test]
fn a_filter_becomes_the_list_query_of_its_query_string() {
    let q = ListQuery {
        created_before: Some("2023-01-31".into()),
        created_after: Some("2020-02-01".into()),
        status: Some("prospect".into()),
        status_not: Some("client".into()),
        kind: Some("sante,auto".into()),
        supplier: Some("Comparateur".into()),
        assigned_to: Some("u1".into()),
        last_interaction_before: Some("2024-05-06".into()),
        anonymized: Some("false".into()),
        opposition: Some("true".into()),
        q: Some("dupont".into()),
        preset: Some("retention".into()),
        ..Default::default()
    };
    let (f, _) = q.parse(Resource::Contacts).unwrap();
    let pairs = f.to_query();
    assert_eq!(pairs.len(), 12, "every filter travels: {pairs:?}");
    // The names are those of `ListQuery`'s fields as serde reads them.
    let by_serde: ListQuery = serde_json::from_value(serde_json::Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
            .collect(),
    ))
    .unwrap();
    assert_eq!(f.to_list_query(), by_serde);
    assert_eq!(f.to_list_query().parse(Resource::Contacts).unwrap().0, f);
    assert_eq!(Filter::default().to_list_query(), ListQuery::default());
}

#[test]
fn parses_and_rejects() {
    let q = ListQuery {
        status: Some("prospect, client".into()),
        created_before: Some("2023-01-31".into()),
        anonymized: Some("false".into()),
        limit: Some("10".into()),
        ..Default::default()
    };
    let (f, limit) = q.parse(Resource::Contacts).unwrap();
    assert_eq!(f.status, vec!["prospect", "client"]);
    assert_eq!(f.anonymized, Some(false));
    assert_eq!(limit, 10);
    // A project status is not a contact status.
    let bad = ListQuery {
        status: Some("perdu".into()),
        ..Default::default()
    };
    assert!(bad
        .parse(Resource::Contacts)
        .unwrap_err()
        .contains_key("status"));
    assert!(bad.parse(Resource::Projects).is_ok());
    let bad = ListQuery {
        created_after: Some("31/01/2023".into()),
        limit: Some("501".into()),
        anonymized: Some("peut-être".into()),
        ..Default::default()
    };
    let e = bad.parse(Resource::Projects).unwrap_err();
    assert_eq!(e.len(), 3, "{e:?}");
}

#[test]
fn sorts_per_list() {
    let q = |s: &str| ListQuery {
        sort: Some(s.into()),
        ..Default::default()
    };
    assert_eq!(q("").sort(Resource::Contacts), Ok(Sort::CreatedDesc));
    assert_eq!(
        ListQuery::default().sort(Resource::Projects),
        Ok(Sort::CreatedDesc)
    );
    assert_eq!(q("name_asc").sort(Resource::Contacts), Ok(Sort::NameAsc));
    assert_eq!(
        q("contact_desc").sort(Resource::Projects),
        Ok(Sort::ContactDesc)
    );
    // A contact sort is not a project sort, and the other way round.
    let e = q("name_asc").parse(Resource::Projects).unwrap_err();
    assert_eq!(
        e["sort"],
        "Tri inconnu. Valeurs possibles : created_desc, created_asc, contact_asc, contact_desc."
    );
    assert!(q("contact_asc").sort(Resource::Contacts).is_err());
    assert!(q("NAME_ASC").sort(Resource::Contacts).is_err());
    for r in [Resource::Contacts, Resource::Projects] {
        for s in Sort::allowed(r) {
            assert_eq!(Sort::parse(s.as_str()), Some(*s));
            // Two clicks on a header come back to where they started.
            let once = s.toggled(r, s.field());
            assert_ne!(once, *s);
            assert_eq!(once.toggled(r, s.field()), *s);
            assert!(Sort::allowed(r).contains(&once));
        }
    }
    assert_eq!(
        Sort::CreatedDesc.toggled(Resource::Contacts, SortField::Name),
        Sort::NameAsc
    );
    assert_eq!(
        Sort::NameAsc.toggled(Resource::Contacts, SortField::Created),
        Sort::CreatedDesc
    );
}

#[test]
fn to_query_round_trips() {
    let q = ListQuery {
        status_not: Some("contrat_actif".into()),
        kind: Some("sante,auto".into()),
        preset: Some("retention".into()),
        ..Default::default()
    };
    let (f, _) = q.parse(Resource::Projects).unwrap();
    let back: std::collections::HashMap<_, _> = f.to_query().into_iter().collect();
    assert_eq!(back["type"], "sante,auto");
    assert_eq!(back["preset"], "retention");
    assert_eq!(back["status_not"], "contrat_actif");
}
