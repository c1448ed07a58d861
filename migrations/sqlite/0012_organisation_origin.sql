-- Where an organisation came from: 'real' (first-run setup, or an operator's), or made by
-- `levelfield demo` ('demo') or `levelfield seed` ('seed'). Those two commands refuse to run
-- against a database holding a real organisation unless given --force.
-- Organisations made before this column by demo or seed are recognised by their admin's
-- email (admin@demo-….levelfield.test, admin@synthetic-….test).
-- Kept in lockstep with migrations/postgres/0012_organisation_origin.sql.

ALTER TABLE organisations ADD COLUMN origin TEXT NOT NULL DEFAULT 'real'
    CHECK (origin IN ('real', 'demo', 'seed'));

UPDATE organisations SET origin = 'demo' WHERE id IN (
    SELECT m.org_id FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE u.email LIKE 'admin@demo-%.levelfield.test');

UPDATE organisations SET origin = 'seed' WHERE id IN (
    SELECT m.org_id FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE u.email LIKE 'admin@synthetic-%.test');
