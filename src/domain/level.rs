//! The one proficiency scale used everywhere: 0 (none) to 4 (expert).

use serde::{Deserialize, Serialize};

/// A level on the 0–4 scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

impl Level {
    pub const MAX: u8 = 4;
    pub const NAMES: [&'static str; 5] = ["none", "awareness", "working", "practitioner", "expert"];

    pub fn new(v: u8) -> Option<Self> {
        (v <= Self::MAX).then_some(Level(v))
    }
    pub fn value(self) -> u8 {
        self.0
    }
    /// The level's name: "none", "awareness", "working", "practitioner" or "expert".
    pub fn name(self) -> &'static str {
        Self::NAMES[self.0 as usize]
    }
    pub fn all() -> impl Iterator<Item = Level> {
        (0..=Self::MAX).map(Level)
    }
}

impl TryFrom<u8> for Level {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Level::new(v).ok_or_else(|| format!("level {v} is out of range 0-4"))
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.0
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.0, self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_zero_to_four() {
        assert_eq!(Level::new(0).map(Level::name), Some("none"));
        assert_eq!(Level::new(4).map(Level::name), Some("expert"));
        assert_eq!(Level::new(5), None);
        assert_eq!(Level::all().count(), 5);
    }
}
