//! The YAML reader every input file shares (sut.yaml, waivers, the catalogue):
//! a key given twice is an error, the file may not expand (through aliases)
//! beyond a fixed number of nodes, and each problem is said in the user's
//! terms with its line and column.

use serde_json::Value;
use serde_saphyr::budget::{Budget, BudgetBreach};
use serde_saphyr::{DuplicateKeyPolicy, Error, Options};

/// Parses `text` into a JSON value; the error is the user's text of the problem.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut options = Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.budget = Some(Budget::default());
    serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|e| describe(&e))
}

/// `error` without the library's wording: where, then what.
fn describe(error: &Error) -> String {
    let inner = innermost(error);
    let what = match inner {
        Error::DuplicateMappingKey { key: Some(key), .. } => format!("key `{key}` appears twice"),
        Error::DuplicateMappingKey { key: None, .. } => "a key appears twice in one mapping".to_owned(),
        Error::Budget { breach, .. } => breached(breach),
        Error::AliasReplayLimitExceeded { .. } | Error::AliasExpansionLimitExceeded { .. } => {
            let limit = Budget::default().max_nodes;
            format!("too many aliases: the file expands beyond {limit} nodes")
        }
        other => other.without_snippet().to_string(),
    };
    match inner.location().or_else(|| error.location()).filter(|l| l.line() > 0) {
        Some(at) if !what.starts_with("line ") => format!("line {}, column {}: {what}", at.line(), at.column()),
        _ => what,
    }
}

/// The error below the library's wrappers (a source snippet, an alias's use).
fn innermost(mut error: &Error) -> &Error {
    while let Error::AliasError { error: inner, .. } | Error::WithSnippet { error: inner, .. } = error {
        error = inner;
    }
    error
}

/// Which limit of the reader the file broke, in the user's terms.
fn breached(breach: &BudgetBreach) -> String {
    let limits = Budget::default();
    match breach {
        BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => {
            format!("too many aliases / nodes: the file expands beyond {} nodes", limits.max_nodes)
        }
        BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
            format!(
                "too many aliases: more than {} or more than {} per anchor",
                limits.max_aliases, limits.alias_anchor_ratio_multiplier
            )
        }
        BudgetBreach::Depth { .. } => format!("nested deeper than {} levels", limits.max_depth),
        BudgetBreach::ScalarBytes { .. } => {
            format!("its values are longer than {} bytes together", limits.max_total_scalar_bytes)
        }
        other => format!("too large for the reader ({other:?})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_is_named_with_its_place() {
        let e = parse("name: x\nprofiles: [a]\nprofiles: [b]\n").unwrap_err();
        assert_eq!(e, "line 3, column 1: key `profiles` appears twice");
    }

    #[test]
    fn an_alias_bomb_is_refused_in_the_users_terms() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.contains("too many aliases") && e.starts_with("line "), "{e}");
        assert!(!e.contains("budget") && !e.contains("Nodes"), "{e}");
    }
}
