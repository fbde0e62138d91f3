//! `gloss export` and `gloss report`: load a workspace, write what
//! gloss-export makes of it to a file or standard output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use gloss_project::{find_root, Project};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// W3C Web Annotation JSON-LD, one annotation per span.
    Webannotation,
    /// schema.org ClaimReview objects, one per claim.
    Claimreview,
    /// One row per claim.
    Csv,
    /// Every fact (entities, mentions, claims, conflicts), one per line.
    Jsonl,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The workspace folder; default: the current folder.
    pub path: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// With webannotation: also write each document's plain text (the text
    /// the selectors point into) under this folder.
    #[arg(long, value_name = "DIR")]
    pub with_text: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The workspace folder; default: the current folder.
    pub path: Option<PathBuf>,
    /// Write here instead of standard output. Links to documents are
    /// relative to the workspace root, so write the page there to follow them.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

fn load(path: Option<&Path>) -> Result<Project, ExitCode> {
    let path = path.unwrap_or(Path::new("."));
    if !path.exists() {
        eprintln!("gloss: {}: no such file or folder", path.display());
        return Err(ExitCode::from(2));
    }
    let root = find_root(path).unwrap_or_else(|| path.to_path_buf());
    Project::load(&root).map_err(|e| {
        eprintln!("gloss: cannot read {}: {e}", root.display());
        ExitCode::from(2)
    })
}

fn write(output: Option<&Path>, text: &str) -> ExitCode {
    let result = match output {
        Some(p) => std::fs::write(p, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gloss: cannot write {}: {e}", output.map_or("standard output".into(), |p| p.display().to_string()));
            ExitCode::from(2)
        }
    }
}

pub fn export(args: &ExportArgs) -> ExitCode {
    let mut project = match load(args.path.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let analysis = project.workspace.snapshot();
    if let Some(dir) = &args.with_text {
        for (path, text) in gloss_export::plain_texts(&analysis) {
            let target = dir.join(&path);
            let written = target.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&target, text));
            if let Err(e) = written {
                eprintln!("gloss: cannot write {}: {e}", target.display());
                return ExitCode::from(2);
            }
        }
    }
    let text = match args.format {
        ExportFormat::Webannotation => pretty(&gloss_export::web_annotations(&analysis)),
        ExportFormat::Claimreview => pretty(&gloss_export::claim_reviews(&analysis)),
        ExportFormat::Csv => gloss_export::claims_csv(&analysis),
        ExportFormat::Jsonl => gloss_export::facts_jsonl(&analysis),
    };
    write(args.output.as_deref(), &text)
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values serialise") + "\n"
}

pub fn report(args: &ReportArgs) -> ExitCode {
    let mut project = match load(args.path.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let analysis = project.workspace.snapshot();
    let name = project.root.file_name().map_or("workspace".into(), |n| n.to_string_lossy().into_owned());
    write(args.output.as_deref(), &gloss_export::report_html(&analysis, &format!("Gloss claim ledger: {name}")))
}
