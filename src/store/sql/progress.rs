//! The module registry, reading progress and quiz attempts.

pub const UNMARK_MODULES: &str = "UPDATE module_registry SET present = FALSE";

pub const UPSERT_MODULE: &str =
    "INSERT INTO module_registry (id, slug, title, content_hash, first_seen, last_seen, present)
     VALUES ($1, $2, $3, $4, $5, $5, TRUE)
     ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, title = excluded.title,
       content_hash = excluded.content_hash, last_seen = excluded.last_seen, present = TRUE";

pub const MODULE_REGISTRY: &str =
    "SELECT id, slug, title, content_hash, present FROM module_registry";

/// Marks `$1`'s cached estimates as behind their evidence. Run after the evidence is written:
/// a refresh that read the old version then stores nothing that looks current.
pub const BUMP_EVIDENCE: &str =
    "UPDATE memberships SET evidence_version = evidence_version + 1 WHERE user_id = $1";

/// Quiz attempts (a skill check's answers are not attempts at a quiz).
pub const ATTEMPT_COUNT: &str = "SELECT COUNT(*) FROM quiz_attempts WHERE kind = 'quiz'";

/// Each member of organisation `$1`'s first answer to each question of module `$2` (of every
/// module when `$2` is NULL), for item statistics: the answer in their earliest attempt holding
/// that question (ties: the lower attempt id, then the earlier position). One query; the window
/// runs per learner, so its cost grows with the organisation's answers, not with its size
/// squared. Quiz attempts only: a skill check's answers are chosen by the learner's level and
/// come one per attempt, which would bias facility and leave no rest score to correlate with.
pub const FIRST_ANSWERS: &str = "SELECT user_id, attempt_id, module_id, question_id, submitted_at,
       selected, correct
     FROM (
       SELECT q.user_id, q.id AS attempt_id, q.module_id, a.question_id, q.submitted_at,
         a.selected, a.correct,
         ROW_NUMBER() OVER (PARTITION BY q.user_id, q.module_id, a.question_id
                            ORDER BY q.submitted_at, q.id, a.position) AS nth
       FROM memberships m
       JOIN quiz_attempts q ON q.user_id = m.user_id
       JOIN quiz_answers a ON a.attempt_id = q.id
       WHERE m.org_id = $1 AND q.kind = 'quiz' AND ($2 IS NULL OR q.module_id = $2)
     ) first WHERE nth = 1";

/// Reading progress of the users `filter` (on `q.user_id`) selects.
pub fn progress(filter: &str) -> String {
    format!(
        "SELECT user_id, module_id, sections_reached, sections_total, resume_anchor,
           started_at, updated_at, completed_at
         FROM module_progress q WHERE {filter}"
    )
}

/// Quiz attempts, newest first, of the users `filter` (on `q.user_id`) selects.
pub fn attempts(filter: &str) -> String {
    format!(
        "SELECT id, user_id, kind, module_id, score, total, submitted_at, seed FROM quiz_attempts q
         WHERE {filter} ORDER BY submitted_at DESC, id DESC"
    )
}

/// The answers of the attempts [`attempts`] reads, in position order.
pub fn answers(filter: &str) -> String {
    format!(
        "SELECT a.attempt_id, a.question_id, a.skill_id, a.difficulty, a.selected, a.correct
         FROM quiz_answers a JOIN quiz_attempts q ON q.id = a.attempt_id
         WHERE {filter} ORDER BY a.attempt_id, a.position"
    )
}
