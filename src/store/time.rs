//! [`DbTime`]: the one time type at the database edge, for both backends.
//!
//! SQLite keeps a time as text in one fixed-width UTC form (`2030-06-01T09:00:00.000000Z`:
//! microseconds and a `Z`), so comparing the text in SQL compares the times. PostgreSQL keeps a
//! `TIMESTAMPTZ` (microseconds too). Either way a `DbTime` is a UTC instant truncated to
//! microseconds, so both backends give back exactly what they were given. Days (snapshots) are
//! `chrono::NaiveDate`, which sqlx stores as `YYYY-MM-DD` text or `DATE`.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
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
}

impl From<DateTime<Utc>> for DbTime {
    fn from(t: DateTime<Utc>) -> DbTime {
        DbTime(t.trunc_subsecs(6))
    }
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
        let t = DateTime::parse_from_rfc3339("2030-06-01T11:00:00.123456789+02:00").unwrap();
        let t = DbTime::from(t.with_timezone(&Utc));
        assert_eq!(t.text(), "2030-06-01T09:00:00.123456Z");
        let whole = DbTime::from(DateTime::UNIX_EPOCH);
        assert_eq!(whole.text(), "1970-01-01T00:00:00.000000Z");
        assert_eq!(t.utc().timestamp_subsec_nanos(), 123_456_000);
    }
}
