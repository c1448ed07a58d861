-- Every module id ever served, so that progress can refer to it and ids are never reused.
CREATE TABLE module_registry (
    id           TEXT PRIMARY KEY NOT NULL,
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    present      INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1))
) STRICT;
