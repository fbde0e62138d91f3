//! `gloss check` as a user runs it: the binary, its output and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `gloss` in `dir`, with no facts cache (the test of the cache sets one).
fn gloss(args: &[&str], dir: &Path) -> Output {
    gloss_caching(args, dir, Path::new("off"))
}

fn gloss_caching(args: &[&str], dir: &Path, cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gloss")).args(args).current_dir(dir).env("NO_COLOR", "1").env("GLOSS_CACHE_DIR", cache).output().expect("run gloss")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const REGISTRY: &str = "[actor.ua-intel]\nname = \"Ukrainian intelligence\"\n[subject.troops]\nname = \"Troops\"\nunit = \"soldiers\"\n";

#[test]
fn seed_corpus_json_matches_the_expected_file() {
    let out = gloss(&["check", "seeds", "--format", "json"], &repo());
    let stdout = String::from_utf8(out.stdout).unwrap();
    expect_test::expect_file!["../../../tests/expected/seeds-check.jsonl"].assert_eq(&stdout);
    // The corpus has warnings (conflicts, unsourced figures) but no errors.
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_ne!(v["severity"], "error", "{line}");
    }
}

#[test]
fn seed_corpus_shows_the_real_conflicts() {
    let out = gloss(&["check", "seeds", "--format", "json"], &repo());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let conflicts: Vec<&str> = lines.iter().filter(|v| v["code"] == "conflicting-claim").map(|v| v["message"].as_str().unwrap()).collect();
    let troops = conflicts.iter().any(|m| m.contains("10,000") && m.contains("3,000") && m.contains("nk-troops-in-russia"));
    let shells = conflicts.iter().any(|m| m.contains("1,000,000") && m.contains("350,000") && m.contains("nk-shells-to-russia"));
    assert!(troops && shells, "{conflicts:#?}");
    assert!(lines.iter().any(|v| v["code"] == "unsourced-claim"));
}

#[test]
fn text_output_shows_the_line_and_a_caret() {
    let ws = workspace(&[("gloss.toml", REGISTRY), ("a.txt", "Some say [10,000 soldiers]{claim=troops}.\n")]);
    let out = gloss(&["check"], ws.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("warning[unsourced-claim]"), "{text}");
    assert!(text.contains("a.txt:1:11"), "{text}");
    assert!(text.contains("Some say [10,000 soldiers]{claim=troops}."), "{text}");
    assert!(text.contains("^^^^^^^^^^^^^^^"), "{text}");
    assert!(text.contains("1 document: 0 errors, 1 warning, 0 information"), "{text}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn text_output_shows_the_conflicts_its_message_names_and_counts_the_rest() {
    // One claim against five others: the message names three, the text
    // shows those three lines and says how many more the SARIF log lists.
    let mut files = vec![("gloss.toml", REGISTRY.to_string())];
    files.push(("a.txt", "Here [100 soldiers]{claim=troops src=@ua-intel}.\n".to_string()));
    for n in 1..=5 {
        files.push((["b1.txt", "b2.txt", "b3.txt", "b4.txt", "b5.txt"][n - 1], format!("There [{n}0,000 soldiers]{{claim=troops src=@ua-intel}}.\n")));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let ws = workspace(&files);
    let text = String::from_utf8(gloss(&["check", "a.txt"], ws.path()).stdout).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("| There [")).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(text.contains("and 2 more"), "{text}");
    assert!(text.contains("= note: 2 more related places not shown: `--format sarif` lists them"), "{text}");
    let sarif: serde_json::Value = serde_json::from_slice(&gloss(&["check", "a.txt", "--format", "sarif"], ws.path()).stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["relatedLocations"].as_array().map(Vec::len), Some(5), "{sarif:#}");
}

/// Two workspaces checked at once, files for files alike but for what
/// they say: each conflict shows the other claim of its own workspace (a
/// related place laid out for one is not shown for the other).
#[test]
fn text_output_of_two_workspaces_shows_each_its_own_related_places() {
    let mut files = Vec::new();
    for (root, figure) in [("one", "20,000"), ("two", "90,000")] {
        files.push((format!("{root}/gloss.toml"), REGISTRY.to_string()));
        files.push((format!("{root}/a.txt"), "Here [100 soldiers]{claim=troops src=@ua-intel}.\n".to_string()));
        files.push((format!("{root}/b.txt"), format!("In {root}, [{figure} soldiers]{{claim=troops src=@ua-intel}}.\n")));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let ws = workspace(&files);
    let text = String::from_utf8(gloss(&["check", "one", "two"], ws.path()).stdout).unwrap();
    // Paths are relative to each workspace's root: the reports tell the
    // workspaces apart by their lines, in the order they were given.
    let reports: Vec<&str> = text.split("\n\n").filter(|r| r.contains("conflicting-claim")).collect();
    assert_eq!(reports.len(), 4, "{text}");
    for (n, report) in reports.iter().enumerate() {
        let (own, other) = if n < 2 { ("one", "two") } else { ("two", "one") };
        assert!(report.contains(&format!("| In {own}, [")) && !report.contains(&format!("In {other},")), "{report}");
    }
}

/// The text report is printed file by file as it is worked out: the same
/// diagnostics as the JSON lines, in the same order (by path), counted in
/// the last line; hints left out unless asked for.
#[test]
fn text_output_lists_what_json_lists_in_path_order_and_counts_it() {
    let mut files = vec![("gloss.toml".to_string(), REGISTRY.to_string())];
    for n in 0..40 {
        // Unsourced figures (warnings), unknown ids (errors), undeclared
        // subjects and a registry name unmarked (hints); some with none.
        let text = match n % 4 {
            0 => format!("[{n},000 soldiers]{{claim=troops}} and [someone]{{@nobody-{n}}}.\n"),
            1 => format!("Reports of [{n}00 soldiers]{{claim=troops src=@ua-intel}}.\n"),
            2 => "Nothing marked here.\n".to_string(),
            _ => format!("Ukrainian intelligence: [{n} shells]{{claim=shells-{n} src=@ua-intel}}\n\n[Them]{{@them}}\n"),
        };
        files.push((format!("docs/{}/{n:02}.txt", ["b", "a"][n % 2]), text));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let ws = workspace(&files);
    let json = String::from_utf8(gloss(&["check", "--format", "json"], ws.path()).stdout).unwrap();
    let listed: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for hints in [false, true] {
        let args: &[&str] = if hints { &["check", "--hints"] } else { &["check"] };
        let text = String::from_utf8(gloss(args, ws.path()).stdout).unwrap();
        let shown: Vec<&serde_json::Value> = listed.iter().filter(|d| hints || d["severity"] != "hint").collect();
        // Each diagnostic's first place, as the text shows it.
        let places: Vec<String> = text.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(str::to_string).collect();
        let expected: Vec<String> = shown
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}",
                    d["path"].as_str().unwrap(),
                    d["range"]["start"]["line"].as_u64().unwrap() + 1,
                    d["range"]["start"]["character"].as_u64().unwrap() + 1
                )
            })
            .collect();
        assert_eq!(places, expected, "{text}");
        let count = |severity: &str| listed.iter().filter(|d| d["severity"] == severity).count();
        let summary = text.lines().last().unwrap();
        assert!(summary.starts_with(&format!("40 documents: {} errors, {} warnings, 0 information", count("error"), count("warning"))), "{summary}");
        assert!(count("error") > 0 && count("warning") > 0 && count("hint") > 0, "{json}");
        assert_eq!(summary.contains(&format!("({} hints not shown", count("hint"))), !hints, "{summary}");
    }
}

#[test]
fn exit_codes() {
    let warn = workspace(&[("gloss.toml", REGISTRY), ("a.txt", "[10,000 soldiers]{claim=troops}\n")]);
    let error = workspace(&[("gloss.toml", REGISTRY), ("a.txt", "[Putin]{@putin}\n"), ("b.txt", "Nothing here.\n")]);
    // Every format: JSON lines are printed as they are worked out.
    for format in ["text", "json", "sarif"] {
        assert_eq!(gloss(&["check", "--format", format], warn.path()).status.code(), Some(0), "{format}");
        assert_eq!(gloss(&["check", "--format", format, "--deny", "warnings"], warn.path()).status.code(), Some(1), "{format}");
        assert_eq!(gloss(&["check", "--format", format], error.path()).status.code(), Some(1), "{format}");
        // Only the file asked about counts.
        assert_eq!(gloss(&["check", "--format", format, "b.txt"], error.path()).status.code(), Some(0), "{format}");
    }
    let missing = gloss(&["check", "no/such/folder"], warn.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/folder"));
}

#[test]
fn json_lines_have_the_spec_fields_in_utf16() {
    let ws = workspace(&[("gloss.toml", REGISTRY), ("docs/한국.txt", "😀 한국 [@x]{@nobody}\r\n")]);
    let out = gloss(&["check", "--format", "json"], ws.path());
    let line = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["path"], "docs/한국.txt");
    assert_eq!(v["code"], "unknown-id");
    assert_eq!(v["severity"], "error");
    // 😀 is two UTF-16 units: "😀 한국 [@x]{@" is 2+1+2+1+5+1 = 12 units.
    assert_eq!(v["range"]["start"], serde_json::json!({"line": 0, "character": 12}));
    assert_eq!(v["range"]["end"], serde_json::json!({"line": 0, "character": 18}));
    assert!(v["message"].as_str().unwrap().contains("nobody"));
}

#[test]
fn sarif_is_a_2_1_0_log_with_rules_and_locations() {
    let ws = workspace(&[("gloss.toml", REGISTRY), ("a b.txt", "[Putin]{@putin} [10,000 soldiers]{claim=troops}\n")]);
    let out = gloss(&["check", "--format", "sarif"], ws.path());
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "gloss");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "a%20b.txt");
        assert_eq!(loc["region"]["startLine"], 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn a_file_path_reports_only_that_file_but_sees_the_workspace() {
    let ws = workspace(&[
        ("gloss.toml", REGISTRY),
        ("a.txt", "{#a date=2024-10-01}\n[10,000 soldiers]{claim=troops src=@ua-intel}\n"),
        ("b.txt", "{#b date=2024-10-02}\n[around 3,000]{claim=troops src=@b}\n"),
    ]);
    let out = gloss(&["check", "a.txt", "--format", "json"], ws.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("conflicting-claim") && text.contains("\"path\":\"a.txt\""), "{text}");
}

#[test]
fn unreadable_and_non_utf8_files_are_diagnostics_not_crashes() {
    let ws = workspace(&[("gloss.toml", REGISTRY)]);
    std::fs::write(ws.path().join("latin1.txt"), b"caf\xe9 [x]{@ua-intel}\n").unwrap();
    let out = gloss(&["check", "--format", "json"], ws.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"code\":\"unreadable\"") && text.contains("not UTF-8"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

/// `gloss check` keeps the facts cache the server keeps: a second run
/// says the same from it, an edit since is seen, `--no-cache` neither
/// reads nor writes it.
#[test]
fn check_uses_the_facts_cache_and_sees_edits() {
    let ws = workspace(&[
        ("gloss.toml", REGISTRY),
        ("a.txt", "[10,000 soldiers]{claim=troops src=@ua-intel date=2024-10}\n"),
        ("b.txt", "[3,000 soldiers]{claim=troops src=@ua-intel date=2024-10}\n"),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let cache_files = || std::fs::read_dir(cache.path()).unwrap().count();
    let check = |extra: &[&str]| {
        let out = gloss_caching(&[&["check", "--format", "json"], extra].concat(), ws.path(), cache.path());
        assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };

    let no_cache = check(&["--no-cache"]);
    assert_eq!(cache_files(), 0, "--no-cache writes no cache");
    assert!(no_cache.contains("conflicting-claim"), "{no_cache}");
    let first = check(&[]);
    assert_eq!(cache_files(), 1, "the first run writes the cache");
    assert_eq!(first, no_cache);
    assert_eq!(check(&[]), first, "the second run, from the cache, says the same");

    // An edit: the figures agree, the conflict is gone.
    std::fs::write(ws.path().join("b.txt"), "[10,000 soldiers]{claim=troops src=@ua-intel date=2024-10}\n").unwrap();
    let edited = check(&[]);
    assert!(!edited.contains("conflicting-claim"), "{edited}");
    assert_eq!(edited, check(&["--no-cache"]));
}

/// The allocator settings compiled into the binary take effect: one arena
/// per CPU, freed pages returned after half a second (jemalloc reads them
/// from a symbol whose name and type must match its own).
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[test]
fn the_allocator_settings_take_effect() {
    let out = Command::new(env!("CARGO_BIN_EXE_gloss")).arg("--version").env("_RJEM_MALLOC_CONF", "stats_print:true").output().expect("run gloss");
    let stats = String::from_utf8_lossy(&out.stderr);
    assert!(stats.contains("opt.percpu_arena: \"percpu\""), "{stats}");
    assert!(stats.contains("opt.dirty_decay_ms: 500"), "{stats}");
    assert!(stats.contains("opt.background_thread: true"), "{stats}");
}
