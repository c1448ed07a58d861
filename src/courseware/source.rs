//! Positions in source files: byte offsets to `line:col`, and finding where a YAML key or value
//! stands so that semantic errors can point at it.

/// Maps byte offsets of one text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based (line, column) of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line, col + 1)
    }
}

/// The 1-based line and column where a top-level YAML `key:` starts, if present.
pub fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, l)| {
        let rest = l.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

/// The 1-based line and column of the first `key:` (a whole word followed by a colon, as in a
/// nested or flow mapping) at or after 1-based line `from_line`.
pub fn nested_key_position(yaml: &str, from_line: usize, key: &str) -> Option<(usize, usize)> {
    if key.is_empty() {
        return None;
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    for (i, line) in yaml.lines().enumerate().skip(from_line.saturating_sub(1)) {
        for (at, _) in line.match_indices(key) {
            let after = &line[at + key.len()..];
            if !is_word(line[..at].chars().next_back())
                && !is_word(after.chars().next())
                && after.trim_start().starts_with(':')
            {
                return Some((i + 1, line[..at].chars().count() + 1));
            }
        }
    }
    None
}

/// The 1-based line and column of the first occurrence of `token` as a whole word at or after
/// 1-based line `from_line`.
pub fn token_position(text: &str, from_line: usize, token: &str) -> Option<(usize, usize)> {
    if token.is_empty() {
        return None;
    }
    for (i, line) in text.lines().enumerate().skip(from_line.saturating_sub(1)) {
        let mut search = 0;
        while let Some(found) = line[search..].find(token) {
            let at = search + found;
            let before = line[..at].chars().next_back();
            let after = line[at + token.len()..].chars().next();
            let is_word =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if !is_word(before) && !is_word(after) {
                return Some((i + 1, line[..at].chars().count() + 1));
            }
            search = at + token.len();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_line_and_column() {
        let idx = LineIndex::new("ab\ncdé\nf");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(7), (2, 4));
        assert_eq!(idx.position(8), (3, 1));
    }

    #[test]
    fn finds_keys_and_whole_word_tokens() {
        let y = "id: a\nskills:\n  - id: data\n  - id: data-quality\n";
        assert_eq!(key_position(y, "skills"), Some((2, 1)));
        assert_eq!(key_position(y, "slug"), None);
        assert_eq!(token_position(y, 1, "data-quality"), Some((4, 9)));
        assert_eq!(token_position(y, 1, "data"), Some((3, 9)));
        assert_eq!(token_position(y, 4, "data"), None);
        let f = "summary: draw a line\nquiz: { draw: 5, reveal: x }\nquiz2:\n  reveal: y\n";
        assert_eq!(nested_key_position(f, 1, "draw"), Some((2, 9)));
        assert_eq!(nested_key_position(f, 1, "reveal"), Some((2, 18)));
        assert_eq!(nested_key_position(f, 3, "reveal"), Some((4, 3)));
        assert_eq!(nested_key_position(f, 1, "missing"), None);
    }
}
