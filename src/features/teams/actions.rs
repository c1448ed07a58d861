//! The team pages' form handlers: scoring a member's practical task.

use crate::domain::task::{NewScore, MAX_POINTS};
use crate::error::ErrorCode;
use crate::server::extract::TeamAccess;
use crate::server::forms::Form;
use crate::server::refusal::{Action, OrBack, Refusal, SeeOther};
use crate::server::state::AppState;
use crate::store::StoreError;
use axum::extract::{Path, State};
use chrono::Utc;

/// `POST /teams/{team}/tasks/{submission}`: a manager of the team (or an admin) scores a
/// member's waiting submission, one field `c<i>` (0–2) per rubric criterion. The submission must
/// be of a member of this team (404 otherwise) and not the scorer's own.
#[tracing::instrument(skip_all, fields(org = %access.viewer.org, user = %access.viewer.user))]
pub async fn score_task(
    State(state): State<AppState>,
    access: TeamAccess,
    Path((team, submission)): Path<(i64, i64)>,
    form: Form,
) -> Action {
    let back = format!("/teams/{team}/tasks");
    let org = access.viewer.org;
    let s = state
        .store
        .submission(org, submission)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => Refusal::NotFound("Submission not found"),
            other => {
                tracing::error!(error = %other, "could not load a submission");
                Refusal::Failed("The submission could not be loaded.")
            }
        })?;
    let members = state.store.members(org).await.or_back(&back)?;
    let in_team = members
        .iter()
        .any(|m| m.user == s.user && m.teams.contains(&access.team.id));
    if !in_team {
        return Err(Refusal::NotFound("Submission not found"));
    }
    let refuse = || {
        Refusal::back(&back, ErrorCode::TaskScore).with_anchor(format!("submission-{submission}"))
    };
    if s.user == access.viewer.user {
        return Err(refuse());
    }
    let lib = state.library.current();
    let task = lib
        .module(&s.module)
        .and_then(|m| m.task.as_ref())
        .filter(|t| t.id == s.task)
        .ok_or(Refusal::NotFound("This task is no longer in the content"))?;
    let scores = (0..task.criteria.len())
        .map(|i| {
            form.get(&format!("c{i}"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|p| *p <= MAX_POINTS)
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(refuse)?;
    state
        .store
        .score_task(
            org,
            submission,
            &NewScore {
                scored_by: access.viewer.user,
                scored_at: Utc::now(),
                scores,
            },
        )
        .await
        .or_back(&back)?;
    Ok(SeeOther::to(format!("{back}?scored=1#scored")))
}
