-- Every module id ever served, so that progress can refer to it and ids are never reused.
CREATE TABLE module_registry (
    id           TEXT PRIMARY KEY,
    slug         TEXT NOT NULL,
    title        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    present      BOOLEAN NOT NULL DEFAULT TRUE
);
