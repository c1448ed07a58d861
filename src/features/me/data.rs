//! What the learner's own pages load: only the viewer's own records, and the people who may see
//! them. Server only; no markup.

use crate::domain::gaps::Weights;
use crate::domain::people::MemberRole;
use crate::domain::progress::{Attempt, ModuleProgress};
use crate::domain::skills::SelfRating;
use crate::domain::task::{ScoredTask, Submission};
use crate::server::auth::Viewer;
use crate::server::estimates::weights;
use crate::server::state::AppState;
use crate::store::StoreError;

/// The viewer's reading progress and quiz attempts.
pub async fn my_records(
    state: &AppState,
    v: &Viewer,
) -> Result<(Vec<ModuleProgress>, Vec<Attempt>), StoreError> {
    Ok((
        state.store.progress(v.user).await?,
        state.store.attempts(v.user).await?,
    ))
}

/// What "My skills" shows of the viewer.
pub struct MySkills {
    pub progress: Vec<ModuleProgress>,
    pub attempts: Vec<Attempt>,
    /// Their scored practical tasks.
    pub tasks: Vec<ScoredTask>,
    pub ratings: Vec<SelfRating>,
    pub weights: Weights,
    /// The role they are measured against (their own, else their team's).
    pub assigned: Option<String>,
}

pub async fn my_skills(state: &AppState, v: &Viewer) -> Result<MySkills, StoreError> {
    let me = state.store.member(v.org, v.user).await?;
    let teams = state.store.teams(v.org).await?;
    Ok(MySkills {
        progress: state.store.progress(v.user).await?,
        attempts: state.store.attempts(v.user).await?,
        tasks: scored_tasks(state.store.user_submissions(v.org, v.user).await?),
        ratings: state.store.self_ratings(v.org, v.user).await?,
        weights: weights(state, v.org).await?,
        assigned: me.effective_role(&teams).map(str::to_string),
    })
}

/// The people of the viewer's organisation who may see their records, by name.
pub struct WhoCanSee {
    /// (manager, team) for each manager of one of the viewer's teams.
    pub managers: Vec<(String, String)>,
    pub admins: Vec<String>,
}

pub async fn who_can_see(state: &AppState, v: &Viewer) -> Result<WhoCanSee, StoreError> {
    let members = state.store.members(v.org).await?;
    let teams = state.store.teams(v.org).await?;
    let admins = members
        .iter()
        .filter(|m| m.has(MemberRole::Admin) && m.user != v.user)
        .map(|m| m.name.clone())
        .collect();
    let managers = teams
        .iter()
        .filter(|t| v.teams.contains(&t.id))
        .flat_map(|t| {
            members
                .iter()
                .filter(|m| {
                    m.has(MemberRole::Manager) && m.manages.contains(&t.id) && m.user != v.user
                })
                .map(|m| (m.name.clone(), t.name.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    Ok(WhoCanSee { managers, admins })
}

/// The scored ones of `submissions`, as evidence.
fn scored_tasks(submissions: Vec<Submission>) -> Vec<ScoredTask> {
    submissions.iter().filter_map(Submission::scored).collect()
}
