//! Target roles, self-ratings and scarcity overrides.

pub const SET_TARGET_ROLE: &str =
    "UPDATE memberships SET target_role = $1 WHERE user_id = $2 AND org_id = $3";

pub const SET_TEAM_TARGET_ROLE: &str =
    "UPDATE teams SET target_role = $1 WHERE id = $2 AND org_id = $3";

pub const SELF_RATINGS: &str = "SELECT r.skill_id, r.level, r.rated_at FROM self_ratings r
    JOIN memberships m ON m.user_id = r.user_id WHERE r.user_id = $1 AND m.org_id = $2";

/// Sets a rating; `rated_at` moves only when the level changes.
pub const UPSERT_RATING: &str = "INSERT INTO self_ratings (user_id, skill_id, level, rated_at)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id, skill_id) DO UPDATE SET
      level = excluded.level,
      rated_at = CASE WHEN self_ratings.level = excluded.level
        THEN self_ratings.rated_at ELSE excluded.rated_at END";

pub const DELETE_RATING: &str = "DELETE FROM self_ratings WHERE user_id = $1 AND skill_id = $2";

pub const SCARCITY_OVERRIDES: &str =
    "SELECT skill_id, weight, note, set_by, set_at FROM scarcity_overrides WHERE org_id = $1";

pub const UPSERT_OVERRIDE: &str =
    "INSERT INTO scarcity_overrides (org_id, skill_id, weight, note, set_by, set_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (org_id, skill_id) DO UPDATE SET
       weight = excluded.weight, note = excluded.note,
       set_by = excluded.set_by, set_at = excluded.set_at";

pub const DELETE_OVERRIDE: &str =
    "DELETE FROM scarcity_overrides WHERE org_id = $1 AND skill_id = $2";
