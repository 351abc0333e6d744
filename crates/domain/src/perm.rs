//! The permission matrix of PRODUCT.md §1 as one function, [`decide`]. The server asks it
//! before every read and write; the browser asks it only to decide which buttons to show.

use serde::{Deserialize, Serialize};

/// The four roles of a cabinet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Deputy,
    TeamLead,
    Sales,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Deputy, Role::TeamLead, Role::Sales];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Deputy => "deputy",
            Role::TeamLead => "team_lead",
            Role::Sales => "sales",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// French label shown in the interface.
    pub fn label_fr(self) -> &'static str {
        match self {
            Role::Admin => "Administrateur",
            Role::Deputy => "Suppléant",
            Role::TeamLead => "Chef d'équipe",
            Role::Sales => "Commercial",
        }
    }
}

/// Who is acting: resolved by the server from the session, never from the request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub cabinet_id: String,
    pub team_id: Option<String>,
    pub role: Role,
}

/// Everything a user may try to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read a contact, or anything hanging from it.
    View,
    /// Create a contact (owner given by the record), or add to / edit an existing one.
    Edit,
    /// Delete or anonymize, one record or in bulk.
    Erase,
    /// Ask an admin or deputy to delete or anonymize.
    RequestErasure,
    /// Approve or reject an erasure request.
    DecideRequest,
    /// Export everything held on one person (access, portability).
    ExportPerson,
    /// Export whole lists.
    ExportList,
    /// Users, teams, widgets, CGU versions, retention settings.
    ManageCabinet,
    /// Lead capture: CGU versions, widgets and supplier API keys (PRODUCT.md §1: the
    /// administrator only, like the rest of the cabinet's set-up).
    ManageLeadCapture,
    /// Read the audit log.
    ReadAudit,
}

/// Who owns a record, as far as rights are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub cabinet_id: String,
    pub assigned_to: Option<String>,
    /// The team of the assigned user.
    pub team_id: Option<String>,
}

/// The answer of [`decide`]. `NotFound` hides the existence of records the actor
/// may not even see (another cabinet's, a colleague's contact for a salesperson).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Forbidden,
    NotFound,
}

/// Which contacts a user sees in lists; the storage turns it into a WHERE clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Cabinet,
    Team(String),
    Own(String),
}

impl Actor {
    /// The contacts this actor can see.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Admin | Role::Deputy => Scope::Cabinet,
            Role::TeamLead => match &self.team_id {
                Some(t) => Scope::Team(t.clone()),
                // A team lead without a team sees what is assigned to them.
                None => Scope::Own(self.user_id.clone()),
            },
            Role::Sales => Scope::Own(self.user_id.clone()),
        }
    }

    fn sees(&self, owner: &Owner) -> bool {
        if owner.cabinet_id != self.cabinet_id {
            return false;
        }
        match self.scope() {
            Scope::Cabinet => true,
            Scope::Team(t) => {
                owner.team_id.as_deref() == Some(t.as_str())
                    || owner.assigned_to.as_deref() == Some(self.user_id.as_str())
            }
            Scope::Own(u) => owner.assigned_to.as_deref() == Some(u.as_str()),
        }
    }
}

/// May `actor` do `action` to the record owned by `owner` (or, with `None`, to the
/// cabinet as a whole: lists, settings, audit)?
pub fn decide(actor: &Actor, action: Action, owner: Option<&Owner>) -> Decision {
    if let Some(o) = owner {
        if !actor.sees(o) {
            return Decision::NotFound;
        }
    }
    let privileged = matches!(actor.role, Role::Admin | Role::Deputy);
    let allowed = match action {
        Action::View | Action::Edit => true,
        Action::RequestErasure => true,
        Action::Erase
        | Action::DecideRequest
        | Action::ExportPerson
        | Action::ExportList
        | Action::ReadAudit => privileged,
        Action::ManageCabinet | Action::ManageLeadCapture => actor.role == Role::Admin,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// May `actor` assign a record to `assignee` (a user of the same cabinet whose team is
/// `assignee_team`)? Sales may only keep records for themselves, team leads within
/// their team; admins and deputies anywhere in the cabinet.
pub fn may_assign(actor: &Actor, assignee: &str, assignee_team: Option<&str>) -> bool {
    match actor.scope() {
        Scope::Cabinet => true,
        Scope::Team(t) => assignee_team == Some(t.as_str()) || assignee == actor.user_id,
        Scope::Own(u) => assignee == u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, user: &str, team: Option<&str>) -> Actor {
        Actor {
            user_id: user.into(),
            cabinet_id: "c1".into(),
            team_id: team.map(Into::into),
            role,
        }
    }
    fn owner(cab: &str, user: &str, team: &str) -> Owner {
        Owner {
            cabinet_id: cab.into(),
            assigned_to: Some(user.into()),
            team_id: Some(team.into()),
        }
    }

    #[test]
    fn matrix_rows() {
        use Action::*;
        use Decision::*;
        let rec = owner("c1", "u-sales", "t1");
        let cases = [
            (Role::Admin, View, Allow),
            (Role::Admin, Erase, Allow),
            (Role::Admin, ManageCabinet, Allow),
            (Role::Admin, ReadAudit, Allow),
            (Role::Deputy, Erase, Allow),
            (Role::Deputy, DecideRequest, Allow),
            (Role::Deputy, ManageCabinet, Forbidden),
            (Role::Admin, ManageLeadCapture, Allow),
            (Role::Deputy, ManageLeadCapture, Forbidden),
            (Role::TeamLead, ManageLeadCapture, Forbidden),
            (Role::Sales, ManageLeadCapture, Forbidden),
            (Role::Deputy, ReadAudit, Allow),
            (Role::TeamLead, View, Allow),
            (Role::TeamLead, Edit, Allow),
            (Role::TeamLead, Erase, Forbidden),
            (Role::TeamLead, RequestErasure, Allow),
            (Role::TeamLead, ExportPerson, Forbidden),
            (Role::TeamLead, ReadAudit, Forbidden),
            (Role::Sales, View, Allow),
            (Role::Sales, Erase, Forbidden),
            (Role::Sales, DecideRequest, Forbidden),
            (Role::Sales, ExportList, Forbidden),
        ];
        for (role, action, expected) in cases {
            let user = if role == Role::Sales {
                "u-sales"
            } else {
                "u-x"
            };
            let a = actor(role, user, Some("t1"));
            assert_eq!(
                decide(&a, action, Some(&rec)),
                expected,
                "{role:?} {action:?}"
            );
        }
    }

    #[test]
    fn visibility() {
        let rec = owner("c1", "u-a", "t1");
        // Another cabinet: never seen, whatever the role.
        let foreign = owner("c2", "u-a", "t1");
        for role in Role::ALL {
            let a = actor(role, "u-a", Some("t1"));
            assert_eq!(decide(&a, Action::View, Some(&foreign)), Decision::NotFound);
        }
        // A colleague's contact is invisible to a salesperson.
        assert_eq!(
            decide(
                &actor(Role::Sales, "u-b", Some("t1")),
                Action::View,
                Some(&rec)
            ),
            Decision::NotFound
        );
        // A team lead sees their team, not another team.
        assert_eq!(
            decide(
                &actor(Role::TeamLead, "u-l", Some("t1")),
                Action::View,
                Some(&rec)
            ),
            Decision::Allow
        );
        assert_eq!(
            decide(
                &actor(Role::TeamLead, "u-l", Some("t2")),
                Action::View,
                Some(&rec)
            ),
            Decision::NotFound
        );
    }

    #[test]
    fn assignment() {
        let s = actor(Role::Sales, "u-s", Some("t1"));
        assert!(may_assign(&s, "u-s", Some("t1")));
        assert!(!may_assign(&s, "u-o", Some("t1")));
        let l = actor(Role::TeamLead, "u-l", Some("t1"));
        assert!(may_assign(&l, "u-o", Some("t1")));
        assert!(!may_assign(&l, "u-o", Some("t2")));
        assert!(may_assign(
            &actor(Role::Deputy, "u-d", None),
            "u-o",
            Some("t2")
        ));
    }
}
