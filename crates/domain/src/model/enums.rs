//! The closed lists of the model (statuses, kinds, purposes, channels…) and the
//! `string_enum!` macro that gives each its wire code, French label and schema.

use serde::{Deserialize, Serialize};

/// A closed list of string codes stored as text and sent as JSON strings, each with
/// its French label.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
            pub fn label_fr(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
        // Written here rather than derived: the derive does not see a `rename` whose
        // value comes from a macro argument, and documented the Rust variant names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let labels: &[&str] = &[$(concat!("`", $code, "` : ", $label)),+];
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .description(Some(labels.join(" ; ")))
                    .into()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// Civilité.
    Civility { M = "m" / "M.", Mme = "mme" / "Mme" }
);
string_enum!(
    /// Prospect until they hold a contract.
    ContactStatus { Prospect = "prospect" / "Prospect", Client = "client" / "Client" }
);
string_enum!(
    /// The lawful basis (art. 6 GDPR) on which the cabinet processes the contact.
    LawfulBasis {
        Consent = "consent" / "Consentement",
        Contract = "contract" / "Exécution d'un contrat",
        LegitimateInterest = "legitimate_interest" / "Intérêt légitime",
        LegalObligation = "legal_obligation" / "Obligation légale",
    }
);
string_enum!(
    /// Relation of a household member to the contact.
    Relation {
        Spouse = "spouse" / "Conjoint",
        Child = "child" / "Enfant",
        Parent = "parent" / "Parent",
        Other = "other" / "Autre",
    }
);
string_enum!(
    /// Line of business of a project.
    ProjectType {
        Sante = "sante" / "Santé",
        Prevoyance = "prevoyance" / "Prévoyance",
        Emprunteur = "emprunteur" / "Emprunteur",
        Auto = "auto" / "Auto",
        Habitation = "habitation" / "Habitation",
        Obseques = "obseques" / "Obsèques",
        RcPro = "rc_pro" / "RC professionnelle",
        Autre = "autre" / "Autre",
    }
);
string_enum!(
    /// Commercial status of a project.
    ProjectStatus {
        Nouveau = "nouveau" / "Nouveau",
        EnCours = "en_cours" / "En cours",
        DevisEnvoye = "devis_envoye" / "Devis envoyé",
        AttenteSignature = "attente_signature" / "En attente de signature",
        ContratActif = "contrat_actif" / "Contrat actif",
        Perdu = "perdu" / "Perdu",
        SansSuite = "sans_suite" / "Sans suite",
    }
);
string_enum!(
    ContractStatus {
        EnAttente = "en_attente" / "En attente",
        Actif = "actif" / "Actif",
        Suspendu = "suspendu" / "Suspendu",
        Resilie = "resilie" / "Résilié",
    }
);
string_enum!(
    /// The kinds of activity recorded around a contact (the `{kind}` of the routes).
    ActivityKind {
        Events = "events" / "Historique",
        Notes = "notes" / "Notes",
        Tasks = "tasks" / "Tâches",
        Appointments = "appointments" / "Rendez-vous",
        Quotes = "quotes" / "Devis",
        AdviceDocs = "advice_docs" / "Devoirs de conseil",
        MembershipForms = "membership_forms" / "Bulletins d'adhésion",
        Documents = "documents" / "Documents",
        Messages = "messages" / "Emails et SMS",
    }
);
string_enum!(
    MessageChannel { Email = "email" / "Email", Sms = "sms" / "SMS" }
);
string_enum!(
    /// Whether an interaction came from the person (counts for retention) or from us.
    Direction { Inbound = "inbound" / "Entrant", Outbound = "outbound" / "Sortant" }
);
string_enum!(
    ConsentPurpose {
        Cgu = "cgu" / "Acceptation des CGU",
        Marketing = "marketing" / "Prospection commerciale",
        Partners = "partners" / "Transmission aux partenaires",
    }
);
string_enum!(
    /// Through what a consent or withdrawal was recorded.
    ConsentSource {
        Widget = "widget" / "Formulaire web",
        Import = "import" / "Import",
        User = "user" / "Saisie par un utilisateur",
        Api = "api" / "API fournisseur",
    }
);
string_enum!(
    OppositionChannel {
        Email = "email" / "Email",
        Phone = "phone" / "Téléphone",
        Mail = "mail" / "Courrier",
        Web = "web" / "Formulaire web",
        InPerson = "in_person" / "En personne",
    }
);

string_enum!(
    /// What a lead widget shows on the host page (PRODUCT.md §5).
    WidgetKind {
        LeadForm = "lead_form" / "Formulaire de contact",
        Comparator = "comparator" / "Comparateur santé",
    }
);
string_enum!(
    /// To whom a widget's leads go: the whole cabinet in turn, one user, or a team in
    /// turn (PRODUCT.md §9).
    RoutingMode {
        RoundRobin = "round_robin" / "Tout le cabinet, à tour de rôle",
        User = "user" / "Un utilisateur",
        Team = "team" / "Une équipe, à tour de rôle",
    }
);

string_enum!(
    /// The two ways to erase (PRODUCT.md §3).
    EraseAction { Anonymize = "anonymize" / "Anonymiser", Delete = "delete" / "Supprimer" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(*k));
            let j = serde_json::to_string(k).unwrap();
            assert_eq!(j, format!("\"{}\"", k.as_str()));
        }
        assert_eq!(ProjectStatus::parse("nope"), None);
    }
}
