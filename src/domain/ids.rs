//! Newtype ids, so that a skill id can never be passed where a module id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A module's stable id from its frontmatter: never changed, never reused.
    ModuleId
);
string_id!(
    /// A skill's id in the taxonomy.
    SkillId
);
string_id!(
    /// A role profile's id.
    RoleId
);
string_id!(
    /// A question's id, unique within its module.
    QuestionId
);

/// Whether `s` is a well-formed id: lowercase ASCII letters, digits and single hyphens,
/// starting with a letter, at most 64 characters.
pub fn is_valid_id(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_lowercase()
        && !s.ends_with('-')
        && !s.contains("--")
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_hyphenated() {
        for ok in ["a", "data-quality", "q-split-2"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            "Data",
            "2fast",
            "a--b",
            "a-",
            "a_b",
            "a b",
            &"x".repeat(65),
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }
}
