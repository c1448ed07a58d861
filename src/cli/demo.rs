//! The demo organisation: two teams with managers and learners, realistic evidence and twelve
//! weeks of roll-up history, for a first look (`levelfield demo`).

use super::seed::{add_member, organisation, simulate, Rng, SeedError, PASSWORD};
use crate::domain::people::MemberRole;
use crate::server::auth::{hash_password, new_token};
use crate::server::estimates;
use crate::server::state::AppState;
use chrono::Utc;

/// A login printed for the demo.
#[derive(Debug, Clone)]
pub struct Login {
    pub role: &'static str,
    pub email: String,
    pub password: &'static str,
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = PASSWORD;

/// Seeds the demo organisation and returns the logins to print.
pub async fn demo(state: &AppState) -> Result<Vec<Login>, SeedError> {
    let lib = state.library.current();
    let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    let suffix = &new_token()[..6];
    let domain = format!("demo-{suffix}.levelfield.test");
    let (org, admin) =
        organisation(state, "Demo Analytics", &format!("admin@{domain}"), &hash).await?;
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
    estimates::backfill(state, org, 12, |_, _| {}).await?;
    Ok(logins)
}
