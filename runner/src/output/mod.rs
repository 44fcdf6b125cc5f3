//! Writing a run's reports into one folder: the record, and the renderings a
//! person, a CI test reporter and a CI job summary read. Every rendering is
//! made from the record alone, so `setconform report` can make them again.

pub mod bench;
pub mod labels;

use setconform_reports::{Run, html, json, junit, markdown};
use std::io;
use std::path::{Path, PathBuf};

/// A report format and the file it is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `run.json`: the Run record (schemas/run.json).
    Json,
    /// `report.html`: one self-contained page for people.
    Html,
    /// `junit.xml`: for CI test reporters.
    Junit,
    /// `summary.md`: for a CI job summary.
    Md,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Html, Format::Junit, Format::Md];

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "run.json",
            Format::Html => "report.html",
            Format::Junit => "junit.xml",
            Format::Md => "summary.md",
        }
    }
}

/// The harness's public keys, written beside the reports of a run.
pub const HARNESS_JWKS: &str = "harness-jwks.json";

/// Every file a run writes into its output folder and owns: a run removes
/// them before it starts, so that no earlier run's report is taken for its own.
/// (`harness-ca.pem` is written anew before any scenario runs.)
pub const OWNED: [&str; 5] = ["run.json", "report.html", "junit.xml", "summary.md", HARNESS_JWKS];

/// A report that could not be written, and why.
#[derive(Debug, thiserror::Error)]
pub enum NotWritten {
    /// The folder could not be made: no report was written.
    #[error("cannot write reports to {}: {source}", dir.display())]
    Folder { dir: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    File { path: PathBuf, source: io::Error },
}

/// What writing a run's reports came to: each file is tried, whatever became of the others.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub failed: Vec<NotWritten>,
}

impl Written {
    /// Writes `contents` to `path`, and notes how that went.
    pub fn write(&mut self, path: PathBuf, contents: impl AsRef<[u8]>) {
        let result = json::write_whole(&path, contents.as_ref());
        self.note(path, result);
    }

    fn note(&mut self, path: PathBuf, result: io::Result<()>) {
        match result {
            Ok(()) => self.files.push(path),
            Err(source) => self.failed.push(NotWritten::File { path, source }),
        }
    }
}

/// Writes `run` into `dir` in each of `formats`: every one that can be
/// written, each file whole or not at all.
pub fn write_reports(run: &Run, dir: &Path, formats: &[Format]) -> Written {
    let mut written = Written::default();
    if let Err(source) = std::fs::create_dir_all(dir) {
        written.failed.push(NotWritten::Folder { dir: dir.to_owned(), source });
        return written;
    }
    for format in formats {
        let path = dir.join(format.file_name());
        match format {
            Format::Json => {
                let result = json::write(run, &path);
                written.note(path, result);
            }
            Format::Html => written.write(path, html::run_report(run)),
            Format::Junit => written.write(path, junit::render(run)),
            Format::Md => written.write(path, markdown::summary(run)),
        }
    }
    written
}

/// Removes from `dir` the files a run owns ([`OWNED`]) that an earlier run
/// left: only files (or links) of those names, nothing else. Returns the names
/// removed, and the files that are there and could not be removed.
pub fn remove_earlier(dir: &Path) -> (Vec<&'static str>, Vec<(PathBuf, io::Error)>) {
    let (mut removed, mut failed) = (Vec::new(), Vec::new());
    for name in OWNED {
        let path = dir.join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(name),
            Err(e) => failed.push((path, e)),
        }
    }
    (removed, failed)
}

/// The interop matrix of several saved runs, written to `out`. Each run's
/// cells link to its HTML report beside its run.json, which is written when
/// missing. A column is called by its entry in `labels` (in the order of
/// `runs`), or as [`labels::columns`] names it by default.
pub fn write_matrix(runs: &[PathBuf], labels: &[String], out: &Path) -> io::Result<()> {
    let base = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(base)?;
    let mut loaded = Vec::new();
    for path in runs {
        let run = json::read(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let page = path.with_file_name(Format::Html.file_name());
        if !page.exists() {
            std::fs::write(&page, html::run_report(&run))?;
        }
        loaded.push((run, relative_to(base, &page)));
    }
    let names = labels::columns(&loaded.iter().map(|(run, _)| run).collect::<Vec<_>>(), labels);
    let entries: Vec<html::MatrixEntry<'_>> = loaded
        .iter()
        .zip(names)
        .map(|((run, href), label)| html::MatrixEntry { label, report_href: Some(href.clone()), run })
        .collect();
    std::fs::write(out, html::matrix(&entries))
}

/// `target` as a link from a page in `base`: relative when both resolve, else absolute.
fn relative_to(base: &Path, target: &Path) -> String {
    let (Ok(base), Ok(target)) = (base.canonicalize(), target.canonicalize()) else {
        return target.display().to_string();
    };
    let common = base.components().zip(target.components()).take_while(|(a, b)| a == b).count();
    let ups = base.components().count() - common;
    let mut rel: Vec<String> = vec!["..".to_owned(); ups];
    rel.extend(target.components().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned()));
    rel.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the files a run owns go; a folder of the same name, and any other file, stay.
    #[test]
    fn an_earlier_run_s_files_are_removed_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("setconform-output-stale-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("report.html")).unwrap();
        for name in ["junit.xml", "run.json", "harness-jwks.json", "notes.txt", "junit.xml.bak"] {
            std::fs::write(dir.join(name), "old").unwrap();
        }
        let (removed, failed) = remove_earlier(&dir);
        assert_eq!(removed, ["run.json", "junit.xml", "harness-jwks.json"]);
        assert!(failed.is_empty());
        assert!(
            dir.join("report.html").is_dir() && dir.join("notes.txt").exists() && dir.join("junit.xml.bak").exists()
        );
        assert_eq!(remove_earlier(&dir.join("absent")).0, Vec::<&str>::new());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn links_between_folders_are_relative() {
        let root = std::env::temp_dir().join(format!("setconform-output-{}", std::process::id()));
        let (a, b) = (root.join("matrix"), root.join("runs/ref"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("report.html"), "x").unwrap();
        assert_eq!(relative_to(&a, &b.join("report.html")), "../runs/ref/report.html");
        assert_eq!(relative_to(&b, &b.join("report.html")), "report.html");
        let _ = std::fs::remove_dir_all(root);
    }
}
