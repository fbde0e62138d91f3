//! The words of figures: qualifiers, number words, scales, currencies,
//! vague amounts, and the dates that are not figures.

use super::lex::{Tok, Token};
use super::Qualifier;

fn word(tokens: &[Token], k: usize) -> Option<&str> {
    match &tokens.get(k)?.tok {
        Tok::Word(w) => Some(w),
        _ => None,
    }
}

/// If the words right before token `i` are `phrase`, the index of its first.
pub(super) fn before(tokens: &[Token], i: usize, phrase: &[&str]) -> Option<usize> {
    let start = i.checked_sub(phrase.len())?;
    phrase.iter().enumerate().all(|(n, w)| word(tokens, start + n) == Some(w)).then_some(start)
}

const QUALIFIERS: &[(&[&str], Qualifier)] = &[
    (&["approximately"], Qualifier::Approximate),
    (&["about"], Qualifier::Approximate),
    (&["around"], Qualifier::Approximate),
    (&["roughly"], Qualifier::Approximate),
    (&["some"], Qualifier::Approximate),
    (&["an", "estimated"], Qualifier::Approximate),
    (&["estimated"], Qualifier::Approximate),
    (&["nearly"], Qualifier::Approximate),
    (&["almost"], Qualifier::Approximate),
    (&["close", "to"], Qualifier::Approximate),
    (&["circa"], Qualifier::Approximate),
    (&["at", "least"], Qualifier::AtLeast),
    (&["no", "fewer", "than"], Qualifier::AtLeast),
    (&["no", "less", "than"], Qualifier::AtLeast),
    (&["more", "than"], Qualifier::MoreThan),
    (&["over"], Qualifier::MoreThan),
    (&["upwards", "of"], Qualifier::MoreThan),
    (&["in", "excess", "of"], Qualifier::MoreThan),
    (&["up", "to"], Qualifier::AtMost),
    (&["at", "most"], Qualifier::AtMost),
    (&["no", "more", "than"], Qualifier::AtMost),
    (&["as", "many", "as"], Qualifier::AtMost),
    (&["less", "than"], Qualifier::LessThan),
    (&["under"], Qualifier::LessThan),
    (&["fewer", "than"], Qualifier::LessThan),
];

/// The qualifier right before a quantity: its first token and kind.
/// Longer phrases win (`no more than` over `more than`).
pub(super) fn qualifier(tokens: &[Token], i: usize) -> Option<(usize, Qualifier)> {
    if i > 0 && tokens[i - 1].tok == Tok::Tilde {
        return Some((i - 1, Qualifier::Approximate));
    }
    QUALIFIERS
        .iter()
        .filter_map(|(phrase, q)| before(tokens, i, phrase).map(|k| (k, *q)))
        .min_by_key(|(k, _)| *k)
}

const UNITS: [(&str, f64); 20] = [
    ("zero", 0.0), ("one", 1.0), ("two", 2.0), ("three", 3.0), ("four", 4.0), ("five", 5.0), ("six", 6.0),
    ("seven", 7.0), ("eight", 8.0), ("nine", 9.0), ("ten", 10.0), ("eleven", 11.0), ("twelve", 12.0),
    ("thirteen", 13.0), ("fourteen", 14.0), ("fifteen", 15.0), ("sixteen", 16.0), ("seventeen", 17.0),
    ("eighteen", 18.0), ("nineteen", 19.0),
];
const TENS: [(&str, f64); 8] = [
    ("twenty", 20.0), ("thirty", 30.0), ("forty", 40.0), ("fifty", 50.0), ("sixty", 60.0), ("seventy", 70.0), ("eighty", 80.0), ("ninety", 90.0),
];

fn small_number(w: &str) -> Option<f64> {
    let lookup = |w: &str| UNITS.iter().chain(TENS.iter()).find(|(n, _)| *n == w).map(|(_, v)| *v);
    if let Some((tens, unit)) = w.split_once('-') {
        let t = TENS.iter().find(|(n, _)| *n == tens)?.1;
        let u = UNITS.iter().find(|(n, _)| *n == unit).filter(|(_, v)| (1.0..10.0).contains(v))?.1;
        return Some(t + u);
    }
    lookup(w)
}

/// Number words from token `k`: `two`, `twenty-five`, `two hundred`, `a
/// hundred`, `a dozen`, `half a million` (the scale is read by [`scale`],
/// except after `a`/`half a`, which need one).
pub(super) fn number_words(tokens: &[Token], k: usize) -> Option<(f64, usize)> {
    let w = word(tokens, k)?;
    let (mut value, mut end) = match w {
        "a" | "an" => match word(tokens, k + 1)? {
            "dozen" => return Some((12.0, k + 2)),
            "hundred" | "thousand" | "million" | "billion" => (1.0, k + 1),
            _ => return None,
        },
        "half" if word(tokens, k + 1) == Some("a") => match word(tokens, k + 2)? {
            "dozen" => return Some((6.0, k + 3)),
            "hundred" | "thousand" | "million" | "billion" => (0.5, k + 2),
            _ => return None,
        },
        "dozen" => return Some((12.0, k + 1)),
        w => (small_number(w)?, k + 1),
    };
    // `two hundred`, `two hundred fifty`.
    if word(tokens, end) == Some("hundred") {
        value *= 100.0;
        end += 1;
        let and = usize::from(word(tokens, end) == Some("and"));
        if let Some(rest) = word(tokens, end + and).and_then(small_number) {
            value += rest;
            end += and + 1;
        }
    } else if word(tokens, k) == Some("twenty") || TENS.iter().any(|(n, _)| Some(*n) == word(tokens, k)) {
        // `twenty five` written apart.
        if let Some(u) = word(tokens, end).and_then(small_number).filter(|v| (1.0..10.0).contains(v)) {
            value += u;
            end += 1;
        }
    }
    Some((value, end))
}

/// `thousand`, `million`, `billion` (and `k`, `m`, `bn` after a currency).
pub(super) fn scale(tokens: &[Token], k: usize, after_currency: bool) -> Option<(f64, usize)> {
    let s = match word(tokens, k)? {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        "k" if after_currency => 1e3,
        "m" | "mn" | "mln" if after_currency => 1e6,
        "bn" | "b" if after_currency => 1e9,
        _ => return None,
    };
    Some((s, k + 1))
}

/// A currency named after the amount: `2,000 dollars`, `5 million euros`.
pub(super) fn currency_after(tokens: &[Token], k: usize) -> Option<(&'static str, usize)> {
    let c = match word(tokens, k)? {
        "dollar" | "dollars" | "usd" => "USD",
        "euro" | "euros" | "eur" => "EUR",
        "ruble" | "rubles" | "rouble" | "roubles" | "rub" => "RUB",
        "won" | "krw" => "KRW",
        "yuan" | "renminbi" | "cny" => "CNY",
        "gbp" => "GBP",
        _ => return None,
    };
    Some((c, k + 1))
}

/// Vague amounts (spec 4.1) from token `k`: low, high and the end.
pub(super) fn vague(tokens: &[Token], k: usize) -> Option<(f64, f64, usize)> {
    let w = |n: usize| word(tokens, k + n);
    Some(match (w(0)?, w(1), w(2)) {
        ("tens", Some("of"), Some("thousands")) => (20_000.0, 99_999.0, k + 3),
        ("tens", Some("of"), Some("millions")) => (20_000_000.0, 99_999_999.0, k + 3),
        ("hundreds", Some("of"), Some("thousands")) => (200_000.0, 999_999.0, k + 3),
        ("hundreds", Some("of"), Some("millions")) => (200_000_000.0, 999_999_999.0, k + 3),
        ("several" | "a" | "few", _, _) => {
            // `several hundred`, `a few thousand`, `several dozen`.
            let skip = usize::from(w(0) == Some("a") && w(1) == Some("few"));
            let (low, high) = match w(1 + skip)? {
                "dozen" => (24.0, 99.0),
                "hundred" => (200.0, 999.0),
                "thousand" => (2_000.0, 9_999.0),
                "million" => (2_000_000.0, 9_999_999.0),
                _ => return None,
            };
            if w(0) == Some("a") && skip == 0 {
                return None;
            }
            (low, high, k + 2 + skip)
        }
        ("dozens", _, _) => (24.0, 99.0, k + 1),
        ("hundreds", _, _) => (200.0, 999.0, k + 1),
        ("thousands", _, _) => (2_000.0, 9_999.0, k + 1),
        ("millions", _, _) => (2_000_000.0, 9_999_999.0, k + 1),
        _ => return None,
    })
}

const MONTHS: [&str; 24] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];
const DATE_WORDS: [&str; 19] = [
    "in", "since", "by", "until", "till", "of", "from", "year", "summer", "spring", "autumn", "fall", "winter", "early", "late", "mid", "end",
    "during", "before",
];

fn is_month(tokens: &[Token], k: usize) -> bool {
    word(tokens, k).is_some_and(|w| MONTHS.contains(&w))
}

/// Whether the year-like number at `k` reads as a year: after a month, a
/// day, or a word like `in`, `since`, `summer`; or before a month.
pub(super) fn is_date_context(tokens: &[Token], k: usize) -> bool {
    let mut p = k;
    // Skip commas and the like: `October 23, 2024`.
    while p > 0 && tokens[p - 1].tok == Tok::Other {
        p -= 1;
    }
    let prev_is_date = p > 0
        && match &tokens[p - 1].tok {
            Tok::Word(w) => DATE_WORDS.contains(&w.as_str()) || MONTHS.contains(&w.as_str()),
            Tok::Num { .. } => is_day_of_month(tokens, p - 1),
            _ => false,
        };
    prev_is_date || is_month(tokens, k + 1)
}

/// Whether the number at `k` is a day next to a month: `October 23`,
/// `23 October`.
pub(super) fn is_day_of_month(tokens: &[Token], k: usize) -> bool {
    let day = matches!(tokens[k].tok, Tok::Num { value, year_like: false, .. } if (1.0..=31.0).contains(&value) && value.fract() == 0.0);
    day && ((k > 0 && is_month(tokens, k - 1)) || is_month(tokens, k + 1))
}
