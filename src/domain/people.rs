//! Organisations, people, teams and what each may do. Plain data: the rules of who may see what
//! live in `server::auth`, the storage in `store`.

use serde::{Deserialize, Serialize};

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

int_id!(
    /// An organisation: the boundary no data ever crosses.
    OrgId
);
int_id!(
    /// A person's account.
    UserId
);
int_id!(
    /// A team within an organisation.
    TeamId
);
int_id!(
    /// One submission of a quiz.
    AttemptId
);

/// What a member may do in their organisation (manager rights are per team, see
/// [`Member::manages`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MemberRole {
    Learner,
    Manager,
    Author,
    Admin,
}

impl MemberRole {
    pub const ALL: [MemberRole; 4] = [
        MemberRole::Learner,
        MemberRole::Manager,
        MemberRole::Author,
        MemberRole::Admin,
    ];
    pub fn key(self) -> &'static str {
        match self {
            MemberRole::Learner => "learner",
            MemberRole::Manager => "manager",
            MemberRole::Author => "author",
            MemberRole::Admin => "admin",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MemberRole::Learner => "Learner",
            MemberRole::Manager => "Manager",
            MemberRole::Author => "Author",
            MemberRole::Admin => "Organisation admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s)
    }
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: TeamId,
    pub org: OrgId,
    pub name: String,
    /// The role profile (content role id) the team's people are measured against, unless a
    /// person has their own.
    pub target_role: Option<String>,
}

/// A person as their organisation sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: UserId,
    pub org: OrgId,
    pub email: String,
    pub name: String,
    pub roles: Vec<MemberRole>,
    /// Teams the person belongs to.
    pub teams: Vec<TeamId>,
    /// Teams the person manages (meaningful with [`MemberRole::Manager`]).
    pub manages: Vec<TeamId>,
    /// The role profile (content role id) an admin assigned to the person, if any.
    pub target_role: Option<String>,
}

impl Member {
    pub fn has(&self, role: MemberRole) -> bool {
        self.roles.contains(&role)
    }

    /// The role profile the person is measured against: their own, else that of the first of
    /// their teams (in `teams`' order) that has one.
    pub fn effective_role<'a>(&'a self, teams: &'a [Team]) -> Option<&'a str> {
        self.target_role.as_deref().or_else(|| {
            teams
                .iter()
                .filter(|t| self.teams.contains(&t.id))
                .find_map(|t| t.target_role.as_deref())
        })
    }
}
