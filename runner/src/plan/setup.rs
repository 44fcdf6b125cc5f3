//! Planning under a SUT set up once (sut.yaml `setup: per-run` or `static`):
//! the SUT holds one peer for the whole run, with one identity, one endpoint
//! URL and one way to authenticate, so a scenario that needs any of those to
//! be its own cannot run, and says why (N/A at planning, never a silent skip).

use crate::catalogue::{Catalogue, EndpointAuthMode, EndpointCert, Protocol, Role, Scenario};
use crate::sut::{SetupMode, SutSetup};
use serde_json::Value;

/// Why `scenario` cannot run for `profile` when the SUT shares one peer, if it cannot.
pub fn not_with_shared_peer(
    catalogue: &Catalogue,
    sut: &SutSetup,
    scenario: &Scenario,
    profile: &str,
) -> Option<String> {
    if !sut.setup.shares_peer() {
        return None;
    }
    let setup = sut.setup.name();
    if let Some(why) = ssf_receiver_need(catalogue, sut, scenario, profile) {
        return Some(format!("setup: {setup}: {why}"));
    }
    let sut_sends = catalogue.profiles.get(profile).is_some_and(|p| p.sut_sends());
    if sut_sends && sut.harness_stable.is_none() {
        return Some(format!(
            "setup: {setup} needs the stable harness endpoint for a SUT that sends requests: \
             give harness.listen a port (e.g. 127.0.0.1:9443)"
        ));
    }
    own_need(scenario, sut_sends)
        .map(|need| format!("setup: {setup}: the scenario needs {need}, and the SUT holds one peer set up once"))
}

/// Why an `ssf-receiver` scenario cannot run against a receiver set up once:
/// it talks to the run's one transmitter, on the stable listener, with the
/// issuer it was configured with.
fn ssf_receiver_need(catalogue: &Catalogue, sut: &SutSetup, scenario: &Scenario, profile: &str) -> Option<String> {
    let receiver =
        catalogue.profiles.get(profile).is_some_and(|p| p.protocol == Protocol::Ssf && p.role == Role::Receiver);
    if !receiver {
        return None;
    }
    if sut.setup != SetupMode::Static {
        return Some(
            "an SSF receiver is either told of a transmitter per scenario or configured by hand (setup: static)".into(),
        );
    }
    if sut.harness_stable.is_none() {
        return Some("the harness's SSF transmitter for a receiver configured by hand is on the stable listener: give harness.listen a port (e.g. 127.0.0.1:9443)".into());
    }
    mentions(&scenario.written_steps, "foreign").then(|| {
        "the scenario needs a transmitter of its own that names another issuer than the one the receiver was configured with".into()
    })
}

/// What the scenario needs for itself that one peer set up once cannot give.
fn own_need(scenario: &Scenario, sut_sends: bool) -> Option<&'static str> {
    if sut_sends && !scenario.endpoint_tls {
        return Some("an endpoint of its own served without TLS");
    }
    if sut_sends && scenario.endpoint_cert != EndpointCert::Harness {
        return Some("an endpoint of its own with a certificate the SUT must refuse");
    }
    if sut_sends && scenario.endpoint_auth == EndpointAuthMode::Oauth {
        return Some("OAuth protected-resource metadata and client credentials of its own (pushpull §8.2)");
    }
    if sut_sends && mentions(&scenario.written_steps, "resource_metadata") {
        return Some(
            "a first contact with a fresh endpoint (pushpull §8.2: the metadata lookup comes before the first request)",
        );
    }
    if mentions(&scenario.written_steps, "rotated-key") {
        return Some("a rotation of the harness's signing key (SSF-SET-012), which would outlive it");
    }
    if mentions(&scenario.written_steps, "client_certificate") {
        return Some("client certificates exchanged at registration (pushpull §8.2: mutual TLS)");
    }
    None
}

/// Whether `word` is a key or a string anywhere in the steps as written.
fn mentions(steps: &[Value], word: &str) -> bool {
    fn walk(v: &Value, word: &str) -> bool {
        match v {
            Value::String(s) => s == word,
            Value::Array(items) => items.iter().any(|i| walk(i, word)),
            Value::Object(map) => map.iter().any(|(k, v)| k == word || walk(v, word)),
            _ => false,
        }
    }
    steps.iter().any(|s| walk(s, word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Origin;

    #[test]
    fn each_scenario_that_needs_its_own_peer_says_what_it_needs() {
        let catalogue = Catalogue::load(Origin::Embedded).unwrap();
        let need = |id: &str| {
            let scenario = catalogue.scenarios.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("{id}"));
            own_need(scenario, true)
        };
        assert!(need("push.receiver.accept.rotated-key").unwrap().contains("rotation"));
        assert!(need("pushpull.http.initiator.auth.resource-metadata").unwrap().contains("OAuth"));
        assert!(need("pushpull.http.initiator.auth.no-resource-metadata").unwrap().contains("first contact"));
        assert!(need("pushpull.http.responder.auth.client-certificate").unwrap().contains("client certificates"));
        assert!(need("poll.receiver.tls.expired-certificate").unwrap().contains("certificate the SUT must refuse"));
        assert!(need("push.transmitter.tls.cleartext-endpoint").unwrap().contains("without TLS"));
        assert_eq!(need("push.transmitter.retry.after-503"), None);
        assert_eq!(need("push.receiver.accept.valid"), None);
    }
}
