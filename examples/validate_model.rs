//! Validation of the learner model (`src/domain/proficiency.rs`, `docs/proficiency.md`).
//!
//! Simulated learners of known level answer the real question bank in `content/` (loaded with
//! the courseware loader) under two generating models — A, exactly the model's own assumptions;
//! B, deliberately mismatched (each question's discrimination anywhere in 1.0–1.7, its
//! difficulty label off by up to half a level, 5% careless slips) — and a third, C, like B with
//! discrimination anywhere in 0.7–2.2. For each it prints how close the estimate is, how often
//! the 95% range holds the true level, and the mean signed error at each true level, beside the
//! same figures for the OLD model (v1, kept below, clearly labelled, for comparison only). Then
//! the shipped per-skill banks, the adaptive skill check, ageing, and retaking a quiz until
//! passing. A figure, not a test; deterministic (fixed seeds).
//!
//! ```text
//! cargo run --release --features ssr --example validate_model
//! cargo run --release --features ssr --example validate_model -- --tune   # the a/s grid
//! cargo run --release --features ssr --example validate_model -- --information   # only the bound
//! ```

use levelfield::domain::proficiency::{
    check_complete, estimate, estimate_with, next_item, posterior_with, BankItem, Estimate,
    Evidence, Item, Params, CHECK_MAX_ANSWERS, CHECK_STOP_WIDTH, DRIFT_SD_PER_HALF_LIFE, TOP,
};
use std::collections::BTreeMap;

/// One question of the bank, as the simulation needs it.
#[derive(Debug, Clone)]
struct Question {
    module: String,
    skill: String,
    /// The module's level for the question's skill (for the old model's completion evidence).
    teaches: u8,
    bank: BankItem,
}

/// The shipped questions, loaded with the courseware loader.
fn load_bank() -> Vec<Question> {
    let outcome = levelfield::courseware::load(std::path::Path::new("content"));
    for e in &outcome.errors {
        eprintln!("content: {e}");
    }
    let mut out = Vec::new();
    for m in outcome.library.modules() {
        for q in &m.quiz {
            let teaches = m.teaches(&q.skill).map(|l| l.value()).unwrap_or(1);
            out.push(Question {
                module: m.id.0.clone(),
                skill: q.skill.0.clone(),
                teaches,
                bank: BankItem {
                    item: Item::new(
                        &m.id.0,
                        &q.id.0,
                        q.kind,
                        u8::try_from(q.choices.len()).unwrap_or(u8::MAX),
                    ),
                    difficulty: q.difficulty,
                },
            });
        }
    }
    out
}

/// The OLD model (v1, as shipped before issue 10), copied for comparison only: a logistic
/// response without guessing, a N(1, 1.5²) prior, completions as passes at L − 0.5 counted twice,
/// weights halving every half-life, and the interval `±1.96 × 1.5/√(1 + n/2)`.
mod old_model {
    const SLOPE: f64 = 1.7;
    const PRIOR_MEAN: f64 = 1.0;
    const PRIOR_SD: f64 = 1.5;
    const COMPLETION_WEIGHT: f64 = 2.0;

    #[derive(Clone, Copy)]
    pub enum Kind {
        Answer { difficulty: u8, correct: bool },
        Completion { level: u8 },
    }

    #[derive(Clone, Copy)]
    pub struct Evidence {
        pub kind: Kind,
        pub age_days: f64,
    }

    /// `(level, low, high)`.
    pub fn estimate(evidence: &[Evidence], half_life_days: f64) -> Option<(f64, f64, f64)> {
        if evidence.is_empty() {
            return None;
        }
        let obs: Vec<(f64, bool, f64)> = evidence
            .iter()
            .map(|e| {
                let (b, pass, base) = match e.kind {
                    Kind::Answer {
                        difficulty,
                        correct,
                    } => (f64::from(difficulty.clamp(1, 3)), correct, 1.0),
                    Kind::Completion { level } => {
                        (f64::from(level.clamp(1, 4)) - 0.5, true, COMPLETION_WEIGHT)
                    }
                };
                let w = base * 0.5f64.powf(e.age_days.max(0.0) / half_life_days.max(1.0));
                (b, pass, w)
            })
            .collect();
        let gradient = |theta: f64| -> f64 {
            let prior = -(theta - PRIOR_MEAN) / (PRIOR_SD * PRIOR_SD);
            obs.iter().fold(prior, |acc, &(b, pass, w)| {
                let p = 1.0 / (1.0 + (-(SLOPE * (theta - b))).exp());
                acc + w * SLOPE * if pass { 1.0 - p } else { -p }
            })
        };
        let (mut lo, mut hi) = (-6.0f64, 10.0f64);
        for _ in 0..80 {
            let mid = (lo + hi) / 2.0;
            if gradient(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let level = ((lo + hi) / 2.0).clamp(0.0, 4.0);
        let weight: f64 = obs.iter().map(|o| o.2).sum();
        let se = PRIOR_SD / (1.0 + weight / 2.0).sqrt();
        Some((
            level,
            (level - 1.96 * se).clamp(0.0, 4.0),
            (level + 1.96 * se).clamp(0.0, 4.0),
        ))
    }
}

/// SplitMix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-300);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// How a simulated learner really answers one question.
#[derive(Debug, Clone, Copy)]
struct Truth {
    a: f64,
    b: f64,
    c: f64,
    /// Careless slips: wrong whatever the level, with this probability.
    careless: f64,
    /// The model's own slip allowance (generating model A only).
    slip: f64,
}

impl Truth {
    fn p_right(&self, theta: f64) -> f64 {
        let z = 1.0 / (1.0 + (-(self.a * (theta - self.b))).exp());
        (1.0 - self.careless) * (self.c + (1.0 - self.c - self.slip) * z)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Generating {
    A,
    B,
    C,
}

impl Generating {
    fn describe(self) -> &'static str {
        match self {
            Generating::A => "A: the model's own assumptions (a, s as shipped; labels exact)",
            Generating::B => {
                "B: mismatched (a in 1.0-1.7 per question, labels off by up to 0.5, 5% careless slips)"
            }
            Generating::C => "C: as B with a in 0.7-2.2 per question",
        }
    }

    /// Each question's true parameters, drawn once per run.
    fn truths(self, bank: &[Question], params: Params, rng: &mut Rng) -> Vec<Truth> {
        bank.iter()
            .map(|q| {
                let label = f64::from(q.bank.difficulty);
                let c = q.bank.item.guessing();
                match self {
                    Generating::A => Truth {
                        a: params.discrimination,
                        b: label,
                        c,
                        careless: 0.0,
                        slip: params.slip,
                    },
                    Generating::B | Generating::C => {
                        let (lo, hi) = if self == Generating::B {
                            (1.0, 1.7)
                        } else {
                            (0.7, 2.2)
                        };
                        Truth {
                            a: lo + (hi - lo) * rng.unit(),
                            b: label + rng.unit() - 0.5,
                            c,
                            careless: 0.05,
                            slip: 0.0,
                        }
                    }
                }
            })
            .collect()
    }
}

const CHECKPOINTS: [usize; 5] = [4, 8, 12, 24, 48];
const LEVELS: [f64; 5] = [0.0, 1.0, 2.0, 3.0, 4.0];
/// Half-life used for the simulations (evidence is fresh, so it matters only for ageing).
const HALF_LIFE: f64 = 365.0;

/// Running shares and means.
#[derive(Default, Clone, Copy)]
struct Tally {
    n: usize,
    within_half: usize,
    within_one: usize,
    covered: usize,
    unknown: usize,
    error: f64,
}

impl Tally {
    fn add(&mut self, level: f64, low: f64, high: f64, unknown: bool, theta: f64) {
        self.n += 1;
        let err = level - theta;
        self.within_half += usize::from(err.abs() <= 0.5);
        self.within_one += usize::from(err.abs() <= 1.0);
        self.covered += usize::from(low <= theta && theta <= high);
        self.unknown += usize::from(unknown);
        self.error += err;
    }
    fn pct(x: usize, n: usize) -> f64 {
        100.0 * x as f64 / n.max(1) as f64
    }
    fn half(&self) -> f64 {
        Self::pct(self.within_half, self.n)
    }
    fn one(&self) -> f64 {
        Self::pct(self.within_one, self.n)
    }
    fn coverage(&self) -> f64 {
        Self::pct(self.covered, self.n)
    }
    fn unknown(&self) -> f64 {
        Self::pct(self.unknown, self.n)
    }
    fn bias(&self) -> f64 {
        self.error / self.n.max(1) as f64
    }
}

/// The true levels simulated: `per_level` learners at each of 0–4, then `uniform` learners
/// with a level drawn uniformly from 0–4 (`None` marks those).
fn learners(per_level: usize, uniform: usize) -> Vec<Option<f64>> {
    LEVELS
        .iter()
        .flat_map(|&l| std::iter::repeat_n(Some(l), per_level))
        .chain(std::iter::repeat_n(None, uniform))
        .collect()
}

/// Pooled bank, random order: every learner answers questions drawn without repeat from the
/// whole bank, as if it were one skill's.
fn pooled(bank: &[Question], gen: Generating, params: Params, per_level: usize, uniform: usize) {
    let mut rng = Rng(0x5EED_0001);
    let truths = gen.truths(bank, params, &mut rng);
    let n_max = CHECKPOINTS[CHECKPOINTS.len() - 1].min(bank.len());
    let mut new = [Tally::default(); CHECKPOINTS.len()];
    let mut old = [Tally::default(); CHECKPOINTS.len()];
    // Per true level (0–4, then uniform), after 12 answers: v2 mode, v2 mean, v2 median, old.
    let mut at12: Vec<[Tally; 4]> = vec![[Tally::default(); 4]; LEVELS.len() + 1];
    for who in learners(per_level, uniform) {
        let theta = who.unwrap_or_else(|| TOP * rng.unit());
        let slot = who.map_or(LEVELS.len(), |l| l as usize);
        let mut order: Vec<usize> = (0..bank.len()).collect();
        rng.shuffle(&mut order);
        let mut ev: Vec<Evidence> = Vec::new();
        let mut old_ev: Vec<old_model::Evidence> = Vec::new();
        for (n, &i) in order.iter().take(n_max).enumerate() {
            let q = &bank[i].bank;
            let right = rng.unit() < truths[i].p_right(theta);
            ev.push(Evidence::answer(q.item, q.difficulty, right, 0.0));
            old_ev.push(old_model::Evidence {
                kind: old_model::Kind::Answer {
                    difficulty: q.difficulty,
                    correct: right,
                },
                age_days: 0.0,
            });
            let Some(k) = CHECKPOINTS.iter().position(|&c| c == n + 1) else {
                continue;
            };
            let Some(e) = estimate_with(params, &ev, HALF_LIFE) else {
                continue;
            };
            new[k].add(e.level, e.low, e.high, e.is_unknown(), theta);
            if let Some((l, lo, hi)) = old_model::estimate(&old_ev, HALF_LIFE) {
                old[k].add(l, lo, hi, false, theta);
                if n + 1 == 12 {
                    let post = posterior_with(params, &ev, HALF_LIFE);
                    let row = &mut at12[slot];
                    row[0].add(e.level, e.low, e.high, e.is_unknown(), theta);
                    row[1].add(post.mean(), e.low, e.high, false, theta);
                    row[2].add(post.median(), e.low, e.high, false, theta);
                    row[3].add(l, lo, hi, false, theta);
                }
            }
        }
    }
    println!("\n#### Generating model {}", gen.describe());
    println!(
        "\nPooled bank ({} questions as one pool, random order, no repeats); {per_level} learners at each level 0-4 and {uniform} of uniform level.\n",
        bank.len()
    );
    println!("| answers | within 0.5: v2 | old | within 1: v2 | old | 95% coverage: v2 | old | v2 unknown |");
    println!("|---|---|---|---|---|---|---|---|");
    for (k, c) in CHECKPOINTS.iter().enumerate() {
        if new[k].n == 0 {
            continue;
        }
        println!(
            "| {c} | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% |",
            new[k].half(),
            old[k].half(),
            new[k].one(),
            old[k].one(),
            new[k].coverage(),
            old[k].coverage(),
            new[k].unknown()
        );
    }
    println!("\nAfter 12 answers, by true level: mean signed error (v2 mode, the shipped point; v2 posterior mean and median for comparison; old), 95% coverage and share within one level.\n");
    println!("| true level | error: v2 mode | v2 mean | v2 median | old | coverage: v2 | old | within 1: v2 mode | v2 mean | v2 median | old |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (slot, row) in at12.iter().enumerate() {
        let name = LEVELS
            .get(slot)
            .map_or("uniform".to_string(), |l| format!("{l:.0}"));
        println!(
            "| {name} | {:+.2} | {:+.2} | {:+.2} | {:+.2} | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% | {:.1}% |",
            row[0].bias(),
            row[1].bias(),
            row[2].bias(),
            row[3].bias(),
            row[0].coverage(),
            row[3].coverage(),
            row[0].one(),
            row[1].one(),
            row[2].one(),
            row[3].one()
        );
    }
}

/// The banks as shipped: each skill's own questions (from every module), all of them, in random
/// order. The answers a learner can give a skill are as many as its bank holds.
fn per_skill(bank: &[Question], per_level: usize, uniform: usize) {
    let mut by_skill: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, q) in bank.iter().enumerate() {
        by_skill.entry(q.skill.as_str()).or_default().push(i);
    }
    println!("\n#### The shipped per-skill banks\n");
    println!("Each skill's whole bank answered once (that is all the evidence a learner can give it today), generating model B; {per_level} learners at each level 0-4 and {uniform} of uniform level per skill.\n");
    println!("| skill | questions | within 1 | 95% coverage | unknown | error at level 0 | at 4 |");
    println!("|---|---|---|---|---|---|---|");
    let mut all = Tally::default();
    let mut rng = Rng(0x5EED_0002);
    let truths = Generating::B.truths(bank, Params::default(), &mut rng);
    for (skill, items) in &by_skill {
        let mut t = Tally::default();
        let (mut zero, mut four) = (Tally::default(), Tally::default());
        for who in learners(per_level, uniform) {
            let theta = who.unwrap_or_else(|| TOP * rng.unit());
            let ev: Vec<Evidence> = items
                .iter()
                .map(|&i| {
                    let q = &bank[i].bank;
                    let right = rng.unit() < truths[i].p_right(theta);
                    Evidence::answer(q.item, q.difficulty, right, 0.0)
                })
                .collect();
            let Some(e) = estimate(&ev, HALF_LIFE) else {
                continue;
            };
            t.add(e.level, e.low, e.high, e.is_unknown(), theta);
            all.add(e.level, e.low, e.high, e.is_unknown(), theta);
            if who == Some(0.0) {
                zero.add(e.level, e.low, e.high, false, theta);
            } else if who == Some(TOP) {
                four.add(e.level, e.low, e.high, false, theta);
            }
        }
        println!(
            "| {skill} | {} | {:.1}% | {:.1}% | {:.1}% | {:+.2} | {:+.2} |",
            items.len(),
            t.one(),
            t.coverage(),
            t.unknown(),
            zero.bias(),
            four.bias()
        );
    }
    println!(
        "| all skills | | {:.1}% | {:.1}% | {:.1}% | | |",
        all.one(),
        all.coverage(),
        all.unknown()
    );
}

/// The adaptive skill check: each next question by maximum information at the current
/// estimate (`next_item`), stopping by `check_complete` or at `max_answers`.
fn adaptive(
    bank: &[Question],
    gen: Generating,
    max_answers: usize,
    per_level: usize,
    uniform: usize,
) {
    let mut rng = Rng(0x5EED_0003);
    let truths = gen.truths(bank, Params::default(), &mut rng);
    let items: Vec<BankItem> = bank.iter().map(|q| q.bank).collect();
    let mut all = Tally::default();
    let mut used = 0usize;
    let mut rows: Vec<(Tally, usize)> = vec![(Tally::default(), 0); LEVELS.len() + 1];
    for who in learners(per_level, uniform) {
        let theta = who.unwrap_or_else(|| TOP * rng.unit());
        let slot = who.map_or(LEVELS.len(), |l| l as usize);
        let mut ev: Vec<Evidence> = Vec::new();
        let mut est: Option<Estimate> = None;
        loop {
            // At the shipped limit this is exactly `check_complete`; beyond it, the same width.
            let done = if max_answers == CHECK_MAX_ANSWERS {
                check_complete(est.as_ref(), ev.len())
            } else {
                ev.len() >= max_answers
                    || est.is_some_and(|e| e.high - e.low <= CHECK_STOP_WIDTH + 1e-9)
            };
            if done {
                break;
            }
            let Some(i) = next_item(&items, &ev, HALF_LIFE) else {
                break;
            };
            let right = rng.unit() < truths[i].p_right(theta);
            ev.push(Evidence::answer(
                items[i].item,
                items[i].difficulty,
                right,
                0.0,
            ));
            est = estimate(&ev, HALF_LIFE);
        }
        if let Some(e) = est {
            all.add(e.level, e.low, e.high, e.is_unknown(), theta);
            rows[slot]
                .0
                .add(e.level, e.low, e.high, e.is_unknown(), theta);
        }
        used += ev.len();
        rows[slot].1 += ev.len();
    }
    println!(
        "\nAdaptive check, generating model {:?}, at most {max_answers} answers from the pooled bank: within 0.5 {:.1}%, within 1 {:.1}%, 95% coverage {:.1}%, mean answers {:.1}.\n",
        gen,
        all.half(),
        all.one(),
        all.coverage(),
        used as f64 / all.n.max(1) as f64
    );
    println!("| true level | within 0.5 | mean error | mean answers |");
    println!("|---|---|---|---|");
    for (slot, (t, n)) in rows.iter().enumerate() {
        let name = LEVELS
            .get(slot)
            .map_or("uniform".to_string(), |l| format!("{l:.0}"));
        println!(
            "| {name} | {:.1}% | {:+.2} | {:.1} |",
            t.half(),
            t.bias(),
            *n as f64 / t.n.max(1) as f64
        );
    }
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1e-7).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    0.5 * (1.0 + erf.copysign(x))
}

impl Truth {
    /// Fisher information about θ of one answer generated by this question's true parameters.
    fn information(&self, theta: f64) -> f64 {
        let z = 1.0 / (1.0 + (-(self.a * (theta - self.b))).exp());
        let p = self.p_right(theta);
        let dp = (1.0 - self.careless) * (1.0 - self.c - self.slip) * self.a * z * (1.0 - z);
        dp * dp / (p * (1.0 - p))
    }
}

/// How much the bank can tell at all: the Fisher information of one answer at each true level,
/// under the model's own assumptions (A) and under B's true question parameters (the same draw
/// as the pooled and adaptive tables), and what it allows. By the Cramér–Rao bound an unbiased
/// estimate from answers carrying information I has a standard error of at least 1/√I; read as
/// a normal error, that caps the share within one level (12 random answers) or within half a
/// level (the 24 most informative questions at the true level, as an adaptive check that knew
/// the answer in advance would ask them). An estimate that leans towards the middle of the scale
/// can beat the cap in the middle, at the price of bias at the ends.
fn information_ceiling(bank: &[Question]) {
    let p = Params::default();
    let pooled_b = Generating::B.truths(bank, p, &mut Rng(0x5EED_0001));
    let adaptive_b = Generating::B.truths(bank, p, &mut Rng(0x5EED_0003));
    println!("\n#### What the bank can tell: Fisher information\n");
    println!("Information about the level of one answer (mean over the {} questions), the smallest standard error an unbiased estimate can have after 12 random answers, and the share within one level that allows (normal errors); then the same for the 24 questions most informative at the true level and the share within half a level. A: the model's assumptions; B: generating model B's question parameters.\n", bank.len());
    println!("| true level | information per answer: A | B | 12 random answers: se at least, A | B | within 1 at most, A | B | best 24: se at least, A | B | within 0.5 at most, A | B |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for theta in [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0] {
        let model: Vec<f64> = bank
            .iter()
            .map(|q| q.bank.item.information(q.bank.difficulty, theta))
            .collect();
        let truth: Vec<f64> = pooled_b.iter().map(|t| t.information(theta)).collect();
        let mut best_a = model.clone();
        let mut best_b: Vec<f64> = adaptive_b.iter().map(|t| t.information(theta)).collect();
        best_a.sort_by(|x, y| y.total_cmp(x));
        best_b.sort_by(|x, y| y.total_cmp(x));
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let se = |info: f64| 1.0 / info.sqrt();
        let within = |se: f64, d: f64| 100.0 * (2.0 * normal_cdf(d / se) - 1.0);
        let (se12a, se12b) = (se(12.0 * mean(&model)), se(12.0 * mean(&truth)));
        let top = |v: &[f64]| v.iter().take(24).sum::<f64>();
        let (se24a, se24b) = (se(top(&best_a)), se(top(&best_b)));
        println!(
            "| {theta:.1} | {:.3} | {:.3} | {se12a:.2} | {se12b:.2} | {:.1}% | {:.1}% | {se24a:.2} | {se24b:.2} | {:.1}% | {:.1}% |",
            mean(&model),
            mean(&truth),
            within(se12a, 1.0),
            within(se12b, 1.0),
            within(se24a, 0.5),
            within(se24b, 0.5),
        );
    }
}

/// Reflects a level into 0–4.
fn reflect(mut t: f64) -> f64 {
    loop {
        if t < 0.0 {
            t = -t;
        } else if t > TOP {
            t = 2.0 * TOP - t;
        } else {
            return t;
        }
    }
}

/// Ageing: learners answer 12 pooled questions (model B), then time passes. With their level
/// unchanged, and with it drifting as the model assumes: coverage and unknown share of v2, and
/// where the old model's estimate of a level-0 and a level-4 learner goes.
fn ageing(bank: &[Question], learners_n: usize) {
    println!("\n#### Ageing\n");
    println!("12 questions answered (model B), then the evidence ages. Coverage with the true level unchanged and with it drifting as the model assumes (sd {DRIFT_SD_PER_HALF_LIFE} per half-life); mean estimate of level-0 and level-4 learners, v2 and old.\n");
    println!("| half-lives since | v2 coverage (level unchanged) | v2 coverage (level drifted) | v2 unknown | level 0: v2 | old | level 4: v2 | old |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut rng = Rng(0x5EED_0004);
    let truths = Generating::B.truths(bank, Params::default(), &mut rng);
    for halves in [0.0, 0.5, 1.0, 2.0, 4.0, 8.0] {
        let age = halves * HALF_LIFE;
        let (mut still, mut drifted) = (Tally::default(), Tally::default());
        let mut ends = [(0.0, 0.0, 0usize); 2];
        for l in 0..learners_n {
            let edge = match l % 4 {
                0 => Some(0),
                1 => Some(1),
                _ => None,
            };
            let theta = match edge {
                Some(0) => 0.0,
                Some(_) => TOP,
                None => TOP * rng.unit(),
            };
            let mut order: Vec<usize> = (0..bank.len()).collect();
            rng.shuffle(&mut order);
            let mut ev = Vec::new();
            let mut old_ev = Vec::new();
            for &i in order.iter().take(12) {
                let q = &bank[i].bank;
                let right = rng.unit() < truths[i].p_right(theta);
                ev.push(Evidence::answer(q.item, q.difficulty, right, age));
                old_ev.push(old_model::Evidence {
                    kind: old_model::Kind::Answer {
                        difficulty: q.difficulty,
                        correct: right,
                    },
                    age_days: age,
                });
            }
            let Some(e) = estimate(&ev, HALF_LIFE) else {
                continue;
            };
            still.add(e.level, e.low, e.high, e.is_unknown(), theta);
            let now = reflect(theta + DRIFT_SD_PER_HALF_LIFE * halves.sqrt() * rng.normal());
            drifted.add(e.level, e.low, e.high, e.is_unknown(), now);
            if let (Some(k), Some((o, _, _))) = (edge, old_model::estimate(&old_ev, HALF_LIFE)) {
                ends[k].0 += e.level;
                ends[k].1 += o;
                ends[k].2 += 1;
            }
        }
        let m = |k: usize, v: usize| {
            let (a, b, n) = ends[k];
            (if v == 0 { a } else { b }) / n.max(1) as f64
        };
        println!(
            "| {halves} | {:.1}% | {:.1}% | {:.1}% | {:.2} | {:.2} | {:.2} | {:.2} |",
            still.coverage(),
            drifted.coverage(),
            still.unknown(),
            m(0, 0),
            m(0, 1),
            m(1, 0),
            m(1, 1)
        );
    }
}

/// A level-0 learner retakes each module's quiz (model B) until passing (three quarters right),
/// at most 20 attempts: the estimate of the module's skills afterwards, v2 and old (which also
/// counted the completion a pass brings).
fn retakes(bank: &[Question], runs: usize) {
    let mut by_module: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, q) in bank.iter().enumerate() {
        by_module.entry(q.module.as_str()).or_default().push(i);
    }
    let mut rng = Rng(0x5EED_0005);
    let truths = Generating::B.truths(bank, Params::default(), &mut rng);
    let (mut v2_sum, mut old_sum, mut first_sum, mut n, mut attempts_sum, mut passes) =
        (0.0, 0.0, 0.0, 0usize, 0usize, 0usize);
    let (mut unknown, mut same) = (0usize, 0usize);
    for _ in 0..runs {
        for qs in by_module.values() {
            let mut ev: Vec<(String, Evidence)> = Vec::new();
            let mut old_ev: Vec<(String, old_model::Evidence)> = Vec::new();
            let mut first: Vec<(String, Evidence)> = Vec::new();
            let mut attempts = 0;
            let mut passed = false;
            while attempts < 20 && !passed {
                attempts += 1;
                let day = 30.0 - attempts as f64;
                let mut score = 0;
                for &i in qs {
                    let q = &bank[i];
                    // Keyed answers are shown after every attempt (as today): a question seen
                    // before is answered right when remembered (95%), else as before.
                    let remembered = attempts > 1 && rng.unit() < 0.95;
                    let right = remembered || rng.unit() < truths[i].p_right(0.0);
                    score += usize::from(right);
                    let e = Evidence::answer(q.bank.item, q.bank.difficulty, right, day);
                    if attempts == 1 {
                        first.push((q.skill.clone(), e));
                    }
                    ev.push((q.skill.clone(), e));
                    old_ev.push((
                        q.skill.clone(),
                        old_model::Evidence {
                            kind: old_model::Kind::Answer {
                                difficulty: q.bank.difficulty,
                                correct: right,
                            },
                            age_days: day,
                        },
                    ));
                }
                passed = score * 4 >= qs.len() * 3;
                if passed {
                    for &i in qs {
                        let q = &bank[i];
                        if !old_ev.iter().any(|(s, e)| {
                            s == &q.skill && matches!(e.kind, old_model::Kind::Completion { .. })
                        }) {
                            old_ev.push((
                                q.skill.clone(),
                                old_model::Evidence {
                                    kind: old_model::Kind::Completion { level: q.teaches },
                                    age_days: day,
                                },
                            ));
                        }
                    }
                }
            }
            attempts_sum += attempts;
            passes += usize::from(passed);
            let mut skills: Vec<&String> = ev.iter().map(|(s, _)| s).collect();
            skills.sort();
            skills.dedup();
            for skill in skills {
                let pick = |v: &[(String, Evidence)]| -> Vec<Evidence> {
                    v.iter()
                        .filter(|(s, _)| s == skill)
                        .map(|(_, e)| *e)
                        .collect()
                };
                let olds: Vec<old_model::Evidence> = old_ev
                    .iter()
                    .filter(|(s, _)| s == skill)
                    .map(|(_, e)| *e)
                    .collect();
                if let (Some(a), Some(f), Some((o, _, _))) = (
                    estimate(&pick(&ev), HALF_LIFE),
                    estimate(&pick(&first), HALF_LIFE),
                    old_model::estimate(&olds, HALF_LIFE),
                ) {
                    v2_sum += a.level;
                    unknown += usize::from(a.is_unknown());
                    same += usize::from((a.level, a.low, a.high) == (f.level, f.low, f.high));
                    first_sum += f.level;
                    old_sum += o;
                    n += 1;
                }
            }
        }
    }
    let modules = runs * by_module.len();
    println!("\n#### Retaking a quiz until passing\n");
    println!(
        "A level-0 learner (model B) takes each of the {} module quizzes and, with the keyed answers shown after every attempt (as today), retakes it until passing (75%), at most 20 attempts: passed {:.0}% of the time, after {:.1} attempts on average. Mean estimate of the module's skills afterwards: old model {:.2}; v2 {:.2}, identical to the first attempt's in {:.0}% of cases (first attempts alone: {:.2}), and unknown in {:.0}%.",
        by_module.len(),
        Tally::pct(passes, modules),
        attempts_sum as f64 / modules.max(1) as f64,
        old_sum / n.max(1) as f64,
        v2_sum / n.max(1) as f64,
        Tally::pct(same, n),
        first_sum / n.max(1) as f64,
        Tally::pct(unknown, n)
    );
}

/// The a/s grid the shipped constants were chosen from: model B and C, pooled bank, 12 answers.
fn tune(bank: &[Question]) {
    println!("\n#### Tuning grid (pooled bank, 12 answers; mean signed error at levels 0-4; coverage after 4/12/48)\n");
    println!("| gen | a | s | error 0 | 1 | 2 | 3 | 4 | coverage 4 | 12 | 48 | within 1 at 12 |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for gen in [Generating::B, Generating::C] {
        for a in [0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 1.7] {
            for s in [0.02, 0.05, 0.08] {
                let params = Params {
                    discrimination: a,
                    slip: s,
                };
                let mut rng = Rng(0x5EED_0006);
                let truths = gen.truths(bank, params, &mut rng);
                let mut by_level = [Tally::default(); 5];
                let mut cov = [Tally::default(); 3];
                for who in learners(400, 2000) {
                    let theta = who.unwrap_or_else(|| TOP * rng.unit());
                    let mut order: Vec<usize> = (0..bank.len()).collect();
                    rng.shuffle(&mut order);
                    let mut ev = Vec::new();
                    for (n, &i) in order.iter().take(48).enumerate() {
                        let q = &bank[i].bank;
                        let right = rng.unit() < truths[i].p_right(theta);
                        ev.push(Evidence::answer(q.item, q.difficulty, right, 0.0));
                        let Some(k) = [4, 12, 48].iter().position(|&c| c == n + 1) else {
                            continue;
                        };
                        let Some(e) = estimate_with(params, &ev, HALF_LIFE) else {
                            continue;
                        };
                        cov[k].add(e.level, e.low, e.high, false, theta);
                        if let (1, Some(l)) = (k, who) {
                            by_level[l as usize].add(e.level, e.low, e.high, false, theta);
                        }
                    }
                }
                println!(
                    "| {gen:?} | {a} | {s} | {:+.2} | {:+.2} | {:+.2} | {:+.2} | {:+.2} | {:.1}% | {:.1}% | {:.1}% | {:.1}% |",
                    by_level[0].bias(),
                    by_level[1].bias(),
                    by_level[2].bias(),
                    by_level[3].bias(),
                    by_level[4].bias(),
                    cov[0].coverage(),
                    cov[1].coverage(),
                    cov[2].coverage(),
                    cov[1].one()
                );
            }
        }
    }
}

fn main() {
    let bank = load_bank();
    if bank.is_empty() {
        eprintln!("no questions found under content/: run from the repository root");
        std::process::exit(1);
    }
    if std::env::args().any(|a| a == "--tune") {
        tune(&bank);
        return;
    }
    if std::env::args().any(|a| a == "--information") {
        information_ceiling(&bank);
        return;
    }
    let p = Params::default();
    let mut skills: Vec<&str> = bank.iter().map(|q| q.skill.as_str()).collect();
    skills.sort();
    skills.dedup();
    println!(
        "### Learner model validation\n\nBank: {} questions in {} skills from content/. Model: a = {}, s = {}, drift sd {} per half-life. Point estimate: the posterior mode. Old = the v1 model (kept in this example for comparison).",
        bank.len(),
        skills.len(),
        p.discrimination,
        p.slip,
        DRIFT_SD_PER_HALF_LIFE
    );
    for gen in [Generating::A, Generating::B, Generating::C] {
        pooled(&bank, gen, p, 2000, 10_000);
    }
    // Not shipped: how much of what is missed is the bank's doing. Same size, difficulties
    // 1-4 evenly, half of the questions select-all with five choices.
    let balanced: Vec<Question> = (0..bank.len())
        .map(|i| {
            let (kind, choices) = if i % 2 == 0 {
                (levelfield::domain::quiz::QuestionKind::Multiple, 5)
            } else {
                (levelfield::domain::quiz::QuestionKind::Single, 4)
            };
            Question {
                module: "hypothetical".into(),
                skill: "hypothetical".into(),
                teaches: 2,
                bank: BankItem {
                    item: Item::new("hypothetical", &format!("q{i}"), kind, choices),
                    difficulty: 1 + (i % 4) as u8,
                },
            }
        })
        .collect();
    println!("\n### For comparison only: a hypothetical bank (not shipped)\n\nThe same number of questions with difficulties 1-4 in equal numbers and half of them select-all with five choices, to show which misses the shipped bank causes rather than the model.");
    pooled(&balanced, Generating::B, p, 2000, 10_000);
    println!(
        "\n### The shipped bank again: skills one by one, the adaptive check, ageing, retakes"
    );
    per_skill(&bank, 200, 1000);
    println!("\n#### Adaptive skill check\n");
    println!("Questions chosen by maximum information at the current estimate from the pooled bank (every skill's questions as one pool: a single skill's bank holds at most {} today), stopping when the 95% range is at most 1 level wide or at the limit.", {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for q in &bank {
            *count.entry(q.skill.as_str()).or_default() += 1;
        }
        count.values().copied().max().unwrap_or(0)
    });
    adaptive(&bank, Generating::B, CHECK_MAX_ANSWERS, 1000, 5000);
    adaptive(&bank, Generating::B, 24, 1000, 5000);
    adaptive(&bank, Generating::A, 24, 1000, 5000);
    // How far more answers would go (not a shipped setting).
    adaptive(&bank, Generating::B, 48, 1000, 5000);
    information_ceiling(&bank);
    ageing(&bank, 8000);
    retakes(&bank, 400);
}
