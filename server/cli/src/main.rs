//! `gloss`: one binary for the CLI and the language server. A thin shell:
//! it reads files with gloss-project and prints what the analysis says, or
//! hands standard input and output to gloss-lsp.

mod check;
mod export;
mod output;
mod shown;

/// jemalloc: a cold index, a warm one and `gloss check` took 10-20% less
/// time than with glibc's allocator at the same peak memory (see
/// docs/performance.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Freed pages go back to the system after half a second rather than ten,
/// so a burst (indexing, relating) does not leave the server holding them.
/// One arena per CPU, used by whichever thread runs there, rather than
/// four per CPU handed out to threads: the server's many threads (tokio,
/// rayon, reading, blocking) each kept an arena's worth of spare pages.
/// Peak RSS after indexing 20,000 documents: 210-214 MB to 181-184 MB,
/// the same times. Freed pages are returned by jemalloc's own thread:
/// otherwise only by later allocations, so a server that freed memory
/// and then sat idle kept it (after indexing 20,000 documents, 168 MB
/// instead of 160 MB, and 124 MB once the texts are shared from the facts
/// cache). On Linux, huge pages where the system allows them on request
/// (its `madvise` mode), for the commands that allow them
/// ([`huge_pages`]); elsewhere jemalloc would warn that it has none. (A
/// thin pointer: jemalloc reads a `const char *`.)
#[cfg(all(not(target_env = "msvc"), target_os = "linux"))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8; 90] = b"dirty_decay_ms:500,muzzy_decay_ms:0,percpu_arena:percpu,background_thread:true,thp:always\0";
#[cfg(all(not(target_env = "msvc"), not(target_os = "linux")))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8; 79] = b"dirty_decay_ms:500,muzzy_decay_ms:0,percpu_arena:percpu,background_thread:true\0";

/// Whether the process's memory may come in huge pages. Off from the
/// start: the server holds its memory for hours, and a huge page half
/// used counts whole in its resident memory, a goal. On for `gloss check`
/// and the exports, which fault their memory in 2 MB at a time rather
/// than 4 KB: 15 times fewer page faults, and 2 to 12% less CPU on the
/// 20,000-document benchmark (docs/decisions.md).
fn huge_pages(allowed: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: a flag of the process; no memory is read or written.
    unsafe {
        // Nothing to do if it fails (an old kernel): huge pages stay as
        // the system has them.
        let _ = libc::prctl(libc::PR_SET_THP_DISABLE, libc::c_ulong::from(!allowed), 0, 0, 0);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = allowed;
}

/// Gives the pages of every arena that hold nothing back to the system
/// now, rather than after `dirty_decay_ms`: the server asks for it after
/// the bursts that free tens of MB at once (see `gloss_lsp::set_release_freed`).
#[cfg(not(target_env = "msvc"))]
fn release_freed() {
    // Nothing to do if it fails: the pages go back after the decay anyway.
    let _ = purge();
}

/// `arena.<MALLCTL_ARENAS_ALL>.purge`: jemalloc's status, 0 when done.
#[cfg(not(target_env = "msvc"))]
fn purge() -> std::ffi::c_int {
    // SAFETY: a NUL-terminated name, and no value read or written.
    unsafe { tikv_jemalloc_sys::mallctl(c"arena.4096.purge".as_ptr(), std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut(), 0) }
}

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "gloss", version, about = "Annotation markup for source texts: actors, treaties, claims and their sources")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the diagnostics of a workspace or of some files.
    Check(CheckArgs),
    /// Write the annotations or the claims in a format other tools read.
    Export(export::ExportArgs),
    /// Write the claim ledger as one self-contained HTML page.
    Report(export::ReportArgs),
    /// Run the language server on standard input and output.
    Lsp {
        /// Accepted for clients that always pass it (VS Code's does).
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Workspace folders (with a gloss.toml) or documents; default: the
    /// current folder.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also fail (exit 1) on these: `warnings`.
    #[arg(long, value_name = "LEVEL")]
    pub deny: Vec<Deny>,
    /// Show hints in the text output (machine formats always carry them).
    #[arg(long)]
    pub hints: bool,
    /// Colour the text output: auto, always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    /// Read and parse every document, without the facts cache the language
    /// server and earlier checks keep (in the platform's cache folder, or
    /// `$GLOSS_CACHE_DIR`; `GLOSS_CACHE_DIR=off` turns it off everywhere).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    Warnings,
}

/// Huge pages off before anything is allocated (the runtime allocates
/// before `main`): the allocator's first pages would otherwise come huge
/// whatever the command. Run by the loader with the other constructors.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static HUGE_PAGES_OFF_AT_START: extern "C" fn() = {
    extern "C" fn off() {
        huge_pages(false);
    }
    off
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Lsp { .. }) {
        huge_pages(true);
    }
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Export(args) => export::export(&args),
        Command::Report(args) => export::report(&args),
        Command::Lsp { .. } => {
            #[cfg(not(target_env = "msvc"))]
            gloss_lsp::set_release_freed(release_freed);
            gloss_lsp::run_stdio()
        }
    }
}

#[cfg(all(test, not(target_env = "msvc")))]
mod tests {
    /// The server's way of giving freed pages back is one jemalloc knows.
    #[test]
    fn jemalloc_purges_every_arena_on_request() {
        let freed: Vec<Vec<u8>> = (0..64).map(|i| vec![i as u8; 64 * 1024]).collect();
        drop(freed);
        assert_eq!(super::purge(), 0);
    }
}
