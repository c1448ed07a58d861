//! CSV exports for managers: the team skill matrix with its gaps. Safe against spreadsheet
//! formula injection (see `domain::matrix::csv_safe`).

use super::account::{forbidden, require_login};
use super::auth::Viewer;
use super::state::AppState;
use crate::domain::matrix::csv_safe;
use crate::domain::people::TeamId;
use crate::features::teams::team_matrix;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
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
    let (name, role, matrix) = match team_matrix(
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
    for row in &matrix.rows {
        for ((skill, target), cell) in matrix.skills.iter().zip(&row.cells) {
            let f = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_default();
            let record = [
                csv_safe(&name),
                csv_safe(role.id.as_str()),
                csv_safe(&row.name),
                csv_safe(skill.as_str()),
                f(cell.estimate.map(|e| e.level)),
                f(cell.estimate.map(|e| e.low)),
                f(cell.estimate.map(|e| e.high)),
                target.to_string(),
                format!("{:.2}", cell.gap.size()),
                cell.estimate.is_some().to_string(),
            ];
            ok &= out.write_record(&record).is_ok();
        }
    }
    let body = match (ok, out.into_inner()) {
        (true, Ok(bytes)) => bytes,
        _ => return (StatusCode::INTERNAL_SERVER_ERROR, "The export failed.").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"team-{team}-skills.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}
