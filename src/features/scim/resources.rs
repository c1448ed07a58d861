//! SCIM Users and Groups as JSON: what a member or a team reads as, what a create or a replace
//! says (read into typed state, with the identity providers' quirks: attribute names in any
//! case, `"True"`/`"False"` strings, a single object where a list is due), PATCH applied to that
//! state, filters evaluated on it, and `attributes`/`excludedAttributes` projection. Pure: no
//! store, no HTTP; `handlers.rs` does those.
//!
//! Attributes Levelfield does not keep (titles, phone numbers, addresses, the enterprise
//! extension, which Entra ID's and Okta's default mappings send) are accepted and ignored.

use super::error::ScimError;
use super::filter::{self, attribute_name, Attr, Filter, Path, Subject};
use crate::domain::people::{TeamId, UserId};
use crate::store::{ScimGroup, ScimUser};
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// The longest a SCIM string attribute may be (a name is checked again, shorter, when used).
const MAX_TEXT: usize = 512;

// --- Reading JSON leniently ----------------------------------------------------------------

/// The value of `key` in `object`, whatever the case of the key.
fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| attribute_name(k) == key)
        .map(|(_, v)| v)
}

/// A string attribute: `null` is none; anything else but a string is `invalidValue`.
fn text(value: Option<&Value>, what: &str) -> Result<Option<String>, ScimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= MAX_TEXT => {
            let s = s.trim();
            Ok((!s.is_empty()).then(|| s.to_string()))
        }
        Some(Value::String(_)) => Err(ScimError::invalid_value(format!("{what} is too long"))),
        Some(_) => Err(ScimError::invalid_value(format!("{what} must be a string"))),
    }
}

/// A boolean attribute: `true`/`false`, or the strings `"True"`/`"False"` in any case (Entra ID
/// sends those).
fn boolean(value: &Value, what: &str) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value(format!(
            "{what} must be true or false"
        ))),
    }
}

/// A multi-valued attribute's values: a list, or a single object taken as a list of one.
fn list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The email an `emails` value gives: the primary one, else the first.
fn email_of(value: &Value) -> Result<Option<String>, ScimError> {
    let items = list(value);
    let primary = items.iter().find(|e| {
        e.as_object()
            .and_then(|o| field(o, "primary"))
            .is_some_and(|p| boolean(p, "primary").unwrap_or(false))
    });
    match primary.or(items.first()) {
        None => Ok(None),
        Some(Value::Object(o)) => text(field(o, "value"), "emails.value"),
        Some(Value::String(s)) => text(Some(&Value::String(s.clone())), "emails.value"),
        Some(_) => Err(ScimError::invalid_value("emails must be a list of objects")),
    }
}

// --- Users ---------------------------------------------------------------------------------

/// A member as SCIM writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserState {
    pub user_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub active: bool,
}

impl UserState {
    /// What a POST or PUT body says (a PUT replaces everything: what it leaves out is cleared,
    /// and `active` is true unless it says otherwise).
    pub fn from_json(body: &Value) -> Result<UserState, ScimError> {
        let o = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("a User must be a JSON object"))?;
        let mut state = UserState {
            user_name: None,
            given_name: None,
            family_name: None,
            display_name: None,
            email: None,
            external_id: None,
            active: true,
        };
        for (key, value) in o {
            let path = Path {
                attr: attribute_name(key),
                filter: None,
                sub: None,
            };
            if matches!(path.attr.as_str(), "schemas" | "id" | "meta" | "groups") {
                continue;
            }
            state.apply(PatchKind::Replace, &path, Some(value))?;
        }
        Ok(state)
    }

    /// The state of a stored member.
    pub fn of(user: &ScimUser) -> UserState {
        UserState {
            user_name: Some(user.user_name.clone().unwrap_or_else(|| user.email.clone())),
            given_name: user.given_name.clone(),
            family_name: user.family_name.clone(),
            display_name: user
                .display_name
                .clone()
                .or_else(|| user.user_name.is_none().then(|| user.name.clone())),
            email: Some(user.email.clone()),
            external_id: user.external_id.clone(),
            active: user.suspended_at.is_none(),
        }
    }

    /// One PATCH operation (or one attribute of a POST/PUT body, as a replace).
    fn apply(
        &mut self,
        kind: PatchKind,
        path: &Path,
        value: Option<&Value>,
    ) -> Result<(), ScimError> {
        let remove = kind == PatchKind::Remove;
        let sub = path.sub.as_deref();
        match (path.attr.as_str(), sub) {
            ("username", None) => {
                if remove {
                    return Err(ScimError::invalid_value("userName is required"));
                }
                self.user_name = text(value, "userName")?;
            }
            ("displayname", None) => {
                self.display_name = if remove {
                    None
                } else {
                    text(value, "displayName")?
                };
            }
            ("externalid", None) => {
                self.external_id = if remove {
                    None
                } else {
                    text(value, "externalId")?
                };
            }
            ("active", None) => {
                if remove {
                    return Err(ScimError::invalid_value(
                        "active cannot be removed: set it to true or false",
                    ));
                }
                let value =
                    value.ok_or_else(|| ScimError::invalid_value("active needs a value"))?;
                self.active = boolean(value, "active")?;
            }
            ("name", None) => match (remove, value) {
                (true, _) | (false, None | Some(Value::Null)) => {
                    self.given_name = None;
                    self.family_name = None;
                }
                (false, Some(Value::Object(o))) => {
                    // Sub-attributes left out stay as they were (RFC 7644 §3.5.2.3); a POST or
                    // PUT starts from nothing anyway.
                    if let Some(v) = field(o, "givenname") {
                        self.given_name = text(Some(v), "name.givenName")?;
                    }
                    if let Some(v) = field(o, "familyname") {
                        self.family_name = text(Some(v), "name.familyName")?;
                    }
                }
                (false, Some(_)) => return Err(ScimError::invalid_value("name must be an object")),
            },
            ("name", Some("givenname")) => {
                self.given_name = if remove {
                    None
                } else {
                    text(value, "name.givenName")?
                };
            }
            ("name", Some("familyname")) => {
                self.family_name = if remove {
                    None
                } else {
                    text(value, "name.familyName")?
                };
            }
            ("name", Some(_)) => {} // formatted, middleName, …: not kept
            ("emails", None | Some("value")) => {
                if remove {
                    return Err(ScimError::invalid_value(
                        "emails cannot be removed: a member needs an email address",
                    ));
                }
                // `emails[type eq "work"].value` and `emails.value` carry the address itself.
                let email = match (sub, value) {
                    (Some(_), v) => text(v, "emails.value")?,
                    (None, Some(v)) if path.filter.is_some() && v.is_string() => {
                        text(Some(v), "emails.value")?
                    }
                    (None, Some(v)) => email_of(v)?,
                    (None, None) => None,
                };
                if email.is_some() {
                    self.email = email;
                }
            }
            ("emails", Some(_)) => {} // type, display: not kept
            ("groups", _) if kind != PatchKind::Replace || value.is_some_and(|v| !v.is_null()) => {
                return Err(ScimError::mutability(
                    "groups is read-only: change a team's members through Groups",
                ));
            }
            _ => {} // an attribute Levelfield does not keep
        }
        Ok(())
    }

    /// Applies a PATCH request's operations in order.
    pub fn patch(&mut self, ops: &[PatchOperation]) -> Result<(), ScimError> {
        for op in ops {
            match &op.path {
                Some(path) => {
                    let path = filter::parse_path(path)
                        .map_err(|e| ScimError::invalid_path(e.to_string()))?;
                    self.apply(op.kind, &path, op.value.as_ref())?;
                }
                None => {
                    // Path-less: the value is an object of attributes (Okta; Entra ID, with
                    // dotted keys such as `name.givenName`).
                    if op.kind == PatchKind::Remove {
                        return Err(ScimError::no_target("remove needs a path"));
                    }
                    let o = op
                        .value
                        .as_ref()
                        .and_then(Value::as_object)
                        .ok_or_else(|| {
                            ScimError::invalid_value("a PATCH without a path needs an object value")
                        })?;
                    for (key, value) in o {
                        let path = filter::parse_path(key)
                            .map_err(|e| ScimError::invalid_path(e.to_string()))?;
                        self.apply(op.kind, &path, Some(value))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Base URLs for `$ref` and `meta.location`.
pub struct Base<'a>(pub &'a str);

impl Base<'_> {
    pub fn user(&self, user: UserId) -> String {
        format!("{}/Users/{}", self.0, user.0)
    }
    pub fn group(&self, team: TeamId) -> String {
        format!("{}/Groups/{}", self.0, team.0)
    }
}

/// A member as SCIM reads them.
pub fn user_json(base: &Base, user: &ScimUser) -> Value {
    let state = UserState::of(user);
    let mut o = Map::new();
    o.insert("schemas".into(), json!([USER_SCHEMA]));
    o.insert("id".into(), json!(user.user.0.to_string()));
    if let Some(x) = &state.external_id {
        o.insert("externalId".into(), json!(x));
    }
    o.insert("userName".into(), json!(state.user_name));
    if state.given_name.is_some() || state.family_name.is_some() {
        let mut name = Map::new();
        if let Some(g) = &state.given_name {
            name.insert("givenName".into(), json!(g));
        }
        if let Some(f) = &state.family_name {
            name.insert("familyName".into(), json!(f));
        }
        o.insert("name".into(), Value::Object(name));
    }
    if let Some(d) = &state.display_name {
        o.insert("displayName".into(), json!(d));
    }
    o.insert(
        "emails".into(),
        json!([{ "value": user.email, "primary": true }]),
    );
    o.insert("active".into(), json!(state.active));
    if !user.groups.is_empty() {
        let groups: Vec<Value> = user
            .groups
            .iter()
            .map(|(id, name)| json!({ "value": id.0.to_string(), "$ref": base.group(*id), "display": name }))
            .collect();
        o.insert("groups".into(), Value::Array(groups));
    }
    o.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": user.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "location": base.user(user.user),
        }),
    );
    Value::Object(o)
}

impl Subject for ScimUser {
    fn values(&self, attr: &Attr) -> Option<Vec<String>> {
        let state = UserState::of(self);
        let one = |v: Option<String>| Some(v.into_iter().collect());
        match (attr.name.as_str(), attr.sub.as_deref()) {
            ("id", None) => Some(vec![self.user.0.to_string()]),
            ("username", None) => one(state.user_name),
            ("externalid", None) => one(state.external_id),
            ("displayname", None) => one(state.display_name),
            ("emails", None | Some("value")) => Some(vec![self.email.clone()]),
            ("name", Some("givenname")) => one(state.given_name),
            ("name", Some("familyname")) => one(state.family_name),
            ("active", None) => Some(vec![state.active.to_string()]),
            ("groups", None | Some("value")) => {
                Some(self.groups.iter().map(|(t, _)| t.0.to_string()).collect())
            }
            _ => None,
        }
    }

    fn case_exact(&self, attr: &Attr) -> bool {
        matches!(attr.name.as_str(), "id" | "externalid")
    }

    fn within(&self, attr: &str) -> Option<Vec<Box<dyn Subject + '_>>> {
        (attr == "emails")
            .then(|| vec![Box::new(EmailValue(self.email.clone())) as Box<dyn Subject>])
    }
}

/// A member's one email, for `emails[…]` filters (its type is taken to be whatever is asked).
struct EmailValue(String);

impl Subject for EmailValue {
    fn values(&self, attr: &Attr) -> Option<Vec<String>> {
        match attr.name.as_str() {
            "value" => Some(vec![self.0.clone()]),
            "primary" => Some(vec!["true".into()]),
            "type" => Some(vec!["work".into()]),
            _ => None,
        }
    }
    fn case_exact(&self, _: &Attr) -> bool {
        false
    }
}

// --- Groups --------------------------------------------------------------------------------

/// A team as SCIM writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    pub display_name: Option<String>,
    pub external_id: Option<String>,
    pub members: Vec<UserId>,
}

/// A member id as SCIM gives it (`"12"`); anything else is `invalidValue`.
fn member_id(value: &Value) -> Result<UserId, ScimError> {
    let id = match value {
        Value::Object(o) => field(o, "value").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    let parsed = match &id {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    parsed
        .filter(|n| *n > 0)
        .map(UserId)
        .ok_or_else(|| ScimError::invalid_value(format!("{id} is not the id of a User here")))
}

impl GroupState {
    pub fn from_json(body: &Value) -> Result<GroupState, ScimError> {
        let o = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("a Group must be a JSON object"))?;
        let mut state = GroupState {
            display_name: None,
            external_id: None,
            members: Vec::new(),
        };
        for (key, value) in o {
            let path = Path {
                attr: attribute_name(key),
                filter: None,
                sub: None,
            };
            if matches!(path.attr.as_str(), "schemas" | "id" | "meta") {
                continue;
            }
            state.apply(PatchKind::Replace, &path, Some(value))?;
        }
        Ok(state)
    }

    pub fn of(group: &ScimGroup) -> GroupState {
        GroupState {
            display_name: Some(group.name.clone()),
            external_id: group.external_id.clone(),
            members: group.members.iter().map(|(u, _)| *u).collect(),
        }
    }

    fn apply(
        &mut self,
        kind: PatchKind,
        path: &Path,
        value: Option<&Value>,
    ) -> Result<(), ScimError> {
        let remove = kind == PatchKind::Remove;
        match (path.attr.as_str(), path.sub.as_deref()) {
            ("displayname", None) => {
                if remove {
                    return Err(ScimError::invalid_value("displayName is required"));
                }
                self.display_name = text(value, "displayName")?;
            }
            ("externalid", None) => {
                self.external_id = if remove {
                    None
                } else {
                    text(value, "externalId")?
                };
            }
            ("members", None | Some("value")) => {
                let given: Vec<UserId> = match value {
                    None | Some(Value::Null) => Vec::new(),
                    Some(v) if path.sub.is_some() && !v.is_array() => vec![member_id(v)?],
                    Some(v) => list(v)
                        .into_iter()
                        .map(member_id)
                        .collect::<Result<_, _>>()?,
                };
                match (kind, &path.filter) {
                    // `members[value eq "12"]`: only the members the filter names.
                    (PatchKind::Remove, Some(f)) => {
                        let mut keep = Vec::new();
                        for m in &self.members {
                            if !filter::matches(f, &MemberValue(*m))
                                .map_err(|e| ScimError::invalid_filter(e.to_string()))?
                            {
                                keep.push(*m);
                            }
                        }
                        self.members = keep;
                    }
                    // A value lists the members to remove (Entra ID, Okta); none: all of them.
                    (PatchKind::Remove, None) if value.is_some_and(|v| !v.is_null()) => {
                        self.members.retain(|m| !given.contains(m));
                    }
                    (PatchKind::Remove, None) => self.members.clear(),
                    (PatchKind::Add, _) => {
                        for m in given {
                            if !self.members.contains(&m) {
                                self.members.push(m);
                            }
                        }
                    }
                    (PatchKind::Replace, _) => self.members = given,
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub fn patch(&mut self, ops: &[PatchOperation]) -> Result<(), ScimError> {
        for op in ops {
            match &op.path {
                Some(path) => {
                    let path = filter::parse_path(path)
                        .map_err(|e| ScimError::invalid_path(e.to_string()))?;
                    self.apply(op.kind, &path, op.value.as_ref())?;
                }
                None => {
                    if op.kind == PatchKind::Remove {
                        return Err(ScimError::no_target("remove needs a path"));
                    }
                    let o = op
                        .value
                        .as_ref()
                        .and_then(Value::as_object)
                        .ok_or_else(|| {
                            ScimError::invalid_value("a PATCH without a path needs an object value")
                        })?;
                    for (key, value) in o {
                        let path = filter::parse_path(key)
                            .map_err(|e| ScimError::invalid_path(e.to_string()))?;
                        self.apply(op.kind, &path, Some(value))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A team member, for `members[value eq "…"]`.
struct MemberValue(UserId);

impl Subject for MemberValue {
    fn values(&self, attr: &Attr) -> Option<Vec<String>> {
        match attr.name.as_str() {
            "value" => Some(vec![self.0 .0.to_string()]),
            "type" => Some(vec!["User".into()]),
            _ => None,
        }
    }
    fn case_exact(&self, _: &Attr) -> bool {
        true
    }
}

pub fn group_json(base: &Base, group: &ScimGroup) -> Value {
    let mut o = Map::new();
    o.insert("schemas".into(), json!([GROUP_SCHEMA]));
    o.insert("id".into(), json!(group.team.0.to_string()));
    if let Some(x) = &group.external_id {
        o.insert("externalId".into(), json!(x));
    }
    o.insert("displayName".into(), json!(group.name));
    if !group.members.is_empty() {
        let members: Vec<Value> = group
            .members
            .iter()
            .map(
                |(u, _)| json!({ "value": u.0.to_string(), "$ref": base.user(*u), "type": "User" }),
            )
            .collect();
        o.insert("members".into(), Value::Array(members));
    }
    o.insert(
        "meta".into(),
        json!({ "resourceType": "Group", "location": base.group(group.team) }),
    );
    Value::Object(o)
}

impl Subject for ScimGroup {
    fn values(&self, attr: &Attr) -> Option<Vec<String>> {
        match (attr.name.as_str(), attr.sub.as_deref()) {
            ("id", None) => Some(vec![self.team.0.to_string()]),
            ("displayname", None) => Some(vec![self.name.clone()]),
            ("externalid", None) => Some(self.external_id.iter().cloned().collect()),
            ("members", None | Some("value")) => {
                Some(self.members.iter().map(|(u, _)| u.0.to_string()).collect())
            }
            _ => None,
        }
    }

    fn case_exact(&self, attr: &Attr) -> bool {
        attr.name != "displayname"
    }

    fn within(&self, attr: &str) -> Option<Vec<Box<dyn Subject + '_>>> {
        (attr == "members").then(|| {
            self.members
                .iter()
                .map(|(u, _)| Box::new(MemberValue(*u)) as Box<dyn Subject>)
                .collect()
        })
    }
}

// --- PATCH requests ------------------------------------------------------------------------

/// A PATCH operation's kind; the name is read in any case (Entra ID sends `Replace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    Add,
    Remove,
    Replace,
}

impl<'de> Deserialize<'de> for PatchKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.to_ascii_lowercase().as_str() {
            "add" => Ok(PatchKind::Add),
            "remove" => Ok(PatchKind::Remove),
            "replace" => Ok(PatchKind::Replace),
            other => Err(serde::de::Error::custom(format!(
                "unknown PATCH op `{other}`: use add, remove or replace"
            ))),
        }
    }
}

/// One operation of a PATCH request.
#[derive(Debug, Clone, Deserialize)]
pub struct PatchOperation {
    #[serde(rename = "op", alias = "Op", alias = "OP")]
    pub kind: PatchKind,
    #[serde(default, alias = "Path")]
    pub path: Option<String>,
    #[serde(default, alias = "Value")]
    pub value: Option<Value>,
}

/// A PATCH request (`urn:…:PatchOp`).
#[derive(Debug, Clone, Deserialize)]
pub struct PatchRequest {
    #[serde(default)]
    pub schemas: Vec<String>,
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<PatchOperation>,
}

impl PatchRequest {
    pub fn parse(body: &[u8]) -> Result<PatchRequest, ScimError> {
        let req: PatchRequest = serde_json::from_slice(body)
            .map_err(|e| ScimError::invalid_syntax(format!("not a PATCH request: {e}")))?;
        if !req.schemas.is_empty() && !req.schemas.iter().any(|s| s == PATCH_SCHEMA) {
            return Err(ScimError::invalid_syntax(format!(
                "a PATCH request's schemas must include {PATCH_SCHEMA}"
            )));
        }
        Ok(req)
    }
}

// --- Lists and projection ------------------------------------------------------------------

/// Keeps what `attributes` asks for (plus `schemas` and `id`), or drops what
/// `excludedAttributes` names (never `schemas` or `id`); names compare as in a filter.
pub fn project(mut resource: Value, attributes: &[String], excluded: &[String]) -> Value {
    let top = |name: &str| {
        let name = attribute_name(name);
        name.split('.').next().unwrap_or_default().to_string()
    };
    if let Value::Object(o) = &mut resource {
        if !attributes.is_empty() {
            let keep: Vec<String> = attributes.iter().map(|a| top(a)).collect();
            o.retain(|k, _| {
                matches!(k.as_str(), "schemas" | "id") || keep.contains(&k.to_ascii_lowercase())
            });
        } else if !excluded.is_empty() {
            let drop: Vec<String> = excluded.iter().map(|a| top(a)).collect();
            o.retain(|k, _| {
                matches!(k.as_str(), "schemas" | "id") || !drop.contains(&k.to_ascii_lowercase())
            });
        }
    }
    resource
}

/// A comma-separated attribute list (`attributes=userName,emails`).
pub fn attribute_list(param: Option<&str>) -> Vec<String> {
    param
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A filter query parameter, parsed (`invalidFilter` when it cannot be).
pub fn parse_filter(param: Option<&str>) -> Result<Option<Filter>, ScimError> {
    match param.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(f) => filter::parse_filter(f)
            .map(Some)
            .map_err(|e| ScimError::invalid_filter(e.to_string())),
    }
}

/// The resources that match `filter`, in order.
pub fn select<'a, T: Subject>(items: &'a [T], f: Option<&Filter>) -> Result<Vec<&'a T>, ScimError> {
    let mut out = Vec::new();
    for item in items {
        let keep = match f {
            None => true,
            Some(f) => {
                filter::matches(f, item).map_err(|e| ScimError::invalid_filter(e.to_string()))?
            }
        };
        if keep {
            out.push(item);
        }
    }
    Ok(out)
}

/// Pagination (RFC 7644 §3.4.2.4): `startIndex` from 1, `count` at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub start: usize,
    pub count: usize,
}

impl Page {
    pub const MAX: usize = 200;

    pub fn new(start: Option<i64>, count: Option<i64>) -> Page {
        Page {
            start: start.filter(|s| *s >= 1).map_or(1, |s| s as usize),
            count: count.map_or(Self::MAX, |c| c.clamp(0, Self::MAX as i64) as usize),
        }
    }
}

/// A ListResponse of `items` (already projected) with `total` matches in all.
pub fn list_response(total: usize, page: Page, items: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": page.start,
        "itemsPerPage": items.len(),
        "Resources": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn stored(user_name: Option<&str>) -> ScimUser {
        ScimUser {
            user: UserId(7),
            email: "ada@example.org".into(),
            name: "Ada Lovelace".into(),
            created_at: Utc::now(),
            user_name: user_name.map(str::to_string),
            given_name: None,
            family_name: None,
            display_name: None,
            external_id: None,
            suspended_at: None,
            groups: vec![],
        }
    }

    fn ops(body: Value) -> Vec<PatchOperation> {
        PatchRequest::parse(body.to_string().as_bytes())
            .unwrap()
            .operations
    }

    #[test]
    fn entra_quirks() {
        let mut s = UserState::of(&stored(Some("ada@example.org")));
        // Capitalised op names, "False" strings, a filtered email path, dotted path-less keys.
        s.patch(&ops(json!({
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "Replace", "path": "active", "value": "False"},
                {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "ada@new.example"},
                {"op": "replace", "value": {"displayName": "Ada L.", "name.givenName": "Ada"}},
            ]
        })))
        .unwrap();
        assert!(!s.active);
        assert_eq!(s.email.as_deref(), Some("ada@new.example"));
        assert_eq!(s.display_name.as_deref(), Some("Ada L."));
        assert_eq!(s.given_name.as_deref(), Some("Ada"));
    }

    #[test]
    fn okta_shapes() {
        let mut s = UserState::of(&stored(None));
        s.patch(&ops(json!({
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "replace", "value": {"active": false}}]
        })))
        .unwrap();
        assert!(!s.active);
        let body = json!({
            "schemas": [USER_SCHEMA],
            "userName": "ada@example.org",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"primary": true, "value": "ada@example.org", "type": "work"}],
            "displayName": "Ada Lovelace",
            "locale": "en-US",
            "externalId": "00u1",
            "groups": [],
            "password": "ignored",
            "active": true
        });
        let s = UserState::from_json(&body).unwrap();
        assert_eq!(s.user_name.as_deref(), Some("ada@example.org"));
        assert_eq!(s.family_name.as_deref(), Some("Lovelace"));
        assert_eq!(s.external_id.as_deref(), Some("00u1"));
        assert!(s.active);
    }

    #[test]
    fn group_members() {
        let group = ScimGroup {
            team: TeamId(3),
            name: "Alpha".into(),
            external_id: None,
            members: vec![
                (UserId(1), "A".into()),
                (UserId(2), "B".into()),
                (UserId(3), "C".into()),
            ],
        };
        let mut g = GroupState::of(&group);
        g.patch(&ops(json!({"Operations": [
            {"op": "Remove", "path": "members", "value": [{"value": "2"}]},
        ]})))
        .unwrap();
        assert_eq!(
            g.members,
            vec![UserId(1), UserId(3)],
            "only the listed member goes"
        );
        g.patch(&ops(json!({"Operations": [
            {"op": "remove", "path": "members[value eq \"3\"]"},
            {"op": "add", "path": "members", "value": [{"value": "9"}, {"value": "1"}]},
        ]})))
        .unwrap();
        assert_eq!(g.members, vec![UserId(1), UserId(9)]);
        assert!(g
            .patch(&ops(
                json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "x"}]}]})
            ))
            .is_err());
        g.patch(&ops(
            json!({"Operations": [{"op": "remove", "path": "members"}]}),
        ))
        .unwrap();
        assert!(g.members.is_empty());
    }

    #[test]
    fn projection_and_pages() {
        let v =
            json!({"schemas": [USER_SCHEMA], "id": "1", "userName": "a", "emails": [], "meta": {}});
        let p = project(
            v.clone(),
            &["urn:ietf:params:scim:schemas:core:2.0:User:userName".into()],
            &[],
        );
        assert_eq!(
            p,
            json!({"schemas": [USER_SCHEMA], "id": "1", "userName": "a"})
        );
        let p = project(v, &[], &["emails".into(), "id".into()]);
        assert_eq!(
            p,
            json!({"schemas": [USER_SCHEMA], "id": "1", "userName": "a", "meta": {}})
        );
        assert_eq!(Page::new(Some(0), Some(-3)), Page { start: 1, count: 0 });
        assert_eq!(Page::new(None, Some(10_000)).count, Page::MAX);
    }
}
