//! The demo organisation: two teams with managers and learners, realistic evidence and twelve
//! weeks of roll-up history, for a first look (`levelfield demo`); and an onboarding cohort
//! whose first answers to the entry modules' quizzes are enough (at least 30 per question) for
//! the item statistics (`/author/items`) to show figures.

use super::seed::{add_member, check_database, organisation, record, respond, simulate};
use super::seed::{Rng, SeedError, PASSWORD};
use crate::domain::catalogue::{Library, Module};
use crate::domain::people::{MemberRole, OrgId, UserId};
use crate::domain::quiz::passes;
use crate::server::auth::{hash_password, new_token};
use crate::server::estimates;
use crate::server::state::AppState;
use crate::store::OrgOrigin;
use chrono::{Duration, Utc};

/// Learners in the onboarding cohort.
pub const COHORT: usize = 36;
/// Entry modules the cohort takes the quizzes of.
const COHORT_MODULES: usize = 4;

/// A login printed for the demo.
#[derive(Debug, Clone)]
pub struct Login {
    pub role: &'static str,
    pub email: String,
    pub password: &'static str,
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = PASSWORD;

/// Seeds the demo organisation and returns the logins to print. Refuses a database holding a
/// real organisation unless `force` (its accounts share a known password).
pub async fn demo(state: &AppState, force: bool) -> Result<Vec<Login>, SeedError> {
    check_database(state, force).await?;
    let lib = state.library.current();
    let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    let suffix = &new_token()[..6];
    let domain = format!("demo-{suffix}.levelfield.test");
    let admin_email = format!("admin@{domain}");
    let (org, admin) = organisation(
        state,
        "Demo Analytics",
        &admin_email,
        &hash,
        OrgOrigin::Demo,
    )
    .await?;
    let mut rng = Rng(42);
    let mut logins = vec![Login {
        role: "admin",
        email: format!("admin@{domain}"),
        password: DEMO_PASSWORD,
    }];
    let names = [
        "Ada Okafor",
        "Ben Larsen",
        "Chen Wei",
        "Dana Cohen",
        "Eli Moreau",
        "Farah Haddad",
        "Gus Silva",
        "Hana Sato",
        "Ivan Petrov",
        "Jo Mensah",
        "Kim Novak",
        "Lea Fischer",
    ];
    let team_roles = ["data-engineer", "ml-engineer"];
    for (t, team_name) in ["Data platform", "Product analytics"].iter().enumerate() {
        let team = state.store.create_team(org, team_name).await?;
        state
            .store
            .set_team_target_role(org, team, Some(team_roles[t]))
            .await?;
        let manager_email = format!("manager{}@{domain}", t + 1);
        add_member(
            state,
            org,
            admin,
            MemberRole::Manager,
            Some(team),
            manager_email.clone(),
            format!("Morgan Manager {}", t + 1),
            &hash,
        )
        .await?;
        if t == 0 {
            logins.push(Login {
                role: "manager",
                email: manager_email,
                password: DEMO_PASSWORD,
            });
        }
        for (i, name) in names.iter().enumerate().filter(|(i, _)| i % 2 == t) {
            let email = format!("learner{}@{domain}", i + 1);
            let user = add_member(
                state,
                org,
                admin,
                MemberRole::Learner,
                Some(team),
                email.clone(),
                name.to_string(),
                &hash,
            )
            .await?;
            simulate(state, &lib, user, 40 + rng.below(60), &mut rng).await?;
            // Some people have a role of their own, and rate themselves in a few skills.
            if i % 5 == 4 {
                state
                    .store
                    .set_target_role(org, user, Some("ai-leader"))
                    .await?;
            }
            let ratings: Vec<(String, Option<u8>)> = lib
                .skills()
                .iter()
                .step_by(3)
                .map(|s| (s.id.0.clone(), Some(rng.below(5) as u8)))
                .collect();
            state
                .store
                .set_self_ratings(org, user, &ratings, Utc::now())
                .await?;
            if logins.iter().all(|l| l.role != "learner") {
                logins.push(Login {
                    role: "learner",
                    email,
                    password: DEMO_PASSWORD,
                });
            }
        }
    }
    cohort(state, &lib, org, admin, &domain, &hash, &mut rng).await?;
    estimates::backfill(state, org, 12, |_, _| {}).await?;
    Ok(logins)
}

/// The entry modules with a quiz: those with no prerequisites first, then those that need only
/// those; at most [`COHORT_MODULES`], in the library's order.
pub fn cohort_modules(lib: &Library) -> Vec<&Module> {
    let with_quiz = || lib.modules().iter().filter(|m| !m.quiz.is_empty());
    let roots: Vec<&Module> = with_quiz().filter(|m| m.prerequisites.is_empty()).collect();
    let next = with_quiz().filter(|m| {
        !m.prerequisites.is_empty()
            && m.prerequisites.iter().all(|p| {
                lib.modules()
                    .iter()
                    .any(|r| &r.id == p && r.prerequisites.is_empty())
            })
    });
    roots
        .iter()
        .copied()
        .chain(next)
        .take(COHORT_MODULES)
        .collect()
}

/// A team of [`COHORT`] new learners who took the entry modules' quizzes over the last two
/// months (answers from [`respond`]: abilities spread over the scale, so facilities vary), and
/// retook a failed one now and then (retakes are not first answers).
async fn cohort(
    state: &AppState,
    lib: &Library,
    org: OrgId,
    admin: UserId,
    domain: &str,
    hash: &str,
    rng: &mut Rng,
) -> Result<(), SeedError> {
    let modules = cohort_modules(lib);
    if modules.is_empty() {
        return Ok(());
    }
    let team = state.store.create_team(org, "Onboarding cohort").await?;
    state
        .store
        .set_team_target_role(org, team, Some("ai-citizen"))
        .await?;
    for i in 0..COHORT {
        let user = add_member(
            state,
            org,
            admin,
            MemberRole::Learner,
            Some(team),
            format!("cohort{}@{domain}", i + 1),
            format!("Cohort learner {:02}", i + 1),
            hash,
        )
        .await?;
        // Ability: spread over the whole scale, a little different per skill.
        let base = rng.unit() * 3.6;
        let mut ability = std::collections::HashMap::new();
        for (n, m) in modules.iter().enumerate() {
            let at = Utc::now() - Duration::days(60 - 10 * n as i64) + Duration::hours(i as i64);
            let mut answer = |rng: &mut Rng| -> Vec<_> {
                m.quiz
                    .iter()
                    .map(|q| {
                        let theta = *ability
                            .entry(q.skill.clone())
                            .or_insert_with(|| (base + rng.unit() - 0.5).clamp(0.0, 4.0));
                        respond(q, theta, rng)
                    })
                    .collect()
            };
            let first = answer(rng);
            let score = first.iter().filter(|a| a.correct).count() as u32;
            let total = first.len() as u32;
            record(state, user, m, first, at).await?;
            if !passes(score, total) && rng.unit() < 0.5 {
                let retake = answer(rng);
                record(state, user, m, retake, at + Duration::days(3)).await?;
            }
        }
    }
    Ok(())
}
