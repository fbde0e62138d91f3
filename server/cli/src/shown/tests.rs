use std::ops::Range;

use proptest::prelude::*;

use super::*;

fn place<'a>(path: &'a str, line: usize, source: &'a str, annotated: &str, label: Option<&str>) -> Place<'a> {
    let start = source.find(annotated).expect("the annotated text is in the source");
    Place { path, line, source, span: start..start + annotated.len(), label: label.map(str::to_string) }
}

/// Laid out by hand, and the same bytes as annotate-snippets prints, in
/// colour too.
fn laid_out(shown: &Shown) -> String {
    let in_colour = lay_out(shown, true).expect("laid out by hand");
    assert_eq!(in_colour, with_annotate_snippets(&renderer(true), shown));
    let by_hand = lay_out(shown, false).expect("laid out by hand");
    assert_eq!(by_hand, with_annotate_snippets(&renderer(false), shown));
    by_hand
}

#[test]
fn a_conflict_with_long_lines_cut_around_each_place() {
    let own = "The ministry said on Monday that [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel} had crossed the border, and officials of the other side would neither confirm nor deny any of it at all.";
    let other = "Earlier reports put it at [around 3,000]{claim=nk-troops src=@white-house}.";
    let shown = Shown {
        severity: Severity::Warning,
        code: "conflicting-claim",
        message: "≈10,000 soldiers (@ua-intel) on `nk-troops` conflicts with ≈3,000 soldiers (@white-house)",
        places: vec![
            place("a.txt", 9, own, "[approximately 10,000 soldiers]", None),
            place("b.txt", 12, other, "[around 3,000]", Some("conflicting claim: ≈3,000 soldiers (@white-house)")),
        ],
        note: Some("2 more related places not shown: `--format sarif` lists them".to_string()),
    };
    expect_test::expect![[r#"
        warning[conflicting-claim]: ≈10,000 soldiers (@ua-intel) on `nk-troops` conflicts with ≈3,000 soldiers (@white-house)
          --> a.txt:9:34
           |
         9 | The ministry said on Monday that [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel} had crossed the ...
           |                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           |
          ::: b.txt:12:27
           |
        12 | Earlier reports put it at [around 3,000]{claim=nk-troops src=@white-house}.
           |                           -------------- conflicting claim: ≈3,000 soldiers (@white-house)
           |
           = note: 2 more related places not shown: `--format sarif` lists them"#]]
    .assert_eq(&laid_out(&shown));
}

#[test]
fn wide_characters_are_two_columns_and_the_cut_falls_between_characters() {
    let source = "북한군 병력이 러시아에 도착했다고 우크라이나 정보당국이 밝혔다 😀 그리고 또 다른 보도에 따르면 [약 만 명]{claim=nk-troops src=@ua-intel} 이 파병되었으며 전선으로 이동 중이라고 한다 😀😀 끝.";
    let shown = Shown {
        severity: Severity::Error,
        code: "unknown-source",
        message: "no source `ua-intel` in the registry",
        places: vec![place("k.txt", 1, source, "@ua-intel", None)],
        note: None,
    };
    expect_test::expect![[r#"
        error[unknown-source]: no source `ua-intel` in the registry
         --> k.txt:1:83
          |
        1 | ...다른 보도에 따르면 [약 만 명]{claim=nk-troops src=@ua-intel} 이 파병되었으며 전선으로 이동 중이라고 한다 😀😀 끝.
          |                                                      ^^^^^^^^^"#]]
    .assert_eq(&laid_out(&shown));
}

#[test]
fn what_is_not_laid_out_by_hand_goes_to_annotate_snippets() {
    let tab = Shown { severity: Severity::Hint, code: "c", message: "m", places: vec![place("t.txt", 1, "a\t[b]{@x}", "[b]", None)], note: None };
    assert!(lay_out(&tab, false).is_none());
    let two_lines = Shown { severity: Severity::Hint, code: "c", message: "m", places: vec![place("t.txt", 1, "a [b\nc]{@x}", "[b\nc]", None)], note: None };
    assert!(lay_out(&two_lines, false).is_none());
    let empty = Shown {
        severity: Severity::Hint,
        code: "c",
        message: "m",
        places: vec![Place { path: "t.txt", line: 1, source: "ab", span: 1..1, label: None }],
        note: None,
    };
    assert!(lay_out(&empty, false).is_none());
    for shown in [tab, two_lines, empty] {
        for colour in [false, true] {
            assert_eq!(Layout::new(colour).render(&shown), with_annotate_snippets(&renderer(colour), &shown));
        }
    }
}

/// Characters of every width: ASCII, accented, combining (no width), wide
/// (Hangul, CJK, emoji), and spaces of other widths. (What annotate-snippets
/// replaces is never laid out by hand: the test above.)
const CHARACTERS: &[char] =
    &['a', 'b', 'z', ' ', ' ', ' ', '[', ']', '{', '}', '@', '=', '-', '.', 'é', 'ü', '\u{301}', '\u{200b}', '\u{a0}', '\u{3000}', '한', '국', '中', '😀', '🇺'];

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(CHARACTERS), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// A line of up to 400 characters, some indented (annotate-snippets cuts
/// long indentation).
fn line() -> impl Strategy<Value = String> {
    (prop::sample::select(&[0usize, 0, 3, 30, 90][..]), text(400)).prop_map(|(blanks, text)| " ".repeat(blanks) + &text)
}

fn arb_place() -> impl Strategy<Value = (String, usize, String, (usize, usize), Option<String>)> {
    let length = prop_oneof![1usize..40, any::<usize>()];
    (text(8), prop::sample::select(&[1usize, 7, 42, 999, 1000, 123_456][..]), line(), (any::<usize>(), length), prop::option::of(text(60)))
}

/// The characters from the `start`th (modulo their count) on, `length` of
/// them or as many as there are.
fn characters(text: &str, start: usize, length: usize) -> Range<usize> {
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let start = start % bounds.len();
    bounds[start]..bounds[start.saturating_add(length).min(bounds.len() - 1)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Wherever the layout by hand gives an answer, it is annotate-snippets'.
    #[test]
    fn laid_out_by_hand_as_annotate_snippets_lays_out(
        severity in prop::sample::select(&[Severity::Error, Severity::Warning, Severity::Information, Severity::Hint][..]),
        message in text(80),
        places in prop::collection::vec(arb_place(), 1..5),
        note in prop::option::of(text(40)),
    ) {
        let places: Vec<Place> = places
            .iter()
            .map(|(path, line, source, (start, length), label)| Place { path, line: *line, source, span: characters(source, *start, *length), label: label.clone() })
            .collect();
        let shown = Shown { severity, code: "conflicting-claim", message: &message, places, note };
        // Left to annotate-snippets here: places of no width, or too wide
        // to show whole, and some lines with characters of no width (where
        // `...` is written over a line cut, annotate-snippets counts
        // characters, not columns).
        let numbers = shown.places.iter().map(|p| digits(p.line)).max().unwrap_or(1);
        let widest = 2 * (WIDTH - numbers - BEFORE_CODE);
        let no_width = |p: &Place| p.source.chars().any(|c| char_width(c) == 0);
        let by_hand = shown.places.iter().all(|p| (1..=widest).contains(&str_width(&p.source[p.span.clone()])));
        if shown.places.iter().any(no_width) {
            prop_assert!(by_hand || lay_out(&shown, false).is_none());
        } else {
            prop_assert_eq!(lay_out(&shown, false).is_some(), by_hand);
        }
        for colour in [false, true] {
            if let Some(laid_out) = lay_out(&shown, colour) {
                prop_assert_eq!(laid_out, with_annotate_snippets(&renderer(colour), &shown));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// A diagnostic laid out with its related places' lines laid out
    /// apart, as a report keeps them, is the diagnostic laid out whole,
    /// or left to annotate-snippets as it is.
    #[test]
    fn related_places_laid_out_apart_as_in_place(
        message in text(80),
        places in prop::collection::vec(arb_place(), 1..5),
        note in prop::option::of(text(40)),
    ) {
        let places_of = || -> Vec<Place> {
            places
                .iter()
                .map(|(path, line, source, (start, length), label)| Place { path, line: *line, source, span: characters(source, *start, *length), label: label.clone() })
                .collect()
        };
        let whole = Shown { severity: Severity::Warning, code: "conflicting-claim", message: &message, places: places_of(), note: note.clone() };
        let numbers = numbers(whole.places.iter().map(|p| p.line));
        let mut own = places_of();
        own.truncate(1);
        let own = Shown { severity: Severity::Warning, code: "conflicting-claim", message: &message, places: own, note };
        for colour in [false, true] {
            let layout = Layout::new(colour);
            let related: Option<Vec<String>> = whole.places[1..].iter().map(|p| layout.related_lines(p, numbers)).collect();
            let apart = related.and_then(|r| layout.render_laid_out(&own, &r.iter().map(String::as_str).collect::<Vec<_>>(), numbers));
            prop_assert_eq!(apart, lay_out(&whole, colour));
        }
    }
}

proptest! {
    /// Read byte by byte, as the characters say: next to each character
    /// replaced are others of the same first bytes that are not.
    #[test]
    fn printable_is_free_of_the_characters_annotate_snippets_replaces(
        text in prop::collection::vec(prop::sample::select(&[
            'a', ' ', '\t', '\n', '\0', '\u{1f}', '\u{7f}', '\u{80}', 'é', '≈', '—', '…', '\u{200c}', '\u{200d}', '\u{200e}', '\u{2029}',
            '\u{202a}', '\u{202e}', '\u{202f}', '\u{2065}', '\u{2066}', '\u{2069}', '\u{206a}', '한', '😀',
        ][..]), 0..12).prop_map(|cs| cs.into_iter().collect::<String>()),
    ) {
        let replaced = |c: char| c < ' ' || c == '\u{7f}' || c == '\u{200d}' || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
        prop_assert_eq!(printable(&text), !text.chars().any(replaced));
    }
}

proptest! {
    /// The walks over columns that jump over ASCII runs stop where a walk a
    /// character at a time stops.
    #[test]
    fn column_walks_stop_where_a_walk_by_character_stops(line in line(), columns in 0usize..500) {
        let mut at = 0;
        let mut width = 0;
        for c in line.chars() {
            if width >= columns {
                break;
            }
            (at, width) = (at + c.len_utf8(), width + char_width(c));
        }
        prop_assert_eq!(skip_columns(&line, columns), (at, width));
        let mut at = 0;
        let mut width = 0;
        for c in line.chars() {
            if width + char_width(c) > columns {
                break;
            }
            (at, width) = (at + c.len_utf8(), width + char_width(c));
        }
        prop_assert_eq!(fit_columns(&line, columns), at);
        prop_assert_eq!(chars(&line), line.chars().count());
        prop_assert_eq!(str_width(&line), line.chars().map(char_width).sum::<usize>());
    }
}

proptest! {
    /// A line of printable ASCII, taken a column a byte, gives what the
    /// walks give.
    #[test]
    fn an_ascii_line_is_measured_as_walked(line in "[ -~]{0,300}", columns in 0usize..400, at in 0usize..300) {
        let plain = Line::new(&line);
        prop_assert!(plain.ascii);
        let at = at.min(line.len());
        prop_assert_eq!(plain.width(at..line.len()), str_width(&line[at..]));
        prop_assert_eq!(plain.skip_columns(columns), skip_columns(&line, columns));
        prop_assert_eq!(plain.fit_columns(at, columns), at + fit_columns(&line[at..], columns));
        prop_assert_eq!(plain.chars(at), chars(&line[..at]));
        prop_assert!(plain.printable());
    }
}

#[test]
fn a_line_with_anything_but_printable_ascii_is_walked() {
    for line in ["tab\there", "é", "nul\0", "del\u{7f}", "a line of sixteen bytes and then a ≈"] {
        assert!(!Line::new(line).ascii, "{line:?}");
    }
    assert!(Line::new("").ascii && Line::new("[10,000 soldiers]{claim=x src=@y} ~").ascii);
}
