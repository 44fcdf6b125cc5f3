//! Conformance profiles: what a SUT claims.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    pub id: String,
    pub title: String,
    pub protocol: String,
    pub binding: String,
    pub role: String,
    pub description: String,
    /// Optional behaviours a SUT may declare, with what each means.
    #[serde(default)]
    pub capabilities: BTreeMap<String, String>,
}
