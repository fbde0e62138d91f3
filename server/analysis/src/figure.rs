//! Reading figures from a claim's text (spec section 4.1), and the
//! `value=` forms.
//!
//! A figure is a qualifier (`approximately`, `at least`, ...), a quantity
//! (numerals, scales, number words, currency, vague amounts like `several
//! thousand`) and possibly a range (`between X and Y`, `X to Y`, `X–Y`).
//! Years and days of dates are not figures.

mod lex;
mod words;
#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;

use lex::{lex, Tok, Token};

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// `None`: open below.
    pub low: Option<f64>,
    /// `None`: open above.
    pub high: Option<f64>,
    /// Approximate (`about`, `around`, `~`): widened by `claims.approx`.
    pub approximate: bool,
    pub qualifier: Qualifier,
    /// `USD` for `$`, and so on.
    pub currency: Option<String>,
    /// Where the figure phrase stands in the text read.
    pub span: Range<usize>,
    /// Several numbers and no range between them: the first was taken.
    pub ambiguous: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// `1234567` as `1,234,567`; fractions as written.
pub fn group(x: f64) -> String {
    if x.fract() != 0.0 || x.abs() >= 1e15 {
        let s = format!("{:.2}", x);
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
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

    /// In a few characters: `≈10,000`, `≥3,000`, `2,000–9,999`, `$2,000`.
    pub fn describe(&self) -> String {
        let cur = match self.currency.as_deref() {
            Some("USD") => "$".to_string(),
            Some("EUR") => "€".to_string(),
            Some("GBP") => "£".to_string(),
            Some(c) => format!("{c} "),
            None => String::new(),
        };
        let n = |x: Option<f64>| format!("{cur}{}", x.map_or("?".into(), group));
        let approx = if self.approximate { "≈" } else { "" };
        match self.qualifier {
            Qualifier::AtLeast => format!("{approx}≥{}", n(self.low)),
            Qualifier::MoreThan => format!("{approx}>{}", n(self.low)),
            Qualifier::AtMost => format!("{approx}≤{}", n(self.high)),
            Qualifier::LessThan => format!("{approx}<{}", n(self.high)),
            _ if self.low == self.high => format!("{approx}{}", n(self.low)),
            _ => format!("{approx}{}–{}", n(self.low), n(self.high)),
        }
    }
}

/// Reads the figure of a claim's text; `None` when there is none.
pub fn read_figure(text: &str) -> Option<Figure> {
    let tokens = lex(text);
    let mut found: Vec<Figure> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match figure_at(&tokens, i) {
            Some((figure, end)) => {
                found.push(figure);
                i = end;
            }
            None => i += 1,
        }
    }
    let count = found.len();
    let mut figure = found.into_iter().next()?;
    figure.ambiguous = count > 1;
    Some(figure)
}

/// A quantity: low and high (equal unless vague), currency, and the index
/// of the token after it.
struct Quantity {
    low: f64,
    high: f64,
    vague: bool,
    /// Whether a scale word was given (`10 thousand`): a range's first
    /// number without one takes the second's.
    scaled: bool,
    currency: Option<&'static str>,
    end: usize,
}

fn figure_at(tokens: &[Token], i: usize) -> Option<(Figure, usize)> {
    let start_of_quantity = i;
    let q = quantity(tokens, i)?;
    let mut figure = Figure {
        low: Some(q.low),
        high: Some(q.high),
        approximate: false,
        qualifier: if q.vague { Qualifier::Vague } else { Qualifier::Exact },
        currency: q.currency.map(str::to_string),
        span: tokens[i].range.start..tokens[q.end - 1].range.end,
        ambiguous: false,
    };
    let mut end = q.end;
    // A range: `X to Y`, `X-Y`, `X–Y`, `between X and Y`, `from X to Y`.
    let between = words::before(tokens, start_of_quantity, &["between"]).or(words::before(tokens, start_of_quantity, &["from"]));
    let joiner = match tokens.get(end).map(|t| &t.tok) {
        Some(Tok::Dash) => true,
        Some(Tok::Word(w)) if w == "to" || (w == "and" && between.is_some()) => true,
        _ => false,
    };
    if joiner {
        if let Some(q2) = quantity(tokens, end + 1) {
            let scale = if !q.scaled && q2.scaled { scale_of(q2.low) } else { 1.0 };
            figure.low = Some(q.low * scale);
            figure.high = Some(q2.high);
            figure.qualifier = Qualifier::Range;
            figure.currency = figure.currency.or(q2.currency.map(str::to_string));
            end = q2.end;
            figure.span.end = tokens[end - 1].range.end;
            if let Some(b) = between {
                figure.span.start = tokens[b].range.start;
            }
            return Some((figure, end));
        }
    }
    if let Some((k, qualifier)) = words::qualifier(tokens, start_of_quantity) {
        figure.span.start = tokens[k].range.start;
        match qualifier {
            Qualifier::Approximate => {
                figure.approximate = true;
                if !q.vague {
                    figure.qualifier = Qualifier::Approximate;
                }
            }
            Qualifier::AtLeast | Qualifier::MoreThan => {
                figure.high = None;
                figure.qualifier = qualifier;
            }
            Qualifier::AtMost | Qualifier::LessThan => {
                figure.low = if q.vague { Some(q.low) } else { None };
                figure.high = Some(q.high);
                figure.qualifier = qualifier;
            }
            _ => {}
        }
    }
    Some((figure, end))
}

/// The power of ten a scaled value carries: 12,000 -> 1,000.
fn scale_of(v: f64) -> f64 {
    for s in [1e9, 1e6, 1e3] {
        if v >= s && (v / s).fract() == 0.0 || v >= s * 10.0 {
            return s;
        }
    }
    1.0
}

/// A quantity starting at token `i`, if one does.
fn quantity(tokens: &[Token], i: usize) -> Option<Quantity> {
    let mut k = i;
    let mut currency = None;
    if let Some(Tok::Currency(c)) = tokens.get(k).map(|t| &t.tok) {
        currency = Some(*c);
        k += 1;
    }
    if let Some((low, high, end)) = words::vague(tokens, k) {
        let currency = currency.or_else(|| words::currency_after(tokens, end).map(|(c, _)| c));
        return Some(Quantity { low, high, vague: true, scaled: true, currency, end });
    }
    let (mut value, mut end) = match &tokens.get(k)?.tok {
        Tok::Num { value, year_like, ordinal } => {
            if *ordinal || (*year_like && currency.is_none() && words::is_date_context(tokens, k)) || words::is_day_of_month(tokens, k) {
                return None;
            }
            (*value, k + 1)
        }
        Tok::Word(_) => words::number_words(tokens, k)?,
        _ => return None,
    };
    let mut scaled = false;
    if let Some((scale, next)) = words::scale(tokens, end, currency.is_some()) {
        value *= scale;
        end = next;
        scaled = true;
    }
    if let Some((c, next)) = words::currency_after(tokens, end) {
        currency = currency.or(Some(c));
        end = next;
    }
    Some(Quantity { low: value, high: value, vague: false, scaled, currency, end })
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
    let figure = |low, high, qualifier| Figure { low, high, approximate, qualifier, currency: None, span: 0..value.len(), ambiguous: false };
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
