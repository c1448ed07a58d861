//! Building the application: content, store, state and the axum router. A composition root,
//! like `main.rs` and `app.rs`: it imports `features` (each route's handler) and `app` (the
//! pages), which no file under `server/` may do.

use crate::app::{shell, App};
use crate::courseware;
use crate::features::{
    account, admin, check, literacy, me, module, quiz, scim, self_service, sso, teams,
};
use crate::server::config::Config;
use crate::server::security::{no_store_for_viewers, same_origin_only, FALLBACK_POLICY, HSTS};
use crate::server::state::{AppState, LibraryHandle};
use crate::store::{self, ConnectError, ModuleRecord, Store, StoreError};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database")]
    Connect(#[from] ConnectError),
    #[error("cannot register the content's modules")]
    Store(#[from] StoreError),
    #[error("cannot prepare single sign-on")]
    Sso(#[from] crate::server::sso::SsoError),
}

/// Loads the content tree, logging every problem; the valid modules are served.
pub fn load_content(config: &Config) -> courseware::LoadOutcome {
    let outcome = courseware::load(&config.content_dir);
    for e in &outcome.errors {
        tracing::warn!("{e}");
    }
    tracing::info!(
        modules = outcome.library.modules().len(),
        skills = outcome.library.skills().len(),
        roles = outcome.library.roles().len(),
        problems = outcome.errors.len(),
        "content loaded from {}",
        config.content_dir.display()
    );
    outcome
}

/// Records the served modules in the store's registry.
pub async fn register_modules(
    store: &dyn Store,
    library: &crate::domain::catalogue::Library,
) -> Result<(), StoreError> {
    let records: Vec<ModuleRecord> = library
        .modules()
        .iter()
        .map(|m| ModuleRecord {
            id: m.id.0.clone(),
            slug: m.slug.clone(),
            title: m.title.clone(),
            content_hash: format!("{:016x}", m.content_hash),
            present: true,
        })
        .collect();
    store.sync_modules(&records).await
}

/// Opens the store, loads content and builds the state.
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    let store = store::connect_with(&config.database_url, &config.pool_settings()).await?;
    let outcome = load_content(&config);
    register_modules(store.as_ref(), &outcome.library).await?;
    let hashing = crate::server::auth::Hashing::new(config.hash_concurrency, config.hash_wait);
    Ok(AppState {
        leptos_options,
        library: LibraryHandle::new(outcome.library),
        store,
        config: Arc::new(config),
        hashing: Arc::new(hashing),
        sso: Arc::new(crate::server::sso::Providers::new()?),
    })
}

/// Watches the content folder and swaps in a freshly loaded library on every change.
pub fn watch_content(state: &AppState) -> Option<notify::RecommendedWatcher> {
    let handle = state.library.clone();
    let config = state.config.clone();
    let store = state.store.clone();
    let runtime = tokio::runtime::Handle::current();
    let result = courseware::watch::watch(&state.config.content_dir, move || {
        let outcome = load_content(&config);
        let store = store.clone();
        let library = outcome.library;
        if let Err(e) = runtime.block_on(register_modules(store.as_ref(), &library)) {
            tracing::error!(error = %e, "could not register modules after reload");
        }
        handle.replace(library);
        tracing::info!("content reloaded");
    });
    match result {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the content folder; restart to pick up changes");
            None
        }
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let max_body = state.config.max_body_bytes;
    let options = state.leptos_options.clone();
    let https = state.config.https();
    let app = Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/favicon.svg", get(favicon))
        .route("/content/{*path}", get(module::assets::content_asset))
        .route("/modules/{slug}/quiz", post(quiz::form::quiz_form))
        .route(
            "/modules/{slug}/progress",
            post(module::actions::record_reading),
        )
        .route("/modules/{slug}/task", post(module::actions::submit_task))
        .route(
            "/teams/{team}/tasks/{submission}",
            post(teams::actions::score_task),
        )
        .route("/setup", post(account::actions::setup))
        .route("/login", post(account::actions::login))
        .route("/logout", post(account::actions::logout))
        .route("/login/sso/start", get(sso::actions::start))
        .route("/login/sso/callback", get(sso::actions::callback))
        .route("/login/sso/link", post(sso::actions::link))
        .route("/admin/sso", post(sso::actions::save_config))
        .route("/admin/members/{user}/sso", post(sso::actions::admin_link))
        .route(
            "/admin/members/{user}/sso/unlink",
            post(sso::actions::admin_unlink),
        )
        .route("/join", post(account::actions::join))
        .route("/account/password", post(account::actions::change_password))
        .route("/me/ratings", post(me::actions::save_ratings))
        .route("/me/export", get(self_service::export::my_data_json))
        .route(
            "/me/sessions/end-others",
            post(self_service::actions::end_other_sessions),
        )
        .route("/me/sessions/end", post(self_service::actions::end_session))
        .route("/me/erasure", post(self_service::actions::request_erasure))
        .route(
            "/me/erasure/withdraw",
            post(self_service::actions::withdraw_erasure),
        )
        .route("/reset", post(self_service::actions::use_reset))
        .route(
            "/admin/accounts/{user}/erase",
            post(self_service::actions::confirm_erasure),
        )
        .route(
            "/admin/accounts/{user}/reset",
            post(self_service::actions::issue_reset),
        )
        .route(
            "/admin/accounts/{user}/sessions/end",
            post(self_service::actions::end_member_sessions),
        )
        .route("/skills/{id}/check", post(check::actions::answer))
        .route("/admin/teams", post(admin::actions::create_team))
        .route(
            "/admin/invitations",
            post(admin::actions::create_invitation),
        )
        .route(
            "/admin/invitations/{id}/revoke",
            post(admin::actions::revoke_invitation),
        )
        .route("/admin/members/{user}", post(admin::actions::assign))
        .route("/admin/members/{user}/remove", post(admin::actions::remove))
        .route(
            "/admin/members/{user}/suspend",
            post(admin::actions::suspend),
        )
        .route(
            "/admin/members/{user}/reactivate",
            post(admin::actions::reactivate),
        )
        .route(
            "/admin/members/{user}/target-role",
            post(admin::actions::set_member_role),
        )
        .route(
            "/admin/teams/{team}/target-role",
            post(admin::actions::set_team_role),
        )
        .route("/org/scarcity", post(admin::actions::set_scarcity))
        .route("/admin/scim/tokens", post(scim::actions::create_token))
        .route(
            "/admin/scim/tokens/{id}/rotate",
            post(scim::actions::rotate_token),
        )
        .route(
            "/admin/scim/tokens/{id}/revoke",
            post(scim::actions::revoke_token),
        )
        .merge(scim_api())
        .route(
            "/teams/{team}/skills.csv",
            get(teams::export::team_skills_csv),
        )
        .route("/teams/{team}/gaps.csv", get(teams::export::team_gaps_csv))
        .route("/org/literacy.csv", get(literacy::export::literacy_csv))
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(no_store_for_viewers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::server::auth::load_viewer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.config.clone(),
            same_origin_only,
        ))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages set their own nonce-based policy (`app::shell`); everything else may load nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FALLBACK_POLICY),
        ))
        .layer(tower::util::option_layer(https.then(|| {
            SetResponseHeaderLayer::overriding(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static(HSTS),
            )
        })))
        .with_state(state);
    crate::server::trace::wrap(app)
}

/// The SCIM 2.0 API (`features/scim/handlers.rs`) under `/scim/v2`: bearer tokens only (the
/// session middleware skips it; the same-origin check does not apply). A method a route does not
/// serve is 405; a path it does not know is a SCIM 404.
fn scim_api() -> Router<AppState> {
    use scim::handlers as h;
    let api = Router::new()
        .route("/ServiceProviderConfig", get(h::service_provider_config))
        .route("/ResourceTypes", get(h::list_resource_types))
        .route("/ResourceTypes/{id}", get(h::resource_type))
        .route("/Schemas", get(h::list_schemas))
        .route("/Schemas/{id}", get(h::schema))
        .route("/Users", get(h::list_users).post(h::create_user))
        .route("/Users/.search", post(h::search_users))
        .route(
            "/Users/{id}",
            get(h::get_user)
                .put(h::replace_user)
                .patch(h::patch_user)
                .delete(h::delete_user),
        )
        .route("/Groups", get(h::list_groups).post(h::create_group))
        .route("/Groups/.search", post(h::search_groups))
        .route(
            "/Groups/{id}",
            get(h::get_group)
                .put(h::replace_group)
                .patch(h::patch_group)
                .delete(h::delete_group),
        )
        .route("/.search", post(h::search_all))
        .route("/", any(h::not_found))
        .route("/{*rest}", any(h::not_found));
    Router::new().nest(crate::server::security::SCIM_BASE, api)
}

/// `GET /favicon.svg`: the site's icon (`public/favicon.svg`, also copied into the site root by
/// cargo-leptos), served from the binary so that it never 404s.
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../public/favicon.svg"),
    )
        .into_response()
}

/// `GET /healthz`: liveness. 200 while the process serves requests; never touches the
/// database, so an orchestrator does not restart a healthy server during a database outage.
async fn health() -> Response {
    (StatusCode::OK, "ok").into_response()
}

/// `GET /readyz`: readiness. 200 when the database answers within its acquire timeout (plus
/// half a second) and its applied migrations are exactly the ones this binary embeds; else 503
/// with a JSON reason. A load balancer sends traffic only to ready servers.
async fn ready(State(state): State<AppState>) -> Response {
    let limit = state.config.db_acquire_timeout + std::time::Duration::from_millis(500);
    let checked = tokio::time::timeout(limit, async {
        state.store.ping().await?;
        state.store.migration_state().await
    })
    .await;
    let not_ready = |reason: String| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
            axum::Json(serde_json::json!({ "status": "unavailable", "reason": reason })),
        )
            .into_response()
    };
    match checked {
        Err(_) => {
            tracing::warn!("readiness: the database did not answer within {limit:?}");
            not_ready(format!(
                "database did not answer within {} ms",
                limit.as_millis()
            ))
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %crate::error::chain(&e), "readiness: database unavailable");
            not_ready("database unreachable".into())
        }
        Ok(Ok(m)) if !m.current() => not_ready(format!(
            "migrations not current: pending {:?}, unknown {:?}",
            m.pending, m.unknown
        )),
        Ok(Ok(_)) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({ "status": "ready" })),
        )
            .into_response(),
    }
}
