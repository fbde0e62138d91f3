use super::*;
use gloss_analysis::Facts;

fn facts(text: &str) -> DocumentFacts {
    match Facts::of_document(text) {
        Facts::Document(d) => d,
        _ => unreachable!(),
    }
}

#[test]
fn facts_read_back_and_a_damaged_file_reads_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sub/x.facts");
    // A field's reference and a claim's details too.
    let a = "{#a date=2024-10-17 author=@reuters}\n[Putin]{@putin} said [around 10,000 soldiers]{claim=troops src=@ua via=@tass note=\"p. 3\"} arrived.\n";
    let b = "[broken]{claim= src=@";
    let (fa, fb) = (facts(a), facts(b));
    assert!(fa.references.iter().any(|r| matches!(r.role, gloss_analysis::entity::ReferenceRole::Field(k) if k.as_str() == "author")));
    assert_eq!(fa.claims[0].note(), Some("p. 3"));
    let stamp = Stamp { len: 1, modified: (2, 3), changed: (4, 5), inode: 6, device: 7 };
    let entry = |relative, text, facts, stamp| Entry { relative, hash: text_hash(text), stamp, text, facts };
    let shared = FactsCache::save_file(&file, &[entry("a.txt", a, &fa, Some(stamp)), entry("b.txt", b, &fb, None)]).unwrap();
    // The text kept is given back as it lies in the file written.
    assert_eq!(shared, [Some(Text::from(a)), None]);
    let mut cache = FactsCache::open_file(&file);
    assert_eq!(cache.len(), 2);
    let mut take = |path| cache.take(path).map(|c| (c.hash, c.stamp, c.text().map(|t| t.to_string()), c.decode()));
    // The text is kept with a stamp only.
    assert_eq!(take("a.txt"), Some((text_hash(a), Some(stamp), Some(a.to_string()), Some(fa))));
    assert_eq!(take("b.txt"), Some((text_hash(b), None, None, Some(fb))));
    assert_eq!(take("b.txt"), None);

    let whole = std::fs::read(&file).unwrap();
    // Truncated anywhere, a byte flipped anywhere, or not a cache at all.
    for cut in [0, 4, 8, 20, whole.len() / 2, whole.len() - 1] {
        std::fs::write(&file, &whole[..cut]).unwrap();
        assert!(FactsCache::open_file(&file).is_empty(), "cut at {cut}");
    }
    for at in [0, 9, 30, whole.len() / 2, whole.len() - 1] {
        let mut bad = whole.clone();
        bad[at] ^= 0x40;
        std::fs::write(&file, &bad).unwrap();
        assert!(FactsCache::open_file(&file).is_empty(), "flipped at {at}");
    }
    std::fs::write(&file, "not a cache").unwrap();
    assert!(FactsCache::open_file(&file).is_empty());
    assert!(FactsCache::open_file(&dir.path().join("none")).is_empty());
    // Written again over a damaged one, it reads back.
    FactsCache::save_file(&file, &[]).unwrap();
    assert!(FactsCache::open_file(&file).is_empty());
    assert!(std::fs::read(&file).unwrap().starts_with(MAGIC));
}

/// Texts spooled before the table are where the table says, and given
/// back as they were spooled; texts not spooled are written after.
#[test]
fn texts_spooled_first_read_back_with_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.facts");
    let texts = ["[Putin]{@putin} spoke.\n", "no stamp [3,000 soldiers]{claim=troops}\n", "[Kim]{@kim} 😀 too.\n", "read later\n"];
    let all: Vec<DocumentFacts> = texts.iter().map(|t| facts(t)).collect();
    let stamp = Some(Stamp { len: 1, modified: (2, 3), changed: (4, 5), inode: 6, device: 7 });
    let mut writer = CacheWriter::create(&file).unwrap().unwrap();
    // A text without a stamp is spooled too (held from the file), but
    // not kept in the table.
    let numbers = [writer.append(texts[0]).unwrap(), writer.append(texts[1]).unwrap(), writer.append(texts[2]).unwrap()];
    let spooled = writer.spooled(&numbers).unwrap();
    assert_eq!(spooled, [Text::from(texts[0]), Text::from(texts[1]), Text::from(texts[2])]);
    assert!(!file.exists(), "named only once whole");
    let entry = |k: usize, relative, text, stamp| Entry { relative, hash: text_hash(texts[k]), stamp, text, facts: &all[k] };
    let entries = [
        entry(0, "a.txt", &spooled[0], stamp),
        entry(1, "b.txt", &spooled[1], None),
        entry(2, "c.txt", &spooled[2], stamp),
        entry(3, "d.txt", texts[3], stamp),
    ];
    let shared = writer.finish(&entries).unwrap();
    assert_eq!(shared, [Some(Text::from(texts[0])), None, Some(Text::from(texts[2])), Some(Text::from(texts[3]))]);
    assert_eq!(spooled[1], Text::from(texts[1]), "still held from the file");
    // Spooled texts were not written twice.
    let len = std::fs::metadata(&file).unwrap().len() as usize;
    assert_eq!(std::fs::read(&file).unwrap().windows(texts[0].len()).filter(|w| *w == texts[0].as_bytes()).count(), 1, "{len}");
    let mut cache = FactsCache::open_file(&file);
    assert_eq!(cache.len(), 4);
    for (k, relative) in ["a.txt", "b.txt", "c.txt", "d.txt"].iter().enumerate() {
        let c = cache.take(relative).unwrap();
        let kept = (k != 1).then(|| texts[k].to_string());
        assert_eq!((c.hash, c.text().map(|t| t.to_string()), c.decode()), (text_hash(texts[k]), kept, Some(all[k].clone())), "{relative}");
    }
    // Two writers of one cache at once (a folder read again while it
    // is read) each keep their own file until it is named.
    let mut first = CacheWriter::create(&file).unwrap().unwrap();
    let one = first.append(texts[0]).unwrap();
    let held = first.spooled(&[one]).unwrap();
    let second = CacheWriter::create(&file).unwrap().unwrap();
    second.finish(&[]).unwrap();
    assert_eq!(held, [Text::from(texts[0])]);
    first.finish(&[entry(0, "a.txt", &held[0], stamp)]).unwrap();
    assert_eq!(FactsCache::open_file(&file).len(), 1);
    // A writer dropped before it is finished leaves nothing behind.
    let mut writer = CacheWriter::create(&dir.path().join("y.facts")).unwrap().unwrap();
    writer.append(texts[0]).unwrap();
    drop(writer);
    let mut left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["x.facts"]);
}

/// A temporary file left by a process killed while writing is removed
/// by the next write; one being written (recent), or another root's,
/// is not.
#[test]
fn abandoned_temporary_files_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("abc.facts");
    let at = |name: &str| dir.path().join(name);
    let long_ago = std::time::SystemTime::now() - 2 * ABANDONED_AFTER;
    for name in ["abc.tmp111", "abc.tmp222", "xyz.tmp333"] {
        std::fs::write(at(name), "partial").unwrap();
    }
    for name in ["abc.tmp111", "xyz.tmp333"] {
        std::fs::File::options().write(true).open(at(name)).unwrap().set_modified(long_ago).unwrap();
    }
    FactsCache::save_file(&file, &[]).unwrap();
    let mut left: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["abc.facts", "abc.tmp222", "xyz.tmp333"]);
}
