//! Timestamps of a run, in the one form its records use.

use std::num::NonZeroU8;
use std::time::{SystemTime, UNIX_EPOCH};
use time::format_description::well_known::Iso8601;
use time::format_description::well_known::iso8601::{Config, EncodedConfig, TimePrecision};
use time::{OffsetDateTime, PrimitiveDateTime};

/// `YYYY-MM-DDThh:mm:ss.mmmZ`: ISO 8601's extended form with milliseconds
/// (truncated) and `Z` for UTC, which is also an RFC 3339 date-time. (time's
/// `Rfc3339` would drop trailing zeros of the fraction, and the whole fraction
/// at a whole second, so records would not line up.)
const MILLIS_UTC: EncodedConfig =
    Config::DEFAULT.set_time_precision(TimePrecision::Second { decimal_digits: NonZeroU8::new(3) }).encode();

/// Formats a point in time as `YYYY-MM-DDThh:mm:ss.mmmZ`.
///
/// Instants before 1970 are shown as 1970-01-01T00:00:00.000Z, instants after
/// year 9999 as its last millisecond.
pub fn rfc3339_utc(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let at = i128::try_from(since.as_nanos())
        .ok()
        .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
        .filter(|at| at.year() <= 9999)
        .unwrap_or(PrimitiveDateTime::MAX.assume_utc());
    at.format(&Iso8601::<MILLIS_UTC>).expect("a UTC instant of years 1970 to 9999 has this form")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_795_392_000_250);
        assert_eq!(rfc3339_utc(t), "2026-11-23T00:00:00.250Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339_utc(leap), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn milliseconds_are_truncated_and_the_range_is_bounded() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH + Duration::from_nanos(1_999_999_999)), "1970-01-01T00:00:01.999Z");
        assert_eq!(rfc3339_utc(UNIX_EPOCH - Duration::from_secs(1)), "1970-01-01T00:00:00.000Z");
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(rfc3339_utc(far), "9999-12-31T23:59:59.999Z");
    }
}
