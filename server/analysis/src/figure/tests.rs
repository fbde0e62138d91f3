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
    ("10\u{202f}000 troops", "10000 exact"),
    ("1\u{2009}000\u{2009}000 shells", "1000000 exact"),
    ("3,000 North Korean soldiers", "3000 exact"),
    ("350,000 artillery shells", "350000 exact"),
    ("1.5 million rounds", "1500000 exact"),
    ("11,000 containers", "11000 exact"),
    ("155", "155 exact"),
    ("a force of 12,000", "12000 exact"),
    ("2.5 percent of GDP", "2.5 exact"),
    ("“about 10,000” troops, he said.", "10000 approximate"),
    ("(some 1,500)", "1500 approximate"),
    ("2000 soldiers", "2000 exact"),
    // Scales and number words.
    ("1 million shells", "1000000 exact"),
    ("two million shells", "2000000 exact"),
    ("Two Million Shells", "2000000 exact"),
    ("three brigades", "3 exact"),
    ("twenty-five launchers", "25 exact"),
    ("twenty five launchers", "25 exact"),
    ("ninety missiles", "90 exact"),
    ("two hundred officers", "200 exact"),
    ("two hundred thousand rounds", "200000 exact"),
    ("a hundred and twenty tanks", "120 exact"),
    ("a hundred vehicles", "100 exact"),
    ("a million shells", "1000000 exact"),
    ("half a million shells", "500000 exact"),
    ("a dozen generals", "12 exact"),
    ("half a dozen launchers", "6 exact"),
    ("one soldier", "1 exact"),
    ("eleven rapid assembly plants", "11 exact"),
    ("10 thousand troops", "10000 exact"),
    ("ten thousand troops", "10000 exact"),
    ("1.2bn people", "1200000000 exact"),
    ("150 m from the border", "150 exact"),
    // Currency.
    ("$2,000 per month", "2000 exact USD"),
    ("$230 million", "230000000 exact USD"),
    ("$230m in trade", "230000000 exact USD"),
    ("$50k a year", "50000 exact USD"),
    ("$1.2bn", "1200000000 exact USD"),
    ("US$2 billion", "2000000000 exact USD"),
    ("USD 2 billion", "2000000000 exact USD"),
    ("5 million US dollars", "5000000 exact USD"),
    ("1.5 billion dollars", "1500000000 exact USD"),
    ("€50 million in aid", "50000000 exact EUR"),
    ("€1.2bn", "1200000000 exact EUR"),
    ("2 000 € a month", "2000 exact EUR"),
    ("£3 billion", "3000000000 exact GBP"),
    ("₩5 trillion", "5000000000000 exact KRW"),
    ("₽500 billion", "500000000000 exact RUB"),
    ("2,000 dollars a month", "2000 exact USD"),
    ("500 million rubles", "500000000 exact RUB"),
    ("300 million roubles", "300000000 exact RUB"),
    ("20 billion euros", "20000000000 exact EUR"),
    ("3 trillion won", "3000000000000 exact KRW"),
    // Approximate.
    ("approximately 10,000 soldiers", "10000 approximate"),
    ("about 3,000", "3000 approximate"),
    ("around 3,000", "3000 approximate"),
    ("roughly 1,500 troops", "1500 approximate"),
    ("some 500 engineers", "500 approximate"),
    ("an estimated 12,000 troops", "12000 approximate"),
    ("estimated 40,000 casualties", "40000 approximate"),
    ("nearly 200 containers", "200 approximate"),
    ("almost two million shells", "2000000 approximate"),
    ("close to 1 million rounds", "1000000 approximate"),
    ("~4,000", "4000 approximate"),
    ("≈ 4,000", "4000 approximate"),
    ("about $2,000 a month", "2000 approximate USD"),
    ("approximately 1.5 billion dollars", "1500000000 approximate USD"),
    // Lower bounds.
    ("at least 3,000 North Korean soldiers", "3000.. at-least"),
    ("at least two million shells in summer 2024", "2000000.. at-least"),
    ("At least a dozen generals", "12.. at-least"),
    ("more than 11,000 containers", "11000.. more-than"),
    ("more than a million shells", "1000000.. more-than"),
    ("over 1 million artillery shells", "1000000.. more-than"),
    ("just over 1,000", "1000.. more-than"),
    ("upwards of 5,000 troops", "5000.. more-than"),
    ("in excess of 100 missiles", "100.. more-than"),
    ("no fewer than 8,000", "8000.. at-least"),
    ("10,000+ troops", "10000.. at-least"),
    (">3,000", "3000.. more-than"),
    ("≥ 3,000", "3000.. at-least"),
    ("at least several thousand", "2000.. at-least"),
    // Upper bounds.
    ("up to 100,000 troops", "..100000 at-most"),
    ("at most 500", "..500 at-most"),
    ("no more than 15,000", "..15000 at-most"),
    ("not more than 300", "..300 at-most"),
    ("a maximum of 40 launchers", "..40 at-most"),
    ("less than 5 percent", "..5 less-than"),
    ("under 1,000 casualties", "..1000 less-than"),
    ("well under 500", "..500 less-than"),
    ("fewer than 200 soldiers", "..200 less-than"),
    ("as many as 100,000 troops", "..100000 at-most"),
    ("up to 10 may have died", "..10 at-most"),
    ("up to several thousand", "..9999 at-most"),
    ("up to tens of thousands", "..99999 at-most"),
    // Ranges.
    ("between 10,000 and 12,000 soldiers", "10000..12000 range"),
    ("between 10 and 12 thousand", "10000..12000 range"),
    ("from 2,000 to 3,000 troops", "2000..3000 range"),
    ("10,000 to 12,000 troops", "10000..12000 range"),
    ("10,000–12,000 troops", "10000..12000 range"),
    ("10,000-12,000 troops", "10000..12000 range"),
    ("10,000 – 12,000 troops", "10000..12000 range"),
    ("$1-2 billion", "1000000000..2000000000 range USD"),
    ("between $1 and $2 billion", "1000000000..2000000000 range USD"),
    ("20 to 30 million shells", "20000000..30000000 range"),
    ("1 to 1.5 million shells", "1000000..1500000 range"),
    ("500 to 2 thousand", "500..2000 range"),
    ("two to three thousand", "2000..3000 range"),
    ("approximately 10,000 to 12,000", "10000..12000 range ~"),
    ("some 10-12 thousand troops", "10000..12000 range ~"),
    ("from 20,000 to 30,000 in 2023", "20000..30000 range"),
    ("thousands to tens of thousands", "2000..99999 range"),
    // Vague amounts.
    ("several thousand North Korean soldiers", "2000..9999 vague"),
    ("thousands of troops", "2000..9999 vague"),
    ("several hundred engineers", "200..999 vague"),
    ("hundreds of soldiers", "200..999 vague"),
    ("tens of thousands of troops", "20000..99999 vague"),
    ("several tens of thousands", "20000..99999 vague"),
    ("hundreds of thousands of shells", "200000..999999 vague"),
    ("several hundred thousand shells", "200000..999999 vague"),
    ("dozens of ballistic missiles", "24..99 vague"),
    ("several dozen missiles", "24..99 vague"),
    ("millions of 152 mm shells", "2000000..9999999 vague ambiguous"),
    ("millions of dollars", "2000000..9999999 vague USD"),
    ("hundreds of millions of dollars", "200000000..999999999 vague USD"),
    ("tens of billions of won", "20000000000..99999999999 vague KRW"),
    ("several million", "2000000..9999999 vague"),
    ("a few thousand", "2000..9999 vague"),
    ("around several hundred", "200..999 vague ~"),
    // Several numbers.
    ("500,000 155 mm shells", "500000 exact ambiguous"),
    ("500 155mm shells", "500 exact ambiguous"),
    ("3,000 soldiers and 50 officers", "3000 exact ambiguous"),
    ("11,000 containers with 2 million shells", "11000 exact ambiguous"),
    ("from 12,000 to 10,000 troops", "12000 exact ambiguous"),
    ("Art. 4 covers 500 soldiers", "4 exact ambiguous"),
    // Dates, ordinals, designations are not figures.
    ("10,000 troops by October 2024", "10000 exact"),
    ("3,000 soldiers on October 23", "3000 exact"),
    ("on 23 October, 3,000 soldiers", "3000 exact"),
    ("October 23, 2024: 3,000 soldiers", "3000 exact"),
    ("Oct. 23rd 2024 – 3,000 soldiers", "3000 exact"),
    ("since 2022, 6 million shells", "6000000 exact"),
    ("the treaty of 1961 had 2 clauses", "2 exact"),
    ("the 17th brigade of 1,000", "1000 exact"),
    ("in mid-2024, 12,000 troops", "12000 exact"),
    ("between 2022 and 2024, 10,000 troops", "10000 exact"),
    ("the 2023–24 budget of $5 billion", "5000000000 exact USD"),
    ("on 2024-10-23, 10,000 troops", "10000 exact"),
    ("23.10.2024: 3,000 soldiers", "3000 exact"),
    ("in the 1990s, 30,000 troops", "30000 exact"),
    ("six F-16 jets", "6 exact"),
    ("KN-23 missiles, around 50", "50 approximate"),
    ("one of the 3,000 soldiers", "3000 exact"),
];

const NOT_FIGURES: &[&str] = &[
    "no sign of troops",
    "the mutual defence treaty",
    "the treaty signed in 2024",
    "in June 2024",
    "in May 2024",
    "on October 17th",
    "since the 1990s",
    "on 2024-10-23",
    "from 2022 to 2024",
    "during 2022–2023",
    "the F-16 jets",
    "COVID-19",
    "open 24/7",
    "at 10:30 on Friday",
    "one of the soldiers",
    "no one knows",
    "the first brigade",
    "a significant number of soldiers",
    "many troops",
    "several",
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
    let cases = [
        ("Ukraine says approximately 10,000 soldiers are there", "approximately 10,000"),
        ("between 10 and 12 thousand men", "between 10 and 12 thousand"),
        ("“about $2 billion” in aid", "about $2 billion"),
        ("sent tens of thousands of troops", "tens of thousands"),
        ("spent hundreds of millions of dollars", "hundreds of millions of dollars"),
        ("in 2024, no fewer than 8,000 Koreans", "no fewer than 8,000"),
        ("US$2bn of oil", "US$2bn"),
        ("roughly 1.5 billion dollars worth", "roughly 1.5 billion dollars"),
        ("10,000+ troops", "10,000+"),
        ("Северная Корея: около ~12 000 солдат", "~12 000"),
    ];
    for (text, phrase) in cases {
        let f = read_figure(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(&text[f.span.range()], phrase, "{text}");
    }
}

#[test]
fn value_attribute_forms() {
    let cases = [
        ("10000", "10000 exact"),
        ("1_000_000", "1000000 exact"),
        ("10,000", "10000 exact"),
        (" 10000 ", "10000 exact"),
        ("~10000", "10000 approximate"),
        (">=3000", "3000.. at-least"),
        (">1000000", "1000000.. more-than"),
        ("<=100000", "..100000 at-most"),
        ("<5", "..5 less-than"),
        ("20000..50000", "20000..50000 range"),
        ("~20000..50000", "20000..50000 range ~"),
        ("1.5e6", "1500000 exact"),
        ("0.5", "0.5 exact"),
    ];
    for (v, want) in cases {
        assert_eq!(show(&parse_value(v).unwrap()), want, "{v}");
    }
    for bad in ["", "lots", "~", ">=", "10..", "..10", "5..1", "1..2..3", "inf", "NaN", "1e400", "10 000", "ten", "$5", "+"] {
        assert!(parse_value(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_value("lots").unwrap_err(), "cannot read value `lots`: expected a number, ~N, >=N, >N, <=N, <N or A..B");
    assert!(parse_value("5..1").unwrap_err().contains("ends below its start"));
}

#[test]
fn intervals() {
    let i = |text: &str| read_figure(text).unwrap().interval(0.2);
    let iv = |low, high| Interval { low, high };
    assert_eq!(i("approximately 10,000"), iv(Some(8000.0), Some(12000.0)));
    assert_eq!(i("around 3,000"), iv(Some(2400.0), Some(3600.0)));
    assert_eq!(i("10,000"), iv(Some(10000.0), Some(10000.0)));
    assert_eq!(i("at least 3,000"), iv(Some(3000.0), None));
    assert_eq!(i("more than 11,000"), iv(Some(11000.0), None));
    assert_eq!(i("up to 100,000"), iv(None, Some(100000.0)));
    assert_eq!(i("fewer than 200"), iv(None, Some(200.0)));
    assert_eq!(i("between 10,000 and 12,000"), iv(Some(10000.0), Some(12000.0)));
    assert_eq!(i("about 10,000 to 20,000"), iv(Some(8000.0), Some(24000.0)));
    assert_eq!(i("several thousand"), iv(Some(2000.0), Some(9999.0)));
    assert_eq!(parse_value("~20000..50000").unwrap().interval(0.2), iv(Some(16000.0), Some(60000.0)));
    assert_eq!(parse_value("~>=1000").unwrap().interval(0.2), iv(Some(800.0), None));
    assert_eq!(i("approximately 10,000").to_string(), "[8,000, 12,000]");
    assert_eq!(i("at least 3,000").to_string(), "[3,000, ∞)");
    assert_eq!(i("up to 100,000").to_string(), "(−∞, 100,000]");
    assert_eq!(i("1.5 percent").to_string(), "[1.5, 1.5]");
}

#[test]
fn descriptions() {
    let cases = [
        ("approximately 10,000", "≈10,000"),
        ("at least 3,000", "≥3,000"),
        ("over 1 million", ">1,000,000"),
        ("up to 100,000", "≤100,000"),
        ("less than 5", "<5"),
        ("several thousand", "2,000–9,999"),
        ("about several hundred", "≈200–999"),
        ("10,000", "10,000"),
        ("between 10 and 12 thousand", "10,000–12,000"),
        ("$2,000 per month", "$2,000"),
        ("about $2,000", "≈$2,000"),
        ("more than $230m", ">$230,000,000"),
        ("$1-2 billion", "$1,000,000,000–2,000,000,000"),
        ("€50", "€50"),
        ("£3", "£3"),
        ("₩5", "₩5"),
        ("500 roubles", "₽500"),
        ("30 yuan", "CNY 30"),
        ("1.5 percent", "1.5"),
        ("1,234.5", "1,234.5"),
    ];
    for (text, want) in cases {
        assert_eq!(read_figure(text).unwrap().describe(), want, "{text}");
    }
    assert_eq!(parse_value(">=3000").unwrap().describe(), "≥3,000");
    assert_eq!(parse_value("~20000..50000").unwrap().describe(), "≈20,000–50,000");
    assert_eq!(group(-1234567.0), "-1,234,567");
    assert_eq!(group(0.0), "0");
    // Whole numbers take a faster path than fractions; both keep their zeros.
    for (x, want) in [
        (7.0, "7"),
        (10.0, "10"),
        (123.0, "123"),
        (-12345.0, "-12,345"),
        (2120.0, "2,120"),
        (100000.0, "100,000"),
        (-0.5, "-0.5"),
        (1.10, "1.1"),
        (1e15, "1,000,000,000,000,000"),
        (1e16, "10,000,000,000,000,000"),
    ] {
        assert_eq!(group(x), want, "{x}");
    }
    assert_eq!(group(f64::INFINITY), "∞");
}

proptest! {
    #[test]
    fn never_panics_and_spans_are_char_boundaries(text in "\\PC{0,80}") {
        if let Some(f) = read_figure(&text) {
            prop_assert!(f.span.start() <= f.span.end() && f.span.end() <= text.len());
            prop_assert!(text.is_char_boundary(f.span.start()) && text.is_char_boundary(f.span.end()));
        }
        let _ = parse_value(&text);
    }

    #[test]
    fn never_panics_on_number_soup(text in "([0-9]{1,4}|,|\\.|/|:| |\u{a0}|-|–|\\+|>|\\$|US\\$|€|m|bn|to|and|of|from|between|hundred|thousand|thousands|million|tens|a|half|few|several|one|at least|~|October|May|in|mid-|F-){0,14}") {
        if let Some(f) = read_figure(&text) {
            prop_assert!(text.is_char_boundary(f.span.start()) && text.is_char_boundary(f.span.end()) && f.span.start() < f.span.end());
            prop_assert!(f.low.is_none_or(f64::is_finite) && f.high.is_none_or(f64::is_finite));
            if let (Some(l), Some(h)) = (f.low, f.high) {
                prop_assert!(l <= h, "{text:?}: {l} > {h}");
            }
            let _ = f.describe();
        }
    }

    #[test]
    fn value_forms_never_panic(v in "~?(>=|>|<=|<)?[0-9_,.e+-]{0,12}(\\.\\.[0-9_,.e-]{0,8})?") {
        if let Ok(f) = parse_value(&v) {
            prop_assert!(f.low.is_none_or(f64::is_finite) && f.high.is_none_or(f64::is_finite));
        }
    }
}
