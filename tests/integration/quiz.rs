//! Quizzes through the real router, on SQLite and PostgreSQL: choices shuffled per attempt and
//! graded by authored choice, the page never holding the key, draws from an item bank that do
//! not repeat before the bank is exhausted, stale pages refused, and the reveal policy on both
//! the JavaScript (server function JSON) and the plain-form paths.
//!
//! Fixture: `tests/fixtures/bank` — `bank` (8 questions over two skills, 4 an attempt, keys after
//! a pass), `always` and `never` (2 questions each, whole bank, keys always / never shown).

use crate::common::{module_of, parity_app, Client, QuizPage, TestApp, TestAppBuilder, World};
use axum::http::StatusCode;
use levelfield::domain::catalogue::Module;
use serde_json::Value;
use std::collections::HashSet;

const BANK: &str = "tests/fixtures/bank";

parity_app!(
    the_same_answers_grade_the_same_whatever_the_order,
    the_page_never_holds_the_key,
    draws_do_not_repeat_before_the_bank_is_exhausted,
    a_stale_attempt_is_refused,
    after_pass_withholds_the_key_until_a_pass,
    always_and_never_reveal_as_configured,
);

/// The bank fixture with an organisation of two learners, Ann and Ben, signed in.
async fn bank(init: TestAppBuilder) -> (TestApp, World) {
    init.content(BANK)
        .with_org(|o| o.learners(["Ann", "Ben"]))
        .await
}

/// An anonymous visitor's quiz of `slug` (a fresh random seed each time).
async fn anonymous_page(app: &TestApp, slug: &str) -> QuizPage {
    let (status, html) = app.get(&format!("/modules/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    QuizPage::parse(&html)
}

/// The choice texts an outcome question's shown positions stand for on `page`.
fn texts(page: &QuizPage, question: &str, positions: &Value) -> Vec<String> {
    let (_, choices) = page
        .questions
        .iter()
        .find(|(id, _)| id == question)
        .unwrap();
    positions
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| choices[p.as_u64().unwrap() as usize].clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The authored HTML of `question`'s keyed choices.
fn key_texts(module: &Module, question: &str) -> Vec<String> {
    let q = module
        .quiz
        .iter()
        .find(|q| q.id.as_str() == question)
        .unwrap();
    q.choices
        .iter()
        .filter(|c| c.correct)
        .map(|c| c.html.clone())
        .collect()
}

/// The quiz section of a page: what the island renders, its props included.
fn quiz_section(html: &str) -> &str {
    &html[html.find(r#"id="quiz""#).expect("a quiz section")..]
}

/// Two pages with different choice orders (differently seeded attempts) give the same outcome
/// for the same authored answers, on the JavaScript path (anonymous) and the form path (two
/// learners, stored identically in authored indices).
async fn the_same_answers_grade_the_same_whatever_the_order(init: TestAppBuilder) {
    let (app, w) = bank(init).await;
    let m = module_of(&app, "always");
    let first = anonymous_page(&app, "always").await;
    let mut second = anonymous_page(&app, "always").await;
    for _ in 0..50 {
        if second.questions != first.questions {
            break;
        }
        second = anonymous_page(&app, "always").await;
    }
    assert_ne!(first.questions, second.questions, "two seeds, two orders");
    assert_ne!(first.seed, second.seed);

    // q-a1 right (authored choice 1), q-a2 wrong (authored choice 0).
    let picks = [("q-a1", vec![1]), ("q-a2", vec![0])];
    let mut graded = HashSet::new();
    for page in [&first, &second] {
        let res = app
            .post("/api/grade_quiz", "application/json", page.json(&m, &picks))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = serde_json::from_str(&crate::common::body_text(res).await).unwrap();
        assert_eq!(
            (body["score"].as_u64(), body["total"].as_u64()),
            (Some(1), Some(2))
        );
        let mut seen = Vec::new();
        for q in body["questions"].as_array().unwrap() {
            let id = q["id"].as_str().unwrap();
            seen.push((
                id.to_string(),
                q["correct"].as_bool().unwrap(),
                texts(page, id, &q["selected"]),
                texts(page, id, &q["correct_choices"]),
            ));
            assert_eq!(texts(page, id, &q["correct_choices"]), key_texts(&m, id));
        }
        graded.insert(format!("{seen:?}"));
    }
    assert_eq!(graded.len(), 1, "graded identically: {graded:#?}");

    // Two learners (two seeds) answer the same authored choices through the plain form.
    let mut stored = Vec::new();
    for name in ["Ann", "Ben"] {
        let (mut client, user) = (w.client(name), w.user(name));
        let (status, location) = client.take_quiz(&m, &picks).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            location.as_deref(),
            Some("/modules/always?attempt=0#quiz-result")
        );
        let attempts = app.state.store.attempts(user).await.unwrap();
        assert_eq!(attempts.len(), 1);
        stored.push(attempts[0].clone());
    }
    assert_ne!(
        stored[0].seed, stored[1].seed,
        "each learner has their own order"
    );
    assert_eq!(
        stored[0].answers, stored[1].answers,
        "stored by authored choice"
    );
    assert_eq!(stored[0].answers[0].selected, vec![1]);
    assert!(stored[0].answers[0].correct && !stored[0].answers[1].correct);
    assert_eq!(stored[0].score, 1);
}

/// Before grading, the page holds no key: no correctness field or marker and no explanation, in
/// the markup or the island's props, and the keyed choice stands anywhere.
async fn the_page_never_holds_the_key(init: TestAppBuilder) {
    let (app, w) = bank(init).await;
    let m = module_of(&app, "always");
    let forbidden = [
        "correct_choices",
        "&quot;correct",
        "\"correct\"",
        "key_note",
        "✓",
        "✗",
        "Explained:",
        "[x]",
        "explanation_html",
    ];
    let mut key_at = HashSet::new();
    for _ in 0..24 {
        let (_, html) = app.get("/modules/always").await;
        let quiz = quiz_section(&html);
        for needle in forbidden {
            assert!(!quiz.contains(needle), "`{needle}` before grading:\n{quiz}");
        }
        assert!(
            !quiz.contains("Loading the quiz"),
            "the quiz is in the page itself, not streamed in by a script (no-JS): {quiz}"
        );
        let page = QuizPage::parse(&html);
        assert_eq!(page.ids(), ["q-a1", "q-a2"]);
        key_at.insert(page.position(&m, "q-a1", 1));
    }
    assert!(
        key_at.len() >= 3,
        "the keyed choice is not pinned to a position: {key_at:?}"
    );

    // A signed-in learner's page of the bank: the same.
    let (_, html, _) = w.client("Ann").get("/modules/bank").await;
    let quiz = quiz_section(&html);
    for needle in forbidden {
        assert!(!quiz.contains(needle), "`{needle}` before grading:\n{quiz}");
    }
    assert!(!quiz.contains("Loading the quiz"), "not streamed: {quiz}");
    assert_eq!(
        QuizPage::parse(&html).questions.len(),
        4,
        "4 of the 8 drawn"
    );
    assert!(
        quiz.contains("Each attempt shows 4 of this module's 8 questions"),
        "{quiz}"
    );
}

/// Consecutive attempts of one learner show fresh questions until every question of the bank
/// has been shown, each attempt balanced across the bank's two skills; every shown question is
/// stored with its attempt, answered or not.
async fn draws_do_not_repeat_before_the_bank_is_exhausted(init: TestAppBuilder) {
    let (app, w) = bank(init).await;
    let m = module_of(&app, "bank");
    let (mut l, user) = (w.client("Ann"), w.user("Ann"));
    let skill_of = |id: &str| {
        m.quiz
            .iter()
            .find(|q| q.id.as_str() == id)
            .unwrap()
            .skill
            .0
            .clone()
    };

    let p0 = l.quiz_page("bank").await;
    assert_eq!(p0.attempt, 0);
    // Only the first question answered (no-JS form).
    let first = p0.ids()[0].to_string();
    let (status, location) = l
        .post_form(
            "/modules/bank/quiz",
            &p0.form(&m, &[(first.as_str(), vec![0])]),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/modules/bank?attempt=0#quiz-result")
    );

    let p1 = l.quiz_page("bank").await;
    assert_eq!(p1.attempt, 1);
    // Nothing answered (the island's path).
    let (status, body) = l
        .post_json(
            "/api/grade_quiz",
            &p1.json(&m, &[] as &[(&str, Vec<usize>)]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (body["score"].as_u64(), body["total"].as_u64()),
        (Some(0), Some(4))
    );

    let shown0: HashSet<&str> = p0.ids().into_iter().collect();
    let shown1: HashSet<&str> = p1.ids().into_iter().collect();
    assert_eq!(shown0.len(), 4);
    assert_eq!(shown1.len(), 4);
    assert!(shown0.is_disjoint(&shown1), "{shown0:?} then {shown1:?}");
    assert_eq!(
        shown0.union(&shown1).count(),
        8,
        "the whole bank in two attempts"
    );
    for shown in [&shown0, &shown1] {
        let evaluation = shown
            .iter()
            .filter(|id| skill_of(id) == "evaluation")
            .count();
        assert_eq!(evaluation, 2, "balanced across skills: {shown:?}");
    }

    let mut attempts = app.state.store.attempts(user).await.unwrap();
    attempts.sort_by_key(|a| a.id);
    let stored: Vec<Vec<&str>> = attempts
        .iter()
        .map(|a| a.answers.iter().map(|x| x.question.as_str()).collect())
        .collect();
    assert_eq!(
        stored,
        [p0.ids(), p1.ids()],
        "every shown question, in page order"
    );
    assert_eq!(
        attempts[0].total, 4,
        "unanswered shown questions count as wrong"
    );

    // The bank is exhausted: the third attempt may repeat, and still shows 4.
    let p2 = l.quiz_page("bank").await;
    assert_eq!((p2.attempt, p2.questions.len()), (2, 4));
}

/// A page drawn for an attempt that is no longer current is refused with a sentence and a fresh
/// quiz, and nothing is recorded; so are a forged attempt number, a forged seed and a question
/// that was not drawn. An anonymous page without its seed is refused the same way.
async fn a_stale_attempt_is_refused(init: TestAppBuilder) {
    let (app, w) = bank(init).await;
    let m = module_of(&app, "bank");
    let mut l = w.client("Ann");
    let p0 = l.quiz_page("bank").await;
    let body = p0.form(&m, &p0.keyed(&m));
    let (status, location) = l.post_form("/modules/bank/quiz", &body).await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/modules/bank?attempt=0#quiz-result")
        )
    );
    let count = app.state.store.attempt_count().await.unwrap();

    // The same page again (another tab, the back button).
    let stale = Some("/modules/bank?error=quiz-stale#quiz");
    let (status, location) = l.post_form("/modules/bank/quiz", &body).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, stale)
    );
    let (status, html, _) = l.get("/modules/bank?error=quiz-stale").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("quiz page that is out of date"), "{html}");
    assert_eq!(QuizPage::parse(&html).attempt, 1, "a fresh quiz");
    // The island's path: 409 with the sentence.
    let (status, text) = l
        .post_json("/api/grade_quiz", &p0.json(&m, &p0.keyed(&m)))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert!(text.contains("out of date"), "{text}");

    let p1 = l.quiz_page("bank").await;
    let good = p1.form(&m, &p1.keyed(&m));
    let off = m
        .quiz
        .iter()
        .find(|q| !p1.ids().contains(&q.id.as_str()))
        .unwrap();
    for forged in [
        good.replace("attempt=1", "attempt=7"),
        good.replace(&format!("seed={}", p1.seed), "seed=12345"),
        format!("attempt=1&seed={}&answer.{}=0", p1.seed, off.id),
        good.replace("attempt=1&", ""),
    ] {
        let (status, location) = l.post_form("/modules/bank/quiz", &forged).await;
        assert_eq!(
            (status, location.as_deref()),
            (StatusCode::SEE_OTHER, stale),
            "{forged}"
        );
    }
    assert_eq!(
        app.state.store.attempt_count().await.unwrap(),
        count,
        "nothing recorded"
    );
    let (status, location) = l.post_form("/modules/bank/quiz", &good).await;
    assert_eq!(
        (status, location.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/modules/bank?attempt=1#quiz-result")
        )
    );

    // Anonymous, without the seed its page carries.
    let mut anon = Client::new(&app);
    let page = anonymous_page(&app, "bank").await;
    let without_seed = page
        .form(&m, &page.keyed(&m))
        .replace(&format!("seed={}&", page.seed), "");
    let (status, location) = anon.post_form("/modules/bank/quiz", &without_seed).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, stale)
    );
    assert_eq!(app.state.store.attempt_count().await.unwrap(), count + 1);
}

/// One attempt through the island's server function: the JSON outcome.
async fn by_json(l: &Client, m: &Module, slug: &str, right: bool) -> (QuizPage, Value) {
    let page = l.quiz_page(slug).await;
    let picks = if right { page.keyed(m) } else { page.wrong(m) };
    let (status, text) = l.post_json("/api/grade_quiz", &page.json(m, &picks)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    (page, serde_json::from_str(&text).unwrap())
}

/// One attempt through the plain form: the result page's HTML.
async fn by_form(l: &mut Client, m: &Module, slug: &str, right: bool) -> (QuizPage, String) {
    let page = l.quiz_page(slug).await;
    let picks = if right { page.keyed(m) } else { page.wrong(m) };
    let (status, location) = l
        .post_form(&format!("/modules/{slug}/quiz"), &page.form(m, &picks))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    let (status, html, _) = l.get(location.split('#').next().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let result = QuizPage::parse(&html);
    assert_eq!(
        result.questions, page.questions,
        "the result keeps the attempt's order"
    );
    (page, html)
}

const AFTER_PASS_NOTE: &str = "The right answer is shown once you pass this quiz.";

/// Every question of a JSON outcome withholds its key (wrong, with the note).
fn json_withholds(body: &Value, note: &str) {
    for q in body["questions"].as_array().unwrap() {
        assert_eq!(q["correct"], false);
        assert!(q.get("correct_choices").is_none(), "key sent: {q}");
        assert_eq!(q["key_note"], note, "{q}");
        assert!(q["explanation_html"]
            .as_str()
            .unwrap()
            .contains("Explained:"));
    }
}

/// Every question of a JSON outcome shows its key, at the positions of the keyed texts.
fn json_shows(body: &Value, page: &QuizPage, m: &Module) {
    for q in body["questions"].as_array().unwrap() {
        let id = q["id"].as_str().unwrap();
        assert_eq!(
            texts(page, id, &q["correct_choices"]),
            key_texts(m, id),
            "{q}"
        );
        assert!(q.get("key_note").is_none(), "{q}");
    }
}

/// `after-pass`: a wrong answer's key is withheld (with the reason) until the learner passes,
/// in this attempt or an earlier one; then it is shown. Both paths.
async fn after_pass_withholds_the_key_until_a_pass(init: TestAppBuilder) {
    let (app, w) = bank(init).await;
    let m = module_of(&app, "bank");
    let mut l = w.client("Ann");
    let l = &mut l;

    // No JavaScript, all wrong: which were wrong and why, not the key.
    let (_, html) = by_form(l, &m, "bank", false).await;
    let quiz = quiz_section(&html);
    assert!(
        quiz.contains("You answered 0 of 4 questions correctly."),
        "{quiz}"
    );
    assert!(quiz.contains(AFTER_PASS_NOTE), "{quiz}");
    assert!(
        quiz.contains("Explained:"),
        "explanations are shown: {quiz}"
    );
    assert!(quiz.contains("✗ your answer, incorrect"), "{quiz}");
    assert!(!quiz.contains("✓ correct answer"), "key shown: {quiz}");
    assert!(
        !quiz.contains("correct_choices"),
        "key in the props: {quiz}"
    );
    // A retake is a new page (a new attempt), not the graded page submitted again.
    assert!(quiz.contains(r#"href="/modules/bank?again="#), "{quiz}");
    let button = &quiz[..quiz.find("Check answers").unwrap()];
    let button = &button[button.rfind("<button").unwrap()..];
    assert!(
        button.contains("hidden"),
        "the graded page is not for submitting again: {button}"
    );
    let retake = &quiz[quiz.find(r#"class="retake""#).unwrap()..];
    let retake = &retake[..retake.find('>').unwrap()];
    assert!(!retake.contains("hidden"), "{retake}");

    // JavaScript, all wrong: the JSON has no key.
    let (_, body) = by_json(l, &m, "bank", false).await;
    json_withholds(&body, AFTER_PASS_NOTE);

    // A pass.
    let (page, body) = by_json(l, &m, "bank", true).await;
    assert_eq!(body["score"], 4);
    json_shows(&body, &page, &m);

    // Wrong again after the pass: now the key is shown, on both paths.
    let (page, body) = by_json(l, &m, "bank", false).await;
    json_shows(&body, &page, &m);
    let (_, html) = by_form(l, &m, "bank", false).await;
    let quiz = quiz_section(&html);
    assert!(quiz.contains("✓ correct answer"), "{quiz}");
    assert!(!quiz.contains(AFTER_PASS_NOTE), "{quiz}");

    // The first attempt's result, from before the pass, still withholds it.
    let (_, html, _) = l.get("/modules/bank?attempt=0").await;
    let quiz = quiz_section(&html);
    assert!(
        quiz.contains(AFTER_PASS_NOTE) && !quiz.contains("✓ correct answer"),
        "{quiz}"
    );
}

/// `always` shows a wrong answer's key from the first attempt (anonymous too); `never` withholds
/// it even after a pass, saying so. Both paths.
async fn always_and_never_reveal_as_configured(init: TestAppBuilder) {
    let (app, w) = bank(init).await;
    let always = module_of(&app, "always");
    let never = module_of(&app, "never");
    let mut l = w.client("Ann");
    let l = &mut l;

    let (page, body) = by_json(l, &always, "always", false).await;
    json_shows(&body, &page, &always);
    let (_, html) = by_form(l, &always, "always", false).await;
    assert!(quiz_section(&html).contains("✓ correct answer"));
    let mut anon = Client::new(&app);
    let (page, body) = by_json(&anon, &always, "always", false).await;
    json_shows(&body, &page, &always);
    let (_, html) = by_form(&mut anon, &always, "always", false).await;
    assert!(quiz_section(&html).contains("✓ correct answer"));

    let never_note =
        "This quiz does not show its right answers: read the explanation and try again.";
    let (_, body) = by_json(l, &never, "never", true).await;
    assert_eq!(body["score"], 2, "passed");
    let (_, body) = by_json(l, &never, "never", false).await;
    json_withholds(&body, never_note);
    let (_, html) = by_form(l, &never, "never", false).await;
    let quiz = quiz_section(&html);
    assert!(quiz.contains(never_note), "{quiz}");
    assert!(
        !quiz.contains("✓ correct answer") && !quiz.contains("correct_choices"),
        "{quiz}"
    );
    assert!(quiz.contains("The right answers are not shown; the explanations are."));
}

#[test]
fn wire_types_read_back_what_the_server_writes() {
    use levelfield::domain::quiz::{QuestionOutcome, QuestionView, QuizOutcome};
    let outcome = QuizOutcome {
        score: 1,
        total: 2,
        questions: vec![
            QuestionOutcome {
                id: "q1".into(),
                correct: true,
                answered: true,
                selected: vec![2],
                correct_choices: vec![2],
                explanation_html: "<p>Why</p>".into(),
                key_note: None,
            },
            QuestionOutcome {
                id: "q2".into(),
                correct: false,
                answered: true,
                selected: vec![0, 1],
                correct_choices: vec![],
                explanation_html: String::new(),
                key_note: Some("Shown once you pass.".into()),
            },
        ],
    };
    let json = serde_json::to_string(&outcome).unwrap();
    assert!(!json.contains("correct_choices\":[]"), "{json}");
    assert_eq!(serde_json::from_str::<QuizOutcome>(&json).unwrap(), outcome);
    let view = QuestionView {
        id: "q1".into(),
        prompt_html: "<p>\"Quoted\" \\ é</p>".into(),
        multiple: true,
        choices: vec!["a".into(), "b".into()],
    };
    let json = serde_json::to_string(&view).unwrap();
    assert_eq!(serde_json::from_str::<QuestionView>(&json).unwrap(), view);
    // Unknown keys are ignored; a required field missing is an error naming it.
    let extra = r#"{"score":0,"total":0,"questions":[],"later":{"a":[1.5]}}"#;
    assert_eq!(serde_json::from_str::<QuizOutcome>(extra).unwrap().total, 0);
    let missing = serde_json::from_str::<QuizOutcome>(r#"{"score":0,"questions":[]}"#);
    assert!(missing.unwrap_err().to_string().contains("total"));
    assert!(serde_json::from_str::<QuizOutcome>("[0,0,[]]").is_err());
}
