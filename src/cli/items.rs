//! `levelfield content items [--org <id>]`: the item statistics of `/author/items` as text, for
//! every organisation in `DATABASE_URL` (or one), one table per module with aligned columns.
//! The figures come from `domain::items`, the answers from one store query per organisation.

use crate::domain::catalogue::Library;
use crate::domain::items::{self, correlation_text, percent, ItemAnswer, MIN_ATTEMPTS};
use crate::domain::people::OrgId;
use crate::server::state::AppState;
use crate::store::StoreError;

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ItemsError {
    #[error("no organisation with id {0}")]
    NoSuchOrganisation(OrgId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The report for `org` (every organisation with `None`), as printed.
pub async fn report(state: &AppState, org: Option<OrgId>) -> Result<String, ItemsError> {
    let orgs = match org {
        Some(o) => vec![state.store.organisation(o).await.map_err(|e| match e {
            StoreError::NotFound => ItemsError::NoSuchOrganisation(o),
            e => ItemsError::Store(e),
        })?],
        None => {
            let mut all = Vec::new();
            for o in state.store.organisation_ids().await? {
                all.push(state.store.organisation(o).await?);
            }
            all
        }
    };
    let library = state.library.current();
    let mut out = String::new();
    if orgs.is_empty() {
        out.push_str("No organisations yet.\n");
    }
    for o in orgs {
        let answers = state.store.first_answers(o.id, None).await?;
        out.push_str(&format!("Organisation {}: {}\n\n", o.id, o.name));
        out.push_str(&org_tables(&library, &answers));
    }
    Ok(out)
}

/// One table per module with a quiz.
fn org_tables(library: &Library, answers: &[ItemAnswer]) -> String {
    let mut out = String::new();
    for m in items::library_items(library, answers, MIN_ATTEMPTS) {
        out.push_str(&format!("{} ({})\n", m.module.title, m.module.id.as_str()));
        let mut rows: Vec<Vec<String>> = vec![[
            "question",
            "text",
            "skill",
            "difficulty",
            "attempts",
            "facility",
            "discrimination",
            "choices picked (* keyed)",
            "flags",
        ]
        .map(String::from)
        .to_vec()];
        for (q, stats) in &m.items {
            let mut row = vec![
                q.id.0.clone(),
                shorten(&items::plain_text(&q.prompt_html), 40),
                q.skill.0.clone(),
                q.difficulty.to_string(),
                stats.attempts.to_string(),
            ];
            match &stats.figures {
                Some(f) => row.extend([
                    percent(f.facility),
                    correlation_text(f.discrimination),
                    f.picks_text("*"),
                    if f.flags.is_empty() {
                        "none".to_string()
                    } else {
                        f.flags_text()
                    },
                ]),
                None => row.push(format!(
                    "not enough answers yet (figures from {MIN_ATTEMPTS})"
                )),
            }
            rows.push(row);
        }
        out.push_str(&aligned(&rows));
        out.push('\n');
    }
    out
}

/// Rows as text, each column padded to its widest cell (numbers to the right); the last cell of
/// a row is not padded.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter(|r| r.len() > c + 1)
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    // Columns of figures: difficulty, attempts, facility, discrimination.
    let right = |c: usize| (3..=6).contains(&c);
    let mut out = String::new();
    for r in rows {
        let last = r.len().saturating_sub(1);
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = widths[c].saturating_sub(cell.chars().count());
                if c == last {
                    cell.clone()
                } else if right(c) {
                    format!("{}{cell}", " ".repeat(pad))
                } else {
                    format!("{cell}{}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_figures_align_right() {
        let rows: Vec<Vec<String>> = vec![
            vec![
                "question".into(),
                "t".into(),
                "s".into(),
                "difficulty".into(),
                "n".into(),
            ],
            vec![
                "q".into(),
                "text".into(),
                "skill".into(),
                "2".into(),
                "32".into(),
            ],
            vec![
                "q-long".into(),
                "x".into(),
                "s".into(),
                "1".into(),
                "not enough".into(),
            ],
        ];
        assert_eq!(
            aligned(&rows),
            "question  t     s      difficulty  n\n\
             q         text  skill           2  32\n\
             q-long    x     s               1  not enough\n"
        );
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
