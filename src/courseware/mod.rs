//! Courseware: loading a content tree into a [`Library`].
//!
//! Reads `skills.yaml`, `roles.yaml` and `modules/*.md`; validates every file and the references
//! between them; renders each module's markdown once, sanitized; and reports every problem as a
//! [`ContentError`] (`path:line:col: message`). Invalid modules are left out of the library; the
//! rest are served. Server only: nothing here is compiled into the browser bundle.
//!
//! `load` runs the phases in order; `validate` holds the checks across files. Uses only
//! `domain`; never `store`, `server`, `features` or `ui` (ARCHITECTURE.md).

pub mod curation;
mod front_matter;
pub mod lint;
mod load;
mod quiz;
mod render;
mod source;
mod task;
mod taxonomy;
mod validate;
pub mod watch;

pub use load::{load, LoadOutcome};
pub use render::escape_text as escape_html;

/// One problem in a content tree, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{col}: {message}")]
pub struct ContentError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Collects the problems of one file.
pub struct Diagnostics<'a> {
    path: String,
    out: &'a mut Vec<ContentError>,
    count: usize,
}

impl<'a> Diagnostics<'a> {
    pub fn new(path: impl Into<String>, out: &'a mut Vec<ContentError>) -> Self {
        Diagnostics {
            path: path.into(),
            out,
            count: 0,
        }
    }

    pub fn error(&mut self, (line, col): (usize, usize), message: impl Into<String>) {
        self.count += 1;
        self.out.push(ContentError {
            path: self.path.clone(),
            line,
            col,
            message: message.into(),
        });
    }

    /// How many problems this file has had reported so far.
    pub fn count(&self) -> usize {
        self.count
    }

    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Renders a standalone markdown document (no links to resolve) to sanitized HTML.
pub fn render_document(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(markdown, render::options()),
    );
    render::sanitize(&html)
}
