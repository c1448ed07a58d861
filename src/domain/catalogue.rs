//! The catalogue: skills, roles and modules as loaded from `content/`, with their markdown
//! already rendered. A [`Library`] is immutable once built; the courseware loader builds a new
//! one when content changes.

use super::curation::Curation;
use super::draw::QuizPolicy;
use super::ids::{ModuleId, RoleId, SkillId};
use super::level::Level;
use super::quiz::Question;
use super::task::Task;
use std::collections::{BTreeMap, HashMap};

/// A seed factor of the AI divide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Factor {
    Data,
    Compute,
    Talent,
    Research,
}

impl Factor {
    pub const ALL: [Factor; 4] = [
        Factor::Data,
        Factor::Compute,
        Factor::Talent,
        Factor::Research,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Factor::Data => "data",
            Factor::Compute => "compute",
            Factor::Talent => "talent",
            Factor::Research => "research",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Factor::Data => "Data quality and availability",
            Factor::Compute => "Compute resources and infrastructure",
            Factor::Talent => "Talent acquisition and retention",
            Factor::Research => "Access to advanced research",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == s)
    }
}

/// A seed challenge that organisations without AI resources face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Challenge {
    ModelComplexity,
    TrainingTesting,
    Deployment,
    Maintenance,
}

impl Challenge {
    pub const ALL: [Challenge; 4] = [
        Challenge::ModelComplexity,
        Challenge::TrainingTesting,
        Challenge::Deployment,
        Challenge::Maintenance,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Challenge::ModelComplexity => "model-complexity",
            Challenge::TrainingTesting => "training-testing",
            Challenge::Deployment => "deployment",
            Challenge::Maintenance => "maintenance",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Challenge::ModelComplexity => "Limited model complexity",
            Challenge::TrainingTesting => "Inadequate training and testing",
            Challenge::Deployment => "Difficulty deploying models",
            Challenge::Maintenance => "Maintenance and updates",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s)
    }
}

/// The curriculum's glossary: its terms, rendered once at load and sanitized.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Glossary {
    pub html: String,
    /// The terms (level-3 headings), with their anchors, in order.
    pub terms: Vec<TocEntry>,
}

/// A seed mitigation: a way round the missing resources that a skill helps an organisation use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mitigation {
    Cloud,
    OpenSource,
    Collaboration,
    Education,
}

impl Mitigation {
    pub const ALL: [Mitigation; 4] = [
        Mitigation::Cloud,
        Mitigation::OpenSource,
        Mitigation::Collaboration,
        Mitigation::Education,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Mitigation::Cloud => "cloud",
            Mitigation::OpenSource => "open-source",
            Mitigation::Collaboration => "collaboration",
            Mitigation::Education => "education",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Mitigation::Cloud => "Cloud services",
            Mitigation::OpenSource => "Open-source frameworks",
            Mitigation::Collaboration => "Collaboration and knowledge sharing",
            Mitigation::Education => "Education and training",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == s)
    }
}

/// How scarce a skill is on the hiring market, and where that figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Scarcity {
    /// 0.0 (plentiful) to 1.0 (very scarce).
    pub weight: f64,
    /// `true` when the weight is an estimate rather than a published figure.
    pub estimate: bool,
    pub source: String,
    pub date: String,
}

/// A skill of the taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    pub id: SkillId,
    pub name: String,
    pub description: String,
    pub factor: Factor,
    pub challenges: Vec<Challenge>,
    /// The seed mitigations this skill lets an organisation use (may be empty).
    pub mitigations: Vec<Mitigation>,
    /// Descriptors for levels 0 to 4, in order.
    pub levels: [String; 5],
    pub decay_half_life_days: u32,
    pub scarcity: Option<Scarcity>,
    /// External references (`sfia`, `turing`, …), stored as references only.
    pub references: BTreeMap<String, String>,
}

/// A role profile: the level a person in this role should reach in each skill.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub targets: Vec<(SkillId, Level)>,
}

/// How hard a module is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [
        Difficulty::Beginner,
        Difficulty::Intermediate,
        Difficulty::Advanced,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Difficulty::Beginner => "beginner",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Difficulty::Beginner => "Beginner",
            Difficulty::Intermediate => "Intermediate",
            Difficulty::Advanced => "Advanced",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == s)
    }
}

/// What every id in authored content starts with (the sanitizer adds it), so that content can
/// never take over an id of the app's own, such as `#main`, `#quiz` or `#quiz-result`.
pub const CONTENT_ID_PREFIX: &str = "c-";

/// The HTML id, and so the URL fragment, of a content anchor: the anchor with
/// [`CONTENT_ID_PREFIX`], unless it already starts with it (as the sanitizer does it).
pub fn content_id(anchor: &str) -> String {
    if anchor.starts_with(CONTENT_ID_PREFIX) {
        anchor.to_string()
    } else {
        format!("{CONTENT_ID_PREFIX}{anchor}")
    }
}

/// An entry of a module's table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub anchor: String,
    pub text: String,
}

impl TocEntry {
    /// The link to this heading within its page: `#` and its [`content_id`].
    pub fn href(&self) -> String {
        format!("#{}", content_id(&self.anchor))
    }

    /// Whether this heading starts a section reading progress is counted in: a level-2
    /// heading other than the closing "Further reading" list.
    pub fn is_section(&self) -> bool {
        self.level == 2 && !self.text.eq_ignore_ascii_case("further reading")
    }
}

/// A published learning module, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub id: ModuleId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub skills: Vec<(SkillId, Level)>,
    pub estimated_minutes: u32,
    pub prerequisites: Vec<ModuleId>,
    pub difficulty: Difficulty,
    pub authors: Vec<String>,
    /// The reading, rendered once at load and sanitized.
    pub body_html: String,
    pub toc: Vec<TocEntry>,
    /// The quiz's bank of questions, in authored order.
    pub quiz: Vec<Question>,
    /// How many of them an attempt draws, and when keyed answers are revealed.
    pub quiz_policy: QuizPolicy,
    /// Words of reading (code excluded, quiz excluded).
    pub word_count: usize,
    /// A hash of the source file, to notice changed content.
    pub content_hash: u64,
    /// The module's practical task, if it has one (set with [`Module::with_task`]).
    pub task: Option<Task>,
    /// Objectives, further reading and review dates (set with [`Module::with_curation`]).
    pub curation: Curation,
    /// Lower-cased title and summary, for search.
    search_text: String,
}

impl Module {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: ModuleId,
        slug: String,
        title: String,
        summary: String,
        skills: Vec<(SkillId, Level)>,
        estimated_minutes: u32,
        prerequisites: Vec<ModuleId>,
        difficulty: Difficulty,
        authors: Vec<String>,
        body_html: String,
        toc: Vec<TocEntry>,
        quiz: Vec<Question>,
        word_count: usize,
        content_hash: u64,
    ) -> Self {
        let search_text = format!("{} {}", title, summary).to_lowercase();
        Module {
            id,
            slug,
            title,
            summary,
            skills,
            estimated_minutes,
            prerequisites,
            difficulty,
            authors,
            body_html,
            toc,
            quiz,
            quiz_policy: QuizPolicy::default(),
            word_count,
            content_hash,
            task: None,
            curation: Curation::default(),
            search_text,
        }
    }

    /// The same module with its quiz given under `policy` (the default shows the whole bank
    /// and reveals keyed answers after a pass).
    pub fn with_quiz_policy(self, policy: QuizPolicy) -> Self {
        Module {
            quiz_policy: policy,
            ..self
        }
    }

    /// How many questions one attempt at the quiz shows.
    pub fn draw_size(&self) -> usize {
        self.quiz_policy.draw_size(self.quiz.len())
    }

    /// The module with its objectives, further reading and review dates.
    pub fn with_curation(mut self, curation: Curation) -> Self {
        self.curation = curation;
        self
    }

    /// The module with its practical task.
    pub fn with_task(mut self, task: Option<Task>) -> Self {
        self.task = task;
        self
    }

    /// Whether every word of `query` occurs in the title or summary (case-insensitive).
    pub fn matches_text(&self, query: &str) -> bool {
        query
            .split_whitespace()
            .all(|w| self.search_text.contains(&w.to_lowercase()))
    }

    /// The sections progress is counted in: the module's level-2 headings (at least one).
    pub fn sections(&self) -> u32 {
        (self.toc.iter().filter(|t| t.is_section()).count() as u32).max(1)
    }

    /// The anchor of section `n` (counted from 1), to resume reading at.
    pub fn section_anchor(&self, n: u32) -> Option<&str> {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        self.toc
            .iter()
            .filter(|t| t.is_section())
            .nth(index)
            .map(|t| t.anchor.as_str())
    }

    pub fn teaches(&self, skill: &SkillId) -> Option<Level> {
        self.skills
            .iter()
            .find(|(s, _)| s == skill)
            .map(|(_, l)| *l)
    }
}

/// What a catalogue listing is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueFilter {
    pub text: Option<String>,
    pub skill: Option<SkillId>,
    pub difficulty: Option<Difficulty>,
}

/// A binary image shipped with the content (served at `/content/<path>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Everything loaded from a content tree. Immutable; indexes are built once.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// The glossary page (`content/glossary.md`), rendered once at load, if there is one.
    glossary: Option<Glossary>,
    skills: Vec<Skill>,
    roles: Vec<Role>,
    /// Published modules in learning order (prerequisites first).
    modules: Vec<Module>,
    assets: HashMap<String, Asset>,
    by_slug: HashMap<String, usize>,
    by_id: HashMap<ModuleId, usize>,
    skill_index: HashMap<SkillId, usize>,
}

impl Library {
    /// Builds a library. `modules` must already be in learning order.
    pub fn new(
        skills: Vec<Skill>,
        roles: Vec<Role>,
        modules: Vec<Module>,
        assets: HashMap<String, Asset>,
    ) -> Self {
        let by_slug = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.slug.clone(), i))
            .collect();
        let by_id = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let skill_index = skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        Library {
            glossary: None,
            skills,
            roles,
            modules,
            assets,
            by_slug,
            by_id,
            skill_index,
        }
    }

    /// The library with its glossary.
    pub fn with_glossary(mut self, glossary: Option<Glossary>) -> Self {
        self.glossary = glossary;
        self
    }
    pub fn glossary(&self) -> Option<&Glossary> {
        self.glossary.as_ref()
    }
    pub fn skills(&self) -> &[Skill] {
        &self.skills
    }
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }
    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skill_index.get(id).map(|&i| &self.skills[i])
    }
    pub fn module_by_slug(&self, slug: &str) -> Option<&Module> {
        self.by_slug.get(slug).map(|&i| &self.modules[i])
    }
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.by_id.get(id).map(|&i| &self.modules[i])
    }
    pub fn asset(&self, path: &str) -> Option<&Asset> {
        self.assets.get(path)
    }

    /// The modules before and after `slug` in learning order.
    pub fn neighbours(&self, slug: &str) -> (Option<&Module>, Option<&Module>) {
        match self.by_slug.get(slug) {
            Some(&i) => (
                i.checked_sub(1).map(|p| &self.modules[p]),
                self.modules.get(i + 1),
            ),
            None => (None, None),
        }
    }

    /// Published modules matching `filter`, in learning order.
    pub fn filter(&self, filter: &CatalogueFilter) -> Vec<&Module> {
        self.modules
            .iter()
            .filter(|m| filter.difficulty.is_none_or(|d| m.difficulty == d))
            .filter(|m| filter.skill.as_ref().is_none_or(|s| m.teaches(s).is_some()))
            .filter(|m| {
                filter
                    .text
                    .as_deref()
                    .is_none_or(|t| t.trim().is_empty() || m.matches_text(t))
            })
            .collect()
    }

    /// Published modules that list `id` as a prerequisite: where a learner can go next.
    pub fn dependents(&self, id: &ModuleId) -> Vec<&Module> {
        self.modules
            .iter()
            .filter(|m| m.prerequisites.contains(id))
            .collect()
    }

    /// Modules that teach `skill`, with the level each reaches, highest first.
    pub fn modules_teaching(&self, skill: &SkillId) -> Vec<(&Module, Level)> {
        let mut v: Vec<_> = self
            .modules
            .iter()
            .filter_map(|m| m.teaches(skill).map(|l| (m, l)))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.title.cmp(&b.0.title)));
        v
    }
}
