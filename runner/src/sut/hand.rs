//! What a SUT configured by hand (`setup: static`) needs to know of the
//! harness, as `setconform keys --sut` prints it: who signs the harness's SETs
//! and with which keys, the audience it wants in the SUT's SETs, where its
//! endpoint and `jwks_uri` are on the stable listener, the endpoint token,
//! and the CA its certificates chain to.

use super::SutSetup;
use crate::catalogue::Catalogue;
use serde_json::{Value, json};

/// The harness's identity and endpoints for `sut`, as JSON.
pub fn configuration(sut: &SutSetup, catalogue: &Catalogue) -> Value {
    let base = sut.harness_stable.as_ref().map(|s| s.base_url(sut.harness_public_base.as_deref()));
    let mut endpoints = serde_json::Map::new();
    for profile in sut.profiles.iter().filter_map(|p| catalogue.profiles.get(p).map(|def| (p, def))) {
        let (name, def) = profile;
        if def.sut_sends()
            && let Some(base) = &base
        {
            let path = super::setup::shared_endpoint_path(def.delivery());
            endpoints.insert(name.clone(), json!(format!("{base}{path}")));
        }
    }
    let ca = match &sut.harness_pki {
        Some(_) => json!("harness.ca_file of sut.yaml: the SUT trusts it for the harness's URLs"),
        None => json!(
            "none configured: each run generates a CA (written to OUT/harness-ca.pem), which a SUT set up \
             in advance cannot trust; make one with `setconform keys --write-ca DIR` and name it in \
             harness.ca_file and harness.ca_key_file"
        ),
    };
    let mut configuration = json!({
        "setup": sut.setup.name(),
        "issuer": sut.harness_issuer,
        "audience_of_harness_sets": sut.sut_audience,
        "audience_the_harness_wants": sut.harness_audience,
        "jwks": crate::set::HarnessKeys::get().jwks(),
        "jwks_uri": base.as_ref().map(|b| format!("{b}/jwks.json")),
        "endpoints": endpoints,
        "endpoint_token": sut.fixed_endpoint_token(),
        "endpoint_token_note": "a test token: it is fixed and printed here, so it protects nothing; use it for testing only",
        "peer": sut.static_peer,
        "ca": ca,
        "stable_endpoint": base.clone().map_or_else(
            || json!("none: give harness.listen a port (e.g. 127.0.0.1:9443) for a fixed endpoint URL"),
            Value::String,
        ),
    });
    if let (Some(stable), Some(base)) = (&sut.harness_stable, &base)
        && sut.profiles.iter().any(|p| p == "ssf-receiver")
    {
        configuration["ssf_receiver"] = ssf_transmitter(sut, base, &stable.path);
    }
    configuration
}

/// What an SSF receiver configured by hand is given: its transmitter's issuer
/// and metadata URL (SSF §7.2), the token endpoint and its client credentials.
fn ssf_transmitter(sut: &SutSetup, base_url: &str, base_path: &str) -> Value {
    let path = super::setup::ssf_issuer_path(&sut.harness_issuer, base_url, base_path);
    let origin = base_url.strip_suffix(base_path).unwrap_or(base_url);
    json!({
        "issuer": format!("{origin}{path}"),
        "configuration_url": format!("{origin}/.well-known/ssf-configuration{path}"),
        "token_endpoint": format!("{origin}{path}/token"),
        "client_id": sut.ssf_client.client_id,
        "client_secret": "harness.client_secret of sut.yaml (a fixed test secret when absent)",
    })
}
