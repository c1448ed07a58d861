-- The estimate cache keeps what pages must say beside a level: the hardest question difficulty
-- (or task level) the counted evidence tested (NULL: none known), so a level above it is
-- labelled "above the hardest tested"; and whether the range was capped at level 2 because quiz
-- evidence alone read above it and no practical task is scored yet ("capped at 2").
-- Cached rows have neither: drop them and mark every person stale, as 0006 did, so the
-- maintenance task (at start and hourly) and the next page that needs them recompute them.
ALTER TABLE skill_estimates ADD COLUMN tested_up_to INTEGER;
ALTER TABLE skill_estimates ADD COLUMN capped INTEGER NOT NULL DEFAULT 0 CHECK (capped IN (0, 1));
DELETE FROM skill_estimates;
UPDATE memberships SET estimates_version = NULL, estimates_day = NULL;
