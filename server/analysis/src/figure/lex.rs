//! Words, numerals and symbols of a claim's text, with their byte ranges.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// A numeral: its value, and whether it is written like a year (four
    /// digits, no separator).
    Num { value: f64, year_like: bool, ordinal: bool },
    /// A word, lower case.
    Word(String),
    /// A currency symbol, as an ISO code.
    Currency(&'static str),
    /// `-`, `–` or `—` standing alone.
    Dash,
    /// `~`
    Tilde,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub range: Range<usize>,
}

fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

pub(super) fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_ascii_digit() {
            let (value, year_like, mut j) = numeral(&chars, i);
            let mut ordinal = false;
            // 17th, 1st, 2nd, 3rd: an ordinal, not an amount.
            let suffix: String = chars[j..].iter().take(2).map(|c| c.1.to_ascii_lowercase()).collect();
            if ["st", "nd", "rd", "th"].contains(&suffix.as_str()) && !chars.get(j + 2).is_some_and(|c| c.1.is_alphanumeric()) {
                ordinal = true;
                j += 2;
            }
            out.push(Token { tok: Tok::Num { value, year_like, ordinal }, range: start..end_of(j) });
            i = j;
        } else if c.is_alphabetic() {
            let mut j = i;
            // Words keep inner hyphens and apostrophes: twenty-five, Kim's.
            while j < chars.len()
                && (chars[j].1.is_alphabetic()
                    || (matches!(chars[j].1, '-' | '\'' | '’') && chars.get(j + 1).is_some_and(|n| n.1.is_alphabetic())))
            {
                j += 1;
            }
            let word = text[start..end_of(j)].to_lowercase();
            out.push(Token { tok: Tok::Word(word), range: start..end_of(j) });
            i = j;
        } else {
            let tok = match c {
                '$' => Tok::Currency("USD"),
                '€' => Tok::Currency("EUR"),
                '£' => Tok::Currency("GBP"),
                '₩' => Tok::Currency("KRW"),
                '₽' => Tok::Currency("RUB"),
                '¥' => Tok::Currency("JPY"),
                '-' | '–' | '—' => Tok::Dash,
                '~' => Tok::Tilde,
                c if c.is_whitespace() => {
                    i += 1;
                    continue;
                }
                _ => Tok::Other,
            };
            out.push(Token { tok, range: start..end_of(i + 1) });
            i += 1;
        }
    }
    out
}

/// Reads `10,000`, `10 000`, `1.5`, `3,000.25` from `chars[i]`: value,
/// whether it looks like a year, and where it ends.
fn numeral(chars: &[(usize, char)], i: usize) -> (f64, bool, usize) {
    let digit = |k: usize| chars.get(k).is_some_and(|c| c.1.is_ascii_digit());
    let mut j = i;
    while digit(j) {
        j += 1;
    }
    let mut digits: String = chars[i..j].iter().map(|c| c.1).collect();
    let first_group = j - i;
    let mut grouped = false;
    // Groups of three after a comma (or, with no comma, a space).
    if first_group <= 3 {
        for sep_is_comma in [true, false] {
            while chars.get(j).is_some_and(|c| if sep_is_comma { c.1 == ',' } else { is_group_space(c.1) })
                && (1..=3).all(|k| digit(j + k))
                && !digit(j + 4)
            {
                if !sep_is_comma && grouped {
                    break;
                }
                digits.extend(chars[j + 1..j + 4].iter().map(|c| c.1));
                j += 4;
                if sep_is_comma {
                    grouped = true;
                }
            }
            if grouped {
                break;
            }
        }
    }
    let mut decimal = false;
    if chars.get(j).is_some_and(|c| c.1 == '.') && digit(j + 1) {
        decimal = true;
        digits.push('.');
        j += 1;
        while digit(j) {
            digits.push(chars[j].1);
            j += 1;
        }
    }
    let grouped_any = digits.len() != j - i;
    let value = digits.parse().unwrap_or(0.0);
    let year_like = !decimal && !grouped_any && first_group == 4 && (1900.0..2100.0).contains(&value);
    (value, year_like, j)
}
