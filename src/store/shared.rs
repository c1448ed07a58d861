//! Helpers both backends share word for word, written once over sqlx's `Database`: the
//! multi-query reads (members, progress, attempts), which run on the pool, and the member
//! insert and team check that run inside a backend's write transaction (the backend takes its
//! own kind of lock before calling them). SQL from `sql/`, decoding in `rows.rs`.

use super::rows::{self, AnswerRow, AttemptRow, PersonRow, ProgressRow, RoleRow, TeamLinkRow};
use super::sql::{self, MembersOf, RecordsOf};
use super::time::DbTime;
use super::{canonical_roles, map_write_error, normalise_email, NewUser, OrgOrigin};
use super::{Result, StoreError};
use crate::domain::people::{Member, MemberRole, OrgId, TeamId, UserId};
use crate::domain::progress::{Attempt, ModuleProgress};
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Type};

/// Runs `sql` with binds `$1` and `$2`, decoding every row as `R`.
async fn fetch<DB, R>(pool: &Pool<DB>, sql: &str, first: i64, second: i64) -> Result<Vec<R>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    R: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
{
    let q = sqlx::query_as::<DB, R>(sql).bind(first).bind(second);
    Ok(q.fetch_all(pool).await?)
}

/// Members `of` selects, ordered by name: three queries whatever their number.
pub(super) async fn members<DB>(pool: &Pool<DB>, of: MembersOf) -> Result<Vec<Member>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    PersonRow: for<'r> FromRow<'r, DB::Row>,
    RoleRow: for<'r> FromRow<'r, DB::Row>,
    TeamLinkRow: for<'r> FromRow<'r, DB::Row>,
{
    let (filter, first, second) = of.filter();
    let [people, roles, links] = sql::orgs::member_queries(filter);
    let people: Vec<PersonRow> = fetch(pool, &people, first, second).await?;
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let roles = fetch(pool, &roles, first, second).await?;
    let links = fetch(pool, &links, first, second).await?;
    rows::members(people, roles, links)
}

/// The one member `of` selects (`NotFound` if none).
pub(super) async fn member<DB>(pool: &Pool<DB>, of: MembersOf) -> Result<Member>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    PersonRow: for<'r> FromRow<'r, DB::Row>,
    RoleRow: for<'r> FromRow<'r, DB::Row>,
    TeamLinkRow: for<'r> FromRow<'r, DB::Row>,
{
    let found = members(pool, of).await?;
    found.into_iter().next().ok_or(StoreError::NotFound)
}

/// Reading progress of the users `of` selects (one query).
pub(super) async fn progress<DB>(pool: &Pool<DB>, of: RecordsOf) -> Result<Vec<ModuleProgress>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    ProgressRow: for<'r> FromRow<'r, DB::Row>,
{
    let (filter, first, second) = of.filter();
    let found = fetch(pool, &sql::progress::progress(filter), first, second).await?;
    Ok(rows::progress(found))
}

/// Quiz attempts, answers included, of the users `of` selects (two queries).
pub(super) async fn attempts<DB>(pool: &Pool<DB>, of: RecordsOf) -> Result<Vec<Attempt>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    AttemptRow: for<'r> FromRow<'r, DB::Row>,
    AnswerRow: for<'r> FromRow<'r, DB::Row>,
{
    let (filter, first, second) = of.filter();
    let found: Vec<AttemptRow> =
        fetch(pool, &sql::progress::attempts(filter), first, second).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let answers = fetch(pool, &sql::progress::answers(filter), first, second).await?;
    rows::attempts(found, answers)
}

/// Creates a user with a membership of `org` and `roles`; `EmailTaken` if the email is in use.
pub(super) async fn insert_member<DB>(
    conn: &mut DB::Connection,
    org: OrgId,
    user: &NewUser,
    roles: &[MemberRole],
    now: DbTime,
) -> Result<UserId>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> DbTime: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    let id: i64 = sqlx::query_scalar::<DB, i64>(sql::orgs::INSERT_USER)
        .bind(normalise_email(&user.email))
        .bind(user.name.clone())
        .bind(user.password_hash.clone())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| map_write_error(e, Some(StoreError::EmailTaken)))?;
    let membership = sqlx::query::<DB>(sql::orgs::INSERT_MEMBERSHIP);
    membership.bind(id).bind(org.0).execute(&mut *conn).await?;
    for role in canonical_roles(roles.iter().copied()) {
        let q = sqlx::query::<DB>(sql::orgs::INSERT_ROLE).bind(id);
        q.bind(role.key().to_string()).execute(&mut *conn).await?;
    }
    Ok(UserId(id))
}

/// A new organisation of `origin` and its first member, `admin`, with every role (inside the
/// caller's transaction).
pub(super) async fn insert_organisation<DB>(
    conn: &mut DB::Connection,
    name: &str,
    admin: &NewUser,
    origin: OrgOrigin,
    now: DbTime,
) -> Result<(OrgId, UserId)>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> DbTime: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    let org: i64 = sqlx::query_scalar::<DB, i64>(sql::orgs::INSERT_ORGANISATION)
        .bind(name.to_string())
        .bind(now)
        .bind(origin.key().to_string())
        .fetch_one(&mut *conn)
        .await?;
    let org = OrgId(org);
    let user = insert_member::<DB>(conn, org, admin, &MemberRole::ALL, now).await?;
    Ok((org, user))
}

/// `NotFound` unless every one of `teams` is one of `org`'s (one query: an organisation has a
/// few dozen teams at most).
pub(super) async fn check_teams<DB>(
    conn: &mut DB::Connection,
    org: OrgId,
    teams: &[TeamId],
) -> Result<()>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    let known: Vec<i64> = sqlx::query_scalar::<DB, i64>(sql::orgs::TEAM_IDS)
        .bind(org.0)
        .fetch_all(&mut *conn)
        .await?;
    if teams.iter().all(|t| known.contains(&t.0)) {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}
