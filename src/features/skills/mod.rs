//! The skills taxonomy: an index grouped by seed factor, and a page per skill with its level
//! descriptors and the modules that teach it.

use crate::domain::catalogue::Factor;
use crate::domain::level::Level;
use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::{set_not_found, LevelBadge};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn SkillsPage() -> impl IntoView {
    ctx::page(skills())
}

fn skills() -> Result<impl IntoView, Refusal> {
    let lib = ctx::library()?;
    let groups = Factor::ALL
        .iter()
        .map(|f| {
            let skills: Vec<_> = lib
                .skills()
                .iter()
                .filter(|s| s.factor == *f)
                .map(|s| (s.id.0.clone(), s.name.clone(), s.description.clone()))
                .collect();
            view! {
                <section class="factor">
                    <h2>{f.label()}</h2>
                    <ul class="skill-index">
                        {skills
                            .into_iter()
                            .map(|(id, name, description)| {
                                view! {
                                    <li>
                                        <a href=format!("/skills/{id}")>{name}</a>
                                        <p>{description}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view();
    Ok(view! {
        <Title text="Skills" />
        <Meta name="description" content="The AI skills Levelfield teaches, grouped by the factor of the AI divide they address, each with the modules that teach it." />
        <h1>"Skills"</h1>
        <p>"The skills Levelfield teaches, grouped by the factor of the AI divide they address."</p>
        {groups}
    })
}

#[component]
pub fn SkillPage() -> impl IntoView {
    ctx::page(skill_page())
}

fn skill_page() -> Result<impl IntoView, Refusal> {
    let lib = ctx::library()?;
    let id = ctx::param("id").unwrap_or_default();
    let Some(skill) = lib.skill(&id) else {
        set_not_found();
        return Ok(view! {
            <Title text="Skill not found" />
            <h1>"Skill not found"</h1>
            <p><a href="/skills">"See all skills"</a></p>
        }
        .into_any());
    };
    let levels = Level::all()
        .map(|l| {
            view! {
                <tr>
                    <th scope="row"><LevelBadge level=l /></th>
                    <td>{skill.levels[l.value() as usize].clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let teaching: Vec<_> = lib
        .modules_teaching(&skill.id)
        .into_iter()
        .map(|(m, l)| (m.slug.clone(), m.title.clone(), l))
        .collect();
    let challenges = skill
        .challenges
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ");
    let mitigations = if skill.mitigations.is_empty() {
        "—".to_string()
    } else {
        skill
            .mitigations
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let references = skill
        .references
        .iter()
        .map(|(k, v)| {
            let label = match k.as_str() {
                "sfia" => "SFIA skill code".to_string(),
                "turing" => "Turing AI-skills framework".to_string(),
                other => other.to_string(),
            };
            view! { <li>{label} ": " <code>{v.clone()}</code></li> }
        })
        .collect_view();
    let has_refs = !skill.references.is_empty();
    Ok(view! {
        <Title text=skill.name.clone() />
        <Meta name="description" content=skill.description.clone() />
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href="/skills">"Skills"</a>
            " / "
            <span aria-current="page">{skill.name.clone()}</span>
        </nav>
        <h1>{skill.name.clone()}</h1>
        <p class="summary">{skill.description.clone()}</p>
        <p>
            <a class="button-link" href=format!("/skills/{}/check", skill.id)>"Check this skill"</a>
            " A few questions, picked one by one, to measure your level (sign-in needed)."
        </p>
        <dl class="facts">
            <div><dt>"Factor"</dt><dd>{skill.factor.label()}</dd></div>
            <div><dt>"Addresses"</dt><dd>{challenges}</dd></div>
            <div><dt>"Lets you use"</dt><dd>{mitigations}</dd></div>
        </dl>
        <h2>"Levels"</h2>
        <table class="levels">
            <caption class="visually-hidden">"What each level of this skill means"</caption>
            <thead><tr><th scope="col">"Level"</th><th scope="col">"What it looks like"</th></tr></thead>
            <tbody>{levels}</tbody>
        </table>
        <h2>"Modules that teach it"</h2>
        {if teaching.is_empty() {
            view! { <p>"No module teaches this skill yet: hire for it or partner with someone who has it."</p> }.into_any()
        } else {
            view! {
                <ul class="teaching">
                    {teaching
                        .into_iter()
                        .map(|(slug, title, l)| view! { <li><a href=format!("/modules/{slug}")>{title}</a> " " <LevelBadge level=l /></li> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        {has_refs.then(|| view! { <h2>"References"</h2><ul class="references">{references}</ul> })}
    }
    .into_any())
}
