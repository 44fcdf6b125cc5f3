//! Embeds the catalogue (suite/, profiles/, schemas/) into the binary so that
//! `setconform` runs from any directory with nothing beside it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

const EMBEDDED_DIRS: [&str; 3] = ["schemas", "suite", "profiles"];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let mut files = Vec::new();
    for dir in EMBEDDED_DIRS {
        let path = root.join(dir);
        println!("cargo:rerun-if-changed={}", path.display());
        collect(&root, &path, &mut files);
    }
    files.sort();
    let mut out = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        writeln!(out, "    ({rel:?}, include_str!({abs:?})),").unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, files);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let abs = path.canonicalize().unwrap().to_string_lossy().into_owned();
            files.push((rel, abs));
        }
    }
}
