-- Quiz draws: the seed an attempt's questions and choice order were drawn with.
-- Kept in lockstep with migrations/sqlite/0004_quiz_draws.sql.

-- The 64-bit seed, stored as a signed 64-bit integer (the same bits). NULL for attempts recorded
-- before draws: they showed the whole bank in authored order. Every question an attempt showed is
-- stored in quiz_answers (answered or not), so how often a learner has seen each question is
-- counted from there.
ALTER TABLE quiz_attempts ADD COLUMN seed BIGINT;

-- A learner's attempt number n has one seed, derived from (organisation, learner, module, n):
-- the same page submitted twice (two tabs, a double click) is recorded once.
CREATE UNIQUE INDEX quiz_attempts_seed ON quiz_attempts (user_id, module_id, seed);
