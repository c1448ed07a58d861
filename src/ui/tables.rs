//! Tables shared by several pages.
//!
//! May use: domain, leptos.

use crate::domain::matrix::ExposureGroup;
use leptos::prelude::*;

/// The exposure breakdown by factor, challenge and mitigation (`domain::matrix::exposure_breakdown`).
pub fn breakdown_table(breakdown: Vec<ExposureGroup>) -> impl IntoView {
    view! {
        <table class="data" data-testid="breakdown">
            <thead><tr><th scope="col">"Factor, challenge or mitigation"</th><th scope="col">"Exposure"</th><th scope="col">"Driven by"</th></tr></thead>
            <tbody>
                {breakdown
                    .into_iter()
                    .map(|g| view! {
                        <tr><th scope="row">{g.label}</th><td>{format!("{:.2}", g.exposure)}</td><td>{g.drivers}</td></tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
