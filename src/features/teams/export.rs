//! CSV exports for managers: the team skill matrix, and the gap report with the scarcity weight
//! (and its source) behind each gap's exposure. Safe against spreadsheet formula injection (see
//! `domain::matrix::csv_safe`). Only for a team the viewer may see ([`TeamAccess`]).

use super::data::{team_matrix, TeamMatrix};
use crate::domain::gaps::Weights;
use crate::domain::matrix::csv_safe;
use crate::server::extract::TeamAccess;
use crate::server::refusal::{OrBack, Refusal};
use crate::server::state::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

const FAILED: &str = "The export failed.";

/// The team's matrix (`?role=` as on the page).
async fn matrix_of(
    state: &AppState,
    access: &TeamAccess,
    query: &HashMap<String, String>,
) -> Result<TeamMatrix, Refusal> {
    let role = query.get("role").map(String::as_str);
    team_matrix(state, access, role, true).await.or_fail(FAILED)
}

/// `GET /teams/{team}/skills.csv?role=…`: one row per person and skill: estimate, interval,
/// target, gap, whether it is measured, and a note saying in words what the numbers alone would
/// hide ("capped at 2": quiz evidence only read the level above 2; "range capped at 2": `high`
/// is the cap, not a measurement; "above the hardest tested (difficulty N)").
#[tracing::instrument(skip_all, fields(team = access.team.id.0))]
pub async fn team_skills_csv(
    State(state): State<AppState>,
    access: TeamAccess,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    let team = access.team.id;
    let tm = matrix_of(&state, &access, &query).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "team", "role", "person", "skill", "estimate", "low", "high", "target", "gap", "measured",
        "note",
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
                csv_safe(&note(cell)),
            ];
            ok &= out.write_record(&record).is_ok();
        }
    }
    match (ok, out.into_inner()) {
        (true, Ok(bytes)) => Ok(csv_response(bytes, &format!("team-{team}-skills.csv"))),
        _ => Err(Refusal::Failed(FAILED)),
    }
}

/// `GET /teams/{team}/gaps.csv?role=…`: the gap report, one row per person and skill below
/// target, largest weighted gap first, with the scarcity weight used (and whether it is the
/// organisation's own), the exposure it carries, the module that closes it best, and the
/// estimate's note as in the skill matrix ("capped at 2", "above the hardest tested").
#[tracing::instrument(skip_all, fields(team = access.team.id.0))]
pub async fn team_gaps_csv(
    State(state): State<AppState>,
    access: TeamAccess,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Refusal> {
    let team = access.team.id;
    let tm = matrix_of(&state, &access, &query).await?;
    let body =
        gap_report(&state, &tm.weights, &tm.name, &tm.matrix).ok_or(Refusal::Failed(FAILED))?;
    Ok(csv_response(body, &format!("team-{team}-gaps.csv")))
}

/// The cell's caveats in words, `; `-separated (empty when there are none): the level's, and
/// "range capped at 2" when only the `high` column is the cap.
fn note(cell: &crate::domain::matrix::Cell) -> String {
    cell.estimate
        .map(|e| e.range_caveats().join("; "))
        .unwrap_or_default()
}

fn gap_report(
    state: &AppState,
    w: &Weights,
    team: &str,
    matrix: &crate::domain::matrix::Matrix,
) -> Option<Vec<u8>> {
    let lib = state.library.current();
    let mut rows = Vec::new();
    for (row, gaps) in matrix.rows.iter().zip(matrix.gaps()) {
        let recs = crate::domain::gaps::recommend(&lib, w, &gaps, &Default::default());
        for (skill, gap) in gaps.iter().filter(|(_, g)| g.size() > 0.0) {
            let weight = w.of(&lib, skill);
            let closer = recs
                .iter()
                .find(|r| {
                    lib.module(r.module.as_str())
                        .is_some_and(|m| m.skills.iter().any(|(s, _)| s == skill))
                })
                .and_then(|r| lib.module(r.module.as_str()))
                .map(|m| m.title.clone())
                .unwrap_or_else(|| "none: hire or partner".to_string());
            let caveats = matrix
                .skills
                .iter()
                .position(|s| s == skill)
                .and_then(|i| row.cells.get(i))
                .map(note)
                .unwrap_or_default();
            rows.push((
                gap.size() * weight,
                row,
                skill.clone(),
                *gap,
                weight,
                closer,
                caveats,
            ));
        }
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "team",
        "person",
        "role",
        "skill",
        "target",
        "estimate",
        "gap",
        "measured",
        "scarcity_weight",
        "weight_source",
        "exposure",
        "closed_best_by",
        "note",
    ])
    .ok()?;
    for (exposure, row, skill, gap, weight, closer, caveats) in rows {
        let source = if w.is_override(&skill) {
            "organisation override".to_string()
        } else {
            match lib.skill(skill.as_str()).and_then(|s| s.scarcity.as_ref()) {
                Some(s) if s.estimate => format!("estimate: {} ({})", s.source, s.date),
                Some(s) => format!("{} ({})", s.source, s.date),
                None => "default estimate".to_string(),
            }
        };
        let estimate = match gap {
            crate::domain::gaps::Gap::Measured { estimate, .. } => format!("{estimate:.2}"),
            crate::domain::gaps::Gap::Unmeasured { .. } => String::new(),
        };
        out.write_record([
            csv_safe(team),
            csv_safe(&row.name),
            csv_safe(row.role.as_deref().unwrap_or("")),
            csv_safe(skill.as_str()),
            gap.target().to_string(),
            estimate,
            format!("{:.2}", gap.size()),
            matches!(gap, crate::domain::gaps::Gap::Measured { .. }).to_string(),
            format!("{weight:.2}"),
            csv_safe(&source),
            format!("{exposure:.2}"),
            csv_safe(&closer),
            csv_safe(&caveats),
        ])
        .ok()?;
    }
    out.into_inner().ok()
}

/// A CSV download.
pub fn csv_response(body: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
