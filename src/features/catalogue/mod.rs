//! The catalogue: every published module, filtered by skill, level and text. Server-rendered;
//! filtering is a GET form, so it works without JavaScript.

mod glossary;
pub use glossary::GlossaryPage;

use crate::domain::catalogue::{CatalogueFilter, Difficulty, Module};
use crate::domain::ids::SkillId;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn CataloguePage() -> impl IntoView {
    ctx::page(catalogue())
}

fn catalogue() -> Result<impl IntoView, Refusal> {
    let lib = ctx::library()?;
    let text = ctx::query("q").unwrap_or_default();
    let skill = ctx::choice("skill");
    let level = ctx::choice("level");
    let filter = CatalogueFilter {
        text: Some(text.clone()).filter(|t| !t.trim().is_empty()),
        skill: skill.clone().map(SkillId::new),
        difficulty: level.as_deref().and_then(Difficulty::parse),
    };
    let modules: Vec<ModuleCard> = lib
        .filter(&filter)
        .into_iter()
        .map(|m| ModuleCard::of(m, &lib))
        .collect();
    let total = lib.modules().len();
    let count = modules.len();
    let skill_options = lib
        .skills()
        .iter()
        .map(|s| {
            let selected = skill.as_deref() == Some(s.id.as_str());
            view! { <option value=s.id.0.clone() selected=selected>{s.name.clone()}</option> }
        })
        .collect_view();
    let level_options = Difficulty::ALL
        .iter()
        .map(|d| {
            let selected = level.as_deref() == Some(d.key());
            view! { <option value=d.key() selected=selected>{d.label()}</option> }
        })
        .collect_view();
    let filtered = filter != CatalogueFilter::default();

    Ok(view! {
        <Title text="Modules" />
        <Meta name="description" content="Short modules on the AI skills organisations lack (data, compute, talent and research): read, check your understanding with a quiz, and see what to learn next." />
        <section class="intro">
            <h1>"Learn the AI skills your organisation is missing"</h1>
            <p>
                "Short modules on data, compute, talent and research: read, check your understanding with a quiz, and move on to what you need next."
            </p>
        </section>
        <form class="filters" method="get" action="/" role="search" aria-label="Filter modules">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" name="q" type="search" value=text placeholder="e.g. drift, GPUs, hiring" />
            </div>
            <div class="field">
                <label for="filter-skill">"Skill"</label>
                <select id="filter-skill" name="skill">
                    <option value="">"All skills"</option>
                    {skill_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-level">"Level"</label>
                <select id="filter-level" name="level">
                    <option value="">"All levels"</option>
                    {level_options}
                </select>
            </div>
            <div class="field actions">
                <button type="submit" class="button">"Filter"</button>
                {filtered.then(|| view! { <a href="/" class="button-link">"Clear"</a> })}
            </div>
        </form>
        <p class="result-count" role="status">
            {if filtered { format!("{count} of {total} modules match.") } else { format!("{total} modules.") }}
        </p>
        {if modules.is_empty() {
            view! { <p class="empty">"No module matches these filters. Try fewer words or another skill."</p> }.into_any()
        } else {
            view! {
                <ul class="cards" data-testid="catalogue">
                    {modules.into_iter().map(ModuleCard::render).collect_view()}
                </ul>
            }
                .into_any()
        }}
    })
}

/// What a catalogue card shows of a module.
struct ModuleCard {
    slug: String,
    title: String,
    summary: String,
    difficulty: Difficulty,
    minutes: u32,
    skills: Vec<(String, String, u8)>,
}

impl ModuleCard {
    fn of(m: &Module, lib: &crate::domain::catalogue::Library) -> Self {
        ModuleCard {
            slug: m.slug.clone(),
            title: m.title.clone(),
            summary: m.summary.clone(),
            difficulty: m.difficulty,
            minutes: m.estimated_minutes,
            skills: m
                .skills
                .iter()
                .map(|(s, l)| {
                    let name = lib
                        .skill(s.as_str())
                        .map(|k| k.name.clone())
                        .unwrap_or_else(|| s.0.clone());
                    (s.0.clone(), name, l.value())
                })
                .collect(),
        }
    }

    fn render(self) -> impl IntoView {
        view! {
            <li class="card">
                <h2><a href=format!("/modules/{}", self.slug)>{self.title}</a></h2>
                <p>{self.summary}</p>
                <p class="meta">
                    <span class=format!("tag level-{}", self.difficulty.key())>{self.difficulty.label()}</span>
                    <span>{format!("{} min", self.minutes)}</span>
                </p>
                <ul class="skill-list" aria-label="Skills taught">
                    {self
                        .skills
                        .into_iter()
                        .map(|(id, name, level)| {
                            view! {
                                <li><a href=format!("/skills/{id}")>{name}</a>{format!(" → level {level}")}</li>
                            }
                        })
                        .collect_view()}
                </ul>
            </li>
        }
    }
}
