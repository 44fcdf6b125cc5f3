//! The JSON report: the Run record itself, for machines and for re-rendering.

use crate::Run;
use std::io;
use std::path::Path;

/// Writes the Run record as pretty JSON, creating the parent folder.
pub fn write(run: &Run, path: &Path) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(run).map_err(io::Error::other)?;
    std::fs::write(path, text + "\n")
}

/// Reads a Run record written by [`write`], of this version of its shape.
pub fn read(path: &Path) -> io::Result<Run> {
    let text = std::fs::read_to_string(path)?;
    let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidData, msg);
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
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
