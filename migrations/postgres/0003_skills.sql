-- Skills: target roles, self-ratings, scarcity overrides, cached estimates and roll-up history.
-- Kept in lockstep with migrations/sqlite/0003_skills.sql.

-- The role profile (an id from content/roles.yaml, deliberately not a foreign key) a person is
-- measured against; NULL means their team's target role.
ALTER TABLE memberships ADD COLUMN target_role TEXT;
-- Bumped by every write of evidence (quiz attempt, module progress), in the same transaction.
ALTER TABLE memberships ADD COLUMN evidence_version BIGINT NOT NULL DEFAULT 0;
-- The evidence version and the day (days since 1970-01-01, UTC) the cached estimates below were
-- computed from and on (NULL: never). Estimates age with their evidence: a day-old cache is stale.
ALTER TABLE memberships ADD COLUMN estimates_version BIGINT;
ALTER TABLE memberships ADD COLUMN estimates_day BIGINT;

ALTER TABLE teams ADD COLUMN target_role TEXT;

-- A learner's own view of their level. Shown beside the estimate, never mixed into it.
CREATE TABLE self_ratings (
    user_id  BIGINT NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL,
    level    SMALLINT NOT NULL CHECK (level BETWEEN 0 AND 4),
    rated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, skill_id)
);

-- An organisation's own scarcity weight for a skill, replacing the taxonomy's for its views.
CREATE TABLE scarcity_overrides (
    org_id   BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL,
    weight   DOUBLE PRECISION NOT NULL CHECK (weight >= 0 AND weight <= 1),
    note     TEXT NOT NULL,
    set_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    set_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, skill_id)
);
CREATE INDEX scarcity_overrides_set_by ON scarcity_overrides (set_by);

-- Each person's estimate per skill with evidence, as of `memberships.estimates_day`: what
-- organisation roll-ups read instead of every raw answer.
CREATE TABLE skill_estimates (
    user_id  BIGINT NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    skill_id TEXT NOT NULL,
    level    DOUBLE PRECISION NOT NULL,
    se       DOUBLE PRECISION NOT NULL,
    low      DOUBLE PRECISION NOT NULL,
    high     DOUBLE PRECISION NOT NULL,
    evidence BIGINT NOT NULL,
    weight   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, skill_id)
);

-- Roll-up history for trend charts: one row per organisation, group (team id, or 0 for the
-- whole organisation), skill and day, against each person's assigned target role.
CREATE TABLE skill_snapshots (
    org_id       BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    team_id      BIGINT NOT NULL,
    skill_id     TEXT NOT NULL,
    day          DATE NOT NULL,
    people       BIGINT NOT NULL CHECK (people >= 0),
    below_target BIGINT NOT NULL CHECK (below_target >= 0),
    unmeasured   BIGINT NOT NULL CHECK (unmeasured >= 0),
    mean_gap     DOUBLE PRECISION NOT NULL,
    exposure     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (org_id, team_id, skill_id, day)
);
