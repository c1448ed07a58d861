//! The AI-literacy record as CSV: one row per person the viewer may see, with the level their
//! role needs, their estimate, the date of their latest evidence, whether it is current, their
//! status and the evidence itself by kind. Safe against spreadsheet formula injection (see
//! `domain::matrix::csv_safe`). Only for an admin or a manager ([`Overseer`]).

use super::data::{literacy_record, LiteracyRecord};
use crate::domain::literacy::{day, Item, PersonRecord};
use crate::domain::matrix::csv_safe;
use crate::server::extract::Overseer;
use crate::server::refusal::{OrBack, Refusal};
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

const FAILED: &str = "The export failed.";

/// The columns, in order.
pub const HEADER: [&str; 16] = [
    "person",
    "email",
    "teams",
    "role",
    "level_needed",
    "estimate",
    "low",
    "high",
    "latest_evidence",
    "current",
    "status",
    "modules_completed",
    "skill_checks",
    "quiz_attempts",
    "practical_tasks",
    "note",
];

/// `GET /org/literacy.csv`: the record as on `/org/literacy`.
#[tracing::instrument(skip_all, fields(org = %v.org, user = %v.user))]
pub async fn literacy_csv(
    State(state): State<AppState>,
    Overseer(v): Overseer,
) -> Result<Response, Refusal> {
    let rec = literacy_record(&state, &v).await.or_fail(FAILED)?;
    let body = to_csv(&rec).ok_or(Refusal::Failed(FAILED))?;
    let name = format!("ai-literacy-record-{}.csv", day(rec.generated_at));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

fn to_csv(rec: &LiteracyRecord) -> Option<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).ok()?;
    for p in &rec.people {
        out.write_record(row(rec, p)).ok()?;
    }
    out.into_inner().ok()
}

fn row(rec: &LiteracyRecord, p: &PersonRecord) -> [String; 16] {
    let f = |x: Option<f64>| x.map(|v| format!("{v:.2}")).unwrap_or_default();
    let known = p.estimate.filter(|e| !e.is_unknown());
    let items = |keep: fn(&Item) -> bool| {
        csv_safe(
            &p.evidence
                .iter()
                .filter(|i| keep(i))
                .map(|i| format!("{} {}", day(i.at()), i.detail()))
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    [
        csv_safe(&p.name),
        csv_safe(&p.email),
        csv_safe(&rec.team_names(p).join("; ")),
        csv_safe(p.role.as_ref().map(|r| r.1.as_str()).unwrap_or("")),
        p.need.map(|n| n.to_string()).unwrap_or_default(),
        // An unknown estimate has no level to state; its range still says how wide it is.
        f(known.map(|e| e.level)),
        f(p.estimate.map(|e| e.low)),
        f(p.estimate.map(|e| e.high)),
        p.latest.map(day).unwrap_or_default(),
        if p.current { "yes" } else { "no" }.to_string(),
        p.status.key().to_string(),
        items(|i| matches!(i, Item::Module { .. })),
        items(|i| matches!(i, Item::Check { .. })),
        items(|i| matches!(i, Item::Quiz { .. })),
        items(|i| matches!(i, Item::Task { .. })),
        // What `estimate`, `low` and `high` alone would hide: "capped at 2" (quiz evidence
        // alone read above 2), "range capped at 2", "above the hardest tested (difficulty N)".
        csv_safe(
            &known
                .map(|e| e.range_caveats().join("; "))
                .unwrap_or_default(),
        ),
    ]
}
