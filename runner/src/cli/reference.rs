//! `setconform reference`: the reference transceiver on its own, as a SUT for
//! `run --sut`, until Ctrl-C.

use super::Error;
use setconform::run::exit;
use setconform_reference::{Fault, Reference, ReferenceConfig, SSF_RECEIVERS};
use std::net::SocketAddr;
use std::path::PathBuf;

pub fn serve(listen: SocketAddr, fault: Option<String>, ssf_endpoint_ca: Option<PathBuf>) -> Result<i32, Error> {
    if !listen.ip().is_loopback() {
        return Err(Error::NotLoopback);
    }
    // SSF push streams go to endpoints whose certificates chain to this CA (the harness's kept one).
    let ssf_endpoint_ca = ssf_endpoint_ca
        .map(|path| std::fs::read_to_string(&path).map_err(|source| Error::ReadCa { path, source }))
        .transpose()?;
    let fault = fault.map(|name| Fault::from_name(&name).ok_or(Error::UnknownFault(name))).transpose()?;
    let runtime = tokio::runtime::Runtime::new().map_err(Error::Runtime)?;
    runtime.block_on(async {
        let config = ReferenceConfig { listen, fault, ssf_endpoint_ca, ..ReferenceConfig::default() };
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
        println!("stop with Ctrl-C");
        let _ = tokio::signal::ctrl_c().await;
        Ok(exit::CONFORMANT)
    })
}
