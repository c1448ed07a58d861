//! Charts drawn on the server as SVG: readable without JavaScript, with an accessible title and
//! description, a distinct marker and dash per series (never colour alone), a `<title>` on every
//! point, and the same figures as a table for screen readers and for reading exact values.
//!
//! May use: domain, store records, leptos.

use crate::domain::catalogue::Library;
use crate::domain::matrix::Snapshot;
use leptos::prelude::*;

/// One line: a label and its points, (day, value), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(NaiveDate, f64)>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
const DASHES: [&str; 6] = ["", "6 3", "2 3", "10 4 2 4", "1 2", "12 6"];
const COLOURS: [&str; 6] = [
    "#1f5fa8", "#b3541e", "#2f7d32", "#7b3fa0", "#8a6d00", "#00707a",
];

fn day_number(day: NaiveDate) -> i64 {
    day.num_days_from_ce().into()
}

use chrono::{Datelike, NaiveDate};

/// A marker shape at (x, y), by series index: circle, square, triangle, diamond, cross, ring.
fn marker(i: usize, x: f64, y: f64, colour: &'static str, tip: String) -> AnyView {
    let title = view! { <title>{tip}</title> };
    match i % 6 {
        0 => view! { <circle cx=x cy=y r="4" fill=colour>{title}</circle> }.into_any(),
        1 => view! { <rect x=x - 4.0 y=y - 4.0 width="8" height="8" fill=colour>{title}</rect> }
            .into_any(),
        2 => view! {
            <polygon points=format!("{x},{} {},{} {},{}", y - 5.0, x - 5.0, y + 4.0, x + 5.0, y + 4.0) fill=colour>{title}</polygon>
        }
        .into_any(),
        3 => view! {
            <polygon points=format!("{x},{} {},{y} {x},{} {},{y}", y - 5.0, x + 5.0, y + 5.0, x - 5.0) fill=colour>{title}</polygon>
        }
        .into_any(),
        4 => view! {
            <path d=format!("M{} {}L{} {}M{} {}L{} {}", x - 4.0, y - 4.0, x + 4.0, y + 4.0, x - 4.0, y + 4.0, x + 4.0, y - 4.0) stroke=colour stroke-width="2">{title}</path>
        }
        .into_any(),
        _ => view! { <circle cx=x cy=y r="4" fill="white" stroke=colour stroke-width="2">{title}</circle> }
            .into_any(),
    }
}

/// A line chart over days. `id` makes the title and description ids unique on the page.
pub fn line_chart(
    id: &str,
    title: String,
    description: String,
    y_label: &'static str,
    series: Vec<Series>,
) -> impl IntoView {
    let days: Vec<i64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(d, _)| day_number(*d)))
        .collect();
    let (first, last) = (
        days.iter().copied().min().unwrap_or(0),
        days.iter().copied().max().unwrap_or(0),
    );
    let span = ((last - first) as f64).max(1.0);
    let y_max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::max);
    // A round top for the axis: 1, 2, 5 × 10^k.
    let y_top = {
        let raw = y_max.max(0.1);
        let base = 10f64.powf(raw.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * base)
            .find(|t| *t >= raw)
            .unwrap_or(10.0 * base)
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = move |d: i64| LEFT + (d - first) as f64 / span * plot_w;
    let y = move |v: f64| TOP + plot_h - (v / y_top) * plot_h;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    // Five steps of a 1-2-5 top: 0.2, 0.4, 1 or 2 × 10^k, so every label is exact.
    let grid = (0..=5)
        .map(|k| {
            let v = y_top * f64::from(k) / 5.0;
            let yy = y(v);
            view! {
                <line x1=LEFT x2=WIDTH - RIGHT y1=yy y2=yy class="grid"></line>
                <text x=LEFT - 6.0 y=yy + 4.0 text-anchor="end" class="tick">{format!("{v:.1}")}</text>
            }
        })
        .collect_view();
    let first_day = series
        .iter()
        .flat_map(|s| s.points.first().map(|p| p.0.to_string()))
        .min()
        .unwrap_or_default();
    let last_day = series
        .iter()
        .flat_map(|s| s.points.last().map(|p| p.0.to_string()))
        .max()
        .unwrap_or_default();
    let lines = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let colour = COLOURS[i % COLOURS.len()];
            let pts: Vec<(f64, f64, NaiveDate, f64)> = s
                .points
                .iter()
                .map(|(d, v)| (x(day_number(*d)), y(*v), *d, *v))
                .collect();
            let path = pts
                .iter()
                .map(|(px, py, _, _)| format!("{px:.1},{py:.1}"))
                .collect::<Vec<_>>()
                .join(" ");
            let markers = pts
                .into_iter()
                .map(|(px, py, d, v)| marker(i, px, py, colour, format!("{}, {d}: {v:.2}", s.label)))
                .collect_view();
            view! {
                <g>
                    <polyline points=path fill="none" stroke=colour stroke-width="2" stroke-dasharray=DASHES[i % DASHES.len()]></polyline>
                    {markers}
                </g>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let colour = COLOURS[i % COLOURS.len()];
            view! {
                <li>
                    <svg width="36" height="12" aria-hidden="true">
                        <line x1="0" x2="36" y1="6" y2="6" stroke=colour stroke-width="2" stroke-dasharray=DASHES[i % DASHES.len()]></line>
                        {marker(i, 18.0, 6.0, colour, String::new())}
                    </svg>
                    " " {s.label.clone()}
                </li>
            }
        })
        .collect_view();
    let mut all_days: Vec<NaiveDate> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    all_days.sort();
    all_days.dedup();
    let table_head = series
        .iter()
        .map(|s| view! { <th scope="col">{s.label.clone()}</th> })
        .collect_view();
    let table_rows = all_days
        .iter()
        .map(|d| {
            let cells = series
                .iter()
                .map(|s| {
                    let v = s
                        .points
                        .iter()
                        .find(|p| &p.0 == d)
                        .map(|p| format!("{:.2}", p.1))
                        .unwrap_or_else(|| "—".into());
                    view! { <td>{v}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{d.to_string()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
                <title id=title_id>{title.clone()}</title>
                <desc id=desc_id>{description.clone()}</desc>
                {grid}
                <text x=LEFT y=HEIGHT - 8.0 class="tick">{first_day}</text>
                <text x=WIDTH - RIGHT y=HEIGHT - 8.0 text-anchor="end" class="tick">{last_day}</text>
                <text x="12" y=TOP + plot_h / 2.0 class="tick" transform=format!("rotate(-90 12 {})", TOP + plot_h / 2.0) text-anchor="middle">{y_label}</text>
                {lines}
            </svg>
            <figcaption>
                <strong>{title}</strong>
                <ul class="legend">{legend}</ul>
            </figcaption>
            <details>
                <summary>"The figures as a table"</summary>
                <div class="table-scroll" tabindex="0">
                    <table class="data">
                        <thead><tr><th scope="col">"Day"</th>{table_head}</tr></thead>
                        <tbody>{table_rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

/// The trend of the mean gap of a group, per skill, for the (up to five) first of `skills` (the
/// ones with the most exposure now), from the group's daily snapshots. Only snapshots of at
/// least `min_people` people are plotted (the minimum group size): a skill that few people are
/// measured against would single them out, in the chart and in its table of figures alike.
pub fn trend_chart(
    lib: &Library,
    id: &str,
    group: &str,
    history: &[Snapshot],
    skills: &[String],
    min_people: usize,
) -> AnyView {
    let history: Vec<&Snapshot> = history
        .iter()
        .filter(|s| usize::try_from(s.people).is_ok_and(|n| n >= min_people))
        .collect();
    let series: Vec<Series> = skills
        .iter()
        .map(|skill| Series {
            label: lib
                .skill(skill)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| skill.clone()),
            points: history
                .iter()
                .filter(|s| &s.skill == skill)
                .map(|s| (s.day, s.mean_gap))
                .collect(),
        })
        .filter(|s| !s.points.is_empty())
        .take(5)
        .collect();
    let days = {
        let mut d: Vec<NaiveDate> = history.iter().map(|s| s.day).collect();
        d.sort();
        d.dedup();
        d.len()
    };
    if series.is_empty() || days < 2 {
        return view! {
            <p data-testid="trend-empty">"The trend appears once the daily roll-up has been recorded on two days or more."</p>
        }
        .into_any();
    }
    let description = format!(
        "Mean gap in levels against each person's assigned role, per day, for {} over {} recorded days. The same figures are in the table below the chart.",
        series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "),
        days
    );
    line_chart(
        id,
        format!("{group}: mean gap over time"),
        description,
        "mean gap (levels)",
        series,
    )
    .into_any()
}
