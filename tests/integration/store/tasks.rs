//! Store parity: practical task submissions and their rubric scores.

use super::*;
use levelfield::domain::ids::SkillId;
use levelfield::domain::task::{NewScore, NewSubmission, SubmissionStatus};

parity!(task_submissions_are_scored_once_within_their_organisation);

fn submission(user: UserId, body: &str, minutes: i64) -> NewSubmission {
    NewSubmission {
        user,
        module: "framing".into(),
        task: "one-pager".into(),
        skill: SkillId::new("problem-framing"),
        level: 3,
        weight: 2.0,
        body: body.into(),
        submitted_at: at(minutes),
    }
}

async fn task_submissions_are_scored_once_within_their_organisation(store: &dyn Store) {
    let (org, admin) = new_org(store, "Acme", "t@acme.test").await;
    let team = store.create_team(org, "Data").await.unwrap();
    let learner = join(
        store,
        org,
        admin,
        MemberRole::Learner,
        Some(team),
        "l@acme.test",
        "L",
    )
    .await;
    let (other_org, other_admin) = new_org(store, "Other", "t@other.test").await;
    let today = 20_000;

    // A learner of another organisation cannot submit into this one.
    assert!(matches!(
        store
            .submit_task(other_org, &submission(learner, "x", 1))
            .await,
        Err(StoreError::NotFound)
    ));

    let first = store
        .submit_task(
            org,
            &submission(learner, "https://docs.example/one-pager", 1),
        )
        .await
        .unwrap();
    let second = store
        .submit_task(org, &submission(learner, "My framing, as text.", 2))
        .await
        .unwrap();
    let mine = store.user_submissions(org, learner).await.unwrap();
    assert_eq!(
        mine.iter().map(|s| s.id).collect::<Vec<_>>(),
        [second, first],
        "newest first"
    );
    let s = &mine[1];
    assert_eq!(s.user, learner);
    assert_eq!(
        (s.module.as_str(), s.task.as_str()),
        ("framing", "one-pager")
    );
    assert_eq!(
        (s.skill.as_str(), s.level, s.weight),
        ("problem-framing", 3, 2.0)
    );
    assert_eq!(s.body, "https://docs.example/one-pager");
    assert_eq!(s.submitted_at, stored(1));
    assert_eq!(s.status, SubmissionStatus::Waiting);
    assert_eq!((s.scored_by, s.scored_at, s.passed), (None, None, None));
    assert!(s.scores.is_empty() && s.scored().is_none());
    assert_eq!(store.team_submissions(org, team).await.unwrap().len(), 2);
    assert_eq!(store.org_submissions(org).await.unwrap().len(), 2);

    // Another organisation sees nothing of it.
    assert!(store
        .user_submissions(other_org, learner)
        .await
        .unwrap()
        .is_empty());
    assert!(store.org_submissions(other_org).await.unwrap().is_empty());
    assert!(store
        .team_submissions(other_org, team)
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        store.submission(other_org, first).await,
        Err(StoreError::NotFound)
    ));
    let score = |by, scores: &[u8]| NewScore {
        scored_by: by,
        scored_at: at(5),
        scores: scores.to_vec(),
    };
    assert!(matches!(
        store
            .score_task(other_org, first, &score(other_admin, &[2, 2]))
            .await,
        Err(StoreError::NotFound)
    ));
    // Nobody scores their own.
    assert!(matches!(
        store.score_task(org, first, &score(learner, &[2, 2])).await,
        Err(StoreError::NotFound)
    ));

    // Estimates cached before the score are stale after it (the evidence version moved).
    store
        .store_estimates(
            org,
            &[ComputedEstimates {
                user: learner,
                version: 0,
                skills: vec![],
            }],
            today,
        )
        .await
        .unwrap();
    assert!(!store
        .stale_estimates(org, today)
        .await
        .unwrap()
        .iter()
        .any(|s| s.user == learner));
    store
        .score_task(org, first, &score(admin, &[2, 1, 2]))
        .await
        .unwrap();
    let stale = store.stale_estimates(org, today).await.unwrap();
    assert!(
        stale.iter().any(|s| s.user == learner && s.version == 1),
        "{:?}",
        stale
            .iter()
            .map(|s| (s.user, s.version))
            .collect::<Vec<_>>()
    );

    let s = store.submission(org, first).await.unwrap();
    assert_eq!(s.status, SubmissionStatus::Scored);
    assert_eq!(s.scored_by, Some(admin));
    assert_eq!(s.scored_at, Some(stored(5)));
    assert_eq!(s.scores, [2, 1, 2]);
    assert_eq!(s.passed, Some(true));
    let evidence = s.scored().unwrap();
    assert!(evidence.passed && evidence.level == 3 && evidence.weight == 2.0);

    // Scored once: a second score is refused.
    assert!(matches!(
        store
            .score_task(org, first, &score(admin, &[0, 0, 0]))
            .await,
        Err(StoreError::NotFound)
    ));
    // A failing rubric is stored as a fail.
    store
        .score_task(org, second, &score(admin, &[2, 0]))
        .await
        .unwrap();
    let s = store.submission(org, second).await.unwrap();
    assert_eq!(
        (s.scores.as_slice(), s.passed),
        (&[2u8, 0][..], Some(false))
    );
}
