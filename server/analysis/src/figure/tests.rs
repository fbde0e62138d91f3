//! The value reader on phrases from real news writing.

use proptest::prelude::*;

use super::*;

/// A figure in one line: `low..high qualifier [currency] [ambiguous]`;
/// an open bound is left empty, an exact one is written once.
fn show(f: &Figure) -> String {
    let n = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
    let bounds = if f.low == f.high { n(f.low) } else { format!("{}..{}", n(f.low), n(f.high)) };
    let q = match f.qualifier {
        Qualifier::Exact => "exact",
        Qualifier::Approximate => "approximate",
        Qualifier::AtLeast => "at-least",
        Qualifier::MoreThan => "more-than",
        Qualifier::AtMost => "at-most",
        Qualifier::LessThan => "less-than",
        Qualifier::Range => "range",
        Qualifier::Vague => "vague",
    };
    let mut s = format!("{bounds} {q}");
    if f.approximate && f.qualifier != Qualifier::Approximate {
        s.push_str(" ~");
    }
    if let Some(c) = &f.currency {
        s.push_str(&format!(" {c}"));
    }
    if f.ambiguous {
        s.push_str(" ambiguous");
    }
    s
}

const TABLE: &[(&str, &str)] = &[
    // Plain numerals and separators.
    ("10,000 troops", "10000 exact"),
    ("10 000 troops", "10000 exact"),
    ("10\u{a0}000 troops", "10000 exact"),
    ("3,000 North Korean soldiers", "3000 exact"),
    ("350,000 artillery shells", "350000 exact"),
    ("1.5 million rounds", "1500000 exact"),
    ("11,000 containers", "11000 exact"),
    ("155", "155 exact"),
    ("a force of 12,000", "12000 exact"),
    ("2.5 percent of GDP", "2.5 exact"),
    // Scales and number words.
    ("1 million shells", "1000000 exact"),
    ("two million shells", "2000000 exact"),
    ("1.5 billion dollars", "1500000000 exact USD"),
    ("three brigades", "3 exact"),
    ("twenty-five launchers", "25 exact"),
    ("twenty five launchers", "25 exact"),
    ("ninety missiles", "90 exact"),
    ("two hundred officers", "200 exact"),
    ("a hundred vehicles", "100 exact"),
    ("a million shells", "1000000 exact"),
    ("half a million shells", "500000 exact"),
    ("a dozen generals", "12 exact"),
    ("one soldier", "1 exact"),
    ("eleven rapid assembly plants", "11 exact"),
    ("10 thousand troops", "10000 exact"),
    // Currency.
    ("$2,000 per month", "2000 exact USD"),
    ("$230 million", "230000000 exact USD"),
    ("$230m in trade", "230000000 exact USD"),
    ("$1.2bn", "1200000000 exact USD"),
    ("€50 million in aid", "50000000 exact EUR"),
    ("£3 billion", "3000000000 exact GBP"),
    ("₩5 trillion", "5000000000000 exact KRW"),
    ("2,000 dollars a month", "2000 exact USD"),
    ("500 million rubles", "500000000 exact RUB"),
    // Approximate.
    ("approximately 10,000 soldiers", "10000 approximate"),
    ("about 3,000", "3000 approximate"),
    ("around 3,000", "3000 approximate"),
    ("roughly 1,500 troops", "1500 approximate"),
    ("some 500 engineers", "500 approximate"),
    ("an estimated 12,000 troops", "12000 approximate"),
    ("nearly 200 containers", "200 approximate"),
    ("almost two million shells", "2000000 approximate"),
    ("close to 1 million rounds", "1000000 approximate"),
    ("~4,000", "4000 approximate"),
    ("about $2,000 a month", "2000 approximate USD"),
    // Lower bounds.
    ("at least 3,000 North Korean soldiers", "3000.. at-least"),
    ("at least two million shells in summer 2024", "2000000.. at-least"),
    ("more than 11,000 containers", "11000.. more-than"),
    ("over 1 million artillery shells", "1000000.. more-than"),
    ("upwards of 5,000 troops", "5000.. more-than"),
    ("in excess of 100 missiles", "100.. more-than"),
    ("no fewer than 8,000", "8000.. at-least"),
    // Upper bounds.
    ("up to 100,000 troops", "..100000 at-most"),
    ("at most 500", "..500 at-most"),
    ("no more than 15,000", "..15000 at-most"),
    ("less than 5 percent", "..5 less-than"),
    ("under 1,000 casualties", "..1000 less-than"),
    ("fewer than 200 soldiers", "..200 less-than"),
    ("as many as 100,000 troops", "..100000 at-most"),
    // Ranges.
    ("between 10,000 and 12,000 soldiers", "10000..12000 range"),
    ("between 10 and 12 thousand", "10000..12000 range"),
    ("from 2,000 to 3,000 troops", "2000..3000 range"),
    ("10,000 to 12,000 troops", "10000..12000 range"),
    ("10,000–12,000 troops", "10000..12000 range"),
    ("10,000-12,000 troops", "10000..12000 range"),
    ("$1-2 billion", "1000000000..2000000000 range USD"),
    ("20 to 30 million shells", "20000000..30000000 range"),
    // Vague amounts.
    ("several thousand North Korean soldiers", "2000..9999 vague"),
    ("thousands of troops", "2000..9999 vague"),
    ("several hundred engineers", "200..999 vague"),
    ("hundreds of soldiers", "200..999 vague"),
    ("tens of thousands of troops", "20000..99999 vague"),
    ("hundreds of thousands of shells", "200000..999999 vague"),
    ("dozens of ballistic missiles", "24..99 vague"),
    ("millions of 152 mm shells", "2000000..9999999 vague ambiguous"),
    ("a few thousand", "2000..9999 vague"),
    ("up to several thousand", "2000..9999 at-most"),
    ("around several hundred", "200..999 vague ~"),
    // Several numbers.
    ("500,000 155 mm shells", "500000 exact ambiguous"),
    ("3,000 soldiers and 50 officers", "3000 exact ambiguous"),
    ("11,000 containers with 2 million shells", "11000 exact ambiguous"),
    // Dates are not figures.
    ("10,000 troops by October 2024", "10000 exact"),
    ("3,000 soldiers on October 23", "3000 exact"),
    ("on 23 October, 3,000 soldiers", "3000 exact"),
    ("October 23, 2024: 3,000 soldiers", "3000 exact"),
    ("since 2022, 6 million shells", "6000000 exact"),
    ("the treaty of 1961 had 2 clauses", "2 exact"),
    ("2000 soldiers", "2000 exact"),
    ("the 17th brigade of 1,000", "1000 exact"),
];

const NOT_FIGURES: &[&str] = &[
    "no sign of troops",
    "the mutual defence treaty",
    "the treaty signed in 2024",
    "in June 2024",
    "on October 17th",
    "a significant number of soldiers",
    "many troops",
    "",
    "Ким Чен Ын",
    "북한군",
];

#[test]
fn table_of_news_phrases() {
    assert!(TABLE.len() + NOT_FIGURES.len() >= 80);
    let mut wrong = Vec::new();
    for (text, want) in TABLE {
        let got = read_figure(text).map_or("none".to_string(), |f| show(&f));
        if got != *want {
            wrong.push(format!("{text:?}: want {want:?}, got {got:?}"));
        }
    }
    for text in NOT_FIGURES {
        if let Some(f) = read_figure(text) {
            wrong.push(format!("{text:?}: want no figure, got {:?}", show(&f)));
        }
    }
    assert!(wrong.is_empty(), "{} of {} rows wrong:\n{}", wrong.len(), TABLE.len() + NOT_FIGURES.len(), wrong.join("\n"));
}

#[test]
fn the_phrase_is_located() {
    let text = "Ukraine says approximately 10,000 soldiers are there";
    let f = read_figure(text).unwrap();
    assert_eq!(&text[f.span], "approximately 10,000");
    let text = "between 10 and 12 thousand men";
    assert_eq!(&text[read_figure(text).unwrap().span], "between 10 and 12 thousand");
}

#[test]
fn value_attribute_forms() {
    let cases = [
        ("10000", "10000 exact"),
        ("1_000_000", "1000000 exact"),
        ("10,000", "10000 exact"),
        ("~10000", "10000 approximate"),
        (">=3000", "3000.. at-least"),
        (">1000000", "1000000.. more-than"),
        ("<=100000", "..100000 at-most"),
        ("<5", "..5 less-than"),
        ("20000..50000", "20000..50000 range"),
        ("~20000..50000", "20000..50000 range ~"),
        ("1.5e6", "1500000 exact"),
    ];
    for (v, want) in cases {
        assert_eq!(show(&parse_value(v).unwrap()), want, "{v}");
    }
    for bad in ["", "lots", "~", ">=", "10..", "5..1", "1..2..3", "inf", "NaN"] {
        assert!(parse_value(bad).is_err(), "{bad}");
    }
    assert!(parse_value("lots").unwrap_err().contains("expected a number"));
}

#[test]
fn intervals_and_descriptions() {
    let approx = read_figure("approximately 10,000").unwrap();
    assert_eq!(approx.interval(0.2), Interval { low: Some(8000.0), high: Some(12000.0) });
    assert_eq!(approx.describe(), "≈10,000");
    assert_eq!(approx.interval(0.2).to_string(), "[8,000, 12,000]");
    let at_least = read_figure("at least 3,000").unwrap();
    assert_eq!(at_least.interval(0.2), Interval { low: Some(3000.0), high: None });
    assert_eq!(at_least.describe(), "≥3,000");
    assert_eq!(at_least.interval(0.2).to_string(), "[3,000, ∞)");
    assert_eq!(read_figure("over 1 million").unwrap().describe(), ">1,000,000");
    assert_eq!(read_figure("up to 100,000").unwrap().describe(), "≤100,000");
    assert_eq!(read_figure("several thousand").unwrap().describe(), "2,000–9,999");
    assert_eq!(read_figure("$2,000 per month").unwrap().describe(), "$2,000");
    assert_eq!(read_figure("1.5 percent").unwrap().describe(), "1.5");
    assert_eq!(parse_value("~20000..50000").unwrap().interval(0.2), Interval { low: Some(16000.0), high: Some(60000.0) });
}

proptest! {
    #[test]
    fn never_panics_and_spans_are_char_boundaries(text in "\\PC{0,80}") {
        if let Some(f) = read_figure(&text) {
            prop_assert!(f.span.start <= f.span.end && f.span.end <= text.len());
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
        let _ = parse_value(&text);
    }

    #[test]
    fn never_panics_on_number_soup(text in "([0-9]{1,4}|,|\\.| |-|–|\\$|to|and|between|thousand|million|a|half|several|at least|~|October){0,12}") {
        let _ = read_figure(&text).map(|f| f.describe());
    }
}
