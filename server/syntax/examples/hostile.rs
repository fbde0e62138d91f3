//! Times the parser on pathological inputs: `cargo run --release -p gloss-syntax --example hostile`.
use std::time::Instant;

fn main() {
    let mb = 1 << 20;
    let cases: Vec<(&str, String)> = vec![
        ("100k [ then text", "[".repeat(100_000) + "text"),
        ("100k [ then 100k ]{@a}", "[".repeat(100_000) + "x" + &"]{@a}".repeat(100_000)),
        ("1 MB line of spans", "[x]{@a} ".repeat(mb / 8)),
        ("1 MB line of {%", "{%".repeat(mb / 2)),
        ("1 MB line of [{%", "[{%".repeat(mb / 3)),
        ("1 MB line of [a]{", "[a]{".repeat(mb / 4)),
        ("1 MB line of [[a]{", "[[a]{".repeat(mb / 5)),
        ("1 MB line of [a ", "[a ".repeat(mb / 3)),
        ("1 MB of [a] [", "[a] [".repeat(mb / 5)),
        ("1 MB line of [ + 60 KiB", ("[".to_string() + &"a".repeat(60_000)).repeat(mb / 60_000)),
        ("1 MB nested 60 deep", ("[".repeat(60) + &"a".repeat(1000)).repeat(mb / 1060)),
        ("1 MB of ]{", "]{".repeat(mb / 2)),
        ("1 MB of [x]{\"", "[x]{\"".repeat(mb / 5)),
        ("1 MB of \\", "\\".repeat(mb)),
        ("1 MB prose", "In early October 2024, Ukrainian intelligence announced [sic] that\n".repeat(mb / 68)),
    ];
    for (name, text) in cases {
        let t = Instant::now();
        let tree = gloss_syntax::parse_tree(&text, None);
        let parse = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let m = gloss_syntax::Markup::from_tree(&tree, &text);
        let lower = t.elapsed().as_secs_f64();
        println!("{name:28} parse {parse:>6.3}s  lower {lower:>6.3}s  {:>7} spans {:>2} errors", m.spans.len(), m.errors.len());
    }
}
