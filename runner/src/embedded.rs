//! The catalogue files compiled into the binary (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Embedded files whose repository-relative path starts with `prefix`.
pub fn files_under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied().filter(move |(path, _)| path.starts_with(prefix))
}
