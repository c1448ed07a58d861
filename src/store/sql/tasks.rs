//! Practical task submissions and their scores.

/// A submission, if `$2` is a member of `$1` (no row otherwise).
pub const INSERT_SUBMISSION: &str = "INSERT INTO task_submissions
       (org_id, user_id, module_id, task_id, skill_id, level, weight, body, submitted_at, status)
     SELECT m.org_id, m.user_id, $3, $4, $5, $6, $7, $8, $9, 'waiting'
     FROM memberships m WHERE m.org_id = $1 AND m.user_id = $2
     RETURNING id";

/// Scores a waiting submission of `$1` (not the scorer's own), returning its learner.
pub const SCORE_SUBMISSION: &str = "UPDATE task_submissions
     SET status = 'scored', scored_by = $3, scored_at = $4, scores = $5, passed = $6
     WHERE org_id = $1 AND id = $2 AND status = 'waiting' AND user_id <> $3
     RETURNING user_id";

const COLUMNS: &str = "SELECT s.id, s.user_id, s.module_id, s.task_id, s.skill_id, s.level,
       s.weight, s.body, s.submitted_at, s.status, s.scored_by, s.scored_at, s.scores, s.passed
     FROM task_submissions s";

/// Submissions in `$1` that `filter` selects (binds from `$2`), newest first.
pub fn submissions(filter: &str) -> String {
    format!("{COLUMNS} WHERE s.org_id = $1 AND {filter} ORDER BY s.submitted_at DESC, s.id DESC")
}

/// One user's: `$2` is the user.
pub const OF_USER: &str = "s.user_id = $2";
/// One submission: `$2` is its id.
pub const BY_ID: &str = "s.id = $2";
/// The members of team `$2` (a team of `$1`).
pub const OF_TEAM: &str = "s.user_id IN (SELECT tm.user_id FROM team_members tm
       JOIN teams t ON t.id = tm.team_id WHERE tm.team_id = $2 AND t.org_id = $1)";
/// Everyone's: `$2` is unused.
pub const ALL: &str = "$2 = $2";
