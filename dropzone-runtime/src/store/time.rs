//! S3's times in its listings, read without a date crate.

use std::time::{Duration, SystemTime};

/// Reads S3's times (`Initiated`, a part's `LastModified`: ISO 8601 in UTC,
/// `2026-12-01T15:30:00.123Z`). Written here rather
/// than pulling in a date crate for one field of one format.
pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let s = text.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !text.ends_with('Z') {
        return None;
    }
    let (y, m, d) = (num(0..4)? as i64, num(5..7)?, num(8..10)?);
    let (h, min, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    let nanos = match text.get(19..text.len() - 1)? {
        "" => 0,
        frac => {
            let digits = frac.strip_prefix('.')?;
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            digits.parse::<u64>().ok()? * 10u64.pow(9 - digits.len() as u32)
        }
    };
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + min * 60 + s;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs) + Duration::from_nanos(nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_times_are_read() {
        let at = |t| parse_time(t).map(|t| t.duration_since(SystemTime::UNIX_EPOCH).unwrap());
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(Duration::ZERO));
        assert_eq!(
            at("2026-12-01T15:30:00.250Z"),
            Some(Duration::from_millis(1_796_139_000_250))
        );
        assert_eq!(
            at("2024-02-29T23:59:59Z"),
            Some(Duration::from_secs(1_709_251_199))
        );
        for bad in [
            "",
            "2026-12-01 15:30:00Z",
            "2026-13-01T00:00:00Z",
            "2026-12-01T00:00:00.Z",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }
}
