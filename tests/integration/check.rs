//! The adaptive skill check through the real router, on both databases: it asks questions the
//! learner has not answered, one per page, records each answer as evidence (never as a quiz
//! attempt or pass), stops at its limit or once the range is narrow, and shows a level with
//! its 95% range; one learner's answers never reach another's check; signed-out visitors go to
//! the login.

use crate::common::{parity_app, Client, TestApp, TestAppBuilder};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use levelfield::domain::people::UserId;
use levelfield::domain::proficiency::{
    cap_without_task, estimate, evidence_by_skill, CHECK_STOP_WIDTH,
};
use levelfield::domain::progress::{AnswerRecord, AttemptKind, NewAttempt};
use levelfield::features::check::data::{decode_started, encode_started, shuffle};

parity_app!(
    a_check_asks_new_questions_and_records_evidence_without_a_pass,
    the_check_stops_at_its_limit_or_when_the_range_is_narrow,
    the_check_is_for_signed_in_learners_and_its_own_bank,
);

const PAGE: &str = "/skills/evaluation/check";

/// The value of the form field `name` on the page.
fn field(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&key)
        .unwrap_or_else(|| panic!("no field {name}: {html}"))
        + key.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The question a check page shows: (module, question, started).
fn shown(html: &str) -> (String, String, String) {
    (
        field(html, "module"),
        field(html, "question"),
        field(html, "started"),
    )
}

/// The shown positions of the question's keyed choices (`right`) or of one wrong choice.
fn positions(app: &TestApp, user: UserId, module: &str, question: &str, right: bool) -> Vec<usize> {
    let lib = app.state.library.current();
    let q = lib
        .module(module)
        .unwrap()
        .quiz
        .iter()
        .find(|q| q.id.0 == question)
        .unwrap()
        .clone();
    let order = shuffle(user, module, &q);
    let keyed: Vec<usize> = (0..q.choices.len())
        .filter(|i| q.choices[*i].correct)
        .map(|i| order.to_shown(i).unwrap())
        .collect();
    if right {
        keyed
    } else {
        let wrong = (0..q.choices.len())
            .find(|i| !q.choices[*i].correct)
            .unwrap();
        vec![order.to_shown(wrong).unwrap()]
    }
}

/// Answers the question on `html` (rightly or not); returns where the form redirected.
async fn answer(app: &TestApp, c: &mut Client, user: UserId, html: &str, right: bool) -> String {
    let (module, question, started) = shown(html);
    let mut body = format!("started={started}&module={module}&question={question}");
    for p in positions(app, user, &module, &question, right) {
        body.push_str(&format!("&choice={p}"));
    }
    let (status, location) = c.post_form(PAGE, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert_eq!(
        location,
        format!("{PAGE}?started={started}#check"),
        "back to the same check"
    );
    location.trim_end_matches("#check").to_string()
}

/// A learner checks "evaluation" (two questions in the fixture's bank): each page shows one
/// question not answered before; the answers become evidence (on My skills, and the cached
/// estimates go stale), not a quiz attempt or a completed module; the result states the level
/// with its range, the answers used and the evidence. Another learner's check is untouched.
async fn a_check_asks_new_questions_and_records_evidence_without_a_pass(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| o.team("Team T").learners(["Ann", "Bob"]))
        .await;
    let (ann, bob) = (w.user("Ann"), w.user("Bob"));
    let mut c = w.client("Ann");
    // The skill page and My skills link to the check.
    let (_, skill_page, _) = c.get("/skills/evaluation").await;
    assert!(skill_page.contains("href=\"/skills/evaluation/check\""));
    let (_, mine, _) = c.get("/me/skills").await;
    assert!(
        mine.contains("href=\"/skills/evaluation/check\"") && mine.contains("Check this skill")
    );
    // Estimates current before the check.
    let (status, _, _) = w.admin.get("/org/skills").await;
    assert_eq!(status, StatusCode::OK);
    let today = levelfield::domain::progress::epoch_day(Utc::now());
    assert!(app
        .state
        .store
        .stale_estimates(w.org, today)
        .await
        .unwrap()
        .is_empty());

    let (status, first, _) = c.get(PAGE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("Question 1"), "{first}");
    assert_eq!(
        first.matches("<form id=\"check\"").count(),
        1,
        "one question per page"
    );
    let (_, q1, started) = shown(&first);
    let next = answer(&app, &mut c, ann, &first, true).await;
    // Evidence: the learner's cached estimates are stale now.
    let stale = app.state.store.stale_estimates(w.org, today).await.unwrap();
    assert_eq!(stale.iter().map(|s| s.user).collect::<Vec<_>>(), [ann]);

    let (_, second, _) = c.get(&next).await;
    assert!(second.contains("Question 2"), "{second}");
    let (_, q2, started2) = shown(&second);
    assert_ne!(q1, q2, "never a question already answered");
    assert_eq!(started, started2, "the same check");
    // A form sent twice records one answer.
    answer(&app, &mut c, ann, &first, true).await;
    answer(&app, &mut c, ann, &second, false).await;
    let attempts = app.state.store.attempts(ann).await.unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|a| a.kind == AttemptKind::Check));
    assert_eq!(
        attempts
            .iter()
            .map(|a| a.answers[0].correct)
            .collect::<Vec<_>>(),
        [false, true]
    );

    // The bank is exhausted: the result.
    let (status, result, _) = c.get(&next).await;
    assert_eq!(status, StatusCode::OK);
    let result = result.replace("<!>", "");
    assert!(result.contains("id=\"check-result\""), "{result}");
    assert!(!result.contains("<form id=\"check\""));
    assert!(result.contains("95% range "), "{result}");
    assert!(
        result.contains("Level unknown (95% range") || result.contains("Level "),
        "{result}"
    );
    assert!(result.contains("This check used 2 answers."), "{result}");
    assert!(result.contains("You have answered every question on this skill"));
    assert!(
        result.contains(&format!("right: question {q1} of ")),
        "{result}"
    );
    assert!(
        result.contains(&format!("wrong: question {q2} of ")),
        "{result}"
    );
    assert!(result.contains("href=\"/me/skills\""));

    // Evidence on My skills, with the estimate's range; no quiz attempt, no completed module.
    let (_, mine, _) = c.get("/me/skills").await;
    assert!(mine.contains("2 item(s)"), "{mine}");
    assert!(mine.contains(&format!("({q1}) in ")), "{mine}");
    assert_eq!(app.state.store.attempt_count().await.unwrap(), 0);
    assert!(app.state.store.progress(ann).await.unwrap().is_empty());
    let (_, me, _) = c.get("/me").await;
    assert!(
        !me.contains("1 of 1"),
        "a check answer is not a quiz result: {me}"
    );

    // Bob's check starts afresh: his first question is the one Ann got first.
    let (_, bobs, _) = w.client("Bob").get(PAGE).await;
    assert!(bobs.contains("Question 1"), "{bobs}");
    assert_eq!(shown(&bobs).1, q1);
    assert!(app.state.store.attempts(bob).await.unwrap().is_empty());
}

/// `n` answers of Ann's to questions outside the library, `age` old, of `kind`.
async fn seed(app: &TestApp, user: UserId, kind: AttemptKind, n: usize, age: Duration) {
    for i in 0..n {
        app.state
            .store
            .record_attempt(&NewAttempt {
                user,
                kind,
                module: "evaluating".into(),
                score: 0,
                total: 1,
                answers: vec![AnswerRecord {
                    question: format!("retired-{i}"),
                    skill: "evaluation".into(),
                    difficulty: 2,
                    selected: vec![0],
                    correct: i % 5 < 3,
                }],
                submitted_at: Utc::now() - age,
                seed: None,
            })
            .await
            .unwrap();
    }
}

/// The check stops after CHECK_MAX_ANSWERS answers in this check even with questions left
/// (old evidence keeps the range wide), and stops at once when the evidence already narrows the
/// range to CHECK_STOP_WIDTH.
async fn the_check_stops_at_its_limit_or_when_the_range_is_narrow(init: TestAppBuilder) {
    let (app, w) = init
        .with_org(|o| o.team("Team T").learners(["Ann", "Bob"]))
        .await;
    let (ann, bob) = (w.user("Ann"), w.user("Bob"));
    let c = w.client("Ann");
    // A check that started long ago and has used 19 answers, all old: one more question.
    let started = encode_started(Utc::now() - Duration::days(2100));
    let url = format!("{PAGE}?started={started}");
    seed(&app, ann, AttemptKind::Check, 19, Duration::days(2000)).await;
    let (_, html, _) = c.get(&url).await;
    assert!(html.contains("Question 20"), "{html}");
    assert_eq!(field(&html, "started"), started, "resumed");
    // The 20th: done, though the bank still has questions and the range is wide.
    seed(&app, ann, AttemptKind::Check, 1, Duration::days(2000)).await;
    let (_, html, _) = c.get(&url).await;
    let html = html.replace("<!>", "");
    assert!(html.contains("id=\"check-result\""), "{html}");
    assert!(html.contains("This check used 20 answers."), "{html}");
    assert!(
        !html.contains("You have answered every question"),
        "the limit, not the bank"
    );
    assert!(html.contains("95% range"), "{html}");
    // A new check (no `started`) counts afresh.
    let (_, html, _) = c.get(PAGE).await;
    assert!(html.contains("Question 1"), "{html}");

    // Bob's quiz evidence already pins his level: the check has nothing to add.
    seed(&app, bob, AttemptKind::Quiz, 400, Duration::zero()).await;
    let lib = app.state.library.current();
    let attempts = app.state.store.attempts(bob).await.unwrap();
    let ev = evidence_by_skill(&lib, &attempts, Utc::now());
    let plain: Vec<_> = ev
        .values()
        .next()
        .unwrap()
        .iter()
        .map(|(e, _)| *e)
        .collect();
    let est = estimate(&plain, 540.0).unwrap();
    assert!(est.high - est.low <= CHECK_STOP_WIDTH, "{est:?}");
    let (_, html, _) = w.client("Bob").get(PAGE).await;
    let html = html.replace("<!>", "");
    assert!(html.contains("id=\"check-result\""), "{html}");
    assert!(html.contains("This check used 0 answers."), "{html}");
    // The result shows the level as My skills does: quiz evidence alone is capped at 2, and
    // where that cuts the range the page says so instead of showing the cap as measured.
    let shown = cap_without_task(est, &plain);
    if shown.capped {
        assert!(
            html.contains(&format!(
                "Level {:.1} (95% range {:.1}–2.0, capped at 2 until a practical task is scored)",
                shown.level, shown.low
            )) || html.contains(&format!(
                "Level {:.1} (95% range at least 2.0, capped at 2 until a practical task is scored)",
                shown.level
            )),
            "{shown:?}: {html}"
        );
    } else {
        assert!(
            html.contains(&format!(
                "Level {:.1} (95% range {:.1}–{:.1})",
                est.level, est.low, est.high
            )),
            "{html}"
        );
    }
}

/// Signed-out visitors are sent to the login (page and form); an unknown skill is a 404; a
/// question outside the skill's bank or an answer without a choice is refused, and nothing is
/// recorded.
async fn the_check_is_for_signed_in_learners_and_its_own_bank(init: TestAppBuilder) {
    let (app, w) = init.with_org(|o| o.team("Team T").learner("Ann")).await;
    let ann = w.user("Ann");
    let mut anon = Client::new(&app);
    let (status, _, location) = anon.get(PAGE).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(location.unwrap().starts_with("/login"));
    let (status, location) = anon
        .post_form(PAGE, "module=evaluating&question=q-choose&choice=0")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with("/login"));

    let mut c = w.client("Ann");
    let (status, html, _) = c.get("/skills/no-such-skill/check").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Skill not found"));
    let (status, _) = c
        .post_form(
            "/skills/no-such-skill/check",
            "module=evaluating&question=q-choose&choice=0",
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let started = encode_started(Utc::now());
    assert!(decode_started(&started).is_some());
    // A data-quality question is not in the evaluation check.
    let (status, location) = c
        .post_form(
            PAGE,
            &format!("started={started}&module=basics&question=q-limit&choice=0"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().contains("error=not-found"));
    // No choice, or a position that is not shown.
    for choices in ["", "&choice=9", "&choice=x"] {
        let (status, location) = c
            .post_form(
                PAGE,
                &format!("started={started}&module=evaluating&question=q-choose{choices}"),
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.unwrap().contains("error=no-answer"), "{choices}");
    }
    let (_, html, _) = c
        .get(&format!("{PAGE}?started={started}&error=no-answer"))
        .await;
    assert!(html.contains("Choose an answer before going on."));
    assert!(app.state.store.attempts(ann).await.unwrap().is_empty());
}
