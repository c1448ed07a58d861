//! SCIM filters and attribute paths (RFC 7644 §3.4.2.2 and §3.5.2), parsed into typed values:
//! pure functions, no I/O. The grammar served is the part identity providers use: comparisons
//! `eq`, `ne`, `co`, `sw`, `ew` and presence `pr`, joined by `and` / `or`, with `not ( … )` and
//! parentheses; attribute paths `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, each
//! optionally prefixed by a core schema URN. Attribute names are lowercased (they are
//! case-insensitive); a resource decides what each one means (`resources.rs`).

/// A core schema URN prefix an attribute path may carry (`urn:…:User:userName`).
const URN_PREFIXES: [&str; 2] = [
    "urn:ietf:params:scim:schemas:core:2.0:user:",
    "urn:ietf:params:scim:schemas:core:2.0:group:",
];

/// Why a filter or path cannot be read. The message goes back to the SCIM client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SyntaxError(pub String);

fn bad<T>(msg: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError(msg.into()))
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
}

/// A literal compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Bool(bool),
    Null,
    Num(f64),
}

/// An attribute as a filter names it: `emails.value` is `("emails", Some("value"))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub name: String,
    pub sub: Option<String>,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare(Attr, Op, Literal),
    Present(Attr),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `emails[type eq "work"]` as a whole filter term: some value of `emails` matches.
    Within(String, Box<Filter>),
}

/// A PATCH operation's target: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub attr: String,
    pub filter: Option<Filter>,
    pub sub: Option<String>,
}

/// `name` lowercased, without a core schema URN prefix.
pub fn attribute_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    for prefix in URN_PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    lower
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
}

fn tokens(input: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '[' => {
                chars.next();
                out.push(Token::OpenBracket);
            }
            ']' => {
                chars.next();
                out.push(Token::CloseBracket);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return bad("a quoted value is not closed"),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some(other) => s.push(other),
                            None => return bad("a quoted value is not closed"),
                        },
                        Some(other) => s.push(other),
                    }
                }
                out.push(Token::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"') {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                out.push(Token::Word(w));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Filter, SyntaxError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.next();
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, SyntaxError> {
        let mut left = self.term()?;
        while self.keyword("and") {
            self.next();
            let right = self.term()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Filter, SyntaxError> {
        if self.keyword("not") {
            self.next();
            if self.next() != Some(Token::Open) {
                return bad("`not` must be followed by a parenthesis");
            }
            let inner = self.or()?;
            if self.next() != Some(Token::Close) {
                return bad("a parenthesis is not closed");
            }
            return Ok(Filter::Not(Box::new(inner)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                if self.next() != Some(Token::Close) {
                    return bad("a parenthesis is not closed");
                }
                Ok(inner)
            }
            Some(Token::Word(w)) => self.comparison(&w),
            Some(other) => bad(format!(
                "unexpected {other:?} where an attribute was expected"
            )),
            None => bad("the filter ends where an attribute was expected"),
        }
    }

    fn comparison(&mut self, word: &str) -> Result<Filter, SyntaxError> {
        if self.peek() == Some(&Token::OpenBracket) {
            self.next();
            let inner = self.or()?;
            if self.next() != Some(Token::CloseBracket) {
                return bad("a `[` is not closed");
            }
            return Ok(Filter::Within(attribute_name(word), Box::new(inner)));
        }
        let attr = attr(word)?;
        let op = match self.next() {
            Some(Token::Word(op)) => op.to_ascii_lowercase(),
            _ => return bad(format!("an operator must follow `{word}`")),
        };
        let op = match op.as_str() {
            "pr" => return Ok(Filter::Present(attr)),
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "co" => Op::Co,
            "sw" => Op::Sw,
            "ew" => Op::Ew,
            "gt" | "ge" | "lt" | "le" => {
                return bad(format!("the operator `{op}` is not supported here"))
            }
            other => return bad(format!("unknown operator `{other}`")),
        };
        let value = match self.next() {
            Some(Token::Str(s)) => Literal::Str(s),
            Some(Token::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "true" => Literal::Bool(true),
                "false" => Literal::Bool(false),
                "null" => Literal::Null,
                _ => match w.parse::<f64>() {
                    Ok(n) => Literal::Num(n),
                    Err(_) => return bad(format!("`{w}` is not a value: quote strings")),
                },
            },
            _ => return bad(format!("a value must follow `{word}`")),
        };
        Ok(Filter::Compare(attr, op, value))
    }
}

/// `emails.value` → `Attr { name: "emails", sub: Some("value") }` (lowercased, URN dropped).
fn attr(word: &str) -> Result<Attr, SyntaxError> {
    let name = attribute_name(word);
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "._-$:".contains(c))
    {
        return bad(format!("`{word}` is not an attribute name"));
    }
    // An extension's attribute (`urn:…:enterprise:2.0:User:employeeNumber`): one name, whose
    // dots are the schema's version, not sub-attributes.
    if name.starts_with("urn:") {
        return Ok(Attr { name, sub: None });
    }
    Ok(match name.split_once('.') {
        Some((a, s)) => Attr {
            name: a.to_string(),
            sub: Some(s.to_string()),
        },
        None => Attr { name, sub: None },
    })
}

/// Parses a `filter` query parameter.
pub fn parse_filter(input: &str) -> Result<Filter, SyntaxError> {
    let mut p = Parser {
        tokens: tokens(input)?,
        at: 0,
    };
    let f = p.or()?;
    if p.at < p.tokens.len() {
        return bad("the filter goes on after its end (join terms with `and` or `or`)");
    }
    Ok(f)
}

/// Parses a PATCH operation's `path`.
pub fn parse_path(input: &str) -> Result<Path, SyntaxError> {
    let input = input.trim();
    let (head, filter, tail) = match input.find('[') {
        Some(open) => {
            let close = input
                .rfind(']')
                .filter(|c| *c > open)
                .ok_or_else(|| SyntaxError("a `[` is not closed".into()))?;
            let filter = parse_filter(&input[open + 1..close])?;
            let tail = input[close + 1..].trim();
            let tail = match tail.strip_prefix('.') {
                Some(sub) => Some(sub.to_ascii_lowercase()),
                None if tail.is_empty() => None,
                None => return bad(format!("`{input}` is not a path")),
            };
            (&input[..open], Some(filter), tail)
        }
        None => (input, None, None),
    };
    let a = attr(head)?;
    if a.sub.is_some() && (filter.is_some() || tail.is_some()) {
        return bad(format!("`{input}` is not a path"));
    }
    Ok(Path {
        attr: a.name,
        filter,
        sub: a.sub.or(tail),
    })
}

/// What a filter is evaluated against: the values of an attribute of one resource, as text (a
/// boolean as `true`/`false`), and whether the attribute compares case-sensitively.
pub trait Subject {
    /// The values of `attr` (empty when it has none); `None` if the attribute is not one the
    /// resource can be filtered on.
    fn values(&self, attr: &Attr) -> Option<Vec<String>>;

    fn case_exact(&self, attr: &Attr) -> bool;

    /// The sub-resources of a multi-valued attribute, for `attr[filter]` (`None` if unknown).
    fn within(&self, attr: &str) -> Option<Vec<Box<dyn Subject + '_>>> {
        let _ = attr;
        None
    }
}

/// Whether `subject` matches `filter`; an attribute the subject does not know is an error
/// (answered as `invalidFilter`).
pub fn matches(filter: &Filter, subject: &dyn Subject) -> Result<bool, SyntaxError> {
    Ok(match filter {
        Filter::And(a, b) => matches(a, subject)? && matches(b, subject)?,
        Filter::Or(a, b) => matches(a, subject)? || matches(b, subject)?,
        Filter::Not(a) => !matches(a, subject)?,
        Filter::Present(attr) => !known(subject, attr)?.is_empty(),
        Filter::Within(attr, inner) => {
            let parts = subject
                .within(attr)
                .ok_or_else(|| SyntaxError(format!("cannot filter on `{attr}`")))?;
            let mut any = false;
            for part in &parts {
                any |= matches(inner, part.as_ref())?;
            }
            any
        }
        Filter::Compare(attr, op, literal) => {
            let values = known(subject, attr)?;
            let exact = subject.case_exact(attr);
            let want = match literal {
                Literal::Str(s) => s.clone(),
                Literal::Bool(b) => b.to_string(),
                Literal::Num(n) => n.to_string(),
                Literal::Null => return Ok(matches!(op, Op::Eq) == values.is_empty()),
            };
            let norm = |s: &str| {
                if exact {
                    s.to_string()
                } else {
                    s.to_lowercase()
                }
            };
            let want = norm(&want);
            let test = |v: &String| {
                let v = norm(v);
                match op {
                    Op::Eq => v == want,
                    Op::Ne => v != want,
                    Op::Co => v.contains(&want),
                    Op::Sw => v.starts_with(&want),
                    Op::Ew => v.ends_with(&want),
                }
            };
            match op {
                Op::Ne => values.iter().all(test),
                _ => values.iter().any(test),
            }
        }
    })
}

fn known(subject: &dyn Subject, attr: &Attr) -> Result<Vec<String>, SyntaxError> {
    subject.values(attr).ok_or_else(|| {
        let name = match &attr.sub {
            Some(sub) => format!("{}.{sub}", attr.name),
            None => attr.name.clone(),
        };
        SyntaxError(format!("cannot filter on `{name}`"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Person {
        user_name: &'static str,
        emails: Vec<(&'static str, &'static str)>,
        external_id: Option<&'static str>,
    }

    struct Email(&'static str, &'static str);

    impl Subject for Email {
        fn values(&self, attr: &Attr) -> Option<Vec<String>> {
            match attr.name.as_str() {
                "value" => Some(vec![self.0.to_string()]),
                "type" => Some(vec![self.1.to_string()]),
                _ => None,
            }
        }
        fn case_exact(&self, _: &Attr) -> bool {
            false
        }
    }

    impl Subject for Person {
        fn values(&self, attr: &Attr) -> Option<Vec<String>> {
            match (attr.name.as_str(), attr.sub.as_deref()) {
                ("username", None) => Some(vec![self.user_name.to_string()]),
                ("externalid", None) => {
                    Some(self.external_id.iter().map(|s| s.to_string()).collect())
                }
                ("emails", None | Some("value")) => {
                    Some(self.emails.iter().map(|e| e.0.to_string()).collect())
                }
                _ => None,
            }
        }
        fn case_exact(&self, attr: &Attr) -> bool {
            attr.name == "externalid"
        }
        fn within(&self, attr: &str) -> Option<Vec<Box<dyn Subject + '_>>> {
            (attr == "emails").then(|| {
                self.emails
                    .iter()
                    .map(|e| Box::new(Email(e.0, e.1)) as Box<dyn Subject>)
                    .collect()
            })
        }
    }

    fn ada() -> Person {
        Person {
            user_name: "Ada@Example.org",
            emails: vec![("ada@example.org", "work"), ("ada@home.example", "home")],
            external_id: Some("A-1"),
        }
    }

    fn check(filter: &str) -> bool {
        matches(&parse_filter(filter).unwrap(), &ada()).unwrap()
    }

    #[test]
    fn comparisons() {
        assert!(
            check(r#"userName eq "ada@example.org""#),
            "case-insensitive"
        );
        assert!(
            check(r#"USERNAME Eq "ADA@example.org""#),
            "names and ops too"
        );
        assert!(check(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "ada""#
        ));
        assert!(check(r#"emails co "home""#));
        assert!(check(r#"emails.value ew "example.org""#));
        assert!(check(r#"externalId eq "A-1""#));
        assert!(!check(r#"externalId eq "a-1""#), "externalId is case-exact");
        assert!(check(
            r#"userName eq "ada@example.org" and externalId eq "A-1""#
        ));
        assert!(!check(
            r#"userName eq "ada@example.org" and externalId eq "B""#
        ));
        assert!(check(
            r#"userName eq "x" or (externalId pr and not (userName eq "y"))"#
        ));
        assert!(check(
            r#"emails[type eq "work" and value co "example.org"]"#
        ));
        assert!(!check(r#"emails[type eq "other"]"#));
        assert!(check(r#"userName ne "bob""#));
        assert!(!check(r#"userName eq "with \"quote\"""#));
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "userName",
            r#"userName eq"#,
            r#"userName gt "a""#,
            r#"userName zz "a""#,
            r#"userName eq "a" userName eq "b""#,
            r#"(userName eq "a""#,
            r#"userName eq "open"#,
            r#"userName eq bare"#,
        ] {
            assert!(parse_filter(bad).is_err(), "{bad:?}");
        }
        let unknown = parse_filter(r#"title eq "x""#).unwrap();
        assert!(matches(&unknown, &ada()).is_err());
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("name.givenName").unwrap(),
            Path {
                attr: "name".into(),
                filter: None,
                sub: Some("givenname".into())
            }
        );
        let p = parse_path(r#"emails[type eq "work"].value"#).unwrap();
        assert_eq!(p.attr, "emails");
        assert_eq!(p.sub.as_deref(), Some("value"));
        assert!(p.filter.is_some());
        let p = parse_path(r#"members[value eq "12"]"#).unwrap();
        assert_eq!(p.attr, "members");
        assert_eq!(p.sub, None);
        assert_eq!(
            p.filter,
            Some(Filter::Compare(
                Attr {
                    name: "value".into(),
                    sub: None
                },
                Op::Eq,
                Literal::Str("12".into())
            ))
        );
        assert_eq!(
            parse_path("urn:ietf:params:scim:schemas:core:2.0:User:active")
                .unwrap()
                .attr,
            "active"
        );
        assert!(parse_path("members[value eq \"12\"").is_err());
        assert!(parse_path("").is_err());
    }
}
