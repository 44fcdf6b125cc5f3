//! `setconform report`: the reports again, from a saved record.

use super::{Error, not_written, read_run, write_reports};
use setconform::output::Format;
use setconform::run::exit;
use std::path::{Path, PathBuf};

/// Writes `formats` from the record at `run` into `out` (default: beside it).
pub fn report(run: &Path, out: Option<PathBuf>, formats: &[Format]) -> Result<i32, Error> {
    let record = read_run(run)?;
    let dir = out.unwrap_or_else(|| run.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf));
    // The record is re-read, not re-judged: no need to write it over itself.
    let formats: Vec<Format> =
        formats.iter().copied().filter(|f| *f != Format::Json || dir.join("run.json") != run).collect();
    not_written(write_reports(&record, &dir, &formats, &[]))?;
    Ok(exit::CONFORMANT)
}
