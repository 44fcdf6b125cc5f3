//! JSON Schema validation of wire messages and of the suite's own files.
//!
//! Every schema in `schemas/` is loaded into one offline registry: a `$ref`
//! to anything not embedded is a build error, never a network fetch.

use crate::embedded;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const ID_BASE: &str = "https://schemas.setconform.invalid/";

/// One way an instance breaks a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaViolation {
    /// JSON Pointer into the instance.
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for SchemaViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{at}: {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("no schema named {0:?} (known: {1})")]
    Unknown(String, String),
    #[error("schema {name}: {message}")]
    Invalid { name: String, message: String },
}

/// All embedded schemas, compiled once.
pub struct Schemas {
    validators: BTreeMap<String, jsonschema::Validator>,
}

impl Schemas {
    /// The process-wide set, built from the embedded files on first use.
    pub fn embedded() -> &'static Schemas {
        static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
        SCHEMAS.get_or_init(|| {
            Schemas::build(embedded::files_under("schemas/").filter(|(p, _)| !p.starts_with("schemas/examples/")))
                .expect("embedded schemas compile (checked by the test suite)")
        })
    }

    /// Compiles schema documents given as (path, text).
    pub fn build<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Schemas, SchemaError> {
        let mut docs = BTreeMap::new();
        for (path, text) in files {
            let name = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".json").to_owned();
            let doc: Value = serde_json::from_str(text)
                .map_err(|e| SchemaError::Invalid { name: name.clone(), message: e.to_string() })?;
            docs.insert(name, doc);
        }
        let invalid = |name: &str, e: &dyn std::fmt::Display| SchemaError::Invalid {
            name: name.to_owned(),
            message: e.to_string(),
        };
        let mut builder = jsonschema::Registry::new();
        for (name, doc) in &docs {
            builder = builder.add(format!("{ID_BASE}{name}.json"), doc.clone()).map_err(|e| invalid(name, &e))?;
        }
        let registry = builder.prepare().map_err(|e| invalid("registry", &e))?;
        let mut validators = BTreeMap::new();
        for (name, doc) in &docs {
            let validator = jsonschema::draft202012::options()
                .with_registry(&registry)
                .offline()
                .build(doc)
                .map_err(|e| invalid(name, &e))?;
            validators.insert(name.clone(), validator);
        }
        Ok(Schemas { validators })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.validators.keys().map(String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.validators.contains_key(name)
    }

    /// Every violation of schema `name` by `instance`; empty when valid.
    pub fn validate(&self, name: &str, instance: &Value) -> Result<Vec<SchemaViolation>, SchemaError> {
        let validator = self.validator(name)?;
        Ok(validator
            .iter_errors(instance)
            .map(|e| SchemaViolation { pointer: e.instance_path().to_string(), message: e.to_string() })
            .collect())
    }

    /// The same, each message showing the offending value as `show` renders
    /// it from its pointer and value (an input file's error: cut short, secrets withheld).
    pub fn validate_shown(
        &self,
        name: &str,
        instance: &Value,
        show: impl Fn(&str, &Value) -> String,
    ) -> Result<Vec<SchemaViolation>, SchemaError> {
        let validator = self.validator(name)?;
        Ok(validator
            .iter_errors(instance)
            .map(|e| {
                let pointer = e.instance_path().to_string();
                let message = e.masked_with(show(&pointer, e.instance())).to_string();
                SchemaViolation { pointer, message }
            })
            .collect())
    }

    fn validator(&self, name: &str) -> Result<&jsonschema::Validator, SchemaError> {
        self.validators
            .get(name)
            .ok_or_else(|| SchemaError::Unknown(name.to_owned(), self.names().collect::<Vec<_>>().join(", ")))
    }
}
