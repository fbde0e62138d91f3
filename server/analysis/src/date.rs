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
        self.write_to(f)
    }
}

impl Period {
    /// Writes the period as it displays, straight to `f` (a `String`, say,
    /// without going through the formatting machinery: a report writes a
    /// date in each of a hundred thousand summaries).
    pub fn write_to(&self, f: &mut impl fmt::Write) -> fmt::Result {
        let (y1, m1, d1) = civil_from_days(self.first);
        let (y2, m2, d2) = civil_from_days(self.last);
        let whole_year = m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31;
        let whole_month = d1 == 1 && days_from_civil(y2, m2 + 1, 1) - 1 == self.last || d1 == 1 && m2 == 12 && d2 == 31;
        // Years in four digits, as `date=` takes them: `0026`, not `26`.
        fn day(f: &mut impl fmt::Write, (y, m, d): (i64, i64, i64)) -> fmt::Result {
            padded(f, y, 4)?;
            f.write_char('-')?;
            padded(f, m, 2)?;
            f.write_char('-')?;
            padded(f, d, 2)
        }
        if y1 == y2 && whole_year {
            padded(f, y1, 4)
        } else if y1 == y2 && m1 == m2 && whole_month {
            padded(f, y1, 4)?;
            f.write_char('-')?;
            padded(f, m1, 2)
        } else if self.first == self.last {
            day(f, (y1, m1, d1))
        } else {
            day(f, (y1, m1, d1))?;
            f.write_str("..")?;
            day(f, (y2, m2, d2))
        }
    }
}

/// `n` in at least `width` characters, zeros after its sign, as `{n:0width$}`
/// writes it (without the formatting machinery: a report writes a date in
/// each of a hundred thousand summaries).
fn padded(f: &mut impl fmt::Write, n: i64, width: usize) -> fmt::Result {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n.unsigned_abs());
    let mut width = width;
    if n < 0 {
        f.write_char('-')?;
        width = width.saturating_sub(1);
    }
    for _ in digits.len()..width {
        f.write_char('0')?;
    }
    f.write_str(digits)
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

    /// Numbers padded as the formatting machinery pads them, signs included.
    #[test]
    fn padded_as_format_pads() {
        struct P(i64, usize);
        impl fmt::Display for P {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                padded(f, self.0, self.1)
            }
        }
        for n in [0, 5, -5, 26, -26, 999, 1000, 2024, -2024, 12345, -123456, i64::MAX, i64::MIN] {
            for width in [2, 4] {
                assert_eq!(P(n, width).to_string(), format!("{n:0width$}"), "{n} in {width}");
            }
        }
    }

    proptest::proptest! {
        /// Periods print as `{:04}-{:02}-{:02}` would print them.
        #[test]
        fn periods_print_as_formatted(first in -800_000i64..3_000_000, length in 0i64..800) {
            let p = Period { first, last: first + length };
            let (y1, m1, d1) = civil_from_days(p.first);
            let (y2, m2, d2) = civil_from_days(p.last);
            let whole_year = m1 == 1 && d1 == 1 && m2 == 12 && d2 == 31;
            let whole_month = d1 == 1 && days_from_civil(y2, m2 + 1, 1) - 1 == p.last || d1 == 1 && m2 == 12 && d2 == 31;
            let want = if y1 == y2 && whole_year {
                format!("{y1:04}")
            } else if y1 == y2 && m1 == m2 && whole_month {
                format!("{y1:04}-{m1:02}")
            } else if p.first == p.last {
                format!("{y1:04}-{m1:02}-{d1:02}")
            } else {
                format!("{y1:04}-{m1:02}-{d1:02}..{y2:04}-{m2:02}-{d2:02}")
            };
            proptest::prop_assert_eq!(p.to_string(), want);
        }
    }
}
