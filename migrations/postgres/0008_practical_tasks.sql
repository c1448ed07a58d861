-- Practical tasks (content/README.md, "The practical task"): a learner's submission of a
-- module's task, and its rubric score. The task's skill, level and weight are kept as they
-- were when it was submitted, so evidence does not change when content does. `scores` lists
-- the criterion scores (0-2) comma-separated ("2,1,2"), set with `scored_by`, `scored_at` and
-- `passed` when status becomes 'scored'.
CREATE TABLE task_submissions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id       BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES memberships (user_id) ON DELETE CASCADE,
    module_id    TEXT NOT NULL,
    task_id      TEXT NOT NULL,
    skill_id     TEXT NOT NULL,
    level        BIGINT NOT NULL CHECK (level BETWEEN 0 AND 4),
    weight       DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    body         TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('waiting', 'scored')),
    scored_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    scored_at    TIMESTAMPTZ,
    scores       TEXT,
    passed       BOOLEAN
);
CREATE INDEX task_submissions_user ON task_submissions (user_id, submitted_at);
CREATE INDEX task_submissions_org ON task_submissions (org_id, status);
