-- Skills: target roles, self-ratings, scarcity overrides, cached estimates and roll-up history.
-- Kept in lockstep with migrations/postgres/0003_skills.sql.

-- The role profile (an id from content/roles.yaml, deliberately not a foreign key) a person is
-- measured against; NULL means their team's target role.
ALTER TABLE memberships ADD COLUMN target_role TEXT;
-- Bumped by every write of evidence (quiz attempt, module progress), in the same transaction.
ALTER TABLE memberships ADD COLUMN evidence_version INTEGER NOT NULL DEFAULT 0;
-- The evidence version and the day (days since 1970-01-01, UTC) the cached estimates below were
-- computed from and on (NULL: never). Estimates age with their evidence: a day-old cache is stale.
ALTER TABLE memberships ADD COLUMN estimates_version INTEGER;
ALTER TABLE memberships ADD COLUMN estimates_day INTEGER;

ALTER TABLE teams ADD COLUMN target_role TEXT;

-- A learner's own view of their level. Shown beside the estimate, never mixed into it.
CREATE TABLE self_ratings (
    user_id  INTEGER NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL,
    level    INTEGER NOT NULL CHECK (level BETWEEN 0 AND 4),
    rated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, skill_id)
) STRICT;

-- An organisation's own scarcity weight for a skill, replacing the taxonomy's for its views.
CREATE TABLE scarcity_overrides (
    org_id   INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL,
    weight   REAL NOT NULL CHECK (weight >= 0 AND weight <= 1),
    note     TEXT NOT NULL,
    set_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, skill_id)
) STRICT;
CREATE INDEX scarcity_overrides_set_by ON scarcity_overrides (set_by);

-- Each person's estimate per skill with evidence, as of `memberships.estimates_day`: what
-- organisation roll-ups read instead of every raw answer.
CREATE TABLE skill_estimates (
    user_id  INTEGER NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL,
    level    REAL NOT NULL,
    se       REAL NOT NULL,
    low      REAL NOT NULL,
    high     REAL NOT NULL,
    evidence INTEGER NOT NULL,
    weight   REAL NOT NULL,
    PRIMARY KEY (user_id, skill_id)
) STRICT;

-- Roll-up history for trend charts: one row per organisation, group (team id, or 0 for the
-- whole organisation), skill and day, against each person's assigned target role.
CREATE TABLE skill_snapshots (
    org_id       INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    team_id      INTEGER NOT NULL,
    skill_id     TEXT NOT NULL,
    day          TEXT NOT NULL,
    people       INTEGER NOT NULL CHECK (people >= 0),
    below_target INTEGER NOT NULL CHECK (below_target >= 0),
    unmeasured   INTEGER NOT NULL CHECK (unmeasured >= 0),
    mean_gap     REAL NOT NULL,
    exposure     REAL NOT NULL,
    PRIMARY KEY (org_id, team_id, skill_id, day)
) STRICT;
