//! The security audit log.

pub const INSERT_AUDIT_EVENT: &str = "INSERT INTO audit_events
      (org_id, actor_id, actor, action, target, detail, address, at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Organisation `$1`'s events, newest first: `$2` of them after skipping `$3`.
pub const AUDIT_EVENTS: &str = "SELECT id, org_id, actor_id, actor, action, target, detail,
    address, at FROM audit_events WHERE org_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3";
