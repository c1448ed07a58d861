//! The SCIM 2.0 API at `/scim/v2` (RFC 7644): discovery, Users (members) and Groups (teams).
//!
//! Every handler takes a [`ScimClient`], the organisation a bearer token belongs to, and every
//! store call is scoped by it: a token of one organisation can neither see nor change another's
//! people. Session cookies count for nothing here (`server::auth::load_viewer` skips these
//! paths), and the browser same-origin check does not apply (there is no cookie to ride on).
//! Bodies are read as JSON whatever their content type (`application/scim+json` or
//! `application/json`); answers are `application/scim+json`.
//!
//! Deprovisioning: `active=false` suspends the member at once (sessions ended, sign-in refused,
//! records kept in reports); `DELETE` removes the member and their records, as RFC 7644 §3.6
//! has it (the resource is gone: a later GET is 404).

use super::error::{ScimError, SCIM_JSON};
use super::resources::{
    attribute_list, group_json, list_response, parse_filter, project, select, user_json, Base,
    GroupState, Page, PatchRequest, UserState,
};
use crate::domain::people::{MemberRole, OrgId, TeamId, UserId};
use crate::server::audit::{self, Action as Audited, ClientAddr, Event};
use crate::server::auth::{hash_token, UNUSABLE_PASSWORD};
use crate::server::forms::{check_name, valid_email};
use crate::server::security::SCIM_BASE;
use crate::server::state::AppState;
use crate::store::{ScimGroup, ScimUser, ScimUserFields};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::OnceLock;

type Answer = Result<Response, ScimError>;

/// The organisation a request's bearer token belongs to, and the API's base URL (for `$ref`
/// and `meta.location`). An extractor: a missing, unknown or revoked token is 401.
#[derive(Debug, Clone)]
pub struct ScimClient {
    pub org: OrgId,
    pub token: i64,
    pub base: String,
}

impl FromRequestParts<AppState> for ScimClient {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ScimError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or_else(ScimError::unauthorized)?;
        let found = state
            .store
            .use_scim_token(&hash_token(token), Utc::now())
            .await
            .map_err(|e| ScimError::store(e, "token"))?;
        let (token, org) = found.ok_or_else(ScimError::unauthorized)?;
        tracing::Span::current().record("org", org.0);
        Ok(ScimClient {
            org,
            token,
            base: base_url(state, parts),
        })
    }
}

/// `<public URL>/scim/v2`, or without a configured public URL, the request's host's.
pub fn base_url(state: &AppState, parts: &Parts) -> String {
    match &state.config.public_url {
        Some(url) => format!("{}{SCIM_BASE}", url.origin()),
        None => {
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
                })
                .unwrap_or("localhost");
            format!("http://{host}{SCIM_BASE}")
        }
    }
}

/// A SCIM JSON answer.
fn answer(status: StatusCode, body: Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    res
}

/// A created resource: 201 with its location.
fn created(body: Value) -> Response {
    let location = body["meta"]["location"].as_str().map(str::to_string);
    let mut res = answer(StatusCode::CREATED, body);
    if let Some(l) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(header::LOCATION, l);
    }
    res
}

fn json_body(body: &Bytes) -> Result<Value, ScimError> {
    serde_json::from_slice(body)
        .map_err(|e| ScimError::invalid_syntax(format!("the body is not JSON: {e}")))
}

/// An audit event by a SCIM token of the client's organisation.
fn event(client: &ScimClient, action: Audited, addr: &ClientAddr) -> Event {
    Event::account(
        Some(client.org),
        None,
        &format!("SCIM token {}", client.token),
        action,
    )
    .from(addr)
}

/// Query parameters of reads and lists.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

/// A `/.search` body (RFC 7644 §3.4.3).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    #[serde(default)]
    attributes: Vec<String>,
    #[serde(default)]
    excluded_attributes: Vec<String>,
}

impl SearchRequest {
    fn parse(body: &Bytes) -> Result<SearchRequest, ScimError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(SearchRequest::default());
        }
        serde_json::from_slice(body)
            .map_err(|e| ScimError::invalid_syntax(format!("not a SearchRequest: {e}")))
    }
}

impl From<ListQuery> for SearchRequest {
    fn from(q: ListQuery) -> SearchRequest {
        SearchRequest {
            filter: q.filter,
            start_index: q.start_index,
            count: q.count,
            attributes: attribute_list(q.attributes.as_deref()),
            excluded_attributes: attribute_list(q.excluded_attributes.as_deref()),
        }
    }
}

fn query(q: Result<Query<ListQuery>, QueryRejection>) -> Result<ListQuery, ScimError> {
    q.map(|Query(q)| q)
        .map_err(|e| ScimError::invalid_value(format!("bad query parameters: {e}")))
}

/// One page of already-filtered resources, projected.
fn page_of(items: Vec<Value>, search: &SearchRequest) -> Value {
    let page = Page::new(search.start_index, search.count);
    let total = items.len();
    let shown = items
        .into_iter()
        .skip(page.start - 1)
        .take(page.count)
        .map(|v| project(v, &search.attributes, &search.excluded_attributes))
        .collect();
    list_response(total, page, shown)
}

fn parse_id(id: &str, what: &str) -> Result<i64, ScimError> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ScimError::not_found(format!("{what} not found")))
}

// --- Discovery -----------------------------------------------------------------------------

/// The schemas served at `/Schemas`: User and Group as Levelfield keeps them, and the three
/// core schemas of discovery (RFC 7643 §5–7).
fn schemas() -> &'static Vec<Value> {
    static SCHEMAS: OnceLock<Vec<Value>> = OnceLock::new();
    SCHEMAS.get_or_init(|| serde_json::from_str(include_str!("schemas.json")).unwrap_or_default())
}

fn with_meta(mut v: Value, resource_type: &str, location: String) -> Value {
    v["meta"] = json!({ "resourceType": resource_type, "location": location });
    v
}

pub async fn service_provider_config(client: ScimClient) -> Answer {
    Ok(answer(
        StatusCode::OK,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": "https://github.com/levelfield/levelfield/blob/main/docs/integrations.md",
            "patch": { "supported": true },
            "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
            "filter": { "supported": true, "maxResults": Page::MAX },
            "changePassword": { "supported": false },
            "sort": { "supported": false },
            "etag": { "supported": false },
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token an organisation admin creates on /admin/scim, sent as Authorization: Bearer <token>.",
                "primary": true
            }],
            "meta": {
                "resourceType": "ServiceProviderConfig",
                "location": format!("{}/ServiceProviderConfig", client.base)
            }
        }),
    ))
}

fn resource_types(base: &str) -> Vec<Value> {
    [
        ("User", "/Users", "A member of the organisation", super::resources::USER_SCHEMA),
        ("Group", "/Groups", "A team of the organisation", super::resources::GROUP_SCHEMA),
    ]
    .into_iter()
    .map(|(name, endpoint, description, schema)| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": name,
            "name": name,
            "endpoint": endpoint,
            "description": description,
            "schema": schema,
            "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{name}") }
        })
    })
    .collect()
}

pub async fn list_resource_types(client: ScimClient) -> Answer {
    let all = resource_types(&client.base);
    let n = all.len();
    Ok(answer(
        StatusCode::OK,
        list_response(n, Page::new(None, None), all),
    ))
}

pub async fn resource_type(client: ScimClient, Path(id): Path<String>) -> Answer {
    resource_types(&client.base)
        .into_iter()
        .find(|r| r["id"].as_str() == Some(id.as_str()))
        .map(|r| answer(StatusCode::OK, r))
        .ok_or_else(|| ScimError::not_found(format!("no resource type {id}")))
}

fn schema_values(base: &str) -> Vec<Value> {
    schemas()
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap_or_default().to_string();
            with_meta(s.clone(), "Schema", format!("{base}/Schemas/{id}"))
        })
        .collect()
}

pub async fn list_schemas(client: ScimClient) -> Answer {
    let all = schema_values(&client.base);
    let n = all.len();
    Ok(answer(
        StatusCode::OK,
        list_response(n, Page::new(None, None), all),
    ))
}

pub async fn schema(client: ScimClient, Path(id): Path<String>) -> Answer {
    schema_values(&client.base)
        .into_iter()
        .find(|s| s["id"].as_str() == Some(id.as_str()))
        .map(|s| answer(StatusCode::OK, s))
        .ok_or_else(|| ScimError::not_found(format!("no schema {id}")))
}

/// Anything else under `/scim/v2`: a SCIM 404 (after the token is checked).
pub async fn not_found(_client: ScimClient) -> ScimError {
    ScimError::not_found("no such SCIM endpoint")
}

// --- Users ---------------------------------------------------------------------------------

/// The account fields a member's SCIM state gives, checked: a userName; an email (the primary
/// one, else the userName if it is an address); a name Levelfield can show.
fn user_fields(s: &UserState) -> Result<ScimUserFields, ScimError> {
    let user_name = s
        .user_name
        .clone()
        .ok_or_else(|| ScimError::invalid_value("userName is required"))?;
    let email = s
        .email
        .clone()
        .or_else(|| valid_email(&user_name.to_lowercase()).then(|| user_name.clone()))
        .map(|e| e.trim().to_lowercase())
        .ok_or_else(|| {
            ScimError::invalid_value(
                "an email address is required: send emails, or a userName that is an email address",
            )
        })?;
    if !valid_email(&email) {
        return Err(ScimError::invalid_value(
            "the primary email is not an email address",
        ));
    }
    let parts = [s.given_name.as_deref(), s.family_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = s
        .display_name
        .clone()
        .or_else(|| (!parts.trim().is_empty()).then(|| parts.clone()))
        .unwrap_or_else(|| user_name.clone());
    let name = check_name(Some(name), 120).map_err(|_| {
        ScimError::invalid_value(
            "the name (displayName, else name, else userName) must be at most 120 characters with no control characters",
        )
    })?;
    Ok(ScimUserFields {
        email,
        name,
        user_name,
        given_name: s.given_name.clone(),
        family_name: s.family_name.clone(),
        display_name: s.display_name.clone(),
        external_id: s.external_id.clone(),
        active: s.active,
    })
}

async fn load_user(state: &AppState, client: &ScimClient, id: &str) -> Result<ScimUser, ScimError> {
    let user = UserId(parse_id(id, "User")?);
    state
        .store
        .scim_user(client.org, user)
        .await
        .map_err(|e| ScimError::store(e, "User"))
}

async fn users_page(state: &AppState, client: &ScimClient, search: SearchRequest) -> Answer {
    let filter = parse_filter(search.filter.as_deref())?;
    let users = state
        .store
        .scim_users(client.org)
        .await
        .map_err(|e| ScimError::store(e, "Users"))?;
    let base = Base(&client.base);
    let items = select(&users, filter.as_ref())?
        .into_iter()
        .map(|u| user_json(&base, u))
        .collect();
    Ok(answer(StatusCode::OK, page_of(items, &search)))
}

pub async fn list_users(
    State(state): State<AppState>,
    client: ScimClient,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Answer {
    users_page(&state, &client, query(q)?.into()).await
}

pub async fn search_users(
    State(state): State<AppState>,
    client: ScimClient,
    body: Bytes,
) -> Answer {
    users_page(&state, &client, SearchRequest::parse(&body)?).await
}

pub async fn get_user(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Answer {
    let q: SearchRequest = query(q)?.into();
    let user = load_user(&state, &client, &id).await?;
    let body = user_json(&Base(&client.base), &user);
    Ok(answer(
        StatusCode::OK,
        project(body, &q.attributes, &q.excluded_attributes),
    ))
}

pub async fn create_user(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    body: Bytes,
) -> Answer {
    let s = UserState::from_json(&json_body(&body)?)?;
    let fields = user_fields(&s)?;
    let user = state
        .store
        .create_scim_user(
            client.org,
            &fields,
            UNUSABLE_PASSWORD,
            &[MemberRole::Learner],
            Utc::now(),
        )
        .await
        .map_err(|e| ScimError::store(e, "User"))?;
    let detail = format!(
        "userName {}; externalId {}; active {}",
        fields.user_name,
        fields.external_id.as_deref().unwrap_or("none"),
        fields.active
    );
    let target = format!("user {} {}", user.0, fields.email);
    let e = event(&client, Audited::ScimUserCreated, &addr);
    audit::record(&state, e.target(target).detail(detail)).await;
    let stored = load_user(&state, &client, &user.0.to_string()).await?;
    Ok(created(user_json(&Base(&client.base), &stored)))
}

/// Writes a member's new state and records what changed (and a suspension or reactivation as
/// events of their own).
async fn write_user(
    state: &AppState,
    client: &ScimClient,
    addr: &ClientAddr,
    before: &ScimUser,
    after: &UserState,
) -> Answer {
    let fields = user_fields(after)?;
    state
        .store
        .update_scim_user(client.org, before.user, &fields, Utc::now())
        .await
        .map_err(|e| ScimError::store(e, "User"))?;
    let target = format!("user {} {}", before.user.0, fields.email);
    let was_active = before.suspended_at.is_none();
    let e = event(client, Audited::ScimUserUpdated, addr);
    audit::record(state, e.target(target.clone())).await;
    if was_active != fields.active {
        let (action, detail) = match fields.active {
            true => (Audited::MemberReactivated, "active=true (SCIM)"),
            false => (
                Audited::MemberSuspended,
                "active=false (SCIM): sessions ended",
            ),
        };
        let e = event(client, action, addr).target(target).detail(detail);
        audit::record(state, e).await;
    }
    let stored = load_user(state, client, &before.user.0.to_string()).await?;
    Ok(answer(
        StatusCode::OK,
        user_json(&Base(&client.base), &stored),
    ))
}

pub async fn replace_user(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let before = load_user(&state, &client, &id).await?;
    let after = UserState::from_json(&json_body(&body)?)?;
    write_user(&state, &client, &addr, &before, &after).await
}

pub async fn patch_user(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let before = load_user(&state, &client, &id).await?;
    let req = PatchRequest::parse(&body)?;
    let mut after = UserState::of(&before);
    after.patch(&req.operations)?;
    write_user(&state, &client, &addr, &before, &after).await
}

pub async fn delete_user(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    Path(id): Path<String>,
) -> Answer {
    let user = load_user(&state, &client, &id).await?;
    state
        .store
        .remove_member(client.org, user.user)
        .await
        .map_err(|e| ScimError::store(e, "User"))?;
    let target = format!("user {} {}", user.user.0, user.email);
    let e = event(&client, Audited::ScimUserDeleted, &addr);
    audit::record(&state, e.target(target)).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- Groups --------------------------------------------------------------------------------

async fn load_group(
    state: &AppState,
    client: &ScimClient,
    id: &str,
) -> Result<ScimGroup, ScimError> {
    let team = TeamId(parse_id(id, "Group")?);
    state
        .store
        .scim_group(client.org, team)
        .await
        .map_err(|e| ScimError::store(e, "Group"))
}

/// A team's name, checked as the admin page checks one.
fn group_name(s: &GroupState) -> Result<String, ScimError> {
    check_name(s.display_name.clone(), 80).map_err(|_| {
        ScimError::invalid_value(
            "displayName is required: at most 80 characters, with no control characters",
        )
    })
}

/// A store error of a group write: an unknown member is the request's fault.
fn group_write_error(e: crate::store::StoreError) -> ScimError {
    match e {
        crate::store::StoreError::NotFound => {
            ScimError::invalid_value("every member must be a User of this organisation")
        }
        other => ScimError::store(other, "Group"),
    }
}

async fn groups_page(state: &AppState, client: &ScimClient, search: SearchRequest) -> Answer {
    let filter = parse_filter(search.filter.as_deref())?;
    let groups = state
        .store
        .scim_groups(client.org)
        .await
        .map_err(|e| ScimError::store(e, "Groups"))?;
    let base = Base(&client.base);
    let items = select(&groups, filter.as_ref())?
        .into_iter()
        .map(|g| group_json(&base, g))
        .collect();
    Ok(answer(StatusCode::OK, page_of(items, &search)))
}

pub async fn list_groups(
    State(state): State<AppState>,
    client: ScimClient,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Answer {
    groups_page(&state, &client, query(q)?.into()).await
}

pub async fn search_groups(
    State(state): State<AppState>,
    client: ScimClient,
    body: Bytes,
) -> Answer {
    groups_page(&state, &client, SearchRequest::parse(&body)?).await
}

pub async fn get_group(
    State(state): State<AppState>,
    client: ScimClient,
    Path(id): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Answer {
    let q: SearchRequest = query(q)?.into();
    let group = load_group(&state, &client, &id).await?;
    let body = group_json(&Base(&client.base), &group);
    Ok(answer(
        StatusCode::OK,
        project(body, &q.attributes, &q.excluded_attributes),
    ))
}

pub async fn create_group(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    body: Bytes,
) -> Answer {
    let s = GroupState::from_json(&json_body(&body)?)?;
    let name = group_name(&s)?;
    let team = state
        .store
        .create_scim_group(client.org, &name, s.external_id.as_deref(), &s.members)
        .await
        .map_err(group_write_error)?;
    let e = event(&client, Audited::ScimGroupCreated, &addr)
        .target(format!("team {} {name}", team.0))
        .detail(format!("{} member(s)", s.members.len()));
    audit::record(&state, e).await;
    let stored = load_group(&state, &client, &team.0.to_string()).await?;
    Ok(created(group_json(&Base(&client.base), &stored)))
}

async fn write_group(
    state: &AppState,
    client: &ScimClient,
    addr: &ClientAddr,
    before: &ScimGroup,
    after: &GroupState,
) -> Answer {
    let name = group_name(after)?;
    state
        .store
        .update_scim_group(
            client.org,
            before.team,
            &name,
            after.external_id.as_deref(),
            &after.members,
        )
        .await
        .map_err(group_write_error)?;
    let was: Vec<UserId> = before.members.iter().map(|(u, _)| *u).collect();
    let added: Vec<String> = after
        .members
        .iter()
        .filter(|m| !was.contains(m))
        .map(|m| m.0.to_string())
        .collect();
    let removed: Vec<String> = was
        .iter()
        .filter(|m| !after.members.contains(m))
        .map(|m| m.0.to_string())
        .collect();
    let e = event(client, Audited::ScimGroupUpdated, addr)
        .target(format!("team {} {name}", before.team.0))
        .detail(format!(
            "members added [{}]; removed [{}]",
            added.join(", "),
            removed.join(", ")
        ));
    audit::record(state, e).await;
    let stored = load_group(state, client, &before.team.0.to_string()).await?;
    Ok(answer(
        StatusCode::OK,
        group_json(&Base(&client.base), &stored),
    ))
}

pub async fn replace_group(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let before = load_group(&state, &client, &id).await?;
    let after = GroupState::from_json(&json_body(&body)?)?;
    write_group(&state, &client, &addr, &before, &after).await
}

pub async fn patch_group(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    Path(id): Path<String>,
    body: Bytes,
) -> Answer {
    let before = load_group(&state, &client, &id).await?;
    let req = PatchRequest::parse(&body)?;
    let mut after = GroupState::of(&before);
    after.patch(&req.operations)?;
    write_group(&state, &client, &addr, &before, &after).await
}

pub async fn delete_group(
    State(state): State<AppState>,
    client: ScimClient,
    addr: ClientAddr,
    Path(id): Path<String>,
) -> Answer {
    let group = load_group(&state, &client, &id).await?;
    state
        .store
        .delete_scim_group(client.org, group.team)
        .await
        .map_err(|e| ScimError::store(e, "Group"))?;
    let e = event(&client, Audited::ScimGroupDeleted, &addr)
        .target(format!("team {} {}", group.team.0, group.name));
    audit::record(&state, e).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /.search`: Users and Groups at once. A filter term naming an attribute one of them
/// does not have matches none of that kind.
pub async fn search_all(State(state): State<AppState>, client: ScimClient, body: Bytes) -> Answer {
    let search = SearchRequest::parse(&body)?;
    let filter = parse_filter(search.filter.as_deref())?;
    let base = Base(&client.base);
    let users = state
        .store
        .scim_users(client.org)
        .await
        .map_err(|e| ScimError::store(e, "Users"))?;
    let groups = state
        .store
        .scim_groups(client.org)
        .await
        .map_err(|e| ScimError::store(e, "Groups"))?;
    let keep = |s: &dyn super::filter::Subject| match &filter {
        None => true,
        Some(f) => super::filter::matches(f, s).unwrap_or(false),
    };
    let mut items: Vec<Value> = users
        .iter()
        .filter(|u| keep(*u))
        .map(|u| user_json(&base, u))
        .collect();
    items.extend(
        groups
            .iter()
            .filter(|g| keep(*g))
            .map(|g| group_json(&base, g)),
    );
    Ok(answer(StatusCode::OK, page_of(items, &search)))
}
