//! The stable harness endpoint: one TLS listener for the whole run at a fixed
//! address and base path (sut.yaml `harness.listen` with a port, `harness.path`),
//! so that a SUT configured once can be pointed at it.
//!
//! Scenarios register a [`Route`] while they run (their endpoint, their
//! `jwks_uri`) and the route is removed when the [`RouteGuard`] drops. A
//! request goes to the newest route that claims its path: each route's paths
//! start with a private segment under the base path, so parallel scenarios
//! each get only their own requests, and a request for a scenario that is
//! over gets a 404. When the SUT shares one peer across scenarios (`setup:
//! per-run` or `static`), it was given the bare base URL and a path per
//! binding: such a request goes to the newest endpoint route of that path, the
//! scenario running now (they run one at a time).

use super::pki::HarnessPki;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use setconform_tls::ClientCertificate;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// What a scenario serves on the stable listener.
pub(crate) trait Route: Send + Sync {
    /// Whether the route serves a request for `path`.
    fn claims(&self, path: &str) -> bool;
    /// Whether a request for the bare base URL followed by `rest` may go to it
    /// (an endpoint's; nothing else takes them).
    fn takes_bare(&self, _rest: &str) -> bool {
        false
    }
    /// Whether it is a scenario's endpoint (which notes requests for no one).
    fn is_endpoint(&self) -> bool {
        false
    }
    /// Answers a request; `bare`: it was for the base URL, not the route's own.
    fn serve(&self, request: axum::extract::Request, bare: bool) -> BoxFuture<'static, Response>;
    /// Notes a request no route claimed, when this is the only endpoint listening.
    fn stray(&self, _method: &axum::http::Method, _path: &str) {}
}

struct Inner {
    base_path: String,
    /// Route bare base-URL requests to the newest endpoint (one shared peer).
    shares_peer: bool,
    routes: Mutex<Vec<(u64, Arc<dyn Route>)>>,
    next: AtomicU64,
}

/// The run's one listener; its routes are added and removed by scenarios.
pub struct StableRouter {
    /// The base URL the SUT is told, e.g. `https://127.0.0.1:9443/setconform`.
    pub base_url: String,
    inner: Arc<Inner>,
    _stop: watch::Sender<bool>,
}

impl std::fmt::Debug for StableRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StableRouter").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

/// Removes its route from the router when dropped (the scenario is over).
pub struct RouteGuard {
    inner: Arc<Inner>,
    id: u64,
}

impl Drop for RouteGuard {
    fn drop(&mut self) {
        self.inner.routes.lock().unwrap_or_else(|e| e.into_inner()).retain(|(id, _)| *id != self.id);
    }
}

impl StableRouter {
    /// Listens on `addr` over TLS with the harness's certificate, serving under `base_path`.
    pub async fn start(
        addr: SocketAddr,
        base_path: &str,
        public_base: Option<&str>,
        shares_peer: bool,
        pki: &HarnessPki,
    ) -> std::io::Result<StableRouter> {
        let listener = TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        let inner = Arc::new(Inner {
            base_path: base_path.to_owned(),
            shares_peer,
            routes: Mutex::new(Vec::new()),
            next: AtomicU64::new(0),
        });
        let listener = super::listener::tls_listener(listener, pki, super::listener::Transport::Tls)?;
        let service = Router::new()
            .fallback(dispatch)
            .with_state(inner.clone())
            .into_make_service_with_connect_info::<ClientCertificate>();
        let (stop, mut stopped) = watch::channel(false);
        let shutdown = async move {
            let _ = stopped.changed().await;
        };
        tokio::spawn(async move { axum::serve(listener, service).with_graceful_shutdown(shutdown).await });
        let base_url = super::listener::public_url(public_base, "https", bound, base_path);
        Ok(StableRouter { base_url, inner, _stop: stop })
    }

    /// The base path every route lives under.
    pub fn base_path(&self) -> &str {
        &self.inner.base_path
    }

    /// Adds `route` until the guard drops.
    pub(crate) fn add(&self, route: Arc<dyn Route>) -> RouteGuard {
        let id = self.inner.next.fetch_add(1, Ordering::SeqCst);
        self.inner.routes.lock().unwrap_or_else(|e| e.into_inner()).push((id, route));
        RouteGuard { inner: self.inner.clone(), id }
    }
}

async fn dispatch(State(inner): State<Arc<Inner>>, request: axum::extract::Request) -> Response {
    let path = request.uri().path().to_owned();
    let routes: Vec<Arc<dyn Route>> =
        inner.routes.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|(_, r)| r.clone()).collect();
    if let Some(route) = routes.iter().rev().find(|r| r.claims(&path)) {
        return route.serve(request, false).await;
    }
    if inner.shares_peer
        && let Some(rest) = path.strip_prefix(&inner.base_path)
        && let Some(route) = routes.iter().rev().find(|r| r.takes_bare(rest))
    {
        return route.serve(request, true).await;
    }
    let endpoints: Vec<&Arc<dyn Route>> = routes.iter().filter(|r| r.is_endpoint()).collect();
    if let [only] = endpoints.as_slice() {
        only.stray(request.method(), &path);
    }
    (StatusCode::NOT_FOUND, "no endpoint at this path").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::endpoint::{ClientCredentials, EndpointAuth, HarnessEndpoint, Reply};
    use std::time::Duration;

    fn auth() -> EndpointAuth {
        EndpointAuth {
            publish_metadata: false,
            client: ClientCredentials { client_id: "c".into(), client_secret: "s".into() },
        }
    }

    fn client(pki: &HarnessPki) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
        reqwest::Client::builder().tls_certs_merge([ca]).no_proxy().build().unwrap()
    }

    /// Answers the next request at `endpoint` with `status`, returning its body.
    async fn answer(endpoint: &mut HarnessEndpoint, status: u16) -> Option<Vec<u8>> {
        let inbound = endpoint.next(Duration::from_millis(300)).await?;
        let reply = Reply { status, content_type: "text/plain".into(), body: Vec::new(), headers: Vec::new() };
        let _ = inbound.reply.send(reply);
        Some(inbound.request.body)
    }

    async fn post(client: &reqwest::Client, url: String, body: &'static str) -> tokio::task::JoinHandle<u16> {
        let client = client.clone();
        tokio::spawn(async move { client.post(url).body(body).send().await.map_or(0, |r| r.status().as_u16()) })
    }

    #[tokio::test]
    async fn two_scenarios_at_once_each_get_only_their_own_requests_and_an_ended_one_gets_404() {
        let pki = HarnessPki::generate().unwrap();
        let router = StableRouter::start("127.0.0.1:0".parse().unwrap(), "/conf", None, false, &pki).await.unwrap();
        let mut a = HarnessEndpoint::routed(&router, Duration::from_secs(5), "/push", None, auth());
        let mut b = HarnessEndpoint::routed(&router, Duration::from_secs(5), "/push", None, auth());
        assert!(a.url.starts_with(&format!("{}/", router.base_url)) && a.url != b.url);
        let client = client(&pki);
        let to_b = post(&client, b.url.clone(), "for b").await;
        let to_a = post(&client, a.url.clone(), "for a").await;
        assert_eq!(answer(&mut a, 202).await.as_deref(), Some(&b"for a"[..]));
        assert_eq!(answer(&mut b, 202).await.as_deref(), Some(&b"for b"[..]));
        assert_eq!((to_a.await.unwrap(), to_b.await.unwrap()), (202, 202));
        assert!(answer(&mut a, 202).await.is_none() && answer(&mut b, 202).await.is_none());

        // Scenario b is over: a late request for it is refused, and not handed to a.
        let late = b.url.clone();
        drop(b);
        assert_eq!(post(&client, late, "late").await.await.unwrap(), 404);
        // Each scenario was told its own URL: the bare base URL is no one's.
        assert_eq!(post(&client, format!("{}/push", router.base_url), "bare").await.await.unwrap(), 404);
        assert!(answer(&mut a, 202).await.is_none());
        assert_eq!(a.strays().0, 2, "with one endpoint left, it notes what came for no one");
    }

    #[tokio::test]
    async fn with_one_shared_peer_the_bare_url_reaches_the_scenario_running_now() {
        let pki = HarnessPki::generate().unwrap();
        let router = StableRouter::start("127.0.0.1:0".parse().unwrap(), "/conf", None, true, &pki).await.unwrap();
        let client = client(&pki);
        let bare = format!("{}/push", router.base_url);
        for body in ["first scenario", "second scenario"] {
            let mut now = HarnessEndpoint::routed(&router, Duration::from_secs(5), "/push", Some("/push"), auth());
            let sent = post(&client, bare.clone(), body).await;
            assert_eq!(answer(&mut now, 200).await.as_deref(), Some(body.as_bytes()));
            assert_eq!(sent.await.unwrap(), 200);
            // A peer of another binding, still sending, is not taken for this scenario's.
            let other = post(&client, format!("{}/pushpull", router.base_url), "another binding").await;
            assert_eq!(other.await.unwrap(), 404);
            assert!(answer(&mut now, 200).await.is_none());
        }
        // Between scenarios nothing listens.
        assert_eq!(post(&client, bare, "between").await.await.unwrap(), 404);
    }
}
