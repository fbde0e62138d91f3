//! The words of figures: qualifiers, number words, scales, currencies and
//! vague amounts.

use super::lex::{Tok, Token};
use super::Qualifier;

pub(super) fn word<'t>(tokens: &'t [Token], k: usize) -> Option<&'t str> {
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

use Qualifier::{Approximate, AtLeast, AtMost, LessThan, MoreThan};

/// The qualifying phrases (`at least`, `no more than`) that end in the
/// word `w`. Looked up by their last word, the word before a number, as a
/// `match`: comparing that word with every phrase's last one was a fifth
/// of reading a figure.
fn qualifiers_ending_in(w: &str) -> &'static [(&'static [&'static str], Qualifier)] {
    match w {
        "approximately" => &[(&["approximately"], Approximate)],
        "about" => &[(&["about"], Approximate)],
        "around" => &[(&["around"], Approximate)],
        "roughly" => &[(&["roughly"], Approximate)],
        "some" => &[(&["some"], Approximate)],
        "estimated" => &[(&["an", "estimated"], Approximate), (&["estimated"], Approximate)],
        "nearly" => &[(&["nearly"], Approximate)],
        "almost" => &[(&["almost"], Approximate)],
        "circa" => &[(&["circa"], Approximate)],
        "to" => &[(&["close", "to"], Approximate), (&["up", "to"], AtMost)],
        "least" => &[(&["at", "least"], AtLeast)],
        "most" => &[(&["at", "most"], AtMost)],
        "than" => &[
            (&["no", "fewer", "than"], AtLeast),
            (&["no", "less", "than"], AtLeast),
            (&["not", "less", "than"], AtLeast),
            (&["more", "than"], MoreThan),
            (&["no", "more", "than"], AtMost),
            (&["not", "more", "than"], AtMost),
            (&["less", "than"], LessThan),
            (&["fewer", "than"], LessThan),
        ],
        "of" => &[
            (&["a", "minimum", "of"], AtLeast),
            (&["upwards", "of"], MoreThan),
            (&["upward", "of"], MoreThan),
            (&["in", "excess", "of"], MoreThan),
            (&["a", "maximum", "of"], AtMost),
        ],
        "over" => &[(&["over"], MoreThan)],
        "as" => &[(&["as", "many", "as"], AtMost), (&["as", "much", "as"], AtMost)],
        "under" => &[(&["under"], LessThan)],
        _ => &[],
    }
}

/// The qualifier right before token `i`: its first token and kind. Longer
/// phrases win (`no more than` over `more than`).
pub(super) fn qualifier(tokens: &[Token], i: usize) -> Option<(usize, Qualifier)> {
    match i.checked_sub(1).map(|p| &tokens[p].tok) {
        Some(Tok::Tilde) => return Some((i - 1, Qualifier::Approximate)),
        Some(Tok::Cmp(q)) => return Some((i - 1, *q)),
        _ => {}
    }
    // Only the phrases ending in the word before are read back further.
    let last = word(tokens, i.checked_sub(1)?)?;
    qualifiers_ending_in(last).iter().filter_map(|(phrase, q)| before(tokens, i, phrase).map(|k| (k, *q))).min_by_key(|(k, _)| *k)
}

const UNITS: [(&str, f64); 20] = [
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
];
const TENS: [(&str, f64); 8] =
    [("twenty", 20.0), ("thirty", 30.0), ("forty", 40.0), ("fifty", 50.0), ("sixty", 60.0), ("seventy", 70.0), ("eighty", 80.0), ("ninety", 90.0)];

fn lookup(table: &[(&str, f64)], w: &str) -> Option<f64> {
    table.iter().find(|(n, _)| *n == w).map(|(_, v)| *v)
}

fn digit_word(w: &str) -> Option<f64> {
    lookup(&UNITS, w).filter(|v| (1.0..10.0).contains(v))
}

/// `seven`, `forty`, `twenty-five`.
fn small_number(w: &str) -> Option<f64> {
    // A byte searched, not a char: most words tried are no number, and a
    // search for a char costs its setting up each time.
    if let Some(dash) = w.bytes().position(|b| b == b'-') {
        return Some(lookup(&TENS, &w[..dash])? + digit_word(&w[dash + 1..])?);
    }
    lookup(&UNITS, w).or_else(|| lookup(&TENS, w))
}

fn is_scale_word(w: Option<&str>) -> bool {
    matches!(w, Some("hundred" | "thousand" | "million" | "billion" | "trillion"))
}

/// Number words from token `k`: `two`, `twenty-five`, `two hundred`, `a
/// hundred`, `a dozen`, `half a million` (the scale is read by [`scale`];
/// `a` and `half a` need one). `one` is no number in `one of`, `no one`.
pub(super) fn number_words(tokens: &[Token], k: usize) -> Option<(f64, usize)> {
    let w = word(tokens, k)?;
    let (mut value, mut end) = match w {
        "a" | "an" => match word(tokens, k + 1)? {
            "dozen" => return Some((12.0, k + 2)),
            s if is_scale_word(Some(s)) => (1.0, k + 1),
            _ => return None,
        },
        "half" if word(tokens, k + 1) == Some("a") => match word(tokens, k + 2)? {
            "dozen" => return Some((6.0, k + 3)),
            s if is_scale_word(Some(s)) => (0.5, k + 2),
            _ => return None,
        },
        "dozen" => return Some((12.0, k + 1)),
        "one"
            if matches!(word(tokens, k + 1), Some("of" | "another"))
                || k.checked_sub(1).and_then(|p| word(tokens, p)).is_some_and(|p| matches!(p, "no" | "every" | "each" | "any")) =>
        {
            return None
        }
        w => (small_number(w)?, k + 1),
    };
    if word(tokens, end) == Some("hundred") {
        // `two hundred`, `two hundred fifty`, `a hundred and twenty`.
        value *= 100.0;
        end += 1;
        let and = usize::from(word(tokens, end) == Some("and"));
        if let Some(rest) = word(tokens, end + and).and_then(small_number) {
            value += rest;
            end += and + 1;
        }
    } else if lookup(&TENS, w).is_some() {
        // `twenty five` written apart.
        if let Some(u) = word(tokens, end).and_then(digit_word) {
            value += u;
            end += 1;
        }
    }
    Some((value, end))
}

/// `thousand`, `million`, `billion`, `trillion`, `bn`, `mn`; `k`, `m`,
/// `b` only glued to a currency amount (`$230m`).
pub(super) fn scale(tokens: &[Token], k: usize, after_currency: bool) -> Option<(f64, usize)> {
    let glued = k > 0 && tokens.get(k).is_some_and(|t| t.range.start == tokens[k - 1].range.end);
    let s = match word(tokens, k)? {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        "bn" => 1e9,
        "mn" | "mln" => 1e6,
        "k" if after_currency && glued => 1e3,
        "m" if after_currency && glued => 1e6,
        "b" if after_currency && glued => 1e9,
        _ => return None,
    };
    Some((s, k + 1))
}

/// A currency named by a word: `dollars`, `roubles`, `won`, `usd`.
fn currency_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "dollar" | "dollars" | "usd" => "USD",
        "euro" | "euros" | "eur" => "EUR",
        "ruble" | "rubles" | "rouble" | "roubles" | "rub" => "RUB",
        "won" | "krw" => "KRW",
        "yuan" | "renminbi" | "cny" => "CNY",
        "yen" | "jpy" => "JPY",
        "gbp" => "GBP",
        _ => return None,
    })
}

/// A currency after the amount: `2,000 dollars`, `5 million US dollars`,
/// `2 000 €` (a symbol only when no number follows it), and with `of` after
/// a vague amount: `millions of dollars`.
pub(super) fn currency_after(tokens: &[Token], k: usize, vague: bool) -> Option<(&'static str, usize)> {
    match &tokens.get(k)?.tok {
        Tok::Currency(c) if !matches!(tokens.get(k + 1).map(|t| &t.tok), Some(Tok::Num { .. })) => Some((c, k + 1)),
        Tok::Word(w) if w == "us" && matches!(word(tokens, k + 1), Some("dollar" | "dollars")) => Some(("USD", k + 2)),
        Tok::Word(w) if w == "of" && vague => {
            let us = usize::from(word(tokens, k + 1) == Some("us"));
            currency_word(word(tokens, k + 1 + us)?).filter(|c| us == 0 || *c == "USD").map(|c| (c, k + 2 + us))
        }
        Tok::Word(w) => currency_word(w).map(|c| (c, k + 1)),
        _ => None,
    }
}

/// A currency before the amount: `$`, `US$`, `€`, or an ISO code (`USD 2
/// billion`).
pub(super) fn currency_before(tokens: &[Token], k: usize) -> Option<&'static str> {
    match &tokens.get(k)?.tok {
        Tok::Currency(c) => Some(c),
        Tok::Word(w) if matches!(&**w, "usd" | "eur" | "gbp" | "rub" | "krw" | "cny" | "jpy") => currency_word(w),
        _ => None,
    }
}

/// Vague amounts (spec 4.1) from token `k`: low, high and the end.
/// `hundreds` is 200..999, `thousands` 2,000..9,999, `tens of thousands`
/// 20,000..99,999, `several hundred thousand` 200,000..999,999, ...
pub(super) fn vague(tokens: &[Token], k: usize) -> Option<(f64, f64, usize)> {
    let w = |n: usize| word(tokens, k + n);
    let plural = |w: Option<&str>| -> Option<f64> {
        Some(match w? {
            "hundreds" => 1e2,
            "thousands" => 1e3,
            "millions" => 1e6,
            "billions" => 1e9,
            _ => return None,
        })
    };
    let singular = |w: Option<&str>| -> Option<f64> {
        Some(match w? {
            "hundred" => 1e2,
            "thousand" => 1e3,
            "million" => 1e6,
            "billion" => 1e9,
            _ => return None,
        })
    };
    // (low, high + 1, end): `high + 1` so that scales multiply cleanly.
    let (low, top, end) = match (w(0)?, w(1)) {
        // `several tens of thousands` reads as `tens of thousands`.
        ("several" | "many", Some("tens" | "hundreds")) if w(2) == Some("of") && plural(w(3)).is_some() => {
            let (l, h, e) = vague(tokens, k + 1)?;
            return Some((l, h, e));
        }
        ("tens", Some("of")) => (20.0 * plural(w(2))?, 100.0 * plural(w(2))?, k + 3),
        ("hundreds", Some("of")) if plural(w(2)).is_some_and(|s| s >= 1e3) => (200.0 * plural(w(2))?, 1000.0 * plural(w(2))?, k + 3),
        ("dozens", _) => (24.0, 100.0, k + 1),
        (p, _) if plural(Some(p)).is_some() => (2.0 * plural(Some(p))?, 10.0 * plural(Some(p))?, k + 1),
        ("several" | "few", _) | ("a", Some("few")) => {
            let skip = usize::from(w(0) == Some("a"));
            match w(1 + skip)? {
                "dozen" => (24.0, 100.0, k + 2 + skip),
                s => (2.0 * singular(Some(s))?, 10.0 * singular(Some(s))?, k + 2 + skip),
            }
        }
        _ => return None,
    };
    // `several hundred thousand`: a scale after multiplies.
    match singular(word(tokens, end)).filter(|s| *s >= 1e3 && *s > top / 10.0) {
        Some(s) => Some((low * s, top * s - 1.0, end + 1)),
        None => Some((low, top - 1.0, end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each phrase is found under its own last word, and under no other.
    #[test]
    fn qualifiers_are_looked_up_by_their_last_word() {
        let words = ["approximately", "about", "around", "roughly", "some", "an", "estimated", "nearly", "almost", "close", "to", "circa", "at", "least"]
            .into_iter()
            .chain(["no", "fewer", "than", "less", "not", "a", "minimum", "of", "more", "over", "upwards", "upward", "in", "excess", "up", "most"])
            .chain(["maximum", "as", "many", "much", "under", "soldiers", "thousand", "than."]);
        let mut phrases = 0;
        for w in words {
            for (phrase, _) in qualifiers_ending_in(w) {
                assert_eq!(phrase.last(), Some(&w));
                phrases += 1;
            }
        }
        assert_eq!(phrases, 31);
        let tokens = super::super::lex::lex("no more than 5, up to 7, in excess of 9, under 2");
        let found: Vec<_> = [3, 7, 12, 15].iter().map(|&i| qualifier(&tokens, i)).collect();
        assert_eq!(found, [Some((0, AtMost)), Some((5, AtMost)), Some((9, MoreThan)), Some((14, LessThan))]);
    }
}
