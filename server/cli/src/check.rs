//! `gloss check`: load, analyse, print, and exit 1 on errors.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gloss_analysis::diagnostics::{workspace_diagnostics_listing, Diagnostic, Severity};
use gloss_analysis::{Analysis, FileId, Workspace};
use gloss_project::{find_root, CacheWrite, Project};

use crate::output::{self, Report};
use crate::{CheckArgs, Deny, Format};

pub fn run(args: &CheckArgs) -> ExitCode {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        eprintln!("gloss: {}: no such file or folder", missing.display());
        return ExitCode::from(2);
    }
    let listed = output::related_listed(args.format);
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut cache_writes = Vec::new();
    for (root, only) in group_by_root(&paths) {
        // An index of what diagnostics need only (gathering the references
        // was 23 ms of a 0.38 s check of 20,000 documents), each claim's
        // conflicts only as many as are listed.
        let workspace = Workspace::for_diagnostics(listed);
        let loading = if args.no_cache { Project::load_into(&root, workspace).map(|p| (p, None)) } else { Project::load_cached_into(&root, workspace) };
        let mut project = match loading {
            Ok((p, write)) => {
                cache_writes.extend(write.map(|w| (p.root.clone(), w)));
                p
            }
            Err(e) => {
                eprintln!("gloss: cannot read {}: {e}", root.display());
                finish(cache_writes);
                return ExitCode::from(2);
            }
        };
        let analysis = project.workspace.snapshot();
        let wanted = only.map(|only| project.paths.iter().filter(|(_, p)| only.iter().any(|o| p.starts_with(o))).map(|(id, _)| *id).collect());
        loaded.push(Loaded { project, analysis, wanted });
    }
    let fails = |d: &Diagnostic| fails(d, &args.deny);
    // Whether any diagnostic fails the check, and how printing went.
    let (failed, printed) = match args.format {
        // Printed as they are worked out, file by file.
        Format::Json => output::json(&loaded, fails),
        Format::Text => output::text(&loaded, args, fails),
        Format::Sarif => {
            let reports: Vec<Report> = loaded
                .drain(..)
                .map(|l| {
                    let diagnostics = workspace_diagnostics_listing(&l.analysis, listed, |id| l.wants(id));
                    (l.project, l.analysis, diagnostics)
                })
                .collect();
            let failed = reports.iter().flat_map(|(_, _, d)| d).any(fails);
            let printed = output::sarif(&reports);
            std::mem::forget(reports);
            (failed, printed)
        }
    };
    // The process ends here: freeing the workspace piece by piece would
    // take longer than printing it (0.2 s at 20,000 documents).
    std::mem::forget(loaded);
    finish(cache_writes);
    if let Err(e) = printed {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("gloss: {e}");
            return ExitCode::from(2);
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A workspace loaded, and the files asked about (`None`: all of it).
pub struct Loaded {
    pub project: Project,
    pub analysis: Analysis,
    pub wanted: Option<BTreeSet<FileId>>,
}

impl Loaded {
    pub fn wants(&self, file: FileId) -> bool {
        self.wanted.as_ref().is_none_or(|w| w.contains(&file))
    }
}

/// Waits for the facts caches being written (a cache that cannot be
/// written costs only time on the next run: a warning).
fn finish(cache_writes: Vec<(PathBuf, CacheWrite)>) {
    for (root, write) in cache_writes {
        match write.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("gloss: warning: cannot write the facts cache of {}: {e}", root.display()),
            Err(_) => eprintln!("gloss: warning: cannot write the facts cache of {}", root.display()),
        }
    }
}

fn fails(d: &Diagnostic, deny: &[Deny]) -> bool {
    d.severity == Severity::Error || (d.severity == Severity::Warning && deny.contains(&Deny::Warnings))
}

/// Workspaces to load, each with the files asked for (None: all of it).
/// A path inside a workspace loads the whole workspace, so conflicts with
/// other documents are found, but reports only on that path.
fn group_by_root(paths: &[PathBuf]) -> Vec<(PathBuf, Option<BTreeSet<PathBuf>>)> {
    let mut groups: Vec<(PathBuf, Option<BTreeSet<PathBuf>>)> = Vec::new();
    for path in paths {
        let real = path.canonicalize().unwrap_or_else(|_| path.clone());
        let is_dir = real.is_dir();
        let root = find_root(&real).unwrap_or_else(|| if is_dir { real.clone() } else { parent(&real) });
        let only = (!(is_dir && root == real)).then(|| real.clone());
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, filter)) => match (filter.as_mut(), only) {
                (Some(set), Some(p)) => {
                    set.insert(p);
                }
                _ => *filter = None,
            },
            None => groups.push((root, only.map(|p| BTreeSet::from([p])))),
        }
    }
    groups
}

fn parent(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}
