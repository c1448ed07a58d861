-- Learner model v2 (docs/proficiency.md): guessing and slip, a grid posterior, first answers
-- only, drift instead of decay. Estimates cached by the old model are wrong under the new one:
-- drop them and mark every person stale, so the maintenance task (at start and hourly) and the
-- next page that needs them recompute every estimate with model v2.
DELETE FROM skill_estimates;
UPDATE memberships SET estimates_version = NULL, estimates_day = NULL;
