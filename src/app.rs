//! The HTML shell and the route table. Server only: pages are rendered on the server, and the
//! browser hydrates just the islands. A composition root: it may import every feature.

use crate::features::account::{AccountPage, JoinPage, LoginPage, SetupPage};
use crate::features::admin::{ActivityPage, AdminPage, OrgSkillsPage, ScarcityPage};
use crate::features::author::ItemsPage;
use crate::features::catalogue::{CataloguePage, GlossaryPage};
use crate::features::check::SkillCheckPage;
use crate::features::literacy::LiteracyPage;
use crate::features::me::{MyLearningPage, MySkillsPage, PrivacyPage, ProficiencyDocPage};
use crate::features::module::ModulePage;
use crate::features::scim::ScimAdminPage;
use crate::features::self_service::{AccountsAdminPage, MyDataPage, ResetPage, SessionsPage};
use crate::features::skills::{SkillPage, SkillsPage};
use crate::features::sso::{AdminSsoPage, SsoLinkPage};
use crate::features::teams::{TeamPage, TeamPersonPage, TeamSkillsPage, TeamTasksPage, TeamsPage};
use crate::server::ctx;
use crate::server::security::page_policy;
use crate::ui::{Account, NotFound, SiteFooter, SiteHeader};
use axum::http::{header, HeaderValue};
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around every page. Every inline script Leptos writes carries the request's
/// nonce, and the response's Content-Security-Policy names it (`server::security`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    if use_nonce().is_none() {
        provide_nonce();
    }
    if let (Some(nonce), Some(res)) = (use_nonce(), use_context::<ResponseOptions>()) {
        // `AutoReload` renders only under `cargo leptos watch`, which sets LEPTOS_WATCH.
        let live_reload = std::env::var("LEPTOS_WATCH").is_ok();
        if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce, live_reload)) {
            res.insert_header(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <link rel="stylesheet" id="leptos" href="/pkg/levelfield.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The route table: every page of the site, in one place.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let account = ctx::viewer().map(|v| Account {
        admin: v.is_admin(),
        author: v.may_author(),
        manager: !v.manages.is_empty(),
        name: v.name,
    });
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Levelfield".to_string() } else { format!("{t} · Levelfield") } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader account=account />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=CataloguePage />
                    <Route path=path!("/modules/:slug") view=ModulePage ssr=SsrMode::Async />
                    <Route path=path!("/skills") view=SkillsPage />
                    <Route path=path!("/glossary") view=GlossaryPage />
                    <Route path=path!("/skills/:id") view=SkillPage />
                    <Route path=path!("/skills/:id/check") view=SkillCheckPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <Route path=path!("/join") view=JoinPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage />
                    <Route path=path!("/me") view=MyLearningPage ssr=SsrMode::Async />
                    <Route path=path!("/me/skills") view=MySkillsPage ssr=SsrMode::Async />
                    <Route path=path!("/me/privacy") view=PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("/me/sessions") view=SessionsPage ssr=SsrMode::Async />
                    <Route path=path!("/me/data") view=MyDataPage ssr=SsrMode::Async />
                    <Route path=path!("/reset") view=ResetPage ssr=SsrMode::Async />
                    <Route path=path!("/docs/proficiency") view=ProficiencyDocPage />


                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/activity") view=ActivityPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/sso") view=AdminSsoPage ssr=SsrMode::Async />
                    <Route path=path!("/login/sso/link") view=SsoLinkPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/accounts") view=AccountsAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/scim") view=ScimAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/org/skills") view=OrgSkillsPage ssr=SsrMode::Async />
                    <Route path=path!("/org/scarcity") view=ScarcityPage ssr=SsrMode::Async />
                    <Route path=path!("/org/literacy") view=LiteracyPage ssr=SsrMode::Async />
                    <Route path=path!("/author/items") view=ItemsPage ssr=SsrMode::Async />
                    <Route path=path!("/teams") view=TeamsPage ssr=SsrMode::Async />
                    <Route path=path!("/teams/:team") view=TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/teams/:team/skills") view=TeamSkillsPage ssr=SsrMode::Async />
                    <Route path=path!("/teams/:team/tasks") view=TeamTasksPage ssr=SsrMode::Async />
                    <Route path=path!("/teams/:team/people/:person") view=TeamPersonPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}
