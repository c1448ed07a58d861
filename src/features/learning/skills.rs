//! "My skills": the learner's estimated level per skill with its uncertainty and the evidence
//! behind it, compared with a role's targets, and the modules that close the largest gaps.

use crate::domain::gaps::{recommend, Gap};
use crate::domain::ids::{ModuleId, SkillId};
use crate::domain::proficiency::{estimate, evidence_by_skill, EvidenceKind};
use crate::server::state::AppState;
use crate::ui::{library, redirect_to_login, viewer};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::collections::{BTreeMap, HashSet};

#[component]
pub fn MySkillsPage() -> impl IntoView {
    let Some(v) = viewer() else {
        redirect_to_login("/me/skills");
        return ().into_any();
    };
    let role = use_query_map()
        .get_untracked()
        .get("role")
        .filter(|r| !r.is_empty());
    let state = use_context::<AppState>();
    view! {
        <Title text="My skills" />
        <h1>"My skills"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let Some(state) = state else { return ().into_any() };
                let loaded = async { Ok::<_, crate::store::StoreError>((state.store.progress(v.user).await?, state.store.attempts(v.user).await?)) }.await;
                let (progress, attempts) = match loaded {
                    Ok(x) => x,
                    Err(e) => {
                        let _ = crate::error::AppError::internal(&e);
                        return view! { <p class="error" role="alert">"Your skills could not be loaded."</p> }.into_any();
                    }
                };
                render(progress, attempts, role.clone(), "/me/skills".into()).into_any()
            })}
        </Suspense>
    }
    .into_any()
}

/// A person's skills table with its evidence, role comparison and recommendations. `action`
/// is where the role form submits (the page's own path).
pub fn render(
    progress: Vec<crate::domain::progress::ModuleProgress>,
    attempts: Vec<crate::domain::progress::Attempt>,
    role: Option<String>,
    action: String,
) -> impl IntoView {
    let lib = library();
    let evidence = evidence_by_skill(&lib, &attempts, &progress, chrono::Utc::now());
    let role = role.and_then(|r| lib.roles().iter().find(|x| x.id.as_str() == r).cloned());
    let targets: BTreeMap<SkillId, u8> = role
        .as_ref()
        .map(|r| {
            r.targets
                .iter()
                .map(|(s, l)| (s.clone(), l.value()))
                .collect()
        })
        .unwrap_or_default();
    let title = |id: &str| {
        lib.module(id)
            .map(|m| m.title.clone())
            .unwrap_or_else(|| id.to_string())
    };

    let mut gaps: BTreeMap<SkillId, Gap> = BTreeMap::new();
    let rows = lib
        .skills()
        .iter()
        .filter(|s| evidence.contains_key(&s.id) || targets.get(&s.id).is_some_and(|t| *t > 0))
        .map(|s| {
            let ev = evidence.get(&s.id).cloned().unwrap_or_default();
            let plain: Vec<_> = ev.iter().map(|(e, _)| *e).collect();
            let est = estimate(&plain, f64::from(s.decay_half_life_days));
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
                .map(|e| format!("{:.1} ({})", e.level, crate::domain::level::Level::new(e.level.round() as u8).map(|l| l.name()).unwrap_or("")))
                .unwrap_or_else(|| "unknown".into());
            let interval = est.map(|e| format!("{:.1}–{:.1}", e.low, e.high)).unwrap_or_else(|| "—".into());
            let items = ev
                .iter()
                .map(|(e, src)| {
                    let what = match e.kind {
                        EvidenceKind::Answer { difficulty, correct } => format!(
                            "{} a difficulty-{difficulty} question ({}) in {}",
                            if correct { "Answered correctly" } else { "Answered wrongly" },
                            src.question.clone().unwrap_or_default(),
                            title(&src.module)
                        ),
                        EvidenceKind::Completion { level } => format!("Completed {} (teaches level {level})", title(&src.module)),
                    };
                    let weight = e.weight(f64::from(s.decay_half_life_days));
                    view! { <li>{format!("{what}, {}; counts {:.2}", &src.at[..10.min(src.at.len())], weight)}</li> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><a href=format!("/skills/{}", s.id)>{s.name.clone()}</a></th>
                    <td>{est_text}</td>
                    <td>{interval}</td>
                    <td>{gap_text.unwrap_or_default()}</td>
                    <td>
                        <details>
                            <summary>{format!("{} item(s)", ev.len())}</summary>
                            <ul>{items}</ul>
                        </details>
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
    let recs = recommend(&lib, &gaps, &completed);
    let role_options = lib
        .roles()
        .iter()
        .map(|r| {
            let selected = role.as_ref().is_some_and(|x| x.id == r.id);
            view! { <option value=r.id.0.clone() selected=selected>{r.name.clone()}</option> }
        })
        .collect_view();
    let has_role = role.is_some();
    view! {
        <form method="get" action=action class="filters">
            <div class="field">
                <label for="role">"Compare with a role"</label>
                <select id="role" name="role">
                    <option value="">"No role"</option>
                    {role_options}
                </select>
            </div>
            <div class="field actions"><button type="submit" class="button">"Compare"</button></div>
        </form>
        <p>"Estimates come from your quiz answers and completed modules; older evidence counts less. " <a href="/docs/proficiency">"How this works"</a></p>
        {if rows.is_empty() {
            view! { <p>"No evidence yet: take a module's quiz to see your first estimate."</p> }.into_any()
        } else {
            view! {
                <table class="data" data-testid="skills">
                    <thead><tr><th scope="col">"Skill"</th><th scope="col">"Estimate"</th><th scope="col">"95% interval"</th><th scope="col">"Against the role"</th><th scope="col">"Evidence"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
                .into_any()
        }}
        {has_role.then(|| view! {
            <section aria-labelledby="recs-title">
                <h2 id="recs-title">"Recommended next"</h2>
                {if recs.is_empty() {
                    view! { <p>"Nothing to recommend: you meet this role's targets, or no module teaches what is missing."</p> }.into_any()
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

/// `docs/proficiency.md`, rendered once.
#[component]
pub fn ProficiencyDocPage() -> impl IntoView {
    static HTML: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let html = HTML.get_or_init(|| {
        crate::courseware::render_document(include_str!("../../../docs/proficiency.md"))
    });
    view! {
        <Title text="How proficiency is estimated" />
        <div class="prose" inner_html=html.clone()></div>
    }
}
