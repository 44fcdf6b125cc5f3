//! The subcommands of the `setconform` binary: its flags ([`args`]), one
//! module per subcommand, and what they share: printing, reading a saved run
//! and writing reports. Each subcommand returns the exit code it ended with,
//! or an [`Error`] for `main` to report.

pub mod args;
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
use setconform_reports::Run;
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

/// A saved run.json.
fn read_run(path: &Path) -> Result<Run, Error> {
    setconform_reports::json::read(path).map_err(|source| Error::ReadRun { path: path.to_owned(), source })
}

/// Writes the run's reports in `formats` into `dir` and names them.
fn write_reports(record: &Run, dir: &Path, formats: &[Format]) -> Result<(), Error> {
    let files = output::write_reports(record, dir, formats)
        .map_err(|source| Error::WriteReports { dir: dir.to_owned(), source })?;
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    say(&format!("reports: {}\n", names.join(", ")));
    Ok(())
}
