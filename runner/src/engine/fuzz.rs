//! Bytes a SUT sends, fed through everything in the engine that reads them:
//! the entry point of the `sut_message` fuzz target and its regression test.

use super::context::{Context, RunEnv};
use super::{checks, content};
use crate::catalogue::{Binding, Catalogue, Expectation, Origin};
use crate::sut::{ReferenceUrls, SutSetup};
use crate::wire::{Observed, Wire, WireLimits};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct Harness {
    env: RunEnv,
    /// Every expectation any scenario declares: each check, with the arguments it is used with.
    expectations: Vec<Expectation>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let catalogue = Catalogue::load(Origin::Embedded).expect("the embedded catalogue loads");
        let expectations =
            catalogue.scenarios.iter().flat_map(|s| &s.steps).flat_map(|step| step.expect.iter().cloned()).collect();
        // Nothing is ever sent: these addresses are never dialled.
        let url = |path: &str| format!("https://127.0.0.1:9/{path}");
        let urls = ReferenceUrls {
            pushpull: url("pushpull"),
            push: url("push"),
            msp: url("msp"),
            poll: url("poll"),
            control: url("control"),
            ssf_issuer: url("ssf"),
            ssf_token: url("ssf/token"),
        };
        let sut = SutSetup::embedded(urls, Vec::new(), None);
        let wire = Wire::new(WireLimits::default(), None, None).expect("a client without extra CAs builds");
        let pki = crate::harness::pki::HarnessPki::generate().expect("a CA for the fuzzed harness");
        let env = RunEnv {
            sut,
            pki: std::sync::Arc::new(pki),
            wire,
            catalogue: std::sync::Arc::new(catalogue),
            seed: 1,
            fixed_iat: Some(1_700_000_000),
            jtis: Default::default(),
            late: Default::default(),
            setup: Default::default(),
            secrets: Default::default(),
        };
        Harness { env, expectations }
    })
}

/// Takes `bytes` as the SUT's answer and as its request on every binding, and as
/// a WebSocket message, then judges every check and the content of any SET in them.
pub fn sut_message(bytes: &[u8]) {
    let harness = harness();
    let Some(scenario) = harness.env.catalogue.scenarios.first() else { return };
    let headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    for binding in [Binding::Http, Binding::Websocket, Binding::Push, Binding::Msp, Binding::Poll] {
        for form in 0..3 {
            let mut ctx = Context::new(&harness.env, scenario, Instant::now() + Duration::from_secs(5));
            ctx.binding = binding;
            ctx.clock.step = 1;
            match form {
                0 => ctx.absorb(Observed {
                    status: 200,
                    headers: headers.clone(),
                    body: bytes.to_vec(),
                    truncated: false,
                }),
                1 => ctx.absorb_request("POST".into(), headers.clone(), bytes.to_vec()),
                _ => ctx.absorb_message(None, None, vec![("opcode".into(), "text".into())], bytes.to_vec(), true),
            }
            for e in &harness.expectations {
                let _ = checks::evaluate(&ctx, &e.check, &e.req);
            }
            let _ = content::judge(&ctx);
        }
    }
}
