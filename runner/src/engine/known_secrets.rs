//! What a scenario learnt that is a secret, handed to the run's
//! [`crate::secrets::Secrets`] so that no output shows it: the harness's
//! endpoint token and OAuth client, the token the SUT gave at registration,
//! tokens the harness's authorization server issued, the SSF access tokens the
//! harness obtained, and the `authorization_header` of the SUT's push stream
//! (SSF §6.1.1).

use super::context::{Context, RunEnv};
use crate::secrets::Secrets;
use crate::ssf::{SsfAuth, SsfSut};
use crate::sut::SutSetup;
use crate::trigger::TriggerConfig;

impl Context<'_> {
    /// Hands every secret the scenario holds now to the run's set.
    pub(super) fn learn_secrets(&self) {
        let secrets = &self.env.secrets;
        secrets.add(&self.session.endpoint_token);
        if let Some(token) = &self.session.token {
            secrets.add(token);
        }
        if let Some(client) = &self.session.oauth_client {
            secrets.add_client(&client.client_id, &client.client_secret);
        }
        if let Some(endpoint) = &self.link.endpoint {
            endpoint.auth_log().issued.iter().for_each(|t| secrets.add(t));
        }
        if let Some((_, Some(header))) = self.transmitter.push_target() {
            secrets.add(&header);
            secrets.add(header.split_once(' ').map_or(header.as_str(), |(_, credential)| credential));
        }
        learn_ssf(secrets, self.env);
    }
}

/// The secrets sut.yaml gives the run (bearer tokens, client secrets, the
/// harness's fixed endpoint token), and the run's own endpoint token.
pub fn learn_sut(secrets: &Secrets, sut: &SutSetup, endpoint_token: Option<&str>) {
    [sut.bearer_token.as_deref(), sut.static_endpoint_token.as_deref(), endpoint_token]
        .into_iter()
        .flatten()
        .for_each(|s| secrets.add(s));
    secrets.add_client(&sut.ssf_client.client_id, &sut.ssf_client.client_secret);
    for ssf in ssf_suts(sut) {
        for receiver in std::iter::once(&ssf.receiver).chain(&ssf.other_receiver) {
            match receiver.auth() {
                SsfAuth::Bearer(token) => secrets.add(token),
                SsfAuth::ClientCredentials(client) => {
                    if let crate::ssf::ClientAuth::SecretBasic(s) | crate::ssf::ClientAuth::SecretPost(s) = &client.auth
                    {
                        secrets.add_client(&client.client_id, s);
                    }
                }
            }
        }
    }
}

/// The access tokens the harness obtained from the SUT's authorization server.
fn learn_ssf(secrets: &Secrets, env: &RunEnv) {
    for ssf in ssf_suts(&env.sut) {
        for receiver in std::iter::once(&ssf.receiver).chain(&ssf.other_receiver) {
            if let Some(token) = receiver.kept_token() {
                secrets.add(&token);
            }
        }
    }
}

/// The SSF transmitters of sut.yaml: the SUT's, and the trigger's.
fn ssf_suts(sut: &SutSetup) -> impl Iterator<Item = &SsfSut> {
    let trigger = match &sut.trigger {
        Some(TriggerConfig::Ssf(ssf)) => Some(ssf.as_ref()),
        _ => None,
    };
    sut.ssf.as_deref().into_iter().chain(trigger)
}
