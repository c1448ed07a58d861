//! [`DbTime`]: the one time type at the database edge, for both backends.
//!
//! SQLite keeps a time as text in one fixed-width UTC form (`2030-06-01T09:00:00.000000Z`:
//! microseconds and a `Z`), so comparing the text in SQL compares the times. PostgreSQL keeps a
//! `TIMESTAMPTZ` (microseconds too). Either way a `DbTime` is a UTC instant truncated to
//! microseconds, so both backends give back exactly what they were given. Days (snapshots) are
//! `chrono::NaiveDate`, which sqlx stores as `YYYY-MM-DD` text or `DATE`.

use super::StoreError;
use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};

/// A UTC instant as stored: truncated to microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbTime(DateTime<Utc>);

impl DbTime {
    /// Now, as stored.
    pub fn now() -> DbTime {
        Utc::now().into()
    }

    pub fn utc(self) -> DateTime<Utc> {
        self.0
    }

    /// The one text form (what SQLite stores).
    pub fn text(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    /// Parses an RFC 3339 time with any offset and precision.
    pub fn parse(s: &str) -> Result<DbTime, StoreError> {
        DateTime::parse_from_rfc3339(s.trim())
            .map(|t| t.with_timezone(&Utc).into())
            .map_err(|_| StoreError::BadTime(s.to_string()))
    }
}

impl From<DateTime<Utc>> for DbTime {
    fn from(t: DateTime<Utc>) -> DbTime {
        DbTime(t.trunc_subsecs(6))
    }
}

/// A `YYYY-MM-DD` day.
pub fn parse_day(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::BadTime(s.to_string()))
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> Encode<'q, Sqlite> for DbTime {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<DbTime, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(DateTime::parse_from_rfc3339(text)?
            .with_timezone(&Utc)
            .into())
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
}

impl<'q> Encode<'q, Postgres> for DbTime {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        Encode::<Postgres>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<DbTime, BoxDynError> {
        Ok(<DateTime<Utc> as Decode<Postgres>>::decode(value)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_fixed_width_utc_microseconds() {
        let t = DbTime::parse("2030-06-01T11:00:00.123456789+02:00").unwrap();
        assert_eq!(t.text(), "2030-06-01T09:00:00.123456Z");
        assert_eq!(
            DbTime::parse("2030-06-01T09:00:00Z").unwrap().text().len(),
            27
        );
        assert!(matches!(DbTime::parse("soon"), Err(StoreError::BadTime(s)) if s == "soon"));
    }
}
