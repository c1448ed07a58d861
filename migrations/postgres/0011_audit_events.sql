-- The security audit log: sign-ins (and refused ones), sign-outs, password changes, first-run
-- setup, invitations, roles, removals, target roles and scarcity weights; who did it, to what,
-- from which client address, when. Never a token or a password.
-- `org_id` is NULL for an event outside any organisation (a refused sign-in for an unknown
-- email). `actor_id` is deliberately not a foreign key: an entry outlives the account it names,
-- and `actor` keeps the email the account had then (or a pseudonym).
-- Kept in lockstep with migrations/sqlite/0011_audit_events.sql.

CREATE TABLE audit_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id   BIGINT REFERENCES organisations (id) ON DELETE CASCADE,
    actor_id BIGINT,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT,
    detail   TEXT,
    address  TEXT,
    at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org_id, id);
