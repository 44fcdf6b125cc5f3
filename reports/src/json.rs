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

/// Reads a Run record written by [`write`].
pub fn read(path: &Path) -> io::Result<Run> {
    let text = std::fs::read_to_string(path)?;
    serde_json::from_str(&text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
