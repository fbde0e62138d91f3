//! Words, numerals and symbols of a claim's text, with their byte ranges.

use std::borrow::Cow;
use std::ops::Range;

use super::Qualifier;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok<'a> {
    /// A numeral. `amount` is false for what is written as a number but
    /// counts nothing: ordinals (`17th`), decades (`1990s`), designations
    /// (`F-16`, `K2`, `mid-2024`), clock times, dotted or slashed dates and
    /// ratios (`23.10.2024`, `24/7`), and, after [`super::dates::mark`],
    /// years and days of dates.
    Num { value: f64, amount: bool, year_like: bool, two_digits: bool },
    /// A word, lower case: as written when it already is (most words of
    /// a claim are; a copy of each was a twentieth of reading a figure).
    Word(Cow<'a, str>),
    /// A currency symbol (or `US$`), as an ISO code.
    Currency(&'static str),
    /// `-`, `–` or `—` standing alone.
    Dash,
    /// `~` or `≈`
    Tilde,
    /// `>`, `>=`, `≥`, `<`, `<=`, `≤` before a number.
    Cmp(Qualifier),
    /// `+` right after a number: `10,000+`.
    Plus,
    /// Any other character (not a space or a quotation mark).
    Other(char),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token<'a> {
    pub tok: Tok<'a>,
    pub range: Range<usize>,
    /// Whether it begins with a capital letter (`May` the month).
    pub cap: bool,
}

fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '„' | '‘' | '’' | '«' | '»' | '‹' | '›')
}

pub(super) fn lex(text: &str) -> Vec<Token<'_>> {
    // Made with room enough (a claim's text is a few words): growing these
    // was a fifth of reading a figure, and reading figures a third of
    // reading a document's facts.
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(text.len());
    // Most claims' texts are ASCII: their chars are their bytes, without
    // decoding (a quarter of lexing).
    if text.is_ascii() {
        chars.extend(text.bytes().enumerate().map(|(k, b)| (k, char::from(b))));
    } else {
        chars.extend(text.char_indices());
    }
    let ch = |k: usize| chars.get(k).map(|c| c.1);
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut out: Vec<Token> = Vec::with_capacity(8);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let push = |out: &mut Vec<Token>, tok, end: usize| out.push(Token { tok, range: start..end_of(end), cap: false });
        if c.is_ascii_digit() {
            let n = numeral(&chars, i);
            let mut j = n.end;
            let mut amount = true;
            // Glued to a word before: `K2`, `G7`, `F-16`, `KN-23`, `mid-2024`.
            let before = i.checked_sub(1).and_then(ch);
            let glued = before.is_some_and(char::is_alphabetic) || (before == Some('-') && i.checked_sub(2).and_then(ch).is_some_and(char::is_alphabetic));
            if glued {
                amount = false;
            }
            // Dotted, slashed or clock forms: `23.10.2024`, `24/7`, `10:30`.
            if matches!(ch(j), Some('.' | '/' | ':')) && ch(j + 1).is_some_and(|c| c.is_ascii_digit()) {
                amount = false;
                let digit_at = |k: usize| ch(k).is_some_and(|c| c.is_ascii_digit());
                while digit_at(j) || (matches!(ch(j), Some('.' | '/' | ':')) && digit_at(j + 1)) {
                    j += 1;
                }
            }
            // ISO dates and year spans: `2024-10-23`, `2024-10`, `2022-23`, `2020–2024`.
            if n.year_like && matches!(ch(j), Some('-' | '–')) {
                let run = |from: usize| (from..).take_while(|&k| ch(k).is_some_and(|c| c.is_ascii_digit())).count();
                let after = |k: usize| !matches!((ch(k), ch(k + 1)), (Some(',' | '.'), Some('0'..='9')) | (Some('0'..='9'), _));
                let d = run(j + 1);
                let four_year = d == 4 && chars[j + 1..j + 5].iter().map(|c| c.1).collect::<String>().parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y));
                if (d == 2 || four_year) && after(j + 1 + d) {
                    amount = false;
                    j += 1 + d;
                    if matches!(ch(j), Some('-')) && (1..=2).contains(&run(j + 1)) {
                        j += 1 + run(j + 1);
                    }
                }
            }
            // 17th, 1st, 2nd, 3rd: an ordinal; 1990s, 90s: a decade.
            let suffix = (ch(j).map(|c| c.to_ascii_lowercase()), ch(j + 1).map(|c| c.to_ascii_lowercase()));
            let two = matches!(suffix, (Some('s'), Some('t')) | (Some('n' | 'r'), Some('d')) | (Some('t'), Some('h')));
            let decade = suffix.0 == Some('s') && n.plain && n.value % 10.0 == 0.0;
            let len = if two { 2 } else { usize::from(decade) };
            if len > 0 && !ch(j + len).is_some_and(char::is_alphanumeric) {
                amount = false;
                j += len;
            }
            let tok = Tok::Num { value: n.value, amount, year_like: n.year_like, two_digits: n.plain && n.end - i == 2 };
            push(&mut out, tok, j);
            i = j;
        } else if c.is_alphabetic() {
            let mut j = i;
            // Words keep inner hyphens and apostrophes: twenty-five, Kim's.
            while j < chars.len() && (chars[j].1.is_alphabetic() || (matches!(chars[j].1, '-' | '\'' | '’') && ch(j + 1).is_some_and(char::is_alphabetic))) {
                j += 1;
            }
            let written = &text[start..end_of(j)];
            let word: Cow<str> = if !written.is_ascii() {
                Cow::Owned(written.to_lowercase())
            } else if written.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(written.to_ascii_lowercase())
            } else {
                Cow::Borrowed(written)
            };
            if word == "us" && ch(j) == Some('$') {
                push(&mut out, Tok::Currency("USD"), j + 1);
                i = j + 1;
                continue;
            }
            out.push(Token { tok: Tok::Word(word), range: start..end_of(j), cap: c.is_uppercase() });
            i = j;
        } else {
            let mut end = i + 1;
            let tok = match c {
                '$' => Tok::Currency("USD"),
                '€' => Tok::Currency("EUR"),
                '£' => Tok::Currency("GBP"),
                '₩' => Tok::Currency("KRW"),
                '₽' => Tok::Currency("RUB"),
                '¥' => Tok::Currency("JPY"),
                '-' | '–' | '—' => Tok::Dash,
                '~' | '≈' => Tok::Tilde,
                '≥' => Tok::Cmp(Qualifier::AtLeast),
                '≤' => Tok::Cmp(Qualifier::AtMost),
                '>' | '<' if ch(i + 1) == Some('=') => {
                    end = i + 2;
                    Tok::Cmp(if c == '>' { Qualifier::AtLeast } else { Qualifier::AtMost })
                }
                '>' => Tok::Cmp(Qualifier::MoreThan),
                '<' => Tok::Cmp(Qualifier::LessThan),
                '+' if matches!(out.last(), Some(Token { tok: Tok::Num { .. }, range, .. }) if range.end == start) => Tok::Plus,
                c if c.is_whitespace() || is_quote(c) => {
                    i += 1;
                    continue;
                }
                c => Tok::Other(c),
            };
            push(&mut out, tok, end);
            i = end;
        }
    }
    out
}

struct Numeral {
    value: f64,
    /// Four digits, 1900-2099, no separator or decimals.
    year_like: bool,
    /// Digits only: no separator or decimals.
    plain: bool,
    end: usize,
}

/// Reads `10,000`, `10 000`, `1.5`, `3,000.25` from `chars[i]`.
fn numeral(chars: &[(usize, char)], i: usize) -> Numeral {
    let digit = |k: usize| chars.get(k).is_some_and(|c| c.1.is_ascii_digit());
    let mut j = i;
    while digit(j) {
        j += 1;
    }
    let first_group = j - i;
    // Where the digits are: the first group, then groups of three.
    let mut groups = 0;
    // Groups of three after commas or, with no comma, after spaces; a
    // space group glued to letters is a calibre or a unit (`500 155mm`).
    if first_group <= 3 {
        let group_after = |j: usize, comma: bool| {
            chars.get(j).is_some_and(|c| if comma { c.1 == ',' } else { is_group_space(c.1) })
                && (1..=3).all(|k| digit(j + k))
                && !digit(j + 4)
                && (comma || !chars.get(j + 4).is_some_and(|c| c.1.is_alphabetic()))
        };
        let comma = group_after(j, true);
        while group_after(j, comma) {
            groups += 1;
            j += 4;
        }
    }
    let whole = j;
    let grouped = groups > 0;
    let mut decimal = false;
    if chars.get(j).is_some_and(|c| c.1 == '.') && digit(j + 1) {
        decimal = true;
        j += 1;
        while digit(j) {
            j += 1;
        }
    }
    let value = value_of(&chars[i..whole], &chars[whole..j]);
    let plain = !decimal && !grouped;
    let year_like = plain && first_group == 4 && (1900.0..2100.0).contains(&value);
    Numeral { value, year_like, plain, end: j }
}

/// The value of a numeral's digits (group separators skipped) and of its
/// decimal part (`.` and digits, or nothing). Up to 15 digits with no
/// decimals, most numerals, is a sum exact in a float, as parsing would
/// give it; the rest are parsed.
fn value_of(whole: &[(usize, char)], decimals: &[(usize, char)]) -> f64 {
    let digits = whole.iter().map(|c| c.1).filter(char::is_ascii_digit);
    if decimals.is_empty() && digits.clone().count() <= 15 {
        return digits.fold(0u64, |n, d| n * 10 + u64::from(d as u8 - b'0')) as f64;
    }
    let written: String = digits.chain(decimals.iter().map(|c| c.1)).collect();
    written.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// A numeral's value, summed or parsed, is its digits parsed
        /// (its group separators left out).
        #[test]
        fn a_numeral_is_worth_its_digits_parsed(whole in "[0-9]{1,22}|[0-9]{1,3}([, ][0-9]{3}){1,6}", decimals in "(\\.[0-9]{1,6})?") {
            let chars: Vec<(usize, char)> = whole.char_indices().collect();
            let point: Vec<(usize, char)> = decimals.char_indices().collect();
            let parsed: f64 = format!("{}{decimals}", whole.replace([',', ' '], "")).parse().unwrap();
            prop_assert_eq!(super::value_of(&chars, &point), parsed);
        }
    }
}
