//! A person's skills: the estimated level per skill with its uncertainty and the evidence
//! behind it, their self-ratings, the comparison with a role's targets, and the modules that
//! close the largest gaps. Shown to the learner ("My skills", editable) and to their manager
//! (the drill-down, read-only).
//!
//! May use: domain, store records, leptos.

use crate::domain::catalogue::Library;
use crate::domain::gaps::{recommend, Gap, Weights};
use crate::domain::ids::{ModuleId, SkillId};
use crate::domain::proficiency::{counted, evidence_with_tasks, skill_estimate, EvidenceKind};
use crate::domain::progress::{Attempt, ModuleProgress};
use crate::domain::skills::SelfRating;
use crate::domain::task::ScoredTask;
use leptos::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// What a person's skills view shows.
pub struct SkillsView {
    pub progress: Vec<ModuleProgress>,
    pub attempts: Vec<Attempt>,
    /// Their scored practical tasks.
    pub tasks: Vec<ScoredTask>,
    pub ratings: Vec<SelfRating>,
    pub weights: Weights,
    /// The role chosen on the page, if any (a role id).
    pub role: Option<String>,
    /// The role the person is measured against (their own, else their team's).
    pub assigned: Option<String>,
    /// Where the role form submits (the page's own path).
    pub action: String,
    /// Whether the viewer may change the self-ratings (their own page).
    pub editable: bool,
}

/// A person's skills table with its evidence and self-ratings, the comparison with a role
/// (the chosen one, else their assigned one), and the modules that close the largest gaps.
pub fn skills_view(lib: &Library, input: SkillsView) -> impl IntoView {
    let SkillsView {
        progress,
        attempts,
        tasks,
        ratings,
        weights,
        role,
        assigned,
        action,
        editable,
    } = input;
    let evidence = evidence_with_tasks(lib, &attempts, &tasks, chrono::Utc::now());
    let chosen = role.or(assigned.clone());
    let role = chosen.and_then(|r| lib.roles().iter().find(|x| x.id.as_str() == r).cloned());
    let is_assigned = role
        .as_ref()
        .is_some_and(|r| assigned.as_deref() == Some(r.id.as_str()));
    let targets: BTreeMap<SkillId, u8> = role
        .as_ref()
        .map(|r| {
            r.targets
                .iter()
                .map(|(s, l)| (s.clone(), l.value()))
                .collect()
        })
        .unwrap_or_default();
    let rated: BTreeMap<&str, u8> = ratings
        .iter()
        .map(|r| (r.skill.as_str(), r.level))
        .collect();
    let title = |id: &str| {
        lib.module(id)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| id.to_string())
    };

    let mut gaps: BTreeMap<SkillId, Gap> = BTreeMap::new();
    let rows = lib
        .skills()
        .iter()
        .filter(|s| {
            editable
                || evidence.contains_key(&s.id)
                || rated.contains_key(s.id.as_str())
                || targets.get(&s.id).is_some_and(|t| *t > 0)
        })
        .map(|s| {
            let ev = evidence.get(&s.id).cloned().unwrap_or_default();
            let plain: Vec<_> = ev.iter().map(|(e, _)| *e).collect();
            let half_life = f64::from(s.decay_half_life_days);
            let est = skill_estimate(&plain, half_life);
            // Capped: quiz evidence alone would read above level 2.
            let capped = est.is_some_and(|e| e.capped && !e.is_unknown());
            // Above the hardest question (or task) the evidence tested: said in words.
            let above = est
                .filter(|e| !e.is_unknown() && e.above_tested())
                .and_then(|e| e.tested_up_to);
            let target = targets.get(&s.id).copied().filter(|t| *t > 0);
            let gap_text = target.map(|t| {
                let gap = Gap::of(t, est.as_ref());
                gaps.insert(s.id.clone(), gap);
                match gap {
                    Gap::Unmeasured { .. } => format!("? unmeasured (target {t})"),
                    g if g.size() <= 0.0 => format!("✓ target {t} met"),
                    g => format!("▲ {:.1} below target {t}", g.size()),
                }
            });
            let est_text = est
                .filter(|e| !e.is_unknown())
                .map(|e| format!("{:.1} ({})", e.level, crate::domain::level::Level::new(e.level.round() as u8).map(|l| l.name()).unwrap_or("")))
                .unwrap_or_else(|| "unknown".into());
            let cap_note = capped.then(|| view! {
                <span class="cap-note">" capped at 2 until a practical task is scored"</span>
            });
            let above_note = above.map(|t| view! {
                <span class="cap-note">{format!(", above the hardest tested (difficulty {t})")}</span>
            });
            let interval = est.map(|e| e.range_text()).unwrap_or_else(|| "—".into());
            let mine = rated.get(s.id.as_str()).copied();
            let rating_cell = if editable {
                let select_id = format!("rating-{}", s.id);
                view! {
                    <label class="visually-hidden" for=select_id.clone()>{format!("Your own rating of {}", s.name)}</label>
                    <select id=select_id.clone() name=select_id form="ratings">
                        <option value="" selected=mine.is_none()>"not rated"</option>
                        {(0u8..=4).map(|l| {
                            let name = crate::domain::level::Level::new(l).map(|x| x.name()).unwrap_or("");
                            view! { <option value=l.to_string() selected=mine == Some(l)>{format!("{l} ({name})")}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any()
            } else {
                let text = mine
                    .map(|l| format!("{l} ({})", crate::domain::level::Level::new(l).map(|x| x.name()).unwrap_or("")))
                    .unwrap_or_else(|| "not rated".into());
                view! { {text} }.into_any()
            };
            let items = ev
                .iter()
                .zip(counted(&plain))
                .map(|((e, src), counts)| {
                    let what = match e.kind {
                        EvidenceKind::Answer { difficulty, correct, .. } => format!(
                            "{} a difficulty-{difficulty} question ({}) in {}",
                            if correct { "Answered correctly" } else { "Answered wrongly" },
                            src.question.clone().unwrap_or_default(),
                            title(&src.module)
                        ),
                        EvidenceKind::Task { level, passed, weight } => format!(
                            "Practical task in {}, level {level}, {} (weight {weight})",
                            title(&src.module),
                            if passed { "passed" } else { "not passed" },
                        ),
                    };
                    let counts = if counts { "counts" } else { "a repeat: not counted" };
                    view! { <li>{format!("{what}, {}; {counts}", src.at.date_naive())}</li> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><a href=format!("/skills/{}", s.id)>{s.name.clone()}</a></th>
                    <td>{est_text}{cap_note}{above_note}</td>
                    <td>{interval}</td>
                    <td>{rating_cell}</td>
                    <td>{gap_text.unwrap_or_default()}</td>
                    <td>
                        {if ev.is_empty() {
                            view! { "none yet" }.into_any()
                        } else {
                            view! {
                                <details>
                                    <summary>{format!("{} item(s)", ev.len())}</summary>
                                    <ul>{items}</ul>
                                </details>
                            }.into_any()
                        }}
                        {editable.then(|| view! {
                            " "
                            <a class="check-link" href=format!("/skills/{}/check", s.id)>
                                "Check this skill"
                                <span class="visually-hidden">{format!(": {}", s.name)}</span>
                            </a>
                        })}
                    </td>
                </tr>
            }
        })
        .collect::<Vec<_>>();

    let completed: HashSet<ModuleId> = progress
        .iter()
        .filter(|p| p.completed_at.is_some())
        .map(|p| ModuleId::new(p.module.clone()))
        .collect();
    let recs = recommend(lib, &weights, &gaps, &completed);
    let role_options = lib
        .roles()
        .iter()
        .map(|r| {
            let selected = role.as_ref().is_some_and(|x| x.id == r.id);
            let label = if assigned.as_deref() == Some(r.id.as_str()) {
                format!("{} (assigned)", r.name)
            } else {
                r.name.clone()
            };
            view! { <option value=r.id.0.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let has_role = role.is_some();
    let role_note = match (&role, is_assigned) {
        (Some(r), true) if editable => format!(
            "Compared with {}, the role assigned by your organisation.",
            r.name
        ),
        (Some(r), true) => format!("Compared with {}, the role assigned to them.", r.name),
        (Some(r), false) => format!("Compared with {}.", r.name),
        (None, _) => "No role is assigned yet: choose one to compare with.".to_string(),
    };
    let no_evidence = evidence.is_empty();
    view! {
        <form method="get" action=action class="filters">
            <div class="field">
                <label for="role">"Compare with a role"</label>
                <select id="role" name="role">
                    <option value="" selected=role.is_none()>"The assigned role"</option>
                    {role_options}
                </select>
            </div>
            <div class="field actions"><button type="submit" class="button">"Compare"</button></div>
        </form>
        <p>{role_note}</p>
        <p>"Estimates come from your first answer to each quiz question; older evidence makes them less certain. Quizzes alone show a skill up to level 2: above it, an estimate is capped at 2 until a practical task is scored. Self-ratings are shown beside them and never change them. " <a href="/docs/proficiency">"How this works"</a></p>
        {no_evidence.then(|| view! { <p>"No evidence yet: take a module's quiz to see a first estimate."</p> })}
        {editable.then(|| view! {
            <form id="ratings" method="post" action="/me/ratings">
                <input type="hidden" name="role" value=role.as_ref().filter(|_| !is_assigned).map(|r| r.id.0.clone()).unwrap_or_default() />
            </form>
        })}
        {(!rows.is_empty()).then(|| view! {
            <div class="table-scroll" tabindex="0" id="ratings-table">
                <table class="data" data-testid="skills">
                    <thead><tr><th scope="col">"Skill"</th><th scope="col">"Estimate"</th><th scope="col">"95% interval"</th><th scope="col">"Self-rating"</th><th scope="col">"Against the role"</th><th scope="col">"Evidence"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
        {editable.then(|| view! {
            <p><button type="submit" form="ratings" class="button" data-testid="save-ratings">"Save my self-ratings"</button></p>
        })}
        {has_role.then(|| view! {
            <section aria-labelledby="recs-title">
                <h2 id="recs-title">"Recommended next"</h2>
                {if recs.is_empty() {
                    view! { <p>"Nothing to recommend: the role's targets are met, or no module teaches what is missing."</p> }.into_any()
                } else {
                    view! {
                        <ol data-testid="recommendations">
                            {recs.into_iter().take(5).map(|r| {
                                let m = lib.module(r.module.as_str());
                                let (slug, name) = m.map(|m| (m.slug.clone(), m.title.clone())).unwrap_or_default();
                                let first = r.first.iter().map(|f| title(f.as_str())).collect::<Vec<_>>();
                                view! {
                                    <li>
                                        <a href=format!("/modules/{slug}")>{name}</a>
                                        <span class="reason">{format!(" — {}", r.reasons.join("; "))}</span>
                                        {(!first.is_empty()).then(|| view! { <span>{format!(" (take first: {})", first.join(", "))}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
        })}
    }
}
