//! The value reader on arbitrary strings: `value=` forms, figures read
//! from prose, and dates. Whatever is read is an interval that makes sense.
#![no_main]

use gloss_analysis::date::Period;
use gloss_analysis::figure::{parse_value, read_figure, Figure};
use libfuzzer_sys::fuzz_target;

fn sane(f: &Figure, text: &str, what: &str) {
    for b in [f.low, f.high].into_iter().flatten() {
        assert!(b.is_finite(), "{what} {text:?}: a bound that is not finite: {f:?}");
    }
    if let (Some(l), Some(h)) = (f.low, f.high) {
        assert!(l <= h, "{what} {text:?}: low above high: {f:?}");
    }
    for approx in [0.0, 0.2, 0.99] {
        let i = f.interval(approx);
        if let (Some(l), Some(h)) = (i.low, i.high) {
            assert!(l <= h, "{what} {text:?}: interval {i} (approx {approx})");
        }
        let _ = i.to_string();
    }
    let _ = f.describe();
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(f) = parse_value(text) {
        sane(&f, text, "value=");
    }
    if let Some(f) = read_figure(text) {
        sane(&f, text, "figure");
        assert!(f.span.start() <= f.span.end() && f.span.end() <= text.len(), "figure span {:?} in {text:?}", f.span);
        assert!(text.is_char_boundary(f.span.start()) && text.is_char_boundary(f.span.end()), "figure span {:?} in {text:?}", f.span);
    }
    if let Ok(p) = Period::parse(text) {
        assert!(p.first <= p.last, "{text:?}: {p:?}");
        // What is printed reads back as the same period.
        let printed = p.to_string();
        assert_eq!(Period::parse(&printed), Ok(p), "{text:?} printed as {printed:?}");
    }
});
