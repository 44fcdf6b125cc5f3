//! The `http` adapter's requests: the control API of the SUT contract.

use super::TriggerAction;

impl TriggerAction {
    /// The control API method for this action.
    pub fn http_method(&self) -> &'static str {
        match self {
            TriggerAction::Release { .. } => "DELETE",
            _ => "POST",
        }
    }

    /// The control API URL for this action under `base`.
    pub fn http_url(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        match self {
            TriggerAction::Register { .. } => format!("{base}/peers"),
            TriggerAction::Queue { peer, .. } => format!("{base}/peers/{}/queue", percent_encode(peer)),
            TriggerAction::Initiate { peer } => format!("{base}/peers/{}/initiate", percent_encode(peer)),
            TriggerAction::Release { peer } => format!("{base}/peers/{}", percent_encode(peer)),
        }
    }
}

/// Keeps a SUT-chosen peer id from changing the URL's structure.
fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_ids_cannot_escape_their_path_segment() {
        let a = TriggerAction::Queue { peer: "../x?y".into(), count: 1 };
        assert_eq!(a.http_url("http://127.0.0.1:9/control/"), "http://127.0.0.1:9/control/peers/..%2Fx%3Fy/queue");
    }
}
