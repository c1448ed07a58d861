//! `GET /me/export`: everything Levelfield stores about the signed-in person, as one JSON
//! download (GDPR articles 15 and 20): the account, the membership, reading progress, attempts
//! with every answer, self-ratings, task submissions with their scores, cached skill estimates,
//! live sessions and any pending erasure request.
//!
//! Only the viewer's own records: every read is by the viewer's user id within their
//! organisation, and other people appear in none of it (who scored a task is left out; teams
//! are named, their members are not). Never the password hash or a session's key.

use super::data;
use super::device::device_label;
use crate::server::audit_hook::{self, Subject};
use crate::server::extract::SignedIn;
use crate::server::refusal::{OrBack, Refusal};
use crate::server::state::AppState;
use crate::store::StoreError;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{json, Value};

const FAILED: &str = "Your data could not be exported.";

/// The export's JSON for the viewer.
async fn export_of(state: &AppState, v: &crate::server::auth::Viewer) -> Result<Value, StoreError> {
    let store = &state.store;
    let account = store.account(v.org, v.user).await?;
    let member = store.member(v.org, v.user).await?;
    let organisation = store.organisation(v.org).await?;
    let teams = store.teams(v.org).await?;
    let team = |id: &crate::domain::people::TeamId| {
        teams
            .iter()
            .find(|t| t.id == *id)
            .map(|t| json!({ "id": t.id.0, "name": t.name }))
    };
    let progress = store.progress(v.user).await?;
    let attempts = store.attempts(v.user).await?;
    let ratings = store.self_ratings(v.org, v.user).await?;
    let submissions = store.user_submissions(v.org, v.user).await?;
    let estimates: Vec<Value> = store
        .org_estimates(v.org)
        .await?
        .into_iter()
        .filter(|(user, _, _)| *user == v.user)
        .map(|(_, skill, e)| {
            json!({ "skill": skill, "level": e.level, "low": e.low, "high": e.high,
                    "standard_error": e.se, "evidence": e.evidence })
        })
        .collect();
    let sessions = data::sessions(state, v).await?;
    let erasure = data::my_erasure(state, v).await?;
    let lib = state.library.current();
    let title = |id: &str| lib.module(id).map(|m| m.title.clone());
    Ok(json!({
        "format": "levelfield-personal-data/1",
        "exported_at": Utc::now(),
        "account": {
            "id": account.user.0,
            "name": account.name,
            "email": account.email,
            "created_at": account.created_at,
            "password_changed_at": account.password_changed_at,
        },
        "membership": {
            "organisation": { "id": organisation.id.0, "name": organisation.name },
            "roles": member.roles.iter().map(|r| r.key()).collect::<Vec<_>>(),
            "teams": member.teams.iter().filter_map(team).collect::<Vec<_>>(),
            "manages": member.manages.iter().filter_map(team).collect::<Vec<_>>(),
            "target_role": member.target_role,
        },
        "progress": progress.iter().map(|p| json!({
            "module": p.module,
            "title": title(&p.module),
            "sections_reached": p.sections_reached,
            "sections_total": p.sections_total,
            "resume_anchor": p.resume_anchor,
            "started_at": p.started_at,
            "updated_at": p.updated_at,
            "completed_at": p.completed_at,
        })).collect::<Vec<_>>(),
        "attempts": attempts.iter().map(|a| json!({
            "id": a.id.0,
            "kind": a.kind.key(),
            "module": a.module,
            "score": a.score,
            "total": a.total,
            "submitted_at": a.submitted_at,
            "answers": a.answers.iter().map(|x| json!({
                "question": x.question,
                "skill": x.skill,
                "difficulty": x.difficulty,
                "selected": x.selected,
                "correct": x.correct,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "self_ratings": ratings.iter().map(|r| json!({
            "skill": r.skill, "level": r.level, "rated_at": r.rated_at,
        })).collect::<Vec<_>>(),
        "task_submissions": submissions.iter().map(|s| json!({
            "id": s.id,
            "module": s.module,
            "task": s.task,
            "skill": s.skill.as_str(),
            "level": s.level,
            "body": s.body,
            "submitted_at": s.submitted_at,
            "status": s.status.as_str(),
            "scored_at": s.scored_at,
            "scores": s.scores,
            "passed": s.passed,
        })).collect::<Vec<_>>(),
        "skill_estimates": estimates,
        "sessions": sessions.iter().map(|s| json!({
            "device": device_label(s.info.user_agent.as_deref()),
            "user_agent": s.info.user_agent,
            "client_address": s.info.client_addr,
            "created_at": s.info.created_at,
            "last_seen_at": s.info.last_seen_at,
            "expires_at": s.info.expires_at,
            "current": s.current,
        })).collect::<Vec<_>>(),
        "erasure_request": erasure.map(|r| json!({ "requested_at": r.requested_at })),
    }))
}

/// `GET /me/export`: the download.
#[tracing::instrument(skip_all)]
pub async fn my_data_json(
    State(state): State<AppState>,
    SignedIn(v): SignedIn,
) -> Result<Response, Refusal> {
    let doc = export_of(&state, &v).await.or_fail(FAILED)?;
    let body = serde_json::to_string_pretty(&doc).map_err(|e| {
        crate::error::log_internal(&e);
        Refusal::Failed(FAILED)
    })?;
    audit_hook::record(
        &state,
        v.org,
        Some(Subject::User(v.user)),
        audit_hook::Action::DataExported,
        None,
    )
    .await;
    let file = format!(
        "attachment; filename=\"levelfield-my-data-{}.json\"",
        Utc::now().format("%Y-%m-%d")
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, file),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
