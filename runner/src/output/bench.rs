//! Writing a bench's reports: the record (`bench.json`) and its page
//! (`bench.html`), each file whole or not at all.

use super::{NotWritten, Written};
use setconform_reports::bench::{BenchRecord, file};
use setconform_reports::html;
use std::path::Path;

/// The bench record's file name, by default.
pub const RECORD: &str = "bench.json";
/// The bench page's file name.
pub const PAGE: &str = "bench.html";

/// Writes the record to `json` (when given) and its page as [`PAGE`] into
/// `dir`, creating the folders; every file that can be written is.
pub fn write_bench_reports(record: &BenchRecord, json: Option<&Path>, dir: &Path) -> Written {
    let mut written = Written::default();
    if let Some(path) = json {
        let result = file::write(record, path);
        written.note(path.to_owned(), result);
    }
    match std::fs::create_dir_all(dir) {
        Ok(()) => written.write(dir.join(PAGE), html::bench_report(record)),
        Err(source) => written.failed.push(NotWritten::Folder { dir: dir.to_owned(), source }),
    }
    written
}
