//! Single sign-on with an organisation's OpenID provider, Levelfield as the relying party: the
//! provider's discovery document and signing keys (cached per issuer; the keys are fetched again
//! when an ID token names a key that is not in the cache), the authorization request (code flow,
//! PKCE S256, state and nonce), the code exchange, ID-token verification (signature against the
//! provider's JWKS, `iss` exactly the configured issuer, `aud`, `exp`, `nonce`), userinfo, and
//! the RP-initiated logout address. All of the JOSE work is the `openidconnect` crate's; HTTP is
//! its re-exported reqwest with rustls, redirects off and a timeout.
//!
//! What the flow decides (which account, linking, refusals' pages) is in `features::sso`.
//!
//! May use: state, config, store records, domain. Nothing of `features` or `ui`.

use super::state::AppState;
use crate::domain::people::{OrgId, UserId};
use crate::store::{SsoConfig, StoreError};
use axum::http::HeaderMap;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreIdToken, CoreJsonWebKey, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    reqwest, AccessToken, AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IdToken, IdTokenFields, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, SignatureVerificationError, StandardErrorResponse, StandardTokenResponse,
    TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The password hash of a person created at their first single sign-on: not a PHC string, so
/// no password ever matches it and local sign-in never works for them.
pub const NO_PASSWORD: &str = "!sso-only";

/// Where a sign-in comes back to, under [`base_url`].
pub const CALLBACK_PATH: &str = "/login/sso/callback";

/// How long a started sign-in (and a pending link) stays usable.
pub const FLOW_MINUTES: i64 = 10;

/// This site's address as the provider's redirects must name it: the configured public URL,
/// else (development) the request's scheme and `Host`.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.config.public_url {
        return public.origin().to_string();
    }
    let scheme = if super::auth::is_tls(state, headers) {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// The redirect URI to register at the provider.
pub fn redirect_uri(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}{CALLBACK_PATH}", base_url(state, headers))
}

/// The organisation whose switched-on single sign-on covers `email`'s domain, if any.
pub async fn config_for_email(
    state: &AppState,
    email: &str,
) -> Result<Option<SsoConfig>, StoreError> {
    let Some((_, domain)) = email.trim().rsplit_once('@') else {
        return Ok(None);
    };
    let domain = domain.to_lowercase();
    let configs = state.store.enabled_sso_configs().await?;
    Ok(configs
        .into_iter()
        .find(|c| c.email_domains.contains(&domain)))
}

/// Whether a local password sign-in is refused for member `user` of `org`: the organisation's
/// single sign-on is on and mandatory, and they are not an admin (admins keep a break-glass
/// password).
pub async fn password_refused(
    state: &AppState,
    org: OrgId,
    user: UserId,
) -> Result<bool, StoreError> {
    let Some(config) = state.store.sso_config(org).await? else {
        return Ok(false);
    };
    if !(config.enabled && config.mandatory) {
        return Ok(false);
    }
    let member = state.store.member(org, user).await?;
    Ok(!member.has(crate::domain::people::MemberRole::Admin))
}

/// How long a provider's discovery document (and keys) is used before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(60 * 60);

/// How long a request to a provider may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Claims beyond the standard ones, kept whole (groups, Entra's `oid`, whatever the organisation
/// matches on).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}
impl AdditionalClaims for ExtraClaims {}

type Metadata = ProviderMetadataWithLogout;
type IdFields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<IdFields, CoreTokenType>;
type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;
type Verifiable = IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Why a single sign-on did not go through. Each reads as a sentence the person can act on
/// ([`SsoError::message`]); the cause is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
    #[error("the issuer is not a URL: {0}")]
    IssuerUrl(String),
    #[error("discovery failed: {0}")]
    Discovery(String),
    #[error("the redirect URI is not a URL: {0}")]
    RedirectUrl(String),
    #[error("the provider refused the code: {0}")]
    Exchange(String),
    #[error("the provider answered without an ID token")]
    NoIdToken,
    #[error("the ID token is signed by a key the provider does not publish")]
    UnknownKey,
    #[error("the ID token has expired: {0}")]
    Expired(String),
    #[error("the ID token is for another audience: {0}")]
    WrongAudience(String),
    #[error("the ID token names another issuer: {0}")]
    WrongIssuer(String),
    #[error("the ID token's nonce is not this sign-in's: {0}")]
    WrongNonce(String),
    #[error("the ID token is not valid: {0}")]
    InvalidToken(String),
    #[error("userinfo failed: {0}")]
    UserInfo(String),
}

impl SsoError {
    /// A short stable name for logs and the audit log.
    pub fn reason(&self) -> &'static str {
        match self {
            SsoError::Client(_) => "http-client",
            SsoError::IssuerUrl(_) => "issuer-url",
            SsoError::Discovery(_) => "discovery",
            SsoError::RedirectUrl(_) => "redirect-uri",
            SsoError::Exchange(_) => "code-exchange",
            SsoError::NoIdToken => "no-id-token",
            SsoError::UnknownKey => "unknown-key",
            SsoError::Expired(_) => "expired-token",
            SsoError::WrongAudience(_) => "wrong-audience",
            SsoError::WrongIssuer(_) => "wrong-issuer",
            SsoError::WrongNonce(_) => "wrong-nonce",
            SsoError::InvalidToken(_) => "invalid-token",
            SsoError::UserInfo(_) => "userinfo",
        }
    }

    /// What the person is told.
    pub fn message(&self) -> &'static str {
        match self {
            SsoError::Client(_) | SsoError::IssuerUrl(_) | SsoError::Discovery(_) | SsoError::RedirectUrl(_) => {
                "Your organisation's identity provider could not be reached or is not set up correctly. Try again later, or ask your admin."
            }
            SsoError::Exchange(_) | SsoError::NoIdToken | SsoError::UserInfo(_) => {
                "Your identity provider did not complete the sign-in. Start again from the sign-in page."
            }
            SsoError::UnknownKey => {
                "The sign-in could not be verified: it was signed with a key your identity provider does not publish. Start again; if it happens again, tell your admin."
            }
            SsoError::Expired(_) => {
                "The sign-in from your identity provider had already expired. Start again from the sign-in page (and check this device's clock)."
            }
            SsoError::WrongAudience(_) => {
                "The sign-in from your identity provider was meant for another application. Start again; if it happens again, tell your admin."
            }
            SsoError::WrongIssuer(_) => {
                "The sign-in came from an identity provider other than your organisation's. Start again; if it happens again, tell your admin."
            }
            SsoError::WrongNonce(_) => {
                "That sign-in response does not belong to this sign-in (it may have been replayed). Start again from the sign-in page."
            }
            SsoError::InvalidToken(_) => {
                "The sign-in from your identity provider could not be verified. Start again; if it happens again, tell your admin."
            }
        }
    }
}

/// A provider's discovery document and keys as fetched at `fetched`.
struct Cached {
    metadata: Metadata,
    fetched: Instant,
}

/// The providers Levelfield talks to: one HTTP client, and each issuer's discovery document and
/// keys, cached. One per app, in the state.
pub struct Providers {
    http: reqwest::Client,
    cache: Mutex<HashMap<String, Cached>>,
}

/// A sign-in about to be sent to the provider: where to send the browser, and what to keep
/// (server-side) for the callback.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// What a verified sign-in says about the person.
#[derive(Debug, Clone)]
pub struct Verified {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    /// Every claim of the ID token and of userinfo beyond the standard ones (userinfo wins).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The ID token as received (kept for `id_token_hint` at sign-out).
    pub id_token: String,
}

impl Verified {
    /// The value of `claim` as text: `sub`, `email` and any other claim that is a string or a
    /// number.
    pub fn claim(&self, claim: &str) -> Option<String> {
        match claim {
            "sub" => Some(self.subject.clone()),
            "email" => self.email.clone(),
            _ => match self.extra.get(claim)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            },
        }
    }

    /// The values of `claim` as a list of text (a list of strings, or one string).
    pub fn claim_list(&self, claim: &str) -> Vec<String> {
        match self.extra.get(claim) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }
}

impl Providers {
    pub fn new() -> Result<Self, SsoError> {
        let http = reqwest::Client::builder()
            // A provider's endpoints answer directly; following a redirect is how SSRF starts.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| SsoError::Client(e.to_string()))?;
        Ok(Providers {
            http,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Fetches `issuer`'s discovery document and keys now (checking that it names exactly this
    /// issuer), and caches them. The admin page calls this on save.
    pub async fn discover_now(&self, issuer: &str) -> Result<(), SsoError> {
        self.fetch(issuer).await.map(|_| ())
    }

    async fn fetch(&self, issuer: &str) -> Result<Metadata, SsoError> {
        let url =
            IssuerUrl::new(issuer.to_string()).map_err(|e| SsoError::IssuerUrl(e.to_string()))?;
        let metadata = Metadata::discover_async(url, &self.http)
            .await
            .map_err(|e| SsoError::Discovery(crate::error::chain(&e)))?;
        let mut cache = self.cache.lock().await;
        cache.insert(
            issuer.to_string(),
            Cached {
                metadata: metadata.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(metadata)
    }

    /// `issuer`'s discovery document and keys, from the cache while fresh.
    async fn metadata(&self, issuer: &str) -> Result<Metadata, SsoError> {
        {
            let cache = self.cache.lock().await;
            if let Some(c) = cache
                .get(issuer)
                .filter(|c| c.fetched.elapsed() < METADATA_TTL)
            {
                return Ok(c.metadata.clone());
            }
        }
        self.fetch(issuer).await
    }

    /// `issuer`'s keys fetched again (an ID token named a key that was not in the cache).
    async fn refresh_keys(&self, issuer: &str, metadata: Metadata) -> Result<Metadata, SsoError> {
        let jwks = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), &self.http)
            .await
            .map_err(|e| SsoError::Discovery(crate::error::chain(&e)))?;
        let metadata = metadata.set_jwks(jwks);
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.get_mut(issuer) {
            c.metadata = metadata.clone();
        }
        tracing::info!(issuer, "provider keys fetched again for an unknown key id");
        Ok(metadata)
    }

    fn client(
        metadata: Metadata,
        config: &SsoConfig,
        redirect: &str,
    ) -> Result<OidcClient, SsoError> {
        let redirect = RedirectUrl::new(redirect.to_string())
            .map_err(|e| SsoError::RedirectUrl(e.to_string()))?;
        Ok(OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// The authorization request for `config`'s provider: code flow, PKCE (S256), a fresh
    /// state and nonce, scopes `openid email profile` (and the groups claim's name as a scope
    /// when one is configured and the provider lists it).
    pub async fn authorize(
        &self,
        config: &SsoConfig,
        redirect: &str,
        login_hint: Option<&str>,
    ) -> Result<Authorization, SsoError> {
        let metadata = self.metadata(&config.issuer).await?;
        let supported: Vec<String> = metadata
            .scopes_supported()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        let client = Self::client(metadata, config, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        if let Some(groups) = &config.groups_claim {
            if supported.iter().any(|s| s == groups) {
                request = request.add_scope(Scope::new(groups.clone()));
            }
        }
        if let Some(hint) = login_hint {
            request = request.add_extra_param("login_hint", hint.to_string());
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges `code` (with the PKCE verifier), verifies the ID token (fetching the keys again
    /// once if it names an unknown key), and asks userinfo.
    pub async fn finish(
        &self,
        config: &SsoConfig,
        redirect: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Verified, SsoError> {
        let metadata = self.metadata(&config.issuer).await?;
        let client = Self::client(metadata.clone(), config, redirect)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SsoError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Exchange(crate::error::chain(&e)))?;
        let id_token = tokens.id_token().ok_or(SsoError::NoIdToken)?.clone();
        let nonce = Nonce::new(nonce.to_string());
        let claims = match verify(&client, &id_token, &nonce) {
            Err(SsoError::UnknownKey) => {
                let metadata = self.refresh_keys(&config.issuer, metadata).await?;
                let client = Self::client(metadata, config, redirect)?;
                verify(&client, &id_token, &nonce)?
            }
            other => other?,
        };
        let subject = claims.subject().clone();
        let mut verified = Verified {
            issuer: claims.issuer().to_string(),
            subject: subject.to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified(),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            extra: claims.additional_claims().claims.clone(),
            id_token: id_token.to_string(),
        };
        if let Ok(request) = client.user_info(
            AccessToken::new(tokens.access_token().secret().clone()),
            Some(subject),
        ) {
            let info: UserInfoClaims<ExtraClaims, CoreGenderClaim> = request
                .request_async(&self.http)
                .await
                .map_err(|e| SsoError::UserInfo(crate::error::chain(&e)))?;
            if let Some(email) = info.email() {
                verified.email = Some(email.to_string());
            }
            if let Some(v) = info.email_verified() {
                verified.email_verified = Some(v);
            }
            if let Some(name) = info.name().and_then(|n| n.get(None)) {
                verified.name = Some(name.to_string());
            }
            for (k, v) in &info.additional_claims().claims {
                verified.extra.insert(k.clone(), v.clone());
            }
        }
        Ok(verified)
    }

    /// Where to send a person signing out of a session that began with `id_token`: the
    /// provider's end-session endpoint with `id_token_hint` and `post_logout_redirect_uri`, if
    /// the provider has one.
    pub async fn logout_url(
        &self,
        config: &SsoConfig,
        id_token: &str,
        after: &str,
    ) -> Option<String> {
        let metadata = match self.metadata(&config.issuer).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "no provider sign-out: discovery failed");
                return None;
            }
        };
        let endpoint = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let mut request =
            LogoutRequest::from(endpoint).set_client_id(ClientId::new(config.client_id.clone()));
        if let Ok(token) = CoreIdToken::from_str(id_token) {
            request = request.set_id_token_hint(&token);
        }
        if let Ok(after) = PostLogoutRedirectUrl::new(after.to_string()) {
            request = request.set_post_logout_redirect_uri(after);
        }
        Some(request.http_get_url().to_string())
    }
}

/// The ID token's claims, verified: signature against the provider's keys (RS256 and the other
/// asymmetric algorithms the provider lists; never `none`), `iss` exactly the issuer, `aud`
/// this client, not expired, and `nonce` this sign-in's.
fn verify<'a>(
    client: &OidcClient,
    id_token: &'a Verifiable,
    nonce: &Nonce,
) -> Result<&'a openidconnect::IdTokenClaims<ExtraClaims, CoreGenderClaim>, SsoError> {
    let verifier = client.id_token_verifier();
    id_token.claims(&verifier, nonce).map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => SsoError::UnknownKey,
        ClaimsVerificationError::Expired(m) => SsoError::Expired(m),
        ClaimsVerificationError::InvalidAudience(m) => SsoError::WrongAudience(m),
        ClaimsVerificationError::InvalidIssuer(m) => SsoError::WrongIssuer(m),
        ClaimsVerificationError::InvalidNonce(m) => SsoError::WrongNonce(m),
        other => SsoError::InvalidToken(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_read_as_text_and_lists() {
        let mut extra = serde_json::Map::new();
        extra.insert("oid".into(), serde_json::json!("0000-1111"));
        extra.insert("groups".into(), serde_json::json!(["eng", "ops", 3]));
        extra.insert("dept".into(), serde_json::json!("eng"));
        let v = Verified {
            issuer: "https://idp".into(),
            subject: "abc".into(),
            email: Some("a@b.c".into()),
            email_verified: Some(true),
            name: None,
            extra,
            id_token: String::new(),
        };
        assert_eq!(v.claim("sub").as_deref(), Some("abc"));
        assert_eq!(v.claim("oid").as_deref(), Some("0000-1111"));
        assert_eq!(v.claim("groups"), None);
        assert_eq!(v.claim_list("groups"), vec!["eng", "ops"]);
        assert_eq!(v.claim_list("dept"), vec!["eng"]);
        assert!(v.claim_list("none").is_empty());
    }
}
