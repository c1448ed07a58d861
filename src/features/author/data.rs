//! What the item-statistics page loads: the organisation's first answers (one query) and, per
//! module with a quiz, each question's statistics beside what the page shows of it. Server
//! only; no markup.

use crate::domain::catalogue::Library;
use crate::domain::items::{self, ItemStats, MIN_ATTEMPTS};
use crate::domain::people::OrgId;
use crate::domain::quiz::QuestionKind;
use crate::server::state::AppState;
use crate::store::StoreError;

/// How a module's questions are ordered on the page (`?sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// As authored (the default).
    Question,
    /// Most answered first.
    Attempts,
    /// Hardest first.
    Facility,
    /// Weakest first.
    Discrimination,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Question,
        Sort::Attempts,
        Sort::Facility,
        Sort::Discrimination,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Sort::Question => "question",
            Sort::Attempts => "attempts",
            Sort::Facility => "facility",
            Sort::Discrimination => "discrimination",
        }
    }

    /// Anything unknown is the authored order.
    pub fn parse(s: Option<&str>) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|x| Some(x.key()) == s)
            .unwrap_or(Sort::Question)
    }
}

/// One question's row.
pub struct ItemRow {
    pub id: String,
    /// The prompt as plain text.
    pub text: String,
    pub skill: String,
    pub difficulty: u8,
    pub select_all: bool,
    pub stats: ItemStats,
}

/// One module's table.
pub struct ModuleTable {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub rows: Vec<ItemRow>,
}

/// Every module's table for `org`, each ordered by `sort` (questions without figures last).
pub async fn item_tables(
    state: &AppState,
    library: &Library,
    org: OrgId,
    sort: Sort,
) -> Result<Vec<ModuleTable>, StoreError> {
    let answers = state.store.first_answers(org, None).await?;
    let tables = items::library_items(library, &answers, MIN_ATTEMPTS)
        .into_iter()
        .map(|m| {
            let mut rows: Vec<ItemRow> = m
                .items
                .into_iter()
                .map(|(q, stats)| ItemRow {
                    id: q.id.0.clone(),
                    text: items::plain_text(&q.prompt_html),
                    skill: library
                        .skill(q.skill.as_str())
                        .map(|s| s.name.clone())
                        .unwrap_or_else(|| q.skill.0.clone()),
                    difficulty: q.difficulty,
                    select_all: q.kind == QuestionKind::Multiple,
                    stats,
                })
                .collect();
            sort_rows(&mut rows, sort);
            ModuleTable {
                id: m.module.id.0.clone(),
                slug: m.module.slug.clone(),
                title: m.module.title.clone(),
                rows,
            }
        })
        .collect();
    Ok(tables)
}

/// Orders rows by `sort`, stably (ties keep the authored order); rows without the figure sorted
/// on go last.
fn sort_rows(rows: &mut [ItemRow], sort: Sort) {
    // A key to sort ascending by: (missing?, value).
    let key = |r: &ItemRow| -> (bool, f64) {
        let f = r.stats.figures.as_ref();
        match sort {
            Sort::Question => (false, 0.0),
            Sort::Attempts => (false, -(r.stats.attempts as f64)),
            Sort::Facility => f.map_or((true, 0.0), |f| (false, f.facility)),
            Sort::Discrimination => f
                .and_then(|f| f.discrimination)
                .map_or((true, 0.0), |d| (false, d)),
        }
    };
    rows.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
}
