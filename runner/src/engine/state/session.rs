//! Who the harness is at the SUT, and who the SUT is to the harness: the
//! peer registration, the credentials each side presents, and the keys each
//! side's SETs are checked against.

use crate::harness::endpoint::ClientCredentials;
use crate::harness::key_server::KeyServer;
use crate::set::{Minter, SetTrust};

pub struct Session {
    /// The SUT's id for the harness as its peer, once registered.
    pub peer: Option<String>,
    /// Bearer token the harness presents to the SUT.
    pub token: Option<String>,
    /// Where to poll in this scenario, when the registration named it (an SSF stream's poll URL).
    pub poll_endpoint: Option<String>,
    /// Bearer token the SUT is told to present at the harness's endpoint.
    pub endpoint_token: String,
    /// The client the harness's authorization server knows the SUT as (pushpull §8.2).
    pub oauth_client: Option<ClientCredentials>,
    /// The certificate (DER) the SUT said at registration it presents as a TLS client.
    pub sut_client_certificate: Option<Vec<u8>>,
    /// What the SUT's SETs are checked against: its issuer, audience and keys.
    pub sut_trust: SetTrust,
    /// How the harness mints SETs for the SUT.
    pub minter: Minter,
    /// The harness's JWKS URL, given to the SUT at registration.
    pub key_server: Option<KeyServer>,
    /// How many times the SUT had fetched that URL when the harness rotated its key.
    pub fetches_at_rotation: Option<usize>,
    /// Key ids the harness has fetched the SUT's `jwks_uri` for (once each, SSF-SET-012).
    pub kids_fetched_for: Vec<String>,
    /// How many of the SUT's SETs have been looked at for new key ids.
    pub kids_scanned: usize,
}

impl Session {
    pub fn new(token: Option<String>, sut_trust: SetTrust, minter: Minter) -> Session {
        Session {
            peer: None,
            token,
            poll_endpoint: None,
            endpoint_token: String::new(),
            oauth_client: None,
            sut_client_certificate: None,
            sut_trust,
            minter,
            key_server: None,
            fetches_at_rotation: None,
            kids_fetched_for: Vec::new(),
            kids_scanned: 0,
        }
    }

    /// The SUT's id for the harness as its peer, once registered.
    pub fn peer_id(&self) -> Option<&str> {
        self.peer.as_deref()
    }

    /// The harness's JWKS URL publishes its next key from now on.
    pub fn rotate_key(&mut self) {
        if let Some(server) = &self.key_server {
            self.fetches_at_rotation.get_or_insert(server.fetches());
            server.rotate();
        }
    }
}
