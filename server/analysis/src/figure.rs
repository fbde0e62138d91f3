//! Reading figures from a claim's text (spec section 4.1), and the
//! `value=` forms.
//!
//! A figure is a qualifier (`approximately`, `at least`, ...), a quantity
//! (numerals, scales, number words, currency, vague amounts like `several
//! thousand`) and possibly a range (`between X and Y`, `X to Y`, `X–Y`).
//! Years and days of dates are not figures.

mod dates;
mod lex;
#[cfg(test)]
mod tests;
mod words;

use std::fmt;

use crate::byte_range::ByteRange;
use lex::{lex, Tok, Token};
use words::before;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Figure {
    /// `None`: open below.
    pub low: Option<f64>,
    /// `None`: open above.
    pub high: Option<f64>,
    /// Approximate (`about`, `around`, `~`): widened by `claims.approx`.
    pub approximate: bool,
    pub qualifier: Qualifier,
    /// `USD` for `$`, and so on.
    pub currency: Option<Box<str>>,
    /// Where the figure phrase stands in the text read.
    pub span: ByteRange,
    /// Several numbers and no range between them: the first was taken.
    pub ambiguous: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    Exact,
    Approximate,
    AtLeast,
    MoreThan,
    AtMost,
    LessThan,
    Range,
    /// `several thousand`, `hundreds`: a range by convention.
    Vague,
}

/// A figure's interval; `None` bounds are open.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.low, self.high) {
            (Some(l), Some(h)) => write!(f, "[{}, {}]", group(l), group(h)),
            (Some(l), None) => write!(f, "[{}, ∞)", group(l)),
            (None, Some(h)) => write!(f, "(−∞, {}]", group(h)),
            (None, None) => write!(f, "(−∞, ∞)"),
        }
    }
}

/// `1234567` as `1,234,567`; fractions to two decimals (`1,234.5`).
pub fn group(x: f64) -> String {
    let mut out = String::new();
    write_group(&mut out, x).expect("writing to a String");
    out
}

/// [`group`], written to `out`: a report summarises claims by the hundred
/// thousand, each with a figure or two.
fn write_group(out: &mut impl fmt::Write, x: f64) -> fmt::Result {
    if !x.is_finite() {
        return out.write_str(if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "∞"
        } else {
            "−∞"
        });
    }
    // Whole numbers, nearly all figures, skip float formatting (slow to
    // the point of showing in `gloss check`).
    let mut whole = itoa::Buffer::new();
    let decimals;
    let fixed = if x.fract() == 0.0 && x.abs() < 1e15 {
        whole.format(x.abs() as u64)
    } else {
        decimals = format!("{:.2}", x.abs());
        decimals.trim_end_matches('0').trim_end_matches('.')
    };
    let (int, frac) = match fixed.bytes().position(|b| b == b'.') {
        Some(point) => (&fixed[..point], Some(&fixed[point + 1..])),
        None => (fixed, None),
    };
    if x < 0.0 && fixed != "0" {
        out.write_char('-')?;
    }
    // Digits in threes from the right: the first group is what is left.
    let head = match int.len() % 3 {
        0 => int.len().min(3),
        r => r,
    };
    out.write_str(&int[..head])?;
    for at in (head..int.len()).step_by(3) {
        out.write_char(',')?;
        out.write_str(&int[at..at + 3])?;
    }
    if let Some(f) = frac {
        out.write_char('.')?;
        out.write_str(f)?;
    }
    Ok(())
}

impl Figure {
    /// The interval the figure stands for: approximate figures widened by
    /// `approx` on each finite bound.
    pub fn interval(&self, approx: f64) -> Interval {
        if self.approximate {
            Interval { low: self.low.map(|l| l - l.abs() * approx), high: self.high.map(|h| h + h.abs() * approx) }
        } else {
            Interval { low: self.low, high: self.high }
        }
    }

    /// In a few characters: `≈10,000`, `≥3,000`, `2,000–9,999`, `$2,000`
    /// (as the figure displays).
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

/// [`Figure::describe`], written straight to where it goes.
impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl Figure {
    /// Writes the figure as it displays, straight to `f` (a `String`, say,
    /// without going through the formatting machinery: a report writes one
    /// in each of a hundred thousand summaries).
    pub fn write_to(&self, f: &mut impl fmt::Write) -> fmt::Result {
        if self.approximate {
            f.write_str("≈")?;
        }
        let (sign, only) = match self.qualifier {
            Qualifier::AtLeast => ("≥", self.low),
            Qualifier::MoreThan => (">", self.low),
            Qualifier::AtMost => ("≤", self.high),
            Qualifier::LessThan => ("<", self.high),
            _ => ("", None),
        };
        f.write_str(sign)?;
        match self.currency.as_deref() {
            Some("USD") => f.write_str("$")?,
            Some("EUR") => f.write_str("€")?,
            Some("GBP") => f.write_str("£")?,
            Some("KRW") => f.write_str("₩")?,
            Some("RUB") => f.write_str("₽")?,
            Some("JPY") => f.write_str("¥")?,
            Some(c) => {
                f.write_str(c)?;
                f.write_char(' ')?;
            }
            None => {}
        }
        fn bound(f: &mut impl fmt::Write, x: Option<f64>) -> fmt::Result {
            match x {
                Some(x) => write_group(f, x),
                None => f.write_char('?'),
            }
        }
        if !sign.is_empty() {
            bound(f, only)
        } else if self.low == self.high {
            bound(f, self.low)
        } else {
            bound(f, self.low)?;
            f.write_str("–")?;
            bound(f, self.high)
        }
    }
}

/// Reads the figure of a claim's text; `None` when there is none. With
/// several figures and no range between them, the first, `ambiguous`.
pub fn read_figure(text: &str) -> Option<Figure> {
    let mut tokens = lex(text);
    dates::mark(&mut tokens);
    let mut first = None;
    let mut count = 0;
    let mut i = 0;
    while i < tokens.len() {
        match figure_at(&tokens, i) {
            Some((figure, end)) => {
                count += 1;
                first = first.or(Some(figure));
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    let mut figure: Figure = first?;
    figure.ambiguous = count > 1;
    Some(figure)
}

/// A quantity: low and high (equal unless vague), currency, and the index
/// of the token after it.
struct Quantity {
    low: f64,
    high: f64,
    vague: bool,
    /// The scale word given (`10 thousand`): a range's first number
    /// without one takes the second's.
    scale: Option<f64>,
    currency: Option<&'static str>,
    end: usize,
}

/// The figure whose number starts at token `i` (a qualifier or `between`
/// may stand before it), and the index of the token after it.
fn figure_at(tokens: &[Token], i: usize) -> Option<(Figure, usize)> {
    let q = quantity(tokens, i)?;
    let (mut low, mut high, mut end, mut start) = (Some(q.low), Some(q.high), q.end, i);
    let mut qualifier = if q.vague { Qualifier::Vague } else { Qualifier::Exact };
    let mut currency = q.currency;
    // A range: `X to Y`, `X-Y`, `X–Y`, `between X and Y`, `from X to Y`.
    let opener = before(tokens, i, &["between"]).or(before(tokens, i, &["from"]));
    let joiner = match tokens.get(end).map(|t| &t.tok) {
        Some(Tok::Dash) => true,
        Some(Tok::Word(w)) => w == "to" || (w == "and" && opener.is_some()),
        _ => false,
    };
    if let Some(q2) = joiner.then(|| quantity(tokens, end + 1)).flatten() {
        let mut first = q.low;
        if let (None, false, Some(s), false) = (q.scale, q.vague, q2.scale, q2.vague) {
            // `between 10 and 12 thousand`, `$1-2 billion`; not `500 to 2 thousand`.
            if first * s <= q2.high {
                first *= s;
            }
        }
        let same_currency = q.currency.is_none() || q2.currency.is_none() || q.currency == q2.currency;
        if first <= q2.high && same_currency {
            low = Some(first);
            high = Some(q2.high);
            qualifier = Qualifier::Range;
            currency = q.currency.or(q2.currency);
            end = q2.end;
            start = opener.unwrap_or(i);
        }
    }
    let mut approximate = false;
    if let Some((k, found)) = words::qualifier(tokens, start) {
        let range = qualifier == Qualifier::Range;
        match found {
            Qualifier::Approximate => {
                approximate = true;
                if qualifier == Qualifier::Exact {
                    qualifier = Qualifier::Approximate;
                }
                start = k;
            }
            // A bound before a range (`up to 10-12,000`): the range as written.
            Qualifier::AtLeast | Qualifier::MoreThan if !range => {
                high = None;
                qualifier = found;
                start = k;
            }
            Qualifier::AtMost | Qualifier::LessThan if !range => {
                low = None;
                qualifier = found;
                start = k;
            }
            _ => {}
        }
    }
    // `10,000+`
    if matches!(qualifier, Qualifier::Exact | Qualifier::Approximate | Qualifier::Vague) && tokens.get(end).is_some_and(|t| t.tok == Tok::Plus) {
        high = None;
        qualifier = Qualifier::AtLeast;
        end += 1;
    }
    let span = tokens[start].range.start..tokens[end - 1].range.end;
    let currency = currency.map(Box::from);
    Some((Figure { low, high, approximate, qualifier, currency, span: span.into(), ambiguous: false }, end))
}

/// A quantity starting at token `i`, if one does: currency, number (digits
/// or words) or vague amount, scale, currency.
fn quantity(tokens: &[Token], i: usize) -> Option<Quantity> {
    let mut k = i;
    let mut currency = words::currency_before(tokens, k);
    k += usize::from(currency.is_some());
    if let Some((low, high, mut end)) = words::vague(tokens, k) {
        if currency.is_none() {
            if let Some((c, next)) = words::currency_after(tokens, end, true) {
                currency = Some(c);
                end = next;
            }
        }
        return Some(Quantity { low, high, vague: true, scale: None, currency, end });
    }
    let (mut value, mut end) = match &tokens.get(k)?.tok {
        Tok::Num { value, amount: true, .. } => (*value, k + 1),
        Tok::Word(_) => words::number_words(tokens, k)?,
        _ => return None,
    };
    let mut scale = None;
    if let Some((s, next)) = words::scale(tokens, end, currency.is_some()) {
        value *= s;
        end = next;
        scale = Some(s);
    }
    if currency.is_none() {
        if let Some((c, next)) = words::currency_after(tokens, end, false) {
            currency = Some(c);
            end = next;
        }
    }
    value.is_finite().then_some(Quantity { low: value, high: value, vague: false, scale, currency, end })
}

/// Reads a `value=` attribute: `10000`, `1_000_000`, `~10000`, `>=3000`,
/// `>1000000`, `<=100000`, `<5`, `20000..50000`, `~20000..50000`.
pub fn parse_value(value: &str) -> Result<Figure, String> {
    let err = || format!("cannot read value `{value}`: expected a number, ~N, >=N, >N, <=N, <N or A..B");
    let num = |s: &str| -> Result<f64, String> {
        let s = s.trim().replace(['_', ','], "");
        if s.is_empty() || s.starts_with(['+', '-']) && s.len() == 1 {
            return Err(err());
        }
        s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(err)
    };
    let v = value.trim();
    let (approximate, v) = match v.strip_prefix('~') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let exact = if approximate { Qualifier::Approximate } else { Qualifier::Exact };
    let figure = |low, high, qualifier| Figure { low, high, approximate, qualifier, currency: None, span: (0..value.len()).into(), ambiguous: false };
    Ok(if let Some(n) = v.strip_prefix(">=") {
        figure(Some(num(n)?), None, Qualifier::AtLeast)
    } else if let Some(n) = v.strip_prefix('>') {
        figure(Some(num(n)?), None, Qualifier::MoreThan)
    } else if let Some(n) = v.strip_prefix("<=") {
        figure(None, Some(num(n)?), Qualifier::AtMost)
    } else if let Some(n) = v.strip_prefix('<') {
        figure(None, Some(num(n)?), Qualifier::LessThan)
    } else if let Some((a, b)) = v.split_once("..") {
        let (a, b) = (num(a)?, num(b)?);
        if a > b {
            return Err(format!("cannot read value `{value}`: the range ends below its start"));
        }
        figure(Some(a), Some(b), Qualifier::Range)
    } else {
        let n = num(v)?;
        figure(Some(n), Some(n), exact)
    })
}
