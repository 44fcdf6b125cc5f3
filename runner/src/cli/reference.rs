//! `setconform reference`: the reference transceiver on its own, as a SUT for
//! `run --sut`, until Ctrl-C.

use super::Error;
use super::args::SsfReceiverArgs;
use setconform::run::exit;
use setconform_reference::{Fault, Reference, ReferenceConfig, SSF_RECEIVERS};
use std::net::SocketAddr;
use std::path::PathBuf;

pub fn serve(
    listen: SocketAddr,
    fault: Option<String>,
    ssf_endpoint_ca: Option<PathBuf>,
    ssf_receiver: SsfReceiverArgs,
) -> Result<i32, Error> {
    if !listen.ip().is_loopback() {
        return Err(Error::NotLoopback);
    }
    // SSF push streams go to endpoints whose certificates chain to this CA (the harness's kept one).
    let ssf_endpoint_ca = ssf_endpoint_ca
        .map(|path| std::fs::read_to_string(&path).map_err(|source| Error::ReadCa { path, source }))
        .transpose()?;
    let fault = fault.map(|name| Fault::from_name(&name).ok_or(Error::UnknownFault(name))).transpose()?;
    let ssf_transmitter = ssf_receiver.member()?;
    let runtime = tokio::runtime::Runtime::new().map_err(Error::Runtime)?;
    runtime.block_on(async {
        let by_hand = ssf_transmitter.as_ref().map(|m| m["issuer"].to_string());
        let config = ReferenceConfig { listen, fault, ssf_endpoint_ca, ssf_transmitter, ..ReferenceConfig::default() };
        let reference = Reference::start(config).await.map_err(|source| Error::Listen { listen, source })?;
        println!("pushpull endpoint: {}", reference.pushpull_url());
        println!("push endpoint (RFC 8935): {}", reference.push_url());
        println!("multi-SET push endpoint: {}", reference.msp_url());
        println!("poll endpoint (RFC 8936): {}", reference.poll_url());
        println!("control API (http trigger): {}", reference.control_url());
        println!("SSF transmitter issuer: {}", reference.ssf_issuer());
        println!("SSF metadata: {}", reference.ssf_metadata_url());
        println!("SSF token endpoint (client credentials): {}", reference.ssf_token_url());
        for (client_id, secret, static_token) in SSF_RECEIVERS {
            println!("SSF receiver: client_id {client_id}, client_secret {secret}, static token {static_token}");
        }
        println!("TLS: trust the CA in reference/keys/tls/ca.pem (also printed below)");
        print!("{}", String::from_utf8_lossy(Reference::ca_pem()));
        if let Some(issuer) = by_hand {
            println!("SSF receiver: configuring a stream at the transmitter {issuer} (tried until it answers)");
        }
        println!("stop with Ctrl-C");
        let _ = tokio::signal::ctrl_c().await;
        Ok(exit::CONFORMANT)
    })
}

impl SsfReceiverArgs {
    /// The transmitter as the `ssf` member of a registration, if one is named.
    fn member(&self) -> Result<Option<serde_json::Value>, Error> {
        let Some(issuer) = self.ssf_issuer.as_deref().map(|i| i.trim_end_matches('/')) else { return Ok(None) };
        let client_secret = match &self.ssf_client_secret_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| Error::Problems(vec![format!("--ssf-client-secret-file {}: {e}", path.display())]))?
                .trim()
                .to_owned(),
            None => setconform::sut::setup::DEFAULT_SSF_CLIENT_SECRET.to_owned(),
        };
        let configuration_url =
            setconform::ssf::metadata_url(issuer).map_err(|e| Error::Problems(vec![format!("--ssf-issuer: {e}")]))?;
        Ok(Some(serde_json::json!({
            "configuration_url": configuration_url,
            "issuer": issuer,
            "token_endpoint": self.ssf_token_endpoint.clone().unwrap_or_else(|| format!("{issuer}/token")),
            "client_id": self.ssf_client_id,
            "client_secret": client_secret,
            "delivery": self.ssf_delivery,
        })))
    }
}
