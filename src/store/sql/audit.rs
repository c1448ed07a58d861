//! The security audit log.

pub const INSERT_AUDIT_EVENT: &str = "INSERT INTO audit_events
      (org_id, actor_id, actor, action, target, detail, address, at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Organisation `$1`'s events, newest first: `$2` of them after skipping `$3`.
pub const AUDIT_EVENTS: &str = "SELECT id, org_id, actor_id, actor, action, target, detail,
    address, at FROM audit_events WHERE org_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3";

/// On erasure: every entry of organisation `$1` by or about user `$2` names pseudonym `$3`
/// instead (the actor's email and the id go; the target text `user:<id>` is replaced).
pub const PSEUDONYMISE_AUDIT: &str = "UPDATE audit_events
    SET actor = CASE WHEN actor_id = $2 THEN $3 ELSE actor END,
        actor_id = CASE WHEN actor_id = $2 THEN NULL ELSE actor_id END,
        target = CASE WHEN target = $4 THEN $3 ELSE target END
    WHERE org_id = $1 AND (actor_id = $2 OR target = $4)";
