//! The `manual` adapter: what a person is asked to do.

use super::TriggerAction;

impl TriggerAction {
    /// What a person has to do, for the `manual` adapter (nothing at `release`).
    pub fn instructions(&self, scenario: &str) -> Option<String> {
        Some(match self {
            TriggerAction::Register { body } => format!(
                "[{scenario}] configure the SUT for the harness: issuer {}, audience {}, keys in harness-jwks.json{}{}",
                body["harness_issuer"],
                body["harness_audience"],
                body.get("jwks_uri").map(|u| format!(" and at {u}")).unwrap_or_default(),
                body.get("endpoint").map(|e| format!(", endpoint {e}")).unwrap_or_default()
            ),
            TriggerAction::Queue { count, .. } => {
                format!("[{scenario}] make the SUT queue {count} SET(s) for the harness now")
            }
            TriggerAction::Initiate { .. } => format!("[{scenario}] make the SUT send a request to the harness now"),
            TriggerAction::Release { .. } => return None,
        })
    }
}
