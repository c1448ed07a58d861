//! Markdown to safe HTML, once, at load.
//!
//! One parser configuration ([`options`]); event passes that give headings anchors and build the
//! table of contents, highlight fenced code, resolve relative links and images, and turn GitHub
//! alerts into labelled callouts; then `ammonia` removes anything that could run script.

use super::source::LineIndex;
use super::Diagnostics;
use crate::domain::catalogue::{content_id, TocEntry, CONTENT_ID_PREFIX};
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Component, Path};
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// The one parser configuration for all content.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Parses markdown into events with their byte ranges.
pub fn parse(text: &str) -> Vec<(Event<'_>, Range<usize>)> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .collect()
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The classes content may carry: the ones the renderer writes (callouts, code, heading
/// anchors, quiz text, footnotes) and syntax highlighting's `hl-*`. Anything else is dropped, so
/// content cannot dress itself up as the app's own notices or hide its parts.
fn allowed_class(class: &str) -> bool {
    const CLASSES: &[&str] = &[
        "anchor",
        "callout",
        "callout-note",
        "callout-tip",
        "callout-important",
        "callout-warning",
        "callout-caution",
        "callout-title",
        "code",
        "question-text",
        "footnote-definition",
        "footnote-definition-label",
        "footnote-reference",
    ];
    CLASSES.contains(&class) || class.strip_prefix("hl-").is_some_and(|r| !r.is_empty())
}

/// The `#fragment` of an in-site link, given the content prefix as the ids have it (see
/// [`content_id`]): `#x` and `/modules/<slug>#x`. Other links are left alone.
fn prefixed_fragment(href: &str) -> Option<String> {
    let (path, fragment) = href.split_once('#')?;
    let in_site = path.is_empty() || (path.starts_with("/modules/") && !path.contains("//"));
    (in_site && !fragment.is_empty()).then(|| format!("{path}#{}", content_id(fragment)))
}

/// An image source on this site (a path, not another host).
fn site_image(src: &str) -> bool {
    src.starts_with('/') && !src.starts_with("//") && !src.contains('\\')
}

/// What the sanitizer does to attributes beyond ammonia's allow-lists: classes from the
/// allow-list only, in-content links follow the prefixed ids, images only from this site.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        (_, "class") => {
            let kept: Vec<&str> = value
                .split_whitespace()
                .filter(|c| allowed_class(c))
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        ("a", "href") => Some(prefixed_fragment(value).map_or(Cow::Borrowed(value), Cow::Owned)),
        ("img", "src") => site_image(value).then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEAN: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["class"]);
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b.add_tag_attributes("div", ["id", "role"]);
        b.add_tag_attributes("a", ["aria-label"]);
        b.add_tag_attributes("img", ["loading"]);
        b.add_tag_attributes("pre", ["data-lang"]);
        b.add_tag_attributes("th", ["align"]);
        b.add_tag_attributes("td", ["align"]);
        b.id_prefix(Some(CONTENT_ID_PREFIX));
        b.attribute_filter(filter_attribute);
        b
    })
}

/// Removes anything from `html` that could run script or escape its container.
pub fn sanitize(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// Turns heading text into an anchor: lowercase, punctuation dropped, spaces to hyphens.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// A link to check once every module has been rendered.
#[derive(Debug, Clone)]
pub struct LinkCheck {
    pub pos: (usize, usize),
    /// The target module's file name (`None`: this module).
    pub target_file: Option<String>,
    pub anchor: String,
}

/// What a module's links may point at: module file name (relative to `modules/`) -> slug and
/// whether it is published.
pub type ModuleFiles = HashMap<String, (String, bool)>;

/// Per-module rendering state: where the file is, what it references, and the anchors it has.
pub struct ModuleRender<'a> {
    pub content_root: &'a Path,
    /// The module file, relative to the content root (e.g. `modules/x.md`).
    pub rel_path: &'a Path,
    pub files: &'a ModuleFiles,
    pub lines: &'a LineIndex<'a>,
    pub body_offset: usize,
    pub anchors: HashSet<String>,
    pub toc: Vec<TocEntry>,
    pub links: Vec<LinkCheck>,
    /// Images referenced: path relative to the content root.
    pub images: HashSet<String>,
    pub words: usize,
}

impl<'a> ModuleRender<'a> {
    pub fn pos(&self, range: &Range<usize>) -> (usize, usize) {
        self.lines.position(self.body_offset + range.start)
    }

    /// Rewrites events for output. `count_words` is true for the reading (not the quiz).
    pub fn transform<'e>(
        &mut self,
        events: &[(Event<'e>, Range<usize>)],
        diag: &mut Diagnostics<'_>,
        count_words: bool,
    ) -> Vec<Event<'e>> {
        let mut out = Vec::with_capacity(events.len());
        let mut i = 0;
        while i < events.len() {
            let (ev, range) = &events[i];
            match ev {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: _,
                }) => {
                    let end = find_end(events, i);
                    let inner = &events[i + 1..end];
                    let text = plain_text(inner);
                    let base = id
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| slugify(&text));
                    let anchor = self.unique_anchor(&base);
                    if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
                        self.toc.push(TocEntry {
                            level: *level as u8,
                            anchor: anchor.clone(),
                            text: text.clone(),
                        });
                    }
                    out.push(Event::Start(Tag::Heading {
                        level: *level,
                        id: Some(CowStr::from(anchor.clone())),
                        classes: classes.clone(),
                        attrs: Vec::new(),
                    }));
                    out.extend(self.transform(inner, diag, count_words));
                    out.push(Event::Html(CowStr::from(format!(
                        " <a class=\"anchor\" href=\"#{anchor}\" aria-label=\"Link to this section: {}\">#</a>",
                        escape_attr(&text)
                    ))));
                    out.push(Event::End(TagEnd::Heading(*level)));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let end = find_end(events, i);
                    let code: String = events[i + 1..end]
                        .iter()
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.split_whitespace().next().unwrap_or(""),
                        CodeBlockKind::Indented => "",
                    };
                    out.push(Event::Html(CowStr::from(highlight(&code, lang))));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let url = self.resolve_link(dest_url, self.pos(range), diag);
                    out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: CowStr::from(url),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let url = self.resolve_image(dest_url, self.pos(range), diag);
                    out.push(Event::Start(Tag::Image {
                        link_type: *link_type,
                        dest_url: CowStr::from(url),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, label) = callout(*kind);
                    out.push(Event::Html(CowStr::from(format!(
                        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{label}</p>\n"
                    ))));
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => {
                    out.push(Event::Html(CowStr::from("</div>\n")));
                }
                Event::TaskListMarker(done) => {
                    out.push(Event::Text(CowStr::from(if *done {
                        "☑ "
                    } else {
                        "☐ "
                    })));
                }
                Event::Text(t) => {
                    if count_words {
                        self.words += t.split_whitespace().count();
                    }
                    out.push(ev.clone());
                }
                _ => out.push(ev.clone()),
            }
            i += 1;
        }
        out
    }

    /// Renders events to sanitized HTML.
    pub fn html<'e>(
        &mut self,
        events: &[(Event<'e>, Range<usize>)],
        diag: &mut Diagnostics<'_>,
        count_words: bool,
    ) -> String {
        let transformed = self.transform(events, diag, count_words);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, transformed.into_iter());
        sanitize(&html)
    }

    fn unique_anchor(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut anchor = base.to_string();
        let mut n = 1;
        while !self.anchors.insert(anchor.clone()) {
            anchor = format!("{base}-{n}");
            n += 1;
        }
        anchor
    }

    fn resolve_link(
        &mut self,
        url: &str,
        pos: (usize, usize),
        diag: &mut Diagnostics<'_>,
    ) -> String {
        if is_external(url) {
            return url.to_string();
        }
        if let Some(anchor) = url.strip_prefix('#') {
            self.links.push(LinkCheck {
                pos,
                target_file: None,
                anchor: anchor.to_string(),
            });
            return url.to_string();
        }
        let (file, anchor) = match url.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (url, None),
        };
        if !file.ends_with(".md") {
            diag.error(
                pos,
                format!("link to `{url}`: a relative link must point at a module file (`other-module.md`) or an anchor"),
            );
            return "#".into();
        }
        let Some(key) = self.relative_to_modules(file) else {
            diag.error(
                pos,
                format!("link to `{url}`: the target is outside `modules/`"),
            );
            return "#".into();
        };
        match self.files.get(&key) {
            None => {
                diag.error(pos, format!("broken link to `{file}`: no such module"));
                "#".into()
            }
            Some((_, false)) => {
                diag.error(
                    pos,
                    format!("link to `{file}`: that module is a draft and is not published"),
                );
                "#".into()
            }
            Some((slug, true)) => {
                if let Some(a) = anchor {
                    self.links.push(LinkCheck {
                        pos,
                        target_file: Some(key.clone()),
                        anchor: a.to_string(),
                    });
                }
                match anchor {
                    Some(a) => format!("/modules/{slug}#{a}"),
                    None => format!("/modules/{slug}"),
                }
            }
        }
    }

    fn resolve_image(
        &mut self,
        url: &str,
        pos: (usize, usize),
        diag: &mut Diagnostics<'_>,
    ) -> String {
        if is_external(url) {
            diag.error(
                pos,
                format!("image `{url}`: ship images with the content (modules/images/) instead of linking them"),
            );
            return String::new();
        }
        let Some(rel) = self.relative_to_root(url) else {
            diag.error(
                pos,
                format!("image `{url}`: the path leaves the content folder"),
            );
            return String::new();
        };
        if content_type(&rel).is_none() {
            diag.error(
                pos,
                format!("image `{url}`: use a png, jpg, gif, svg or webp file"),
            );
            return String::new();
        }
        if !self.content_root.join(&rel).is_file() {
            diag.error(
                pos,
                format!("broken image `{url}`: no file `{rel}` in the content folder"),
            );
            return String::new();
        }
        self.images.insert(rel.clone());
        format!("/content/{rel}")
    }

    /// `url` resolved against this module's folder, relative to the content root.
    fn relative_to_root(&self, url: &str) -> Option<String> {
        let dir = self.rel_path.parent().unwrap_or(Path::new(""));
        let mut parts: Vec<String> = Vec::new();
        for c in dir.join(url).components() {
            match c {
                Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
                Component::ParentDir => {
                    parts.pop()?;
                }
                Component::CurDir => {}
                _ => return None,
            }
        }
        Some(parts.join("/"))
    }

    fn relative_to_modules(&self, url: &str) -> Option<String> {
        let rel = self.relative_to_root(url)?;
        rel.strip_prefix("modules/").map(str::to_string)
    }
}

/// The content type of an image path, if it is one we serve.
pub fn content_type(path: &str) -> Option<&'static str> {
    let ext = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        _ => return None,
    })
}

fn is_external(url: &str) -> bool {
    url.contains("://") || url.starts_with("mailto:") || url.starts_with('/') || url.contains(':')
}

fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Highlights `code` as `lang` into class-annotated spans (see `style/main.css`); unknown
/// languages come out as escaped plain text.
pub fn highlight(code: &str, lang: &str) -> String {
    let set = syntaxes();
    let lang_attr = escape_attr(lang);
    let inner = set
        .find_syntax_by_token(lang)
        .filter(|_| !lang.is_empty())
        .and_then(|syntax| {
            let mut gen = ClassedHTMLGenerator::new_with_class_style(
                syntax,
                set,
                ClassStyle::SpacedPrefixed { prefix: "hl-" },
            );
            for line in LinesWithEndings::from(code) {
                gen.parse_html_for_line_which_includes_newline(line).ok()?;
            }
            Some(gen.finalize())
        })
        .unwrap_or_else(|| escape_text(code));
    format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code>{inner}</code></pre>\n")
}

/// The index of the `End` event matching the `Start` at `start`.
pub fn find_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// The plain text of inline events (for headings and the table of contents).
pub fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

pub fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_read_like_github() {
        assert_eq!(slugify("Choosing a metric"), "choosing-a-metric");
        assert_eq!(slugify("What's `k`-fold?"), "whats-k-fold");
    }

    #[test]
    fn sanitizer_removes_script() {
        let out = sanitize(
            r#"<p onclick="x()">hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src="a.png" onerror="alert(1)">"#,
        );
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("<p>hi</p>"), "{out}");
    }

    #[test]
    fn content_ids_are_prefixed_and_links_follow() {
        let out = sanitize(
            r##"<h2 id="intro">Intro <a class="anchor" href="#intro">#</a></h2><div id="main">x</div><div id="c-kept">y</div><a href="#c-kept">k</a><a href="/modules/other#setup">o</a><a href="https://example.org/#intro">e</a>"##,
        );
        assert!(out.contains(r#"<h2 id="c-intro">"#), "{out}");
        assert!(out.contains(r##"href="#c-intro""##), "{out}");
        assert!(
            out.contains(r#"<div id="c-main">"#),
            "authored ids cannot take #main: {out}"
        );
        assert!(!out.contains(r#"id="main""#), "{out}");
        assert!(
            out.contains(r#"<div id="c-kept">"#) && out.contains(r##"href="#c-kept""##),
            "an id that already has the prefix keeps it, and so does its link: {out}"
        );
        assert!(out.contains(r##"href="/modules/other#c-setup""##), "{out}");
        assert!(
            out.contains(r##"href="https://example.org/#intro""##),
            "{out}"
        );
    }

    #[test]
    fn classes_come_from_the_allow_list() {
        let out = sanitize(
            r#"<div class="callout callout-note alert error"><p class="skip-link">x</p><span class="hl-source hl-rust notice">y</span></div>"#,
        );
        assert!(
            out.contains(r#"<div class="callout callout-note">"#),
            "{out}"
        );
        assert!(
            out.contains("<p>x</p>"),
            "a class outside the list is dropped: {out}"
        );
        assert!(out.contains(r#"<span class="hl-source hl-rust">"#), "{out}");
        assert!(!out.contains("skip-link") && !out.contains("error") && !out.contains("notice"));
    }

    #[test]
    fn images_come_from_this_site_only() {
        let out = sanitize(
            r#"<img src="https://tracker.example/p.gif" alt="a"><img src="//tracker.example/p.gif" alt="b"><img src="/content/modules/images/x.svg" alt="c">"#,
        );
        assert!(!out.contains("tracker.example"), "{out}");
        assert!(
            out.contains(r#"src="/content/modules/images/x.svg""#),
            "{out}"
        );
    }

    #[test]
    fn highlights_known_languages_and_escapes_others() {
        let py = highlight("def f():\n    return 1\n", "python");
        assert!(py.contains("hl-"), "{py}");
        let plain = highlight("<b>", "nosuchlang");
        assert!(plain.contains("&lt;b&gt;"), "{plain}");
    }
}
