//! Reading figures from a claim's text (spec section 4.1).
//! Interim reader (numerals, scales, qualifiers, currency); the full reader
//! with number words, vague amounts and ranges replaces it.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub approximate: bool,
    pub qualifier: Qualifier,
    pub currency: Option<String>,
    pub span: Range<usize>,
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
    Vague,
}

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

pub fn group(x: f64) -> String {
    if x.fract() != 0.0 || x.abs() >= 1e15 {
        return format!("{x}");
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
    pub fn interval(&self, approx: f64) -> Interval {
        if self.approximate {
            Interval { low: self.low.map(|l| l * (1.0 - approx)), high: self.high.map(|h| h * (1.0 + approx)) }
        } else {
            Interval { low: self.low, high: self.high }
        }
    }

    pub fn describe(&self) -> String {
        let cur = match self.currency.as_deref() {
            Some("USD") => "$".to_string(),
            Some(c) => format!("{c} "),
            None => String::new(),
        };
        let n = |x: Option<f64>| format!("{cur}{}", x.map_or("?".into(), group));
        match self.qualifier {
            Qualifier::AtLeast => format!("≥{}", n(self.low)),
            Qualifier::MoreThan => format!(">{}", n(self.low)),
            Qualifier::AtMost => format!("≤{}", n(self.high)),
            Qualifier::LessThan => format!("<{}", n(self.high)),
            _ if self.low == self.high => format!("{}{}", if self.approximate { "≈" } else { "" }, n(self.low)),
            _ => format!("{}{}–{}", if self.approximate { "≈" } else { "" }, n(self.low), n(self.high)),
        }
    }
}

const APPROX: [&str; 9] = ["approximately", "about", "around", "roughly", "some", "an estimated", "nearly", "almost", "close to"];
const AT_LEAST: [&str; 2] = ["at least", "no fewer than"];
const MORE: [&str; 4] = ["more than", "over", "upwards of", "in excess of"];
const AT_MOST: [&str; 4] = ["up to", "at most", "no more than", "as many as"];
const LESS: [&str; 3] = ["less than", "under", "fewer than"];

pub fn read_figure(text: &str) -> Option<Figure> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return read_numbers(text, text);
    }
    read_numbers(text, &lower)
}

fn read_numbers(text: &str, lower: &str) -> Option<Figure> {
    let b = text.as_bytes();
    let mut numbers: Vec<(Range<usize>, f64)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || ((b[i] == b',' || b[i] == b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit))) {
                i += 1;
            }
            let raw: String = text[start..i].chars().filter(|c| *c != ',').collect();
            let mut value: f64 = raw.parse().unwrap_or(0.0);
            let rest = &lower[i..];
            let mut end = i;
            for (word, scale) in [(" thousand", 1e3), (" million", 1e6), (" billion", 1e9)] {
                if rest.starts_with(word) {
                    value *= scale;
                    end = i + word.len();
                }
            }
            let is_year = raw.len() == 4 && (1900.0..2100.0).contains(&value) && !text[..start].contains('$');
            if !is_year {
                numbers.push((start..end, value));
            }
            i = end.max(i);
        } else {
            i += 1;
        }
    }
    let (range, value) = numbers.first()?.clone();
    let before = lower[..range.start].trim_end();
    let before = before.strip_suffix('$').map(str::trim_end).unwrap_or(before);
    let ends = |words: &[&str]| words.iter().find(|w| before.ends_with(*w)).map(|w| w.len());
    let mut fig = Figure { low: Some(value), high: Some(value), approximate: false, qualifier: Qualifier::Exact, currency: None, span: range.clone(), ambiguous: numbers.len() > 1 };
    let q = if let Some(n) = ends(&APPROX) {
        fig.approximate = true;
        Some((n, Qualifier::Approximate))
    } else if let Some(n) = ends(&AT_LEAST) {
        fig.high = None;
        Some((n, Qualifier::AtLeast))
    } else if let Some(n) = ends(&MORE) {
        fig.high = None;
        Some((n, Qualifier::MoreThan))
    } else if let Some(n) = ends(&AT_MOST) {
        fig.low = None;
        Some((n, Qualifier::AtMost))
    } else {
        ends(&LESS).map(|n| {
            fig.low = None;
            (n, Qualifier::LessThan)
        })
    };
    if let Some((_, q)) = q {
        fig.qualifier = q;
    }
    if text[..range.start].trim_end().ends_with('$') {
        fig.currency = Some("USD".into());
    }
    Some(fig)
}

pub fn parse_value(value: &str) -> Result<Figure, String> {
    let err = || format!("cannot read value `{value}`: expected a number, ~N, >=N, >N, <=N, <N or A..B");
    let num = |s: &str| s.replace(['_', ','], "").parse::<f64>().map_err(|_| err());
    let (approximate, v) = match value.strip_prefix('~') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let mut fig = Figure { low: None, high: None, approximate, qualifier: if approximate { Qualifier::Approximate } else { Qualifier::Exact }, currency: None, span: 0..value.len(), ambiguous: false };
    if let Some(n) = v.strip_prefix(">=") {
        fig.low = Some(num(n)?);
        fig.qualifier = Qualifier::AtLeast;
    } else if let Some(n) = v.strip_prefix('>') {
        fig.low = Some(num(n)?);
        fig.qualifier = Qualifier::MoreThan;
    } else if let Some(n) = v.strip_prefix("<=") {
        fig.high = Some(num(n)?);
        fig.qualifier = Qualifier::AtMost;
    } else if let Some(n) = v.strip_prefix('<') {
        fig.high = Some(num(n)?);
        fig.qualifier = Qualifier::LessThan;
    } else if let Some((a, b)) = v.split_once("..") {
        fig.low = Some(num(a)?);
        fig.high = Some(num(b)?);
        fig.qualifier = Qualifier::Range;
    } else {
        let n = num(v)?;
        fig.low = Some(n);
        fig.high = Some(n);
    }
    Ok(fig)
}
