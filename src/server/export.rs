//! CSV exports for managers: the team skill matrix with its gaps. Safe against spreadsheet
//! formula injection (see `domain::matrix::csv_safe`).

use super::account::{forbidden, require_login};
use super::auth::Viewer;
use super::state::AppState;
use crate::domain::matrix::csv_safe;
use crate::domain::people::TeamId;
use crate::features::teams::team_matrix;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::collections::HashMap;

/// `GET /teams/{team}/skills.csv?role=…`: one row per person and skill: estimate, interval,
/// target, gap, whether it is measured.
pub async fn team_skills_csv(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(team): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(Extension(v)) = viewer else {
        return require_login(&format!("/teams/{team}/skills"));
    };
    if !v.can_see_team(TeamId(team)) {
        return forbidden();
    }
    let tm = match team_matrix(
        &state,
        &v,
        TeamId(team),
        query.get("role").map(String::as_str),
        true,
    )
    .await
    {
        Ok(Some(x)) => x,
        Ok(None) => return (StatusCode::NOT_FOUND, "No such team.").into_response(),
        Err(e) => {
            let _ = crate::error::AppError::internal(&e);
            return (StatusCode::INTERNAL_SERVER_ERROR, "The export failed.").into_response();
        }
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "team", "role", "person", "skill", "estimate", "low", "high", "target", "gap", "measured",
    ];
    let mut ok = out.write_record(header_row).is_ok();
    let (name, matrix) = (&tm.name, &tm.matrix);
    for row in &matrix.rows {
        for (skill, cell) in matrix.skills.iter().zip(&row.cells) {
            let f = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_default();
            let record = [
                csv_safe(name),
                csv_safe(row.role.as_deref().unwrap_or("")),
                csv_safe(&row.name),
                csv_safe(skill.as_str()),
                f(cell.estimate.map(|e| e.level)),
                f(cell.estimate.map(|e| e.low)),
                f(cell.estimate.map(|e| e.high)),
                cell.gap.map(|g| g.target().to_string()).unwrap_or_default(),
                cell.gap
                    .map(|g| format!("{:.2}", g.size()))
                    .unwrap_or_default(),
                cell.estimate.is_some().to_string(),
            ];
            ok &= out.write_record(&record).is_ok();
        }
    }
    match (ok, out.into_inner()) {
        (true, Ok(bytes)) => super::skills::csv_response(bytes, &format!("team-{team}-skills.csv")),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "The export failed.").into_response(),
    }
}
