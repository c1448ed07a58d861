//! The glossary: the curriculum's terms (`content/glossary.md`, rendered once at load), each
//! with its anchor and the module that teaches it, and an A–Z index of the terms.

use crate::server::ctx;
use crate::server::refusal::Refusal;
use crate::ui::set_not_found;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn GlossaryPage() -> impl IntoView {
    ctx::page(glossary())
}

fn glossary() -> Result<impl IntoView, Refusal> {
    let lib = ctx::library()?;
    let Some(g) = lib.glossary() else {
        set_not_found();
        return Ok(view! {
            <Title text="No glossary" />
            <h1>"No glossary"</h1>
            <p>"This installation's content has no glossary."</p>
        }
        .into_any());
    };
    let index = g
        .terms
        .iter()
        .map(|t| view! { <li><a href=t.href()>{t.text.clone()}</a></li> })
        .collect_view();
    Ok(view! {
        <Title text="Glossary" />
        <Meta name="description" content="The terms the Levelfield curriculum uses, in plain words, each with the module that teaches it." />
        <nav class="glossary-index" aria-label="Terms">
            <ul>{index}</ul>
        </nav>
        <div class="prose glossary" inner_html=g.html.clone()></div>
    }
    .into_any())
}
