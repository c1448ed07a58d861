//! Scarcity weights for admins: the taxonomy's weight per skill with its source and date (an
//! editorial estimate is labelled as one), and the organisation's own override with the admin's
//! note on where it comes from. Overrides change exposure figures only for this organisation.

use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::FormError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ScarcityPage() -> impl IntoView {
    ctx::page(scarcity())
}

fn scarcity() -> Result<impl IntoView, Refusal> {
    let (state, v) = (ctx::state()?, ctx::admin()?);
    let lib = state.library.current();
    Ok(view! {
        <Title text="Scarcity weights" />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/org/skills">"Organisation skills"</a> " / scarcity weights"</nav>
        <h1>"Scarcity weights"</h1>
        <FormError library=lib.clone() />
        <p>"Talent-shortage exposure weights each gap by how scarce the skill is to hire, from 0 (easy to find) to 1 (very hard). Where no published figure was at hand the taxonomy's weight is an editorial estimate and says so. If you know your market better, set your organisation's own weight and say where it comes from; it replaces the taxonomy's in your organisation's views only."</p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let overrides = match ctx::load(state.store.scarcity_overrides(v.org), "The weights could not be loaded.").await {
                    Ok(o) => o,
                    Err(refusal) => return refusal.view(),
                };
                let rows = lib
                    .skills()
                    .iter()
                    .map(|s| {
                        let id = s.id.0.clone();
                        let taxonomy = match &s.scarcity {
                            Some(x) if x.estimate => format!("{:.2}, an estimate ({}, {})", x.weight, x.source, x.date),
                            Some(x) => format!("{:.2}, sourced: {} ({})", x.weight, x.source, x.date),
                            None => format!("{:.2}, the default estimate", crate::domain::gaps::DEFAULT_SCARCITY),
                        };
                        let mine = overrides.iter().find(|o| o.skill == id);
                        let current = mine.map(|o| format!("{:.2}: {} (set {})", o.weight, o.note, o.set_at.date_naive()));
                        let weight_id = format!("weight-{id}");
                        let note_id = format!("note-{id}");
                        view! {
                            <tr id=format!("skill-{id}")>
                                <th scope="row">{s.name.clone()}</th>
                                <td>{taxonomy}</td>
                                <td>{current.clone().unwrap_or_else(|| "none: the taxonomy's applies".into())}</td>
                                <td>
                                    <form method="post" action="/org/scarcity" class="inline-form">
                                        <input type="hidden" name="skill" value=id.clone() />
                                        <label for=weight_id.clone()>{format!("Weight for {}", s.name)}</label>
                                        <input id=weight_id type="number" name="weight" min="0" max="1" step="0.05" required value=mine.map(|o| format!("{:.2}", o.weight)).unwrap_or_default() />
                                        <label for=note_id.clone()>"Source or reason"</label>
                                        <input id=note_id type="text" name="note" maxlength="200" required value=mine.map(|o| o.note.clone()).unwrap_or_default() />
                                        <button type="submit" class="button">"Set"</button>
                                    </form>
                                    {mine.is_some().then(|| view! {
                                        <form method="post" action="/org/scarcity" class="inline">
                                            <input type="hidden" name="skill" value=id.clone() />
                                            <input type="hidden" name="clear" value="1" />
                                            <button type="submit" class="link-button">{format!("Use the taxonomy's weight for {}", s.name)}</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table class="data" data-testid="scarcity">
                            <thead><tr><th scope="col">"Skill"</th><th scope="col">"Taxonomy weight"</th><th scope="col">"Your organisation's"</th><th scope="col">"Change"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            })}
        </Suspense>
    })
}
