//! The receiver's stream at the transmitter (SSF §8.1.1): the create request,
//! what the reference keeps of the answer, re-reading its status (SSF §8.1.2.1)
//! and deleting it (SSF §8.1.1.5).

use super::calls;
use super::error::{SetupError, Step};
use super::registration::DeliveryChoice;
use crate::fault::Fault;
use crate::ssf::{LEGACY_POLL_METHOD, LEGACY_PUSH_METHOD, POLL_METHOD, PUSH_METHOD, VERIFICATION_EVENT};
use serde_json::{Value, json};

/// The CAEP 1.0 event types (CAEP §3) the reference asks for, with the SSF
/// verification event (SSF §8.1.4.1).
pub const EVENTS_REQUESTED: [&str; 9] = [
    "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
    "https://schemas.openid.net/secevent/caep/event-type/token-claims-change",
    "https://schemas.openid.net/secevent/caep/event-type/credential-change",
    "https://schemas.openid.net/secevent/caep/event-type/assurance-level-change",
    "https://schemas.openid.net/secevent/caep/event-type/device-compliance-change",
    "https://schemas.openid.net/secevent/caep/event-type/session-established",
    "https://schemas.openid.net/secevent/caep/event-type/session-presented",
    "https://schemas.openid.net/secevent/caep/event-type/risk-level-change",
    VERIFICATION_EVENT,
];

/// Where and how a push stream delivers to the reference (SSF §6.1.1).
pub struct PushTarget {
    /// The reference's push endpoint (RFC 8935).
    pub endpoint_url: String,
    /// The `Authorization` value the transmitter is to present there.
    pub authorization_header: String,
}

/// The create request (SSF §8.1.1.1): push or poll delivery, the events wanted.
pub fn create_body(delivery: DeliveryChoice, push: &PushTarget, fault: Option<Fault>) -> Value {
    // SSF §6.1 (SSF-DLV-001, SSF-DLV-005): the methods are named by their RFC URNs.
    let legacy = fault == Some(Fault::SsfRcvLegacyDeliveryMethod);
    let delivery = match delivery {
        DeliveryChoice::Push => {
            let mut d = json!({ "method": if legacy { LEGACY_PUSH_METHOD } else { PUSH_METHOD } });
            // SSF §6.1.1 (SSF-DLV-002): a push stream names the receiver's endpoint.
            if fault != Some(Fault::SsfRcvNoEndpointUrl) {
                d["endpoint_url"] = json!(push.endpoint_url);
            }
            // SSF §6.1.1 (SSF-DLV-004): and how the transmitter authenticates there.
            if fault != Some(Fault::SsfRcvNoAuthorizationHeader) {
                d["authorization_header"] = json!(push.authorization_header);
            }
            d
        }
        DeliveryChoice::Poll => json!({ "method": if legacy { LEGACY_POLL_METHOD } else { POLL_METHOD } }),
    };
    json!({
        "delivery": delivery,
        "events_requested": EVENTS_REQUESTED,
        "description": "setconform reference receiver",
    })
}

/// What the reference keeps of the create answer.
#[derive(Debug, Clone)]
pub struct Created {
    pub stream_id: String,
    pub iss: String,
    /// The audience the stream's SETs carry: `aud` as a string, or the first of its array.
    pub audience: String,
    /// The poll endpoint, for a poll stream (SSF §6.1.2).
    pub endpoint_url: Option<String>,
}

/// Creates the stream.
pub async fn create(
    client: &reqwest::Client,
    configuration_endpoint: &str,
    token: &str,
    body: &Value,
) -> Result<Created, SetupError> {
    let step = Step::Create;
    let answer = calls::object(step, client.post(configuration_endpoint).bearer_auth(token).json(body)).await?;
    // SSF §8.1.1: `aud` is a string or an array of strings; the SETs carry it as given.
    let audience = match answer.get("aud") {
        Some(Value::String(a)) => Some(a.clone()),
        Some(Value::Array(list)) => list.first().and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    Ok(Created {
        stream_id: calls::text(&answer, step, "stream_id")?,
        iss: calls::text(&answer, step, "iss")?,
        audience: audience.ok_or(SetupError::Malformed { step, field: "aud" })?,
        endpoint_url: answer.pointer("/delivery/endpoint_url").and_then(Value::as_str).map(str::to_owned),
    })
}

/// Deletes the stream (SSF §8.1.1.5), best effort.
pub async fn delete(
    client: &reqwest::Client,
    configuration_endpoint: &str,
    token: &str,
    stream_id: &str,
) -> Result<(), SetupError> {
    let request = client.delete(calls::with_stream_id(configuration_endpoint, stream_id)).bearer_auth(token);
    calls::status(Step::Delete, request).await
}

/// Reads the stream's status (SSF §8.1.2.1).
pub async fn read_status(
    client: &reqwest::Client,
    status_endpoint: &str,
    token: &str,
    stream_id: &str,
) -> Result<String, SetupError> {
    let request = client.get(calls::with_stream_id(status_endpoint, stream_id)).bearer_auth(token);
    let answer = calls::object(Step::Status, request).await?;
    calls::text(&answer, Step::Status, "status")
}

/// Asks for a verification event carrying `state` (SSF §8.1.4.2).
pub async fn request_verification(
    client: &reqwest::Client,
    verification_endpoint: &str,
    token: &str,
    stream_id: &str,
    state: &str,
) -> Result<(), SetupError> {
    let body = json!({ "stream_id": stream_id, "state": state });
    calls::status(Step::Verification, client.post(verification_endpoint).bearer_auth(token).json(&body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> PushTarget {
        PushTarget { endpoint_url: "https://127.0.0.1:1/push".into(), authorization_header: "Bearer t".into() }
    }

    #[test]
    fn the_create_request_names_the_delivery_as_ssf_1_0_does() {
        let push = create_body(DeliveryChoice::Push, &target(), None);
        let expected = json!({ "method": PUSH_METHOD, "endpoint_url": "https://127.0.0.1:1/push", "authorization_header": "Bearer t" });
        assert_eq!(push["delivery"], expected);
        assert_eq!(push["events_requested"].as_array().map(Vec::len), Some(EVENTS_REQUESTED.len()));
        assert_eq!(create_body(DeliveryChoice::Poll, &target(), None)["delivery"], json!({ "method": POLL_METHOD }));
    }

    #[test]
    fn the_delivery_faults_change_one_member_each() {
        let push = |fault| create_body(DeliveryChoice::Push, &target(), Some(fault))["delivery"].clone();
        assert_eq!(push(Fault::SsfRcvLegacyDeliveryMethod)["method"], LEGACY_PUSH_METHOD);
        assert!(push(Fault::SsfRcvNoEndpointUrl).get("endpoint_url").is_none());
        assert!(push(Fault::SsfRcvNoAuthorizationHeader).get("authorization_header").is_none());
        let poll = create_body(DeliveryChoice::Poll, &target(), Some(Fault::SsfRcvLegacyDeliveryMethod));
        assert_eq!(poll["delivery"]["method"], LEGACY_POLL_METHOD);
    }
}
