//! Years and days of dates are not figures: `in 2024`, `October 23`,
//! `23 October`, `October 23, 2024`, `2022–2024`, `2023–24`.

use super::lex::{Tok, Token};
use super::words::word;

const MONTHS: [&str; 24] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Words after which a year-like number is a year.
const DATE_WORDS: [&str; 24] = [
    "in",
    "since",
    "by",
    "until",
    "till",
    "of",
    "from",
    "year",
    "summer",
    "spring",
    "autumn",
    "fall",
    "winter",
    "early",
    "late",
    "mid",
    "end",
    "during",
    "before",
    "after",
    "through",
    "throughout",
    "fiscal",
    "fy",
];

/// Words (and dashes, slashes) between the years of a span: `2022 to 2024`.
fn is_joiner(tokens: &[Token], k: usize) -> bool {
    match tokens.get(k).map(|t| &t.tok) {
        Some(Tok::Dash | Tok::Other('/')) => true,
        Some(Tok::Word(w)) => matches!(&**w, "to" | "and" | "through" | "until" | "till"),
        _ => false,
    }
}

/// A month name; `May` and `March` only with a capital (`10 may die`).
fn is_month(tokens: &[Token], k: usize) -> bool {
    let Some(w) = word(tokens, k) else { return false };
    MONTHS.contains(&w) && (tokens[k].cap || !matches!(w, "may" | "march" | "mar"))
}

fn num(tokens: &[Token], k: usize) -> Option<(f64, bool, bool, bool)> {
    match tokens.get(k)?.tok {
        Tok::Num { value, amount, year_like, two_digits } => Some((value, amount, year_like, two_digits)),
        _ => None,
    }
}

/// A year already taken as a date.
fn is_date_year(tokens: &[Token], k: usize) -> bool {
    num(tokens, k).is_some_and(|(_, amount, year_like, _)| year_like && !amount)
}

/// The token before `k`, skipping `,`, `.` and `(`: `October 23, 2024`.
fn before_punctuation(tokens: &[Token], k: usize) -> Option<usize> {
    let mut p = k;
    while p > 0 && matches!(tokens[p - 1].tok, Tok::Other(',' | '.' | '(')) {
        p -= 1;
    }
    p.checked_sub(1)
}

fn is_year(tokens: &[Token], k: usize) -> bool {
    if k > 0 && matches!(tokens[k - 1].tok, Tok::Currency(_)) {
        return false;
    }
    let prev_is_date = before_punctuation(tokens, k).is_some_and(|p| match &tokens[p].tok {
        Tok::Word(w) => DATE_WORDS.contains(&&**w) || is_month(tokens, p),
        // A day (`October 23, 2024`, `23rd`) or a year already read.
        Tok::Num { value, amount: false, .. } => (1.0..=31.0).contains(value) || is_date_year(tokens, p),
        _ => false,
    });
    let continues = k >= 2 && is_joiner(tokens, k - 1) && is_date_year(tokens, k - 2);
    let span_of_years = is_joiner(tokens, k + 1) && num(tokens, k + 2).is_some_and(|n| n.1 && n.2);
    prev_is_date || continues || span_of_years || is_month(tokens, k + 1)
}

fn is_day(tokens: &[Token], k: usize) -> bool {
    let Some((value, _, year_like, _)) = num(tokens, k) else { return false };
    let day = !year_like && value.fract() == 0.0 && (1.0..=31.0).contains(&value);
    day && (before_punctuation(tokens, k).is_some_and(|p| is_month(tokens, p)) || is_month(tokens, k + 1))
}

/// `2023–24`, `2022/23`: two digits right after a year.
fn ends_years(tokens: &[Token], k: usize) -> bool {
    let glued = |a: usize, b: usize| tokens[a].range.end == tokens[b].range.start;
    num(tokens, k).is_some_and(|n| n.3)
        && k >= 2
        && matches!(tokens[k - 1].tok, Tok::Dash | Tok::Other('/'))
        && glued(k - 2, k - 1)
        && glued(k - 1, k)
        && is_date_year(tokens, k - 2)
}

/// Marks the years and days of dates as no amounts, left to right (a year
/// after a day or a year reads the marks before it).
pub(super) fn mark(tokens: &mut [Token]) {
    for k in 0..tokens.len() {
        let Tok::Num { amount: true, year_like, .. } = tokens[k].tok else { continue };
        let date = if year_like { is_year(tokens, k) } else { is_day(tokens, k) || ends_years(tokens, k) };
        if date {
            if let Tok::Num { amount, .. } = &mut tokens[k].tok {
                *amount = false;
            }
        }
    }
}
