//! What the AI-literacy record loads: the people the viewer may see (an admin: everyone in the
//! organisation; a manager: the members of the teams they manage), their evidence for
//! `ai-literacy` and their live estimate, each as a [`PersonRecord`]. Every store call is scoped
//! by the viewer's organisation. Server only; no markup.

use crate::domain::literacy::{evidence, record, PersonRecord, SKILL};
use crate::domain::matrix::{estimates_of, people};
use crate::domain::people::{Team, TeamId, UserId};
use crate::server::auth::Viewer;
use crate::server::state::AppState;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// The record as the viewer may see it.
pub struct LiteracyRecord {
    pub organisation: String,
    pub generated_at: DateTime<Utc>,
    /// Whether this is the whole organisation (an admin) or the teams the viewer manages.
    pub whole: bool,
    /// The teams the viewer may see, in the organisation's order.
    pub teams: Vec<Team>,
    /// The people, by name.
    pub people: Vec<PersonRecord>,
    /// Whether the content has the `ai-literacy` skill at all.
    pub skill_known: bool,
}

impl LiteracyRecord {
    /// The people of `team`.
    pub fn of_team(&self, team: TeamId) -> impl Iterator<Item = &PersonRecord> {
        self.people.iter().filter(move |p| p.teams.contains(&team))
    }

    /// Team names by id (the visible teams only).
    pub fn team_names(&self, p: &PersonRecord) -> Vec<String> {
        self.teams
            .iter()
            .filter(|t| p.teams.contains(&t.id))
            .map(|t| t.name.clone())
            .collect()
    }
}

/// The record for `v` (who passed the `Overseer` check), as of now.
pub async fn literacy_record(state: &AppState, v: &Viewer) -> Result<LiteracyRecord, StoreError> {
    let org = v.org;
    let now = Utc::now();
    let lib = state.library.current();
    let whole = v.is_admin();
    let all_teams = state.store.teams(org).await?;
    let teams: Vec<Team> = all_teams
        .iter()
        .filter(|t| v.can_see_team(t.id))
        .cloned()
        .collect();
    // The same people the team pages show: an admin sees everyone, a manager the members of
    // the teams they manage.
    let mut members: Vec<_> = state
        .store
        .members(org)
        .await?
        .into_iter()
        .filter(|m| whole || m.teams.iter().any(|t| v.can_see_team(*t)))
        .collect();
    members.sort_by(|a, b| a.name.cmp(&b.name).then(a.user.cmp(&b.user)));
    let seen: HashSet<UserId> = members.iter().map(|m| m.user).collect();
    let progress: Vec<_> = state
        .store
        .org_progress(org)
        .await?
        .into_iter()
        .filter(|p| seen.contains(&p.user))
        .collect();
    let attempts: Vec<_> = state
        .store
        .org_attempts(org)
        .await?
        .into_iter()
        .filter(|a| seen.contains(&a.user))
        .collect();
    let submissions: Vec<_> = state
        .store
        .org_submissions(org)
        .await?
        .into_iter()
        .filter(|s| seen.contains(&s.user))
        .collect();
    // The estimates the team heatmap shows, live from the same evidence.
    let estimates = estimates_of(&lib, &progress, &attempts, &submissions, now);
    let mut progress_of: HashMap<UserId, Vec<_>> = HashMap::new();
    for p in progress {
        progress_of.entry(p.user).or_default().push(p);
    }
    let mut attempts_of: HashMap<UserId, Vec<_>> = HashMap::new();
    for a in attempts {
        attempts_of.entry(a.user).or_default().push(a);
    }
    let mut tasks_of: HashMap<UserId, Vec<_>> = HashMap::new();
    for s in &submissions {
        if let Some(t) = s.scored() {
            tasks_of.entry(s.user).or_default().push(t);
        }
    }
    let skill = crate::domain::ids::SkillId::new(SKILL);
    let people = people(&lib, &members, &all_teams)
        .into_iter()
        .map(|p| {
            let user = p.member.user;
            let items = evidence(
                &lib,
                progress_of
                    .get(&user)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
                attempts_of
                    .get(&user)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
                tasks_of.get(&user).map(Vec::as_slice).unwrap_or_default(),
            );
            let estimate = estimates.get(&user).and_then(|e| e.get(&skill)).copied();
            let mut r = record(p.member, p.role, items, estimate, now);
            // A manager sees only the teams they manage, even for someone in others too.
            r.teams.retain(|t| v.can_see_team(*t));
            r
        })
        .collect();
    Ok(LiteracyRecord {
        organisation: state.store.organisation(org).await?.name,
        generated_at: now,
        whole,
        teams,
        people,
        skill_known: lib.skill(SKILL).is_some(),
    })
}
