//! `setconform report`: the reports again, from a saved record: a run's
//! reports, or a bench's page.

use super::bench_records;
use super::{Error, not_written, write_reports};
use setconform::output::Format;
use setconform::run::exit;
use setconform_reports::json::Record;
use std::path::{Path, PathBuf};

/// Writes `formats` from the record at `run` into `out` (default: beside it);
/// for a bench record, its page.
pub fn report(run: &Path, out: Option<PathBuf>, formats: &[Format]) -> Result<i32, Error> {
    let record = match bench_records::read(run)? {
        Record::Run(record) => record,
        Record::Bench(bench) => return bench_records::report(&bench, run, out),
    };
    let dir = out.unwrap_or_else(|| run.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf));
    // The record is re-read, not re-judged: no need to write it over itself.
    let formats: Vec<Format> =
        formats.iter().copied().filter(|f| *f != Format::Json || dir.join("run.json") != run).collect();
    not_written(write_reports(&record, &dir, &formats, &[]))?;
    Ok(exit::CONFORMANT)
}
