-- SCIM 2.0 provisioning (issue 13): what a provisioned member's identity provider sent that the
-- account itself does not hold, kept as sent so that a read gives back what was written. NULL
-- for a member who was not provisioned (their SCIM userName is their email, their displayName
-- their name). Kept in lockstep with the postgres 0016_scim_attributes.sql.
ALTER TABLE memberships ADD COLUMN user_name TEXT;
ALTER TABLE memberships ADD COLUMN given_name TEXT;
ALTER TABLE memberships ADD COLUMN family_name TEXT;
ALTER TABLE memberships ADD COLUMN display_name TEXT;
-- userName is unique within an organisation, case-insensitively (RFC 7643 §4.1.1).
CREATE UNIQUE INDEX memberships_user_name ON memberships (org_id, lower(user_name));
