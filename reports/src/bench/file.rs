//! `bench.json`: a bench record written whole or not at all, and read back.

use super::BenchRecord;
use crate::json::{Record, read_record, write_pretty};
use std::io;
use std::path::Path;

/// Writes the record as pretty JSON, whole or not at all, creating the parent folder.
pub fn write(record: &BenchRecord, path: &Path) -> io::Result<()> {
    write_pretty(record, path)
}

/// Reads a bench record written by [`write`]; a Run record is an error.
pub fn read(path: &Path) -> io::Result<BenchRecord> {
    match read_record(path)? {
        Record::Bench(record) => Ok(*record),
        Record::Run(_) => Err(io::Error::new(io::ErrorKind::InvalidData, "a run record, not a bench record")),
    }
}
