//! The subcommands of the `setconform` binary: its flags ([`args`]), one
//! module per subcommand, and what they share: printing, reading a saved run
//! and writing reports. Each subcommand returns the exit code it ended with,
//! or an [`Error`] for `main` to report.

pub mod args;
pub mod bench;
mod bench_records;
mod capabilities;
pub mod check;
pub mod coverage;
pub mod diff;
mod error;
pub mod faults;
pub mod keys;
pub mod merge;
pub mod oidf;
pub mod pair;
pub mod reference;
pub mod report;
pub mod run;

pub use args::{Cli, Command};
pub use error::Error;

use setconform::output::{self, Format};
use setconform::run::exit;
use setconform_reports::Run;
use setconform_reports::paint::Paint;
use std::path::Path;

/// `setconform run --list | head` should end quietly when `head` stops reading,
/// as command-line tools do, not panic inside the console printer. Only for
/// commands that open no sockets: HTTP and TLS write to sockets with writev,
/// which raises SIGPIPE when a peer has closed the connection, and a SUT that
/// hangs up must never end the whole process.
pub fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called in main before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Prints to stdout; a reader that went away (`| head`) is no reason to fail.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Writes the run's reports in `formats` into `dir`, and beside them the
/// `extra` files (name, contents); names those written. Every file is tried:
/// the ones that could not be written are returned, for the caller to name.
fn write_reports(record: &Run, dir: &Path, formats: &[Format], extra: &[(&str, String)]) -> Vec<output::NotWritten> {
    let mut written = output::write_reports(record, dir, formats);
    if written.failed.iter().all(|f| !matches!(f, output::NotWritten::Folder { .. })) {
        for (name, contents) in extra {
            written.write(dir.join(name), contents);
        }
    }
    if !written.files.is_empty() {
        let names: Vec<String> = written.files.iter().map(|f| f.display().to_string()).collect();
        say(&format!("reports: {}\n", names.join(", ")));
    }
    written.failed
}

/// Writes a finished run's reports (see [`write_reports`]), names on stderr
/// those that could not be written, then prints the run's closing lines with
/// the exit code the command ends with, and returns it: the run's, or, when a
/// report is missing, incomplete (3) unless the run failed (a broken rule
/// outranks an incomplete run, as in `Outcome`). The closing lines are painted with `paint`.
fn finish(record: &Run, dir: &Path, formats: &[Format], extra: &[(&str, String)], paint: Paint) -> i32 {
    let failed = write_reports(record, dir, formats, extra);
    let code = match (failed.is_empty(), record.summary.exit_code) {
        (true, code) | (false, code @ exit::FAILED) => code,
        (false, _) => exit::INCOMPLETE,
    };
    for f in &failed {
        eprintln!("setconform: {f}");
    }
    say(&setconform_reports::console::closing(record, code, paint));
    code
}

/// Removes what an earlier run left in the output folder, so that a CI job
/// reads no report this run did not write; says what went.
fn remove_earlier(out: &Path) {
    let (removed, failed) = output::remove_earlier(out);
    if !removed.is_empty() {
        say(&format!("removed the reports of an earlier run from {}: {}\n", out.display(), removed.join(", ")));
    }
    for (path, e) in failed {
        eprintln!("setconform: cannot remove the earlier {}: {e}", path.display());
    }
}

/// The reports that could not be written, as the error a command ends with.
fn not_written(failed: Vec<output::NotWritten>) -> Result<(), Error> {
    match failed.len() {
        0 => Ok(()),
        _ => Err(Error::Several(failed.into_iter().map(Error::NotWritten).collect())),
    }
}
