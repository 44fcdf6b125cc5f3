//! The JSON report: the Run record itself, for machines and for re-rendering,
//! written whole or not at all ([`write_whole`]); and reading back a saved
//! record of either kind, a run or a bench ([`read_record`]).

use crate::Run;
use crate::bench::BenchRecord;
use std::io;
use std::path::Path;

/// Writes the Run record as pretty JSON, creating the parent folder.
pub fn write(run: &Run, path: &Path) -> io::Result<()> {
    write_pretty(run, path)
}

/// Writes a record as pretty JSON ending in a line break, whole or not at all,
/// creating the parent folder.
pub(crate) fn write_pretty(record: &impl serde::Serialize, path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(record).map_err(io::Error::other)?;
    write_whole(path, (text + "\n").as_bytes())
}

/// Writes `contents` to `path` whole or not at all: into a temporary file in
/// the same folder, then renamed over `path` (a rename within one file system
/// replaces the file in one step). A run that dies while writing leaves the
/// previous file, never half of the new one.
pub fn write_whole(path: &Path, contents: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let temporary = path.with_file_name(format!(".{}.{}.partial", name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            io::Write::write_all(&mut file, contents)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Reads a Run record written by [`write`], of this version of its shape.
pub fn read(path: &Path) -> io::Result<Run> {
    match read_record(path)? {
        Record::Run(run) => Ok(*run),
        Record::Bench(_) => Err(invalid("a bench record, not a run record".into())),
    }
}

/// A saved record of either kind.
#[derive(Debug, Clone)]
pub enum Record {
    Run(Box<Run>),
    Bench(Box<BenchRecord>),
}

/// Reads a saved record, telling the kinds apart by the `record` member: a
/// bench record has `"record": "bench"`, a Run record has no such member.
pub fn read_record(path: &Path) -> io::Result<Record> {
    let text = std::fs::read_to_string(path)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
    match value.get("record") {
        None => run_of(value).map(|run| Record::Run(Box::new(run))),
        Some(serde_json::Value::String(kind)) if kind == "bench" => serde_json::from_value(value)
            .map(|bench| Record::Bench(Box::new(bench)))
            .map_err(|e| invalid(format!("a bench record: {e}"))),
        Some(other) => Err(invalid(format!("an unknown kind of record: {other}"))),
    }
}

/// A Run record of this version of its shape.
fn run_of(value: serde_json::Value) -> io::Result<Run> {
    match value.get("schema_version").and_then(|v| v.as_str()) {
        Some(crate::SCHEMA_VERSION) => {}
        Some(other) => {
            return Err(invalid(format!(
                "a run record of shape version {other}; this setconform reads version {}",
                crate::SCHEMA_VERSION
            )));
        }
        None => return Err(invalid("not a setconform run record: no schema_version".into())),
    }
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let dir = std::env::temp_dir().join(format!("setconform-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("run.json");
        std::fs::write(&path, "an older and much longer record than the next one").unwrap();
        write_whole(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["run.json"], "only the file itself");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_write_that_fails_leaves_the_previous_file_and_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("setconform-json-fail-{}", std::process::id()));
        let path = dir.join("run.json");
        // The target is a folder: the rename fails after the temporary file was written.
        std::fs::create_dir_all(path.join("inside")).unwrap();
        assert!(write_whole(&path, b"new").is_err());
        assert!(path.join("inside").is_dir(), "what was there is untouched");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["run.json"], "the temporary file is removed");
        let _ = std::fs::remove_dir_all(dir);
    }
}
