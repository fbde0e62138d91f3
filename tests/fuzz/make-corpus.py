#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets under fuzz/corpus/<target>/
from the seed articles (seeds/*.txt), their registry (seeds/gloss.toml,
seeds/registry.toml), the raw fixtures (tests/fixtures/raw-seeds) and the
grammar's corpus tests (server/syntax/grammar/test/corpus). Deterministic;
a few dozen small files per target. Run from anywhere:

    python3 tests/fuzz/make-corpus.py

The files are committed; run this again only to rebuild them (it replaces
the seeds it writes, named seed-*, and leaves other files, such as
regression inputs, alone).
"""

import hashlib
import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fuzz" / "corpus"
MAX = 1500  # bytes per seed: small inputs fuzz faster


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    (d / name).write_bytes(data)


def clean(target):
    d = OUT / target
    if d.is_dir():
        for f in d.glob("seed-*"):
            f.unlink()


def chunks(text, limit=MAX):
    """Paragraph groups of at most `limit` bytes (a paragraph longer than
    that is cut at a line end or a space)."""
    out, cur = [], ""
    for para in re.split(r"\n\s*\n", text):
        para = para.strip("\n")
        while len(para.encode()) > limit:
            cut = para.rfind(" ", 0, limit // 2) or limit // 2
            out.append(para[:cut])
            para = para[cut:]
        if cur and len((cur + "\n\n" + para).encode()) > limit:
            out.append(cur)
            cur = para
        else:
            cur = cur + "\n\n" + para if cur else para
    if cur:
        out.append(cur)
    return out


def seed_articles():
    return sorted((ROOT / "seeds").glob("*.txt"))


def analysis():
    clean("analysis")
    n = 0
    for path in seed_articles():
        parts = chunks(path.read_text())
        # The header and a few paragraphs of each article.
        for p in parts[:: max(1, len(parts) // 4)][:5]:
            write("analysis", p + "\n")
            n += 1
    for path in sorted((ROOT / "tests" / "fixtures" / "raw-seeds").glob("*.txt")):
        write("analysis", chunks(path.read_text())[0] + "\n")
        n += 1
    for path in sorted((ROOT / "server" / "syntax" / "grammar" / "test" / "corpus").glob("*.txt")):
        text = path.read_text()
        # Tree-sitter corpus tests: ===\nname\n===\ninput\n---\ntree
        tests = re.findall(r"^=+\n.*?\n=+\n(.*?)\n---\n", text, re.S | re.M)
        # Three of each file: its first, middle and last test.
        for t in sorted({tests[0], tests[len(tests) // 2], tests[-1]}):
            write("analysis", t + "\n")
            n += 1
    # CRLF line ends, non-ASCII before markup.
    write("analysis", "{#a date=2024-10-17}\r\n북한 😀 [Putin]{@putin} said\r\n[about 10,000 soldiers]{claim=nk-troops src=@ua-intel}.\r\n")
    write("analysis", "Северокорейские [войска]{claim=nk-troops value=~3000 src=@cnn-2024 via=@ua-intel date=2024-10-23}\n")
    return n


def value():
    clean("value")
    seen = set()
    for path in seed_articles():
        text = path.read_text()
        for m in re.finditer(r'value=("([^"]*)"|[^\s}]+)', text):
            seen.add(m.group(2) if m.group(2) is not None else m.group(1))
        for m in re.finditer(r"date=([^\s}]+)", text):
            seen.add(m.group(1))
        # Claim texts: [text]{claim=...}
        for m in re.finditer(r"\[([^\[\]]{1,120})\]\{[^}]*claim=", text):
            seen.add(m.group(1))
    picked = sorted(seen, key=lambda s: hashlib.sha1(s.encode()).hexdigest())[:40]
    for s in picked:
        write("value", s)
    for s in ["~10000", "3000-5000", ">=12,000", "1.5 million", "$2bn", "2024-10", "2024-10-23", "2024-Q4", "between 10,000 and 12,000 troops", "한 만 명", "около 3 тысяч"]:
        write("value", s)
    return len(picked)


def registry():
    clean("registry")
    write("registry", (ROOT / "seeds" / "gloss.toml").read_text())
    text = (ROOT / "seeds" / "registry.toml").read_text()
    tables = re.split(r"\n(?=\[)", text)
    groups, cur = [], ""
    for t in tables:
        if cur and len((cur + "\n" + t).encode()) > MAX:
            groups.append(cur)
            cur = t
        else:
            cur = cur + "\n" + t if cur else t
    groups.append(cur)
    for g in groups[:: max(1, len(groups) // 16)][:16]:
        write("registry", g + "\n")
    # Broken on purpose: a TOML error, duplicate tables, wrong types, an id cycle.
    write("registry", "[actor.putin\nname = \"Vladimir Putin\"\n")
    write("registry", "[actor.a]\nname = \"A\"\n[actor.a]\nname = \"A again\"\n")
    write("registry", "[actor.a]\nname = 1\naliases = [1, {x = 2}]\n[actor]\nb = \"not a table\"\n[subject.s]\nunit = [\"x\"]\n")
    write("registry", "[actor.a]\nname = \"A\"\ncountry = \"@b\"\n[actor.b]\nname = \"B\"\ncountry = \"@a\"\n[source.s]\ntitle = \"S\"\nvia = \"@s\"\n")
    write("registry", "[workspace]\ndocuments = [\"**/*.txt\", \"[\"]\nregistry = [\"../../etc/passwd\", \"more.toml\"]\n[claims]\napprox = 2.5\ntolerance = -1\nwindow-days = \"x\"\n")
    return len(groups)


# The lsp target reads its input as a stream of operations (see
# fuzz_targets/lsp.rs): a first byte (even: UTF-8 positions), then per
# operation a URI byte (0/1 docs/a.txt, 2 docs/b.txt, 3 gloss.toml,
# 4 untitled) and an operation byte (mod 12: 0-1 open, 2-4 range edit,
# 5 whole-text change, 6-8 request, 9 mutated request, 10 close/save/
# cancel/watched, 11 bad params).
METHODS = [
    "hover", "completion", "definition", "typeDefinition", "references", "documentHighlight",
    "prepareRename", "rename", "codeAction", "documentSymbol", "semanticTokens", "inlayHint",
    "codeLens", "foldingRange", "documentLink", "diagnostic", "workspace/symbol", "workspace/diagnostic",
]


def text_arg(s, limit=200):
    b = s.encode()[:limit]
    # Cut on a char boundary so the text stays what it was.
    while b and (b[-1] & 0xC0) == 0x80:
        b = b[:-1]
    if b and b[-1] >= 0xC0:
        b = b[:-1]
    return bytes([len(b)]) + b


def op_open(uri, text):
    return bytes([uri, 0]) + text_arg(text)


def op_edit(uri, l1, c1, l2, c2, piece):
    return bytes([uri, 2, l1, c1, l2, c2, piece])


def op_request(uri, method, *args):
    return bytes([uri, 6, METHODS.index(method)]) + bytes(args)


def lsp():
    clean("lsp")
    n = 0
    for path in seed_articles():
        parts = chunks(path.read_text(), 200)
        for i, p in enumerate(parts[1:4]):
            utf8 = bytes([i % 2 * 1])
            ops = op_open(0, p)
            ops += op_request(0, "hover", 0, 3)
            ops += op_edit(0, 0, 2, 0, 2, 0)  # "["
            ops += op_edit(0, 0, 5, 0, 5, 5)  # "@putin"
            ops += op_request(0, "completion", 0, 6)
            ops += op_edit(0, 0, 1, 1, 0, 11)  # "\r\n"
            ops += op_request(0, "semanticTokens")
            ops += op_request(0, "references", 0, 8, 0)
            ops += op_request(0, "rename", 0, 8, 3) + b"vvp"
            ops += op_request(0, "codeAction", 0, 0, 0, 9)
            ops += op_edit(0, 250, 250, 251, 251, 13)  # past the end, "한국"
            ops += op_request(0, "diagnostic")
            write("lsp", utf8 + ops)
            n += 1
    # The registry open and edited live, then a watched-file event and a close.
    toml = (ROOT / "seeds" / "gloss.toml").read_text()
    write("lsp", b"\x00" + op_open(3, toml) + op_edit(3, 2, 0, 2, 0, 6) + op_request(0, "workspace/symbol", 4) + b"putn" + bytes([3, 10, 3, 1]) + bytes([3, 10, 0]))
    # A change to a document never opened, a bad request, a cancellation.
    write("lsp", b"\x01" + op_edit(2, 0, 0, 0, 0, 1) + bytes([0, 11]) + op_open(0, "[x]{@putin}") + op_request(0, "hover", 0, 1) + bytes([0, 10, 2, 1]))
    return n


if __name__ == "__main__":
    counts = {"analysis": analysis(), "value": value(), "registry": registry(), "lsp": lsp()}
    for t in counts:
        files = list((OUT / t).iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"{t}: {len(files)} files, {size} bytes")
