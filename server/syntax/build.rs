//! Compiles the generated parser and the external scanner.
fn main() {
    let dir = std::path::Path::new("grammar/src");
    cc::Build::new()
        .include(dir)
        .file(dir.join("parser.c"))
        .file(dir.join("scanner.c"))
        .std("c11")
        // Generated code: optimised even in debug builds, where tests parse
        // megabytes.
        .opt_level(2)
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-trigraphs")
        .compile("tree-sitter-gloss");
    for file in ["parser.c", "scanner.c", "tree_sitter/parser.h", "tree_sitter/alloc.h", "tree_sitter/array.h"] {
        println!("cargo:rerun-if-changed=grammar/src/{file}");
    }
}
