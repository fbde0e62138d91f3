//! Dates and periods of claims: `2024`, `2024-10`, `2024-10-23`, `A..B`.

use std::fmt;

/// A closed range of days, as days since 1970-01-01.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub first: i64,
    pub last: i64,
}

impl Period {
    /// Parses a date or period as written in `date=`.
    pub fn parse(s: &str) -> Result<Period, String> {
        let bad = || format!("cannot read date `{s}`: expected 2024, 2024-10, 2024-10-23 or a period like 2024-06..2024-08");
        let (a, b) = match s.split_once("..") {
            Some((a, b)) => (a, b),
            None => (s, s),
        };
        let first = parse_date(a.trim()).ok_or_else(bad)?.0;
        let last = parse_date(b.trim()).ok_or_else(bad)?.1;
        if last < first {
            return Err(format!("period `{s}` ends before it starts"));
        }
        Ok(Period { first, last })
    }

    /// Whether two periods, each widened by `window` days on each side,
    /// overlap.
    pub fn overlaps(self, other: Period, window: i64) -> bool {
        self.first - window <= other.last + window && other.first - window <= self.last + window
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y1, m1, d1) = civil_from_days(self.first);
        let (y2, m2, d2) = civil_from_days(self.last);
        let whole_year = m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31;
        let whole_month = d1 == 1 && days_from_civil(y2, m2 + 1, 1) - 1 == self.last || d1 == 1 && m2 == 12 && d2 == 31;
        // Years in four digits, as `date=` takes them: `0026`, not `26`.
        if y1 == y2 && whole_year {
            write!(f, "{y1:04}")
        } else if y1 == y2 && m1 == m2 && whole_month {
            write!(f, "{y1:04}-{m1:02}")
        } else if self.first == self.last {
            write!(f, "{y1:04}-{m1:02}-{d1:02}")
        } else {
            write!(f, "{y1:04}-{m1:02}-{d1:02}..{y2:04}-{m2:02}-{d2:02}")
        }
    }
}

/// First and last day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<(i64, i64)> {
    let mut parts = s.split('-');
    let y: i64 = num(parts.next()?, 4)?;
    let m: Option<i64> = parts.next().map(|p| num(p, 2)).map_or(Some(None), |v| v.map(Some))?;
    let d: Option<i64> = parts.next().map(|p| num(p, 2)).map_or(Some(None), |v| v.map(Some))?;
    if parts.next().is_some() {
        return None;
    }
    match (m, d) {
        (None, _) => Some((days_from_civil(y, 1, 1), days_from_civil(y, 12, 31))),
        (Some(m), None) if (1..=12).contains(&m) => Some((days_from_civil(y, m, 1), days_from_civil(y, m + 1, 1) - 1)),
        (Some(m), Some(d)) if (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m) => {
            let day = days_from_civil(y, m, d);
            Some((day, day))
        }
        _ => None,
    }
}

fn num(s: &str, digits: usize) -> Option<i64> {
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(y, m + 1, 1) - days_from_civil(y, m, 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date; month 13 is
/// January of the next year.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let (y, m) = if m > 12 { (y + 1, m - 12) } else { (y, m) };
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_and_periods() {
        let p = Period::parse("2024-10").unwrap();
        assert_eq!(p.last - p.first, 30);
        assert_eq!(p.to_string(), "2024-10");
        assert_eq!(Period::parse("2024").unwrap().to_string(), "2024");
        assert_eq!(Period::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Period::parse("2024-06..2024-08").unwrap().to_string(), "2024-06-01..2024-08-31");
        assert_eq!(Period::parse("1970-01-01").unwrap().first, 0);
        for bad in ["2023-02-29", "24", "2024-13", "2024-1", "2024-10-23-1", "2024-08..2024-06", "", "x"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    /// Found by the `value` fuzz target: `0026` was printed `26`, which
    /// does not read back.
    #[test]
    fn years_before_1000_print_in_four_digits_and_read_back() {
        for written in ["0026", "0026-03", "0999-12-31", "0001-01..0999-02", "0000"] {
            let p = Period::parse(written).unwrap();
            assert_eq!(Period::parse(&p.to_string()), Ok(p), "{written} printed as {p}");
        }
        assert_eq!(Period::parse("0026").unwrap().to_string(), "0026");
        assert_eq!(Period::parse("0999-12-31").unwrap().to_string(), "0999-12-31");
    }

    #[test]
    fn window_overlap() {
        let a = Period::parse("2024-10-17").unwrap();
        let b = Period::parse("2024-10-23").unwrap();
        assert!(!a.overlaps(b, 0) && a.overlaps(b, 3));
        let c = Period::parse("2024-12-18").unwrap();
        assert!(a.overlaps(c, 31) && !a.overlaps(c, 30));
    }
}
