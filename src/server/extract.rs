//! Who may make a request, checked once, before a handler runs: the extractors [`SignedIn`],
//! [`Admin`], [`Overseer`] and [`TeamAccess`]. A handler that takes one cannot run without
//! passing its check, and so cannot get a [`Viewer`] (and the organisation every store call is
//! scoped by) without it. Pages use the same checks through `server::ctx`.
//!
//! Refusals: nobody signed in → a login redirect carrying `next`; signed in but not allowed →
//! 403; a team that is not in the viewer's organisation → 404 (see `server::refusal`).
//!
//! May use: auth, state, refusal, store, domain. Nothing of `features` or `ui`.

use super::auth::Viewer;
use super::refusal::{OrBack, Refusal};
use super::state::AppState;
use crate::domain::people::{Team, TeamId};
use axum::extract::{FromRequestParts, OptionalFromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{header, Method};
use std::convert::Infallible;

/// A signed-in person; anonymous requests are sent to the login page.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Viewer);

/// A signed-in admin of their organisation; others get a 403.
#[derive(Debug, Clone)]
pub struct Admin(pub Viewer);

/// A signed-in admin, or a manager of at least one team (the pages about people across the
/// teams they may see); others get a 403.
#[derive(Debug, Clone)]
pub struct Overseer(pub Viewer);

/// A team of the viewer's organisation that the viewer may see (an admin, or the team's
/// manager), from the route's `{team}`.
#[derive(Debug, Clone)]
pub struct TeamAccess {
    pub viewer: Viewer,
    pub team: Team,
}

/// The signed-in person of a request, if any (put there by `auth::load_viewer`).
pub fn viewer(parts: &Parts) -> Option<Viewer> {
    parts.extensions.get::<Viewer>().cloned()
}

/// The signed-in person, or a login redirect coming back to where they were.
pub fn signed_in(parts: &Parts) -> Result<Viewer, Refusal> {
    viewer(parts).ok_or_else(|| Refusal::SignIn {
        next: next_path(parts),
    })
}

/// A signed-in admin, or why not.
pub fn admin(parts: &Parts) -> Result<Viewer, Refusal> {
    let v = signed_in(parts)?;
    if v.is_admin() {
        Ok(v)
    } else {
        Err(Refusal::Forbidden)
    }
}

/// A signed-in admin or manager of some team, or why not.
pub fn overseer(parts: &Parts) -> Result<Viewer, Refusal> {
    let v = signed_in(parts)?;
    if v.oversees_people() {
        Ok(v)
    } else {
        Err(Refusal::Forbidden)
    }
}

/// A signed-in admin or author (item statistics), or why not.
pub fn author(parts: &Parts) -> Result<Viewer, Refusal> {
    let v = signed_in(parts)?;
    if v.may_author() {
        Ok(v)
    } else {
        Err(Refusal::Forbidden)
    }
}

/// `team` if `viewer` may see it and it is in their organisation: 403 if they may not see it
/// (a manager of other teams), 404 if their organisation has no such team.
pub async fn team_access(
    state: &AppState,
    viewer: Viewer,
    team: TeamId,
) -> Result<TeamAccess, Refusal> {
    if !viewer.can_see_team(team) {
        return Err(Refusal::Forbidden);
    }
    let teams = state
        .store
        .teams(viewer.org)
        .await
        .or_fail("The team could not be loaded.")?;
    match teams.into_iter().find(|t| t.id == team) {
        Some(team) => Ok(TeamAccess { viewer, team }),
        None => Err(Refusal::NotFound("Team not found")),
    }
}

/// Where to come back to after signing in: the page itself for a GET; for a form post, the page
/// the form was on (its same-site `Referer`), since the post's own address has no page.
fn next_path(parts: &Parts) -> Option<String> {
    if matches!(parts.method, Method::GET | Method::HEAD) {
        return parts.uri.path_and_query().map(|p| p.as_str().to_string());
    }
    let host = parts.headers.get(header::HOST)?.to_str().ok()?;
    let referer = parts.headers.get(header::REFERER)?.to_str().ok()?;
    same_site_path(referer, host)
}

/// The path (and query) of `url` if it is on `host`.
fn same_site_path(url: &str, host: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let path = path.split('#').next().unwrap_or("/");
    authority
        .eq_ignore_ascii_case(host)
        .then(|| path.to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        signed_in(parts).map(SignedIn)
    }
}

/// `Option<SignedIn>`: anonymous requests are welcome too.
impl<S: Send + Sync> OptionalFromRequestParts<S> for SignedIn {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Infallible> {
        Ok(viewer(parts).map(SignedIn))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        admin(parts).map(Admin)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Overseer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        overseer(parts).map(Overseer)
    }
}

impl FromRequestParts<AppState> for TeamAccess {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refusal> {
        let viewer = signed_in(parts)?;
        let team = RawPathParams::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|params| {
                params
                    .iter()
                    .find(|(k, _)| *k == "team")
                    .and_then(|(_, v)| v.parse().ok())
            })
            .map(TeamId)
            .ok_or(Refusal::NotFound("Team not found"))?;
        team_access(state, viewer, team).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(method: &str, uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn next_is_the_page_for_gets_and_the_forms_page_for_posts() {
        let p = parts("GET", "/teams/3/skills?role=x", &[]);
        assert_eq!(next_path(&p).as_deref(), Some("/teams/3/skills?role=x"));
        let p = parts(
            "POST",
            "/admin/teams",
            &[("host", "a.test"), ("referer", "http://a.test/admin#teams")],
        );
        assert_eq!(next_path(&p).as_deref(), Some("/admin"));
        let p = parts(
            "POST",
            "/admin/teams",
            &[("host", "a.test"), ("referer", "http://evil.test/admin")],
        );
        assert_eq!(next_path(&p), None, "never another site's path");
        let p = parts("POST", "/admin/teams", &[("host", "a.test")]);
        assert_eq!(next_path(&p), None);
    }

    #[test]
    fn anonymous_requests_are_sent_to_sign_in_and_others_are_forbidden() {
        let p = parts("GET", "/admin", &[]);
        assert_eq!(
            admin(&p).unwrap_err(),
            Refusal::SignIn {
                next: Some("/admin".into())
            }
        );
    }
}
