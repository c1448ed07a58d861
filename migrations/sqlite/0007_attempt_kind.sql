-- Adaptive skill checks (/skills/{id}/check): each answer is stored as a one-question attempt of
-- kind 'check'. It is evidence for the learner model like a quiz answer, but not a try at the
-- module's quiz: quiz listings and counts read kind = 'quiz', and a check never completes a
-- module. Every attempt stored so far was a quiz.
ALTER TABLE quiz_attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'quiz'
    CHECK (kind IN ('quiz', 'check'));
