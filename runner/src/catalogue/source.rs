//! Reading catalogue and configuration files: YAML or JSON, schema-checked.

use crate::schema::Schemas;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;

/// A problem with an input file, naming the file and where in it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {pointer}: {message}")]
    Invalid { file: String, pointer: String, message: String },
    #[error("{0}: missing")]
    Missing(String),
    /// A scenario file whose name is not the one its id requires (see [`required_file_name`]).
    #[error("{file}: /id: the id {id} requires the file name {required}")]
    Misnamed { file: String, id: String, required: String },
    /// A scenario id with no segment left for the file name once its folders have theirs.
    #[error(
        "{file}: /id: the id {id} is too short for a file {folders} folder(s) below suite/: \
         the folders stand for its first {folders} segment(s) and the file name for the rest"
    )]
    IdTooShort { file: String, id: String, folders: usize },
}

/// A file's name (as shown in errors) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: String,
    text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { name: name.into(), text: text.into() }
    }

    pub fn read(path: &Path) -> Result<SourceFile, LoadError> {
        std::fs::read_to_string(path)
            .map(|text| SourceFile::new(path.display().to_string(), text))
            .map_err(|e| LoadError::Io { file: path.display().to_string(), message: e.to_string() })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn is_under(&self, dir: &str) -> bool {
        self.name.split('/').rev().nth(1) == Some(dir) || self.name.starts_with(&format!("{dir}/"))
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> LoadError {
        LoadError::Invalid { file: self.name.clone(), pointer: pointer.into(), message: message.into() }
    }

    /// Parses the file (JSON by extension, YAML otherwise) into a JSON value.
    pub fn parse(&self) -> Result<Value, LoadError> {
        let syntax = |message: String| LoadError::Syntax { file: self.name.clone(), message };
        if self.name.ends_with(".json") {
            serde_json::from_str(&self.text).map_err(|e| syntax(e.to_string()))
        } else {
            super::yaml::parse(&self.text).map_err(syntax)
        }
    }

    /// Parses and validates against schema `schema`; problems go to `errors`.
    pub fn parse_checked(&self, schemas: &Schemas, schema: &str, errors: &mut Vec<LoadError>) -> Option<Value> {
        let value = match self.parse() {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                return None;
            }
        };
        match schemas.validate_shown(schema, &value, super::shown::at) {
            Ok(violations) if violations.is_empty() => Some(value),
            Ok(violations) => {
                errors.extend(violations.into_iter().map(|v| {
                    let pointer = if v.pointer.is_empty() { "/".to_owned() } else { v.pointer };
                    let message = match value.pointer(&pointer) {
                        // A secret written into the file where its source belongs.
                        Some(Value::String(_)) if pointer.split('/').any(super::shown::holds_secret) => format!(
                            "{}: a secret is not written in the file; name where it is read from, \
                             {{ env: VARIABLE }} or {{ file: PATH }}",
                            super::shown::WITHHELD
                        ),
                        _ => v.message,
                    };
                    self.error(&pointer, message)
                }));
                None
            }
            Err(e) => {
                errors.push(self.error("/", e.to_string()));
                None
            }
        }
    }

    /// Converts a schema-valid value into its typed form.
    pub fn typed<T: DeserializeOwned>(&self, value: Value) -> Result<T, LoadError> {
        serde_json::from_value(value).map_err(|e| self.error("/", e.to_string()))
    }
}

/// The file name scenario `id` requires at `relative`, its path below `suite/`:
/// the id without its first segments, one per folder, with the file's own
/// extension (`pushpull/http/responder/post.empty-object.yaml` for
/// `pushpull.http.responder.post.empty-object`). `None` when the folders use up
/// every segment of the id.
pub fn required_file_name(id: &str, relative: &str) -> Option<String> {
    let (folders, name) = split_path(relative);
    let extension = name.rfind('.').map_or("", |i| &name[i..]);
    let rest = (0..folders).try_fold(id, |rest, _| rest.split_once('.').map(|(_, r)| r))?;
    Some(format!("{rest}{extension}"))
}

/// Checks that the scenario `id` in `file`, whose name starts with the folder
/// `suite_dir`, is in the file its id requires. A file outside `suite_dir` is not judged.
pub fn check_scenario_name(file: &SourceFile, suite_dir: &str, id: &str) -> Result<(), LoadError> {
    let Some(relative) = file.name.strip_prefix(suite_dir).and_then(|r| r.strip_prefix(['/', '\\'])) else {
        return Ok(());
    };
    let (folders, name) = split_path(relative);
    let (file, id) = (file.name.clone(), id.to_owned());
    match required_file_name(&id, relative) {
        Some(required) if required == name => Ok(()),
        Some(required) => Err(LoadError::Misnamed { file, id, required }),
        None => Err(LoadError::IdTooShort { file, id, folders }),
    }
}

/// How many folders a relative path has, and its file name.
fn split_path(relative: &str) -> (usize, &str) {
    let mut parts = relative.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or_default();
    (parts.count(), name)
}

/// Collects every `.yaml`, `.yml` and `.json` file below `dir`, in name order.
pub fn read_tree(dir: &Path, files: &mut Vec<SourceFile>, errors: &mut Vec<LoadError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(LoadError::Io { file: dir.display().to_string(), message: e.to_string() });
            return;
        }
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            read_tree(&path, files, errors);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
            match SourceFile::read(&path) {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
    }
}
