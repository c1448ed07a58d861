//! Proficiency from evidence, with its uncertainty: the learner model (v2).
//!
//! The model, documented for users in `docs/proficiency.md`: a learner's level in a skill is a
//! number θ on the 0–4 scale. A quiz answer to a question of difficulty `b` is right with
//! probability
//!
//! ```text
//! P(right | θ) = c + (1 − c − s) · σ(a · (θ − b))
//! ```
//!
//! where `c` is the chance of guessing it ([`Item::guessing`]: 1/k for a single-answer question
//! with k choices, 1/(2^k − 1) for "select all that apply", graded as an exact match), `s` the
//! [`SLIP`] allowance and `a` the [`DISCRIMINATION`]. Only a learner's first answer to a given
//! question counts ([`counted`]); completing a module is not evidence of its own.
//!
//! The belief about θ is a probability on a grid of [`CELLS`] cells over 0–4, starting flat.
//! Evidence is folded in oldest first; between two answers, and from the newest answer to now,
//! θ may have drifted: a random walk (reflected at 0 and 4) whose variance grows by
//! [`DRIFT_SD_PER_HALF_LIFE`]² every `decay_half_life_days`. Old evidence therefore widens the
//! interval instead of pulling the estimate towards any level. The level reported is the
//! posterior's mode as of the newest evidence (so ageing alone never moves it; the mode was the
//! least biased of mode, median and mean in the validation); its uncertainty is today's
//! posterior: standard deviation and 95% highest-density range. When that range is
//! [`UNKNOWN_WIDTH`] levels or wider the skill is unknown again. [`next_item`] picks the most
//! informative question for an adaptive skill check.
//!
//! Pure: std, serde and chrono only (and the domain's own types).

use super::quiz::QuestionKind;
use serde::{Deserialize, Serialize};

/// Top of the scale (its bottom is 0).
pub const TOP: f64 = 4.0;
/// Grid cells over 0–4 (each 0.02 levels wide).
pub const CELLS: usize = 200;
/// Width of one grid cell, in levels.
pub const CELL: f64 = TOP / CELLS as f64;
/// Discrimination `a`: how sharply a level separates right from wrong answers. Tuned on the
/// mismatched generating model of `examples/validate_model.rs` (see `docs/proficiency.md`).
pub const DISCRIMINATION: f64 = 1.1;
/// Slip allowance `s`: the chance that someone far above a question still gets it wrong.
pub const SLIP: f64 = 0.05;
/// How far a level may drift, as a standard deviation in levels, over one half-life of the
/// skill (`decay_half_life_days`): a learner known to ±0.5 (one sd) loses half the precision of
/// that knowledge in one half-life.
pub const DRIFT_SD_PER_HALF_LIFE: f64 = 0.5;
/// Probability held by the interval.
pub const COVERAGE: f64 = 0.95;
/// A 95% range at least this wide (of the scale's 4) means the level is unknown.
pub const UNKNOWN_WIDTH: f64 = 3.0;
/// The choices assumed for a question no longer in the library: single answer, four choices
/// (the shape of most shipped questions).
pub const FALLBACK_CHOICES: u8 = 4;
/// The adaptive skill check stops after this many answers at most...
pub const CHECK_MAX_ANSWERS: usize = 20;
/// ...or as soon as the 95% range is at most this wide (half a level either way).
pub const CHECK_STOP_WIDTH: f64 = 1.0;
/// The slope of a practical task's pass curve: steeper than a question's ([`DISCRIMINATION`]),
/// since a rubric scored by a person looks at the work itself.
pub const TASK_SLOPE: f64 = 2.0;
/// The chance a task is scored against the learner's level either way (a lenient or a harsh
/// scorer, a lucky or an unlucky brief).
pub const TASK_SLIP: f64 = 0.05;
/// The highest level quiz and reading evidence alone can show: above it, only a scored
/// practical task says a learner does the work independently.
pub const QUIZ_CAP: f64 = 2.0;

/// The response model's two tunable constants. [`Params::default`] holds the shipped values;
/// others exist for the validation example's tuning runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub discrimination: f64,
    pub slip: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            discrimination: DISCRIMINATION,
            slip: SLIP,
        }
    }
}

/// A question as the model sees it: its identity and the shape that sets its guessing chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// A stable identity of the question ([`Item::key_of`] its module and question ids), used to
    /// count only a learner's first answer to it.
    pub key: u64,
    pub kind: QuestionKind,
    /// Number of choices shown.
    pub choices: u8,
}

impl Item {
    /// An item for question `question` of module `module`.
    pub fn new(module: &str, question: &str, kind: QuestionKind, choices: u8) -> Self {
        Item {
            key: Self::key_of(module, question),
            kind,
            choices,
        }
    }

    /// The item used when the question is no longer in the library: single answer, with
    /// [`FALLBACK_CHOICES`] choices.
    pub fn fallback(module: &str, question: &str) -> Self {
        Self::new(module, question, QuestionKind::Single, FALLBACK_CHOICES)
    }

    /// A stable 64-bit key for a module's question (FNV-1a of `module`, a separator and
    /// `question`); module and question ids are never reused, so neither is the key.
    pub fn key_of(module: &str, question: &str) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in module.bytes().chain([0x1f]).chain(question.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    /// The chance of answering right by guessing: 1/k for a single-answer question with k
    /// choices; for "select all that apply" (right only when exactly the keyed set is chosen),
    /// one in the 2^k − 1 non-empty sets.
    pub fn guessing(&self) -> f64 {
        let k = i32::from(self.choices.clamp(2, 16));
        match self.kind {
            QuestionKind::Single => 1.0 / f64::from(k),
            QuestionKind::Multiple => 1.0 / (2f64.powi(k) - 1.0),
        }
    }

    /// The chance that a learner at level `theta` answers this question of `difficulty` right.
    pub fn p_right(&self, difficulty: u8, theta: f64) -> f64 {
        self.p_right_with(Params::default(), difficulty, theta)
    }

    /// [`Item::p_right`] under other constants.
    pub fn p_right_with(&self, params: Params, difficulty: u8, theta: f64) -> f64 {
        let c = self.guessing();
        let z = sigmoid(params.discrimination * (theta - f64::from(difficulty)));
        c + (1.0 - c - params.slip) * z
    }

    /// Fisher information of an answer to this question about θ at `theta`: how much one answer
    /// narrows the estimate there.
    pub fn information(&self, difficulty: u8, theta: f64) -> f64 {
        let (a, s) = (DISCRIMINATION, SLIP);
        let c = self.guessing();
        let z = sigmoid(a * (theta - f64::from(difficulty)));
        let p = c + (1.0 - c - s) * z;
        let dp = (1.0 - c - s) * a * z * (1.0 - z);
        dp * dp / (p * (1.0 - p))
    }
}

/// What was observed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum EvidenceKind {
    /// An answer to a quiz question of `difficulty` (1–4).
    Answer {
        difficulty: u8,
        correct: bool,
        item: Item,
    },
    /// A practical task of `level` (3 or 4), scored by a manager or an admin against its rubric:
    /// `passed` or not, counting `weight` times as much as one observation (see [`TASK_SLOPE`]).
    Task {
        level: u8,
        passed: bool,
        weight: f64,
    },
}

/// One piece of evidence about one skill, `age_days` old.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub age_days: f64,
}

impl Evidence {
    /// An answer to `item` of `difficulty`, `age_days` old.
    pub fn answer(item: Item, difficulty: u8, correct: bool, age_days: f64) -> Self {
        Evidence {
            kind: EvidenceKind::Answer {
                difficulty,
                correct,
                item,
            },
            age_days,
        }
    }

    /// A scored practical task of `level`, `age_days` old.
    pub fn task(level: u8, passed: bool, weight: f64, age_days: f64) -> Self {
        Evidence {
            kind: EvidenceKind::Task {
                level,
                passed,
                weight,
            },
            age_days,
        }
    }

    /// The question answered (a task has none: it stands for no question).
    fn item(&self) -> Item {
        match self.kind {
            EvidenceKind::Answer { item, .. } => item,
            EvidenceKind::Task { .. } => Item::fallback("", ""),
        }
    }

    fn is_task(&self) -> bool {
        matches!(self.kind, EvidenceKind::Task { .. })
    }

    fn age(&self) -> f64 {
        if self.age_days.is_finite() {
            self.age_days.max(0.0)
        } else {
            0.0
        }
    }
}

/// Which evidence counts: a learner's first answer to each question (the oldest; between two
/// of the same age, the one listed first). Later answers to the same question are ignored: the
/// learner has seen it, its explanation and possibly its key.
pub fn counted(evidence: &[Evidence]) -> Vec<bool> {
    // The first answer to each question: its index, by item key.
    let mut first: std::collections::HashMap<u64, usize> = Default::default();
    let mut out = vec![false; evidence.len()];
    for (i, e) in evidence.iter().enumerate() {
        // Every scored task counts: each is a new piece of work, scored once.
        if e.is_task() {
            out[i] = true;
            continue;
        }
        let slot = first.entry(e.item().key).or_insert(i);
        if e.age() > evidence[*slot].age() {
            *slot = i;
        }
    }
    for i in first.into_values() {
        out[i] = true;
    }
    out
}

/// An estimate of a level, with its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The most probable level (the posterior's mode) as of the newest evidence, 0.0 to 4.0:
    /// ageing alone never moves it.
    pub level: f64,
    /// The posterior's standard deviation today, in levels.
    pub se: f64,
    /// The posterior's 95% highest-density range today, within 0–4.
    pub low: f64,
    pub high: f64,
    /// Evidence items given (repeated answers included)...
    pub evidence: usize,
    /// ...and how many of them counted (first answers to each question).
    pub weight: f64,
    /// The hardest question difficulty among the counted answers; `None` when not known (an
    /// estimate read back from a cache that does not hold it).
    #[serde(default)]
    pub tested_up_to: Option<u8>,
    /// Whether the range was cut at [`QUIZ_CAP`] ([`cap_without_task`]): quiz evidence alone
    /// read above level 2 and no practical task is scored yet. Pages and exports say so ("capped
    /// at 2"), so that a level of 2 with a range of 2–2 never reads as a measured certainty.
    #[serde(default)]
    pub capped: bool,
}

impl Estimate {
    /// Whether the 95% range spans most of the scale ([`UNKNOWN_WIDTH`] levels or more): too
    /// little (or too old) evidence to say, so the skill shows as unknown.
    pub fn is_unknown(&self) -> bool {
        self.high - self.low >= UNKNOWN_WIDTH - 1e-9
    }

    /// Whether the level reads (rounds to) a level above the hardest question the learner was
    /// tested at, `level ≥ tested_up_to + 0.5`: nothing has tested it there, so pages label it
    /// ("above the hardest tested, difficulty 3").
    pub fn above_tested(&self) -> bool {
        self.tested_up_to
            .is_some_and(|t| self.level >= f64::from(t) + 0.5)
    }

    /// Whether the level itself was cut at [`QUIZ_CAP`] (quiz evidence alone read it higher),
    /// not only the top of its range. Grid levels are cell centres (odd hundredths), so a level
    /// of exactly 2 after capping is the cap.
    pub fn level_capped(&self) -> bool {
        self.capped && self.level >= QUIZ_CAP - 1e-9
    }

    /// What a page must say beside the level, in words (never colour alone): "capped at 2"
    /// ([`Estimate::level_capped`]) and "above the hardest tested (difficulty N)"
    /// ([`Estimate::above_tested`]). Nothing for an unknown estimate, whose level is not shown.
    pub fn caveats(&self) -> Vec<String> {
        if self.is_unknown() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.level_capped() {
            out.push(format!("capped at {QUIZ_CAP:.0}"));
        }
        if let Some(t) = self.tested_up_to.filter(|_| self.above_tested()) {
            out.push(format!("above the hardest tested (difficulty {t})"));
        }
        out
    }

    /// [`Estimate::caveats`], and "range capped at 2" when only the top of the 95% range was
    /// cut: for an export that shows the range beside the level.
    pub fn range_caveats(&self) -> Vec<String> {
        let mut out = self.caveats();
        if self.capped && !self.level_capped() && !self.is_unknown() {
            out.insert(0, format!("range capped at {QUIZ_CAP:.0}"));
        }
        out
    }

    /// The 95% range as pages show it: "1.2–2.6"; for a capped estimate "0.4–2.0, capped at 2",
    /// or "at least 2.0, capped at 2" when the whole range was at or above the cap, since its
    /// upper end is the cap, not a measurement.
    pub fn range_text(&self) -> String {
        match (
            self.capped && !self.is_unknown(),
            self.low >= QUIZ_CAP - 1e-9,
        ) {
            (true, true) => format!("at least {QUIZ_CAP:.1}, capped at {QUIZ_CAP:.0}"),
            (true, false) => format!("{:.1}–{QUIZ_CAP:.1}, capped at {QUIZ_CAP:.0}", self.low),
            (false, _) => format!("{:.1}–{:.1}", self.low, self.high),
        }
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// σ(a · (θ − b)) at every cell centre for the shipped discrimination, for difficulties 0–4.
fn logistic_table() -> &'static [[f64; CELLS]; 5] {
    static TABLE: std::sync::OnceLock<[[f64; CELLS]; 5]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [[0.0; CELLS]; 5];
        for (b, row) in t.iter_mut().enumerate() {
            for (i, z) in row.iter_mut().enumerate() {
                *z = sigmoid(DISCRIMINATION * (cell_centre(i) - b as f64));
            }
        }
        t
    })
}

/// The level at the centre of grid cell `i`.
pub fn cell_centre(i: usize) -> f64 {
    (i as f64 + 0.5) * CELL
}

/// A probability distribution of θ over the grid's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    mass: Vec<f64>,
}

impl Default for Posterior {
    fn default() -> Self {
        Self::flat()
    }
}

impl Posterior {
    /// The flat prior: every level in 0–4 equally likely.
    pub fn flat() -> Self {
        Posterior {
            mass: vec![1.0 / CELLS as f64; CELLS],
        }
    }

    /// The probability of each cell.
    pub fn mass(&self) -> &[f64] {
        &self.mass
    }

    /// Folds in one piece of evidence (Bayes' rule).
    pub fn observe(&mut self, e: &Evidence) {
        self.observe_with(Params::default(), e);
    }

    fn observe_with(&mut self, params: Params, e: &Evidence) {
        let (difficulty, correct, item) = match e.kind {
            EvidenceKind::Answer {
                difficulty,
                correct,
                item,
            } => (difficulty, correct, item),
            EvidenceKind::Task {
                level,
                passed,
                weight,
            } => {
                self.observe_task(level, passed, weight);
                return;
            }
        };
        let c = item.guessing();
        let scale = 1.0 - c - params.slip;
        // The shipped discrimination's curves are tabulated once (the same arithmetic as
        // `Item::p_right_with`, so the same figures); others are computed.
        let table = (params.discrimination == DISCRIMINATION)
            .then(|| logistic_table().get(usize::from(difficulty)))
            .flatten();
        for (i, m) in self.mass.iter_mut().enumerate() {
            let z = match table {
                Some(t) => t[i],
                None => sigmoid(params.discrimination * (cell_centre(i) - f64::from(difficulty))),
            };
            let p = c + scale * z;
            *m *= if correct { p } else { 1.0 - p };
        }
        self.normalise();
    }

    /// A scored task: P(pass | θ) = [`TASK_SLIP`] + (1 − 2·[`TASK_SLIP`]) · σ([`TASK_SLOPE`] ·
    /// (θ − (level − ½))), raised to the power `weight`. A pass says "reads as `level` or
    /// above" (θ ≥ level − ½); nobody can guess their way through a rubric, so there is no
    /// guessing floor beyond the slip allowance on either side.
    fn observe_task(&mut self, level: u8, passed: bool, weight: f64) {
        let weight = if weight.is_finite() && weight > 0.0 {
            weight
        } else {
            1.0
        };
        let b = f64::from(level) - 0.5;
        for (i, m) in self.mass.iter_mut().enumerate() {
            let p =
                TASK_SLIP + (1.0 - 2.0 * TASK_SLIP) * sigmoid(TASK_SLOPE * (cell_centre(i) - b));
            *m *= (if passed { p } else { 1.0 - p }).powf(weight);
        }
        self.normalise();
    }

    fn normalise(&mut self) {
        let total: f64 = self.mass.iter().sum();
        if total > 0.0 && total.is_finite() {
            for m in &mut self.mass {
                *m /= total;
            }
        } else {
            *self = Self::flat();
        }
    }

    /// Lets θ drift for `days` as a random walk reflected at 0 and 4 whose variance grows by
    /// [`DRIFT_SD_PER_HALF_LIFE`]² per `half_life_days`.
    pub fn drift(&mut self, days: f64, half_life_days: f64) {
        if days.is_nan() || days <= 0.0 {
            return;
        }
        let variance = DRIFT_SD_PER_HALF_LIFE.powi(2) * days / half_life_days.max(1.0);
        self.diffuse(variance);
    }

    /// Convolves with a Gaussian of `variance` (levels²), reflected at the scale's ends, so that
    /// no probability is lost and the flat distribution stays flat.
    fn diffuse(&mut self, variance: f64) {
        let sd = variance.sqrt() / CELL;
        if sd.is_nan() || sd < 0.05 {
            return;
        }
        // Beyond a few hundred cells of spread the result is flat to within rounding.
        if sd > 4.0 * CELLS as f64 {
            *self = Self::flat();
            return;
        }
        let reach = (4.0 * sd).ceil() as usize;
        let kernel: Vec<f64> = (0..=reach)
            .map(|d| (-((d * d) as f64) / (2.0 * sd * sd)).exp())
            .collect();
        let total = kernel[0] + 2.0 * kernel[1..].iter().sum::<f64>();
        // The reflected kernel is symmetric, so spreading each cell's mass with reflection at
        // the ends equals convolving the mass mirrored beyond the ends (cell-centred: the cell
        // just beyond an end mirrors the end cell).
        let n = CELLS as i64;
        let fold = |mut j: i64| loop {
            if j < 0 {
                j = -1 - j;
            } else if j >= n {
                j = 2 * n - 1 - j;
            } else {
                break j as usize;
            }
        };
        let r = reach as i64;
        let mirrored: Vec<f64> = (-r..n + r).map(|x| self.mass[fold(x)]).collect();
        let full: Vec<f64> = (-r..=r)
            .map(|d| kernel[d.unsigned_abs() as usize] / total)
            .collect();
        // A dot product per cell, four partial sums at a time (the compiler may not reorder
        // floating-point sums by itself).
        let out: Vec<f64> = mirrored
            .windows(full.len())
            .map(|w| {
                let mut acc = [0.0f64; 4];
                let (wc, kc) = (w.chunks_exact(4), full.chunks_exact(4));
                let tail: f64 = wc
                    .remainder()
                    .iter()
                    .zip(kc.remainder())
                    .map(|(a, b)| a * b)
                    .sum();
                for (a, b) in wc.zip(kc) {
                    for k in 0..4 {
                        acc[k] += a[k] * b[k];
                    }
                }
                acc[0] + acc[1] + acc[2] + acc[3] + tail
            })
            .collect();
        self.mass = out;
        self.normalise();
    }

    /// The most probable level: the centre of the most probable cell (the lowest, on a tie).
    pub fn mode(&self) -> f64 {
        let mut best = 0;
        for (i, &m) in self.mass.iter().enumerate() {
            if m > self.mass[best] {
                best = i;
            }
        }
        cell_centre(best)
    }

    /// The posterior mean.
    pub fn mean(&self) -> f64 {
        self.mass
            .iter()
            .enumerate()
            .map(|(i, m)| m * cell_centre(i))
            .sum()
    }

    /// The posterior median (interpolated within its cell).
    pub fn median(&self) -> f64 {
        let mut below = 0.0;
        for (i, &m) in self.mass.iter().enumerate() {
            if below + m >= 0.5 && m > 0.0 {
                return (i as f64 + (0.5 - below) / m) * CELL;
            }
            below += m;
        }
        TOP
    }

    /// The posterior standard deviation.
    pub fn sd(&self) -> f64 {
        let mean = self.mean();
        self.mass
            .iter()
            .enumerate()
            .map(|(i, m)| m * (cell_centre(i) - mean).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    /// The highest-density range holding `coverage` of the probability: the fewest cells that
    /// do, most probable first, reported from the lowest cell's lower edge to the highest cell's
    /// upper edge (should the cells not be contiguous, the range spans the gap too).
    pub fn hdr(&self, coverage: f64) -> (f64, f64) {
        let mut order: Vec<usize> = (0..CELLS).collect();
        order.sort_by(|&a, &b| self.mass[b].total_cmp(&self.mass[a]).then(a.cmp(&b)));
        let (mut lo, mut hi, mut held) = (CELLS, 0, 0.0);
        for i in order {
            lo = lo.min(i);
            hi = hi.max(i);
            held += self.mass[i];
            if held >= coverage - 1e-12 {
                break;
            }
        }
        (lo as f64 * CELL, ((hi + 1) as f64 * CELL).min(TOP))
    }
}

/// The posterior of θ today given `evidence` (only counted answers), oldest evidence first,
/// with drift between evidence and from the newest to now.
pub fn posterior(evidence: &[Evidence], half_life_days: f64) -> Posterior {
    posterior_with(Params::default(), evidence, half_life_days)
}

/// [`posterior`] under other constants.
pub fn posterior_with(params: Params, evidence: &[Evidence], half_life_days: f64) -> Posterior {
    let (mut post, newest) = filter(params, evidence, half_life_days);
    post.drift(newest, half_life_days);
    post
}

/// The posterior at the moment of the newest counted evidence (before the drift from then to
/// now), and that evidence's age in days (0 without evidence).
fn filter(params: Params, evidence: &[Evidence], half_life_days: f64) -> (Posterior, f64) {
    let keep = counted(evidence);
    let mut order: Vec<&Evidence> = evidence
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(e, _)| e)
        .collect();
    // Oldest first; the sort is stable, so evidence of one moment keeps its order.
    order.sort_by(|a, b| b.age().total_cmp(&a.age()));
    let mut post = Posterior::flat();
    let mut at: Option<f64> = None;
    for e in order {
        if let Some(prev) = at {
            post.drift(prev - e.age(), half_life_days);
        }
        post.observe_with(params, e);
        at = Some(e.age());
    }
    (post, at.unwrap_or(0.0))
}

/// Estimates a level from evidence about one skill; `None` when there is none.
pub fn estimate(evidence: &[Evidence], half_life_days: f64) -> Option<Estimate> {
    estimate_with(Params::default(), evidence, half_life_days)
}

/// [`estimate`] under other constants.
pub fn estimate_with(
    params: Params,
    evidence: &[Evidence],
    half_life_days: f64,
) -> Option<Estimate> {
    if evidence.is_empty() {
        return None;
    }
    let (last, newest) = filter(params, evidence, half_life_days);
    let mut post = last.clone();
    post.drift(newest, half_life_days);
    let keep = counted(evidence);
    let (low, high) = post.hdr(COVERAGE);
    let tested_up_to = evidence
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(e, _)| match e.kind {
            EvidenceKind::Answer { difficulty, .. } => difficulty,
            EvidenceKind::Task { level, .. } => level,
        })
        .max();
    Some(Estimate {
        level: last.mode(),
        se: post.sd(),
        low,
        high,
        evidence: evidence.len(),
        weight: keep.iter().filter(|k| **k).count() as f64,
        tested_up_to,
        capped: false,
    })
}

/// Whether `evidence` holds a scored practical task.
pub fn has_task(evidence: &[Evidence]) -> bool {
    evidence.iter().any(Evidence::is_task)
}

/// Caps an estimate from quiz evidence alone at [`QUIZ_CAP`]: the level and both ends of its
/// range, unless `evidence` holds a scored task (or the estimate is unknown anyway, which the
/// cap must not hide by narrowing the range). [`Estimate::capped`] says whether the range was
/// cut.
pub fn cap_without_task(est: Estimate, evidence: &[Evidence]) -> Estimate {
    if has_task(evidence) || est.is_unknown() {
        return est;
    }
    Estimate {
        level: est.level.min(QUIZ_CAP),
        low: est.low.min(QUIZ_CAP),
        high: est.high.min(QUIZ_CAP),
        capped: est.high > QUIZ_CAP,
        ..est
    }
}

/// A skill's estimate as pages and roll-ups show it: [`estimate`], capped at [`QUIZ_CAP`]
/// until a practical task is scored ([`cap_without_task`]).
pub fn skill_estimate(evidence: &[Evidence], half_life_days: f64) -> Option<Estimate> {
    estimate(evidence, half_life_days).map(|e| cap_without_task(e, evidence))
}

/// A question available to the adaptive skill check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BankItem {
    pub item: Item,
    pub difficulty: u8,
}

/// The next question for an adaptive skill check: of the `bank`'s questions not yet answered
/// (by item), the one with the most information at the current estimate (the posterior mean
/// of `evidence`, which is the middle of the scale before any). `None` once every question has
/// been answered. Ties go to the first in the bank.
pub fn next_item(bank: &[BankItem], evidence: &[Evidence], half_life_days: f64) -> Option<usize> {
    let at = posterior(evidence, half_life_days).mean();
    let answered: std::collections::HashSet<u64> = evidence
        .iter()
        .filter(|e| !e.is_task())
        .map(|e| e.item().key)
        .collect();
    let mut best: Option<(usize, f64)> = None;
    for (i, b) in bank.iter().enumerate() {
        if answered.contains(&b.item.key) {
            continue;
        }
        let info = b.item.information(b.difficulty, at);
        if best.is_none_or(|(_, v)| info > v) {
            best = Some((i, info));
        }
    }
    best.map(|(i, _)| i)
}

/// Whether an adaptive skill check is done: the 95% range is at most [`CHECK_STOP_WIDTH`]
/// wide, or [`CHECK_MAX_ANSWERS`] questions have been answered.
pub fn check_complete(estimate: Option<&Estimate>, answered: usize) -> bool {
    answered >= CHECK_MAX_ANSWERS
        || estimate.is_some_and(|e| e.high - e.low <= CHECK_STOP_WIDTH + 1e-9)
}

/// Where a piece of evidence came from, to explain an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub module: String,
    /// The question answered.
    pub question: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Gathers a learner's evidence per skill from their quiz answers, each with its question's
/// identity, kind and number of choices looked up in `lib` (a question no longer there is taken
/// as [`Item::fallback`]). Module completions are not evidence: a completion is the quiz's
/// answers over again.
pub fn evidence_by_skill(
    lib: &super::catalogue::Library,
    attempts: &[super::progress::Attempt],
    now: chrono::DateTime<chrono::Utc>,
) -> std::collections::BTreeMap<super::ids::SkillId, Vec<(Evidence, Source)>> {
    evidence_with_tasks(lib, attempts, &[], now)
}

/// [`evidence_by_skill`], and the learner's scored practical tasks, each at its level with its
/// weight, dated when it was scored.
pub fn evidence_with_tasks(
    lib: &super::catalogue::Library,
    attempts: &[super::progress::Attempt],
    tasks: &[super::task::ScoredTask],
    now: chrono::DateTime<chrono::Utc>,
) -> std::collections::BTreeMap<super::ids::SkillId, Vec<(Evidence, Source)>> {
    let age = |at: chrono::DateTime<chrono::Utc>| (now - at).num_seconds().max(0) as f64 / 86_400.0;
    let mut out: std::collections::BTreeMap<super::ids::SkillId, Vec<(Evidence, Source)>> =
        Default::default();
    for a in attempts {
        let module = lib.module(&a.module);
        for ans in &a.answers {
            let item = module
                .and_then(|m| m.quiz.iter().find(|q| q.id.0 == ans.question))
                .map(|q| {
                    Item::new(
                        &a.module,
                        &ans.question,
                        q.kind,
                        u8::try_from(q.choices.len()).unwrap_or(u8::MAX),
                    )
                })
                .unwrap_or_else(|| Item::fallback(&a.module, &ans.question));
            out.entry(super::ids::SkillId::new(ans.skill.clone()))
                .or_default()
                .push((
                    Evidence::answer(item, ans.difficulty, ans.correct, age(a.submitted_at)),
                    Source {
                        module: a.module.clone(),
                        question: Some(ans.question.clone()),
                        at: a.submitted_at,
                    },
                ));
        }
    }
    for t in tasks {
        out.entry(t.skill.clone()).or_default().push((
            Evidence::task(t.level, t.passed, t.weight, age(t.scored_at)),
            Source {
                module: t.module.clone(),
                question: None,
                at: t.scored_at,
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator (SplitMix64), so property tests need no extra crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// Standard normal (Box–Muller).
        fn normal(&mut self) -> f64 {
            let u = self.unit().max(1e-300);
            let v = self.unit();
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        }
        /// A random question shape: single answer with 3–5 choices, or select-all with 4–5.
        fn item(&mut self, n: u64) -> Item {
            let (kind, choices) = if self.below(4) == 0 {
                (QuestionKind::Multiple, 4 + self.below(2) as u8)
            } else {
                (QuestionKind::Single, 3 + self.below(3) as u8)
            };
            Item::new("m", &format!("q{n}"), kind, choices)
        }
        fn evidence(&mut self) -> Vec<Evidence> {
            let n = self.below(12);
            (0..n)
                .map(|_| {
                    // Some questions come back (retakes): ids from a small pool.
                    let pool = self.below(10);
                    let item = self.item(pool);
                    Evidence::answer(
                        item,
                        1 + self.below(4) as u8,
                        self.below(2) == 0,
                        self.below(800) as f64,
                    )
                })
                .collect()
        }
    }

    fn single(id: &str) -> Item {
        Item::new("m", id, QuestionKind::Single, 4)
    }

    /// `n` fresh answers to distinct single-answer questions of `difficulty`.
    fn answers(prefix: &str, n: usize, difficulty: u8, correct: bool) -> Vec<Evidence> {
        (0..n)
            .map(|i| Evidence::answer(single(&format!("{prefix}{i}")), difficulty, correct, 0.0))
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn quiz_evidence_alone_is_capped_at_two_until_a_task_is_scored() {
        // Eight right answers at difficulty 3 read well above 2 in the raw model...
        let quiz = answers("hard", 8, 3, true);
        let raw = estimate(&quiz, 365.0).unwrap();
        assert!(raw.level > 3.0 && raw.high > 3.0, "{raw:?}");
        // ...and are shown capped at 2: the level and both ends of the range.
        let shown = skill_estimate(&quiz, 365.0).unwrap();
        assert_eq!(shown.level, QUIZ_CAP);
        assert!(shown.high <= QUIZ_CAP && shown.low <= QUIZ_CAP, "{shown:?}");
        assert!(!has_task(&quiz));
        // ...and say so in words, never as a measured "2.0–2.0".
        assert!(shown.capped && !raw.capped, "{shown:?}");
        assert_eq!(shown.caveats(), ["capped at 2"]);
        assert_eq!(shown.range_text(), "at least 2.0, capped at 2");
        assert_eq!(raw.caveats(), ["above the hardest tested (difficulty 3)"]);
        // Below the cap nothing changes; an unknown estimate stays unknown.
        let low = answers("easy", 6, 1, false);
        assert_eq!(skill_estimate(&low, 365.0), estimate(&low, 365.0));
        let below = skill_estimate(&low, 365.0).unwrap();
        assert!(!below.capped && below.caveats().is_empty(), "{below:?}");
        assert!(!below.range_text().contains("capped"));
        // A level below 2 whose range quiz evidence alone would take above 2: only the range
        // is cut, and says so; the level carries no note.
        let mid = [
            answers("r", 5, 1, true),
            answers("w", 4, 1, false),
            answers("x", 1, 2, true),
        ]
        .concat();
        let raw_mid = estimate(&mid, 365.0).unwrap();
        let cut = skill_estimate(&mid, 365.0).unwrap();
        assert!(
            raw_mid.level < QUIZ_CAP && raw_mid.high > QUIZ_CAP,
            "{raw_mid:?}"
        );
        assert!(cut.capped && !cut.level_capped(), "{cut:?}");
        assert!(cut.caveats().is_empty(), "{cut:?}");
        assert_eq!(cut.range_caveats(), ["range capped at 2"]);
        assert_eq!(
            cut.range_text(),
            format!("{:.1}–2.0, capped at 2", cut.low),
            "{cut:?}"
        );
        let thin = answers("one", 1, 2, true);
        let one = skill_estimate(&thin, 365.0).unwrap();
        assert!(one.is_unknown(), "{one:?}");

        // A passed level-3 task lifts the cap and the estimate goes above 2.
        let mut with_task = quiz.clone();
        with_task.push(Evidence::task(3, true, 2.0, 0.0));
        let passed = skill_estimate(&with_task, 365.0).unwrap();
        assert!(has_task(&with_task));
        assert!(passed.level > 3.0 && passed.high > 3.0, "{passed:?}");
        assert!(!passed.capped, "{passed:?}");
        assert!(!passed.caveats().iter().any(|c| c.contains("capped")));
        assert_eq!(passed.tested_up_to, Some(3));
        assert!(counted(&with_task).iter().all(|c| *c));

        // From middling quiz evidence, a pass raises the estimate and a fail lowers it; the
        // weight makes either count more.
        let mid: Vec<Evidence> = answers("m", 6, 2, true)
            .into_iter()
            .chain(answers("n", 6, 3, false))
            .collect();
        let base = estimate(&mid, 365.0).unwrap().level;
        let with = |passed: bool, weight: f64| {
            let mut e = mid.clone();
            e.push(Evidence::task(3, passed, weight, 0.0));
            skill_estimate(&e, 365.0).unwrap().level
        };
        assert!(with(true, 1.0) > base, "{} vs {base}", with(true, 1.0));
        assert!(with(false, 1.0) <= base, "{} vs {base}", with(false, 1.0));
        assert!(with(true, 3.0) >= with(true, 1.0));
        assert!(with(false, 3.0) <= with(false, 1.0));
    }

    #[test]
    fn no_evidence_is_unknown_not_zero() {
        assert_eq!(estimate(&[], 365.0), None);
    }

    #[test]
    fn the_response_model_allows_for_guessing_and_slips() {
        let four = single("a");
        assert!(close(four.guessing(), 0.25, 1e-12));
        let all_of_five = Item::new("m", "b", QuestionKind::Multiple, 5);
        assert!(close(all_of_five.guessing(), 1.0 / 31.0, 1e-12));
        // At θ = b the logistic part is one half: 0.25 + 0.70 / 2.
        assert!(close(four.p_right(2, 2.0), 0.60, 1e-12));
        // Far below, guessing; far above, everything but the slip.
        assert!(close(four.p_right(4, -20.0), 0.25, 1e-6));
        assert!(close(four.p_right(1, 30.0), 0.95, 1e-6));
        // Information peaks near the difficulty and is never negative.
        let peak = (0..=400)
            .map(|i| f64::from(i) / 100.0)
            .max_by(|a, b| four.information(2, *a).total_cmp(&four.information(2, *b)))
            .unwrap();
        assert!((2.0..2.6).contains(&peak), "{peak}");
        assert!(four.information(3, 0.0) >= 0.0);
        // A select-all question, hard to guess, tells more than a four-choice one.
        assert!(all_of_five.information(2, 2.0) > four.information(2, 2.0));
    }

    #[test]
    fn levels_follow_what_was_shown() {
        let s = estimate(&answers("s", 8, 3, true), 365.0).unwrap();
        let w = estimate(&answers("w", 8, 1, false), 365.0).unwrap();
        assert!(s.level > 3.0, "{s:?}");
        assert!(w.level < 0.5, "{w:?}");
        for e in [s, w] {
            assert!(e.low <= e.level && e.level <= e.high, "{e:?}");
            assert!(0.0 <= e.low && e.high <= TOP);
            assert_eq!((e.evidence, e.weight), (8, 8.0));
        }
        // A mixed record lands in the middle, known to within a level or so.
        let mut mixed = answers("a", 6, 1, true);
        mixed.extend(answers("b", 3, 2, true));
        mixed.extend(answers("c", 3, 2, false));
        mixed.extend(answers("d", 6, 3, false));
        let m = estimate(&mixed, 365.0).unwrap();
        assert!((1.5..2.8).contains(&m.level), "{m:?}");
        assert!(!m.is_unknown(), "{m:?}");
        assert_eq!(m.tested_up_to, Some(3));
    }

    #[test]
    fn one_or_two_answers_leave_the_level_unknown() {
        let one = estimate(&answers("x", 1, 2, true), 365.0).unwrap();
        assert!(one.is_unknown(), "{one:?}");
        let (low, high) = Posterior::flat().hdr(COVERAGE);
        assert!(
            close(low, 0.0, 1e-12) && close(high, 3.8, 1e-9),
            "{low} {high}"
        );
    }

    #[test]
    fn only_the_first_answer_to_a_question_counts() {
        let q = single("q");
        let first = Evidence::answer(q, 2, false, 30.0);
        let retake = Evidence::answer(q, 2, true, 10.0);
        assert_eq!(counted(&[retake, first]), [false, true]);
        let alone = estimate(&[first], 365.0).unwrap();
        let both = estimate(&[retake, first], 365.0).unwrap();
        assert_eq!(
            (alone.level, alone.low, alone.high),
            (both.level, both.low, both.high)
        );
        assert_eq!((both.evidence, both.weight), (2, 1.0));
        // Of two answers at the same moment, the one listed first.
        assert_eq!(counted(&[retake, retake]), [true, false]);
    }

    #[test]
    fn retaking_a_quiz_until_passing_does_not_lift_a_novice() {
        // A novice gets four of five wrong, then retakes the same five questions until passing.
        let quiz: Vec<Item> = (0..5).map(|i| single(&format!("q{i}"))).collect();
        let mut ev: Vec<Evidence> = quiz
            .iter()
            .enumerate()
            .map(|(i, q)| Evidence::answer(*q, 2, i == 0, 5.0))
            .collect();
        let first = estimate(&ev, 365.0).unwrap();
        for day in [4.0, 3.0, 2.0, 1.0] {
            ev.extend(quiz.iter().map(|q| Evidence::answer(*q, 2, true, day)));
        }
        let after = estimate(&ev, 365.0).unwrap();
        assert_eq!(
            (first.level, first.low, first.high),
            (after.level, after.low, after.high)
        );
        assert_eq!(after.weight, 5.0);
    }

    /// Right answers never lower the level: added at any moment up to the newest evidence, or
    /// turned from wrong to right at any moment. (A right answer newer than all the rest also
    /// moves the moment the level is read at, over which the level may have drifted; compared
    /// with the same answer wrong, it is never lower either.)
    #[test]
    fn property_right_answers_never_lower_the_estimate() {
        let mut rng = Rng(7);
        for round in 0..200 {
            let ev = rng.evidence();
            let newest = ev.iter().map(|e| e.age_days).fold(f64::INFINITY, f64::min);
            let fresh = rng.item(1000 + round);
            let d = 1 + rng.below(4) as u8;
            // Any moment, half of the time no newer than the newest evidence.
            let age = if round % 2 == 0 && newest.is_finite() {
                newest + rng.below(800) as f64
            } else {
                rng.below(800) as f64
            };
            let mut right = ev.clone();
            right.push(Evidence::answer(fresh, d, true, age));
            let mut wrong = ev.clone();
            wrong.push(Evidence::answer(fresh, d, false, age));
            let r = estimate(&right, 365.0).unwrap();
            let w = estimate(&wrong, 365.0).unwrap();
            assert!(
                r.level >= w.level,
                "wrong turned right: {w:?} -> {r:?} for {ev:?}"
            );
            for e in [r, w] {
                assert!(
                    e.low <= e.level && e.level <= e.high,
                    "level outside its range: {e:?}"
                );
            }
            let (pr, pw) = (posterior(&right, 365.0), posterior(&wrong, 365.0));
            assert!(pr.mean() >= pw.mean() - 1e-12);
            if let (Some(b), true) = (estimate(&ev, 365.0), age >= newest) {
                assert!(
                    r.level >= b.level,
                    "adding a right answer: {b:?} -> {r:?} for {ev:?}"
                );
                assert!(pr.mean() >= posterior(&ev, 365.0).mean() - 1e-12);
            }
        }
    }

    /// A synthetic bank: difficulties 1–4, single answers with 3–5 choices and select-all.
    fn bank(rng: &mut Rng, n: u64) -> Vec<BankItem> {
        (0..n)
            .map(|i| BankItem {
                item: rng.item(i),
                difficulty: 1 + (i % 4) as u8,
            })
            .collect()
    }

    /// Answers `item` as a learner at `theta` would under the model itself.
    fn respond(rng: &mut Rng, b: &BankItem, theta: f64, age_days: f64) -> Evidence {
        let right = rng.unit() < b.item.p_right(b.difficulty, theta);
        Evidence::answer(b.item, b.difficulty, right, age_days)
    }

    #[test]
    fn uncertainty_shrinks_on_average_not_with_every_answer() {
        let mut rng = Rng(11);
        let bank = bank(&mut rng, 40);
        let mut mean_sd = [0.0; 17];
        mean_sd[0] = Posterior::flat().sd();
        let mut grew = 0;
        let learners = 150;
        for _ in 0..learners {
            let theta = 4.0 * rng.unit();
            let mut ev = Vec::new();
            let mut last = mean_sd[0];
            for sd_n in mean_sd.iter_mut().skip(1) {
                let b = &bank[rng.below(bank.len() as u64) as usize];
                ev.push(respond(&mut rng, b, theta, 0.0));
                let sd = posterior(&ev, 365.0).sd();
                if sd > last {
                    grew += 1;
                }
                last = sd;
                *sd_n += sd / f64::from(learners);
            }
        }
        assert!(
            mean_sd.windows(2).all(|w| w[1] < w[0]),
            "mean sd by answers: {mean_sd:?}"
        );
        // A surprising answer can widen the posterior: the guarantee is on average only.
        assert!(grew > 0, "no answer ever widened the posterior");
    }

    /// Runs `θ` forward as the model's drift: a reflected random walk.
    fn drift_truth(rng: &mut Rng, theta: f64, days: f64, half_life: f64) -> f64 {
        let sd = DRIFT_SD_PER_HALF_LIFE * (days / half_life).sqrt();
        let mut t = theta + sd * rng.normal();
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

    /// The regression guard for calibration: learners of uniform level, whose level drifts as
    /// the model says, answer four quizzes of three questions at random times over two
    /// half-lives; the 95% range must hold today's true level 90–98% of the time.
    #[test]
    fn the_95_percent_range_is_calibrated() {
        let mut rng = Rng(2026);
        let bank = bank(&mut rng, 48);
        let half_life = 365.0;
        let (mut held, learners) = (0, 600);
        for _ in 0..learners {
            let mut ages: Vec<f64> = (0..4).map(|_| rng.unit() * 2.0 * half_life).collect();
            ages.sort_by(|a, b| b.total_cmp(a));
            let mut theta = 4.0 * rng.unit();
            let mut ev = Vec::new();
            let mut at = ages[0];
            for &age in &ages {
                theta = drift_truth(&mut rng, theta, at - age, half_life);
                at = age;
                for _ in 0..3 {
                    let b = &bank[rng.below(bank.len() as u64) as usize];
                    ev.push(respond(&mut rng, b, theta, age));
                }
            }
            theta = drift_truth(&mut rng, theta, at, half_life);
            let e = estimate(&ev, half_life).unwrap();
            if e.low <= theta && theta <= e.high {
                held += 1;
            }
        }
        let coverage = f64::from(held) / f64::from(learners);
        assert!((0.90..=0.98).contains(&coverage), "coverage {coverage}");
    }

    #[test]
    fn ageing_widens_the_range_and_never_moves_the_level() {
        let mut ev = answers("a", 5, 1, true);
        ev.extend(answers("b", 4, 2, true));
        ev.extend(answers("c", 3, 3, true));
        ev.extend(answers("d", 2, 3, false));
        let aged = |days: f64| -> Vec<Evidence> {
            ev.iter()
                .map(|e| Evidence {
                    age_days: days,
                    ..*e
                })
                .collect()
        };
        let fresh = estimate(&ev, 365.0).unwrap();
        let year = estimate(&aged(365.0), 365.0).unwrap();
        let decade = estimate(&aged(3650.0), 365.0).unwrap();
        assert!(fresh.level > 2.5 && !fresh.is_unknown(), "{fresh:?}");
        assert!(
            year.high - year.low > fresh.high - fresh.low,
            "{fresh:?} {year:?}"
        );
        assert!(year.se > fresh.se);
        assert!(decade.is_unknown(), "{decade:?}");
        // Ageing alone never moves the level (it is read as of the newest evidence).
        assert_eq!((year.level, decade.level), (fresh.level, fresh.level));
    }

    #[test]
    fn drift_keeps_probability_and_keeps_flat_flat() {
        let mut p = posterior(&answers("a", 3, 2, true), 365.0);
        p.drift(200.0, 365.0);
        assert!(close(p.mass().iter().sum::<f64>(), 1.0, 1e-12));
        let mut flat = Posterior::flat();
        flat.drift(500.0, 365.0);
        assert!(flat
            .mass()
            .iter()
            .all(|m| close(*m, 1.0 / CELLS as f64, 1e-12)));
    }

    #[test]
    fn estimates_above_the_hardest_question_tested_are_flagged() {
        let e = estimate(&answers("a", 8, 2, true), 365.0).unwrap();
        assert_eq!(e.tested_up_to, Some(2));
        assert!(e.level > 2.0 && e.above_tested(), "{e:?}");
        // Difficulty-4 questions exist in the model: passing them reads above 3.
        let mut hard = answers("b", 4, 3, true);
        hard.extend(answers("c", 4, 4, true));
        let h = estimate(&hard, 365.0).unwrap();
        assert_eq!(h.tested_up_to, Some(4));
        assert!(h.level > 3.0 && !h.above_tested(), "{h:?}");
        let mixed = estimate(&answers("d", 8, 3, false), 365.0).unwrap();
        assert!(!mixed.above_tested(), "{mixed:?}");
    }

    /// The worked example of `docs/proficiency.md`, figure for figure.
    #[test]
    fn the_documented_worked_example() {
        use QuestionKind::{Multiple, Single};
        let d = |id: &str, kind, k| Item::new("deploying-models", id, kind, k);
        let m = |id: &str, kind, k| Item::new("monitoring-and-maintenance", id, kind, k);
        let sam = vec![
            Evidence::answer(d("q-batch-choice", Single, 4), 1, true, 60.0),
            Evidence::answer(d("q-version-response", Single, 4), 2, true, 60.0),
            Evidence::answer(d("q-ci-steps", Multiple, 5), 2, true, 60.0),
            Evidence::answer(d("q-shadow", Single, 4), 3, false, 60.0),
            Evidence::answer(d("q-maturity", Single, 4), 3, true, 60.0),
            Evidence::answer(d("q-shadow", Single, 4), 3, true, 59.0),
            Evidence::answer(m("q-drift-kinds", Single, 4), 1, true, 5.0),
            Evidence::answer(m("q-retrain", Single, 4), 2, true, 5.0),
            Evidence::answer(m("q-retrain-when", Multiple, 4), 2, true, 5.0),
            Evidence::answer(m("q-rollback", Single, 4), 2, true, 5.0),
            Evidence::answer(m("q-alerts", Multiple, 5), 3, false, 5.0),
            Evidence::answer(m("q-canary", Single, 4), 3, false, 5.0),
        ];
        let half_life = 450.0;
        let r2 = |x: f64| (x * 100.0).round() / 100.0;
        // One answer: a four-choice question of difficulty 2 at θ = 2 and θ = 3.
        assert_eq!(r2(sam[1].item().p_right(2, 2.0)), 0.60);
        assert_eq!(r2(sam[1].item().p_right(2, 3.0)), 0.78);
        assert_eq!(r2(sam[2].item().guessing()), 0.03);
        assert_eq!(counted(&sam).iter().filter(|c| !**c).count(), 1);
        let summary = |days: f64| {
            let aged: Vec<Evidence> = sam
                .iter()
                .map(|e| Evidence {
                    age_days: e.age_days + days,
                    ..*e
                })
                .collect();
            let e = estimate(&aged, half_life).unwrap();
            (r2(e.level), r2(e.se), r2(e.low), r2(e.high), e.is_unknown())
        };
        let now = estimate(&sam, half_life).unwrap();
        assert_eq!(
            (now.evidence, now.weight, now.tested_up_to),
            (12, 11.0, Some(3))
        );
        assert!(!now.above_tested());
        assert_eq!(summary(0.0), (3.05, 0.65, 1.74, 4.0, false));
        assert_eq!(summary(365.0), (3.05, 0.73, 1.54, 4.0, false));
        assert_eq!(summary(3.0 * 365.0), (3.05, 0.84, 1.18, 4.0, false));
        assert_eq!(summary(5.0 * 365.0), (3.05, 0.92, 0.9, 4.0, true));
        // After the first quiz alone: higher, wider, and above the hardest tested.
        let first = estimate(&sam[..6], half_life).unwrap();
        assert_eq!(
            (r2(first.level), r2(first.low), r2(first.high)),
            (3.53, 1.26, 4.0)
        );
        assert!(first.above_tested() && !first.is_unknown());
    }

    #[test]
    fn evidence_carries_each_question_s_shape_from_the_library() {
        use crate::domain::catalogue::{Difficulty, Library, Module};
        use crate::domain::ids::{ModuleId, QuestionId, SkillId};
        use crate::domain::people::{AttemptId, UserId};
        use crate::domain::progress::{AnswerRecord, Attempt};
        use crate::domain::quiz::{Choice, Question};
        let question = |id: &str, kind, choices: usize| Question {
            id: QuestionId::new(id),
            skill: SkillId::new("s"),
            difficulty: 2,
            kind,
            prompt_html: String::new(),
            choices: (0..choices)
                .map(|i| Choice {
                    html: String::new(),
                    correct: i == 0,
                })
                .collect(),
            explanation_html: String::new(),
        };
        let module = Module::new(
            ModuleId::new("m"),
            "m".into(),
            "M".into(),
            String::new(),
            vec![],
            10,
            vec![],
            Difficulty::Beginner,
            vec![],
            String::new(),
            vec![],
            vec![
                question("q-one", QuestionKind::Single, 3),
                question("q-all", QuestionKind::Multiple, 5),
            ],
            0,
            0,
        );
        let lib = Library::new(vec![], vec![], vec![module], Default::default());
        let record = |q: &str, correct: bool| AnswerRecord {
            question: q.into(),
            skill: "s".into(),
            difficulty: 2,
            selected: vec![0],
            correct,
        };
        let attempt = |id: i64, at: &str, answers: Vec<AnswerRecord>| Attempt {
            id: AttemptId(id),
            user: UserId(1),
            kind: crate::domain::progress::AttemptKind::Quiz,
            module: "m".into(),
            score: 0,
            total: answers.len() as u32,
            answers,
            submitted_at: chrono::DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&chrono::Utc),
            seed: None,
        };
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let attempts = [
            attempt(
                1,
                "2026-11-20T00:00:00Z",
                vec![
                    record("q-one", false),
                    record("q-all", true),
                    record("q-gone", true),
                ],
            ),
            attempt(2, "2026-11-21T00:00:00Z", vec![record("q-one", true)]),
        ];
        let by_skill = evidence_by_skill(&lib, &attempts, now);
        let ev: Vec<Evidence> = by_skill[&SkillId::new("s")]
            .iter()
            .map(|(e, _)| *e)
            .collect();
        let items: Vec<Item> = ev.iter().map(Evidence::item).collect();
        assert_eq!(items[0], Item::new("m", "q-one", QuestionKind::Single, 3));
        assert_eq!(items[1], Item::new("m", "q-all", QuestionKind::Multiple, 5));
        assert_eq!(
            items[2],
            Item::fallback("m", "q-gone"),
            "no longer in the library"
        );
        assert_eq!(items[2].kind, QuestionKind::Single);
        assert_eq!(items[2].choices, FALLBACK_CHOICES);
        assert_eq!(items[3], items[0], "the same question again");
        assert!(close(ev[0].age_days, 10.0, 1e-9) && close(ev[3].age_days, 9.0, 1e-9));
        // The retake's right answer to q-one does not count; its first, wrong answer does.
        assert_eq!(counted(&ev), [true, true, true, false]);
        let e = estimate(&ev, 365.0).unwrap();
        assert_eq!((e.evidence, e.weight), (4, 3.0));
    }

    #[test]
    fn the_next_question_is_the_most_informative_unanswered_one() {
        let bank: Vec<BankItem> = (1..=4)
            .map(|d| BankItem {
                item: single(&format!("d{d}")),
                difficulty: d,
            })
            .collect();
        // Before any answer the middle of the scale: difficulty 2 informs most there.
        assert_eq!(next_item(&bank, &[], 365.0), Some(1));
        let wrong = [Evidence::answer(bank[1].item, 2, false, 0.0)];
        assert_eq!(
            next_item(&bank, &wrong, 365.0),
            Some(0),
            "easier after a miss"
        );
        let mut right = answers("other", 3, 3, true);
        right.push(Evidence::answer(bank[1].item, 2, true, 0.0));
        let next = next_item(&bank, &right, 365.0).unwrap();
        assert!(bank[next].difficulty >= 3, "harder after hits: {next}");
        let all: Vec<Evidence> = bank
            .iter()
            .map(|b| Evidence::answer(b.item, b.difficulty, true, 0.0))
            .collect();
        assert_eq!(next_item(&bank, &all, 365.0), None);
        assert!(check_complete(None, CHECK_MAX_ANSWERS));
        assert!(!check_complete(estimate(&all, 365.0).as_ref(), 4));
    }
}
