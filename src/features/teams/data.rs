//! What the team pages and exports load, for a team the viewer may see (the [`TeamAccess`]
//! check comes first, in the extractor or `ctx::team_access`, so it is not repeated here).
//! Server only; no markup.

use crate::domain::catalogue::Role;
use crate::domain::gaps::Weights;
use crate::domain::matrix::Snapshot;
use crate::domain::matrix::{build, estimates_of, people, Matrix};
use crate::domain::people::{Member, Team, UserId};
use crate::domain::progress::{Attempt, ModuleProgress};
use crate::domain::skills::SelfRating;
use crate::domain::task::{ScoredTask, Submission};
use crate::server::auth::Viewer;
use crate::server::estimates::weights;
use crate::server::extract::TeamAccess;
use crate::server::state::AppState;
use crate::store::StoreError;

/// The teams of the viewer's organisation they may see.
pub async fn visible_teams(state: &AppState, v: &Viewer) -> Result<Vec<Team>, StoreError> {
    Ok(state
        .store
        .teams(v.org)
        .await?
        .into_iter()
        .filter(|t| v.can_see_team(t.id))
        .collect())
}

/// The members of the team.
pub async fn team_members(
    state: &AppState,
    access: &TeamAccess,
) -> Result<Vec<Member>, StoreError> {
    let team = access.team.id;
    Ok(state
        .store
        .members(access.viewer.org)
        .await?
        .into_iter()
        .filter(|m| m.teams.contains(&team))
        .collect())
}

/// A team's matrix and what it was built against.
pub struct TeamMatrix {
    pub name: String,
    /// `None`: each person against their assigned role; `Some`: everyone against this one.
    pub compare: Option<Role>,
    pub matrix: Matrix,
    pub weights: Weights,
}

/// The team's matrix, live from its people's evidence: against each person's assigned role
/// (their own, else the team's), or against `role` for everyone.
pub async fn team_matrix(
    state: &AppState,
    access: &TeamAccess,
    role: Option<&str>,
    sort_by_gap: bool,
) -> Result<TeamMatrix, StoreError> {
    let (org, team) = (access.viewer.org, &access.team);
    let lib = state.library.current();
    let compare = role.and_then(|r| lib.roles().iter().find(|x| x.id.as_str() == r).cloned());
    let teams = state.store.teams(org).await?;
    let members = team_members(state, access).await?;
    let progress = state.store.team_progress(org, team.id).await?;
    let attempts = state.store.team_attempts(org, team.id).await?;
    let w = weights(state, org).await?;
    let submissions = state.store.org_submissions(org).await?;
    let estimates = estimates_of(&lib, &progress, &attempts, &submissions, chrono::Utc::now());
    // A person's own role comes first; the team's when they have none.
    let team_first: Vec<_> = std::iter::once(team.clone())
        .chain(teams.into_iter().filter(|x| x.id != team.id))
        .collect();
    let mut group = people(&lib, &members, &team_first);
    if let Some(r) = &compare {
        for p in &mut group {
            p.role = Some(r);
        }
    }
    let matrix = build(&lib, &w, &group, &estimates, sort_by_gap);
    Ok(TeamMatrix {
        name: team.name.clone(),
        compare,
        matrix,
        weights: w,
    })
}

/// The team's matrix and its recorded daily roll-ups since `since` (`YYYY-MM-DD`).
pub async fn team_skills(
    state: &AppState,
    access: &TeamAccess,
    role: Option<&str>,
    sort_by_gap: bool,
    since: chrono::NaiveDate,
) -> Result<(TeamMatrix, Vec<Snapshot>), StoreError> {
    let matrix = team_matrix(state, access, role, sort_by_gap).await?;
    let history = state
        .store
        .snapshots(access.viewer.org, Some(access.team.id), since)
        .await?;
    Ok((matrix, history))
}

/// One person of the team, with their records, for the manager's drill-down.
pub struct PersonRecords {
    pub member: Member,
    pub progress: Vec<ModuleProgress>,
    pub attempts: Vec<Attempt>,
    /// Their scored practical tasks.
    pub tasks: Vec<ScoredTask>,
    pub ratings: Vec<SelfRating>,
    pub weights: Weights,
    /// The role they are measured against: their own, else this team's, else another team's.
    pub assigned: Option<String>,
}

/// `person`'s records, if they are a member of the team (`None` otherwise).
pub async fn person_records(
    state: &AppState,
    access: &TeamAccess,
    person: UserId,
) -> Result<Option<PersonRecords>, StoreError> {
    let org = access.viewer.org;
    let Some(member) = team_members(state, access)
        .await?
        .into_iter()
        .find(|m| m.user == person)
    else {
        return Ok(None);
    };
    let teams = state.store.teams(org).await?;
    // The team being viewed comes first when the person has no role of their own.
    let teams: Vec<_> = std::iter::once(access.team.clone())
        .chain(teams.into_iter().filter(|t| t.id != access.team.id))
        .collect();
    let assigned = member.effective_role(&teams).map(str::to_string);
    Ok(Some(PersonRecords {
        progress: state.store.progress(member.user).await?,
        attempts: state.store.attempts(member.user).await?,
        tasks: state
            .store
            .user_submissions(org, member.user)
            .await?
            .iter()
            .filter_map(Submission::scored)
            .collect(),
        ratings: state.store.self_ratings(org, member.user).await?,
        weights: weights(state, org).await?,
        assigned,
        member,
    }))
}
