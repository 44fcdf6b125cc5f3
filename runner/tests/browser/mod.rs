//! Headless Chromium, driven over the Chrome DevTools Protocol, for looking at
//! an HTML report as a reader does: open it at a fragment, measure the page
//! with `Runtime.evaluate` (allowed although the page's CSP forbids scripts)
//! and keep a screenshot of what is on screen.
//!
//! A case is a few lines:
//!
//! ```ignore
//! let Some(mut browser) = browser::Browser::start_or_skip("the ambiguity section") else { return };
//! browser.viewport(1280, 800);
//! let mut shot = browser.view(&page, "amb-AMB-06");
//! shot.assert_clear_of_filters(&format!("{} h3", browser::by_id("amb-AMB-06")));
//! ```
//!
//! Every step has a deadline, and the browser is killed when the
//! [`Browser`] is dropped, a failed assertion included.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// How long Chromium may take to start and say where it listens.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long one protocol command may take (a navigation, a screenshot, an evaluation).
const STEP_DEADLINE: Duration = Duration::from_secs(30);
/// Smallest PNG taken for a real screenshot of a page (an empty page is far smaller).
const MIN_PNG_BYTES: usize = 8 * 1024;

/// `chromium` or `chromium-browser`, wherever it is on PATH.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// A CSS selector for the element with id `id`, dots and all (report anchors
/// hold `.`, which `#id` would read as a class).
pub fn by_id(id: &str) -> String {
    format!("[id={}]", json!(id))
}

/// A rectangle of the page, in CSS pixels from the viewport's top left (`getBoundingClientRect`).
#[derive(Debug, Clone, Copy)]
pub struct Rect {
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
}

impl Rect {
    fn from(v: &Value) -> Option<Rect> {
        let n = |k: &str| v.get(k).and_then(Value::as_f64);
        Some(Rect { top: n("top")?, bottom: n("bottom")?, left: n("left")?, right: n("right")? })
    }
}

/// A headless Chromium with one tab, reached over its DevTools WebSocket.
pub struct Browser {
    child: Child,
    rt: tokio::runtime::Runtime,
    ws: WebSocketStream<TcpStream>,
    /// The tab's session on the browser's connection (`Target.attachToTarget`, flattened).
    session: String,
    next_id: u64,
    /// Where screenshots go.
    dir: PathBuf,
    viewport: (u32, u32),
}

/// A page as it was shown: its screenshot, saved, and the tab to ask more of it.
pub struct Shot<'b> {
    pub png: Vec<u8>,
    pub path: PathBuf,
    browser: &'b mut Browser,
}

impl Browser {
    /// Starts Chromium, or returns `None` after saying the check is skipped,
    /// when it is not installed; with `SETCONFORM_REQUIRE_BROWSER=1` a missing
    /// browser fails the test instead.
    pub fn start_or_skip(what: &str) -> Option<Browser> {
        match chromium() {
            Some(binary) => Some(Browser::start(&binary)),
            None if std::env::var("SETCONFORM_REQUIRE_BROWSER").as_deref() == Ok("1") => {
                panic!("SETCONFORM_REQUIRE_BROWSER=1 but neither chromium nor chromium-browser is on PATH")
            }
            None => {
                println!("skipped: chromium not installed ({what})");
                None
            }
        }
    }

    /// Starts headless Chromium on `binary`, listening for DevTools on
    /// 127.0.0.1 only, and opens one blank tab of 1280×800.
    pub fn start(binary: &Path) -> Browser {
        let dir = super::common::scratch("browser");
        let mut child = Command::new(binary)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"])
            .args(["--hide-scrollbars", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"])
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let url = listening_on(&mut child);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let ws = rt.block_on(async {
            let step = async {
                let host = url.trim_start_matches("ws://").split('/').next().unwrap_or_default().to_owned();
                let tcp = TcpStream::connect(&host).await.expect("DevTools port accepts");
                tokio_tungstenite::client_async(url.as_str(), tcp).await.expect("DevTools WebSocket").0
            };
            tokio::time::timeout(STEP_DEADLINE, step).await.expect("DevTools connection within its deadline")
        });
        let mut browser = Browser { child, rt, ws, session: String::new(), next_id: 0, dir, viewport: (0, 0) };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let target = target["targetId"].as_str().expect("a target id").to_owned();
        let attached = browser.call("Target.attachToTarget", json!({ "targetId": target, "flatten": true }));
        browser.session = attached["sessionId"].as_str().expect("a session id").to_owned();
        browser.viewport(1280, 800);
        browser
    }

    /// Sizes the tab's viewport, in CSS pixels at a device scale of 1.
    pub fn viewport(&mut self, width: u32, height: u32) {
        let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false });
        self.call("Emulation.setDeviceMetricsOverride", metrics);
        self.viewport = (width, height);
    }

    /// Opens `page` at `#fragment` afresh, as following a link to it would,
    /// waits until it is loaded and laid out, and takes a screenshot of the
    /// viewport, saved as a PNG in the browser's scratch folder (path printed).
    pub fn view(&mut self, page: &Path, fragment: &str) -> Shot<'_> {
        let url = format!("file://{}#{fragment}", page.display());
        // From a blank tab: a fragment of the page already shown would be a
        // scroll within it, not a load.
        self.call("Page.navigate", json!({ "url": "about:blank" }));
        self.until("document.readyState === 'complete' && location.href === 'about:blank'");
        self.call("Page.navigate", json!({ "url": url }));
        let loaded =
            format!("document.readyState === 'complete' && location.hash === {}", json!(format!("#{fragment}")));
        self.until(&loaded);
        // Two frames: layout and the scroll to the fragment are done.
        self.eval("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))");
        let png = self.screenshot();
        let name: String = format!("{}-{}x{}", fragment, self.viewport.0, self.viewport.1)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '_' })
            .collect();
        let path = self.dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).unwrap();
        println!("screenshot: {}", path.display());
        Shot { png, path, browser: self }
    }

    /// The value of a JavaScript expression in the tab (a promise is awaited).
    pub fn eval(&mut self, expression: &str) -> Value {
        let params = json!({ "expression": expression, "returnByValue": true, "awaitPromise": true });
        let result = self.call("Runtime.evaluate", params);
        if let Some(e) = result.get("exceptionDetails") {
            panic!("evaluating {expression}: {e}");
        }
        result["result"].get("value").cloned().unwrap_or(Value::Null)
    }

    /// Polls `condition` until it is true, within one step's deadline.
    fn until(&mut self, condition: &str) {
        let started = Instant::now();
        while self.eval(condition) != Value::Bool(true) {
            assert!(started.elapsed() < STEP_DEADLINE, "not true within {STEP_DEADLINE:?}: {condition}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The viewport as a PNG, checked to be one of the viewport's size.
    fn screenshot(&mut self) -> Vec<u8> {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = shot["data"].as_str().expect("screenshot data");
        let png = base64::engine::general_purpose::STANDARD.decode(data).expect("screenshot is base64");
        let (width, height) = png_size(&png).expect("the screenshot is a PNG");
        assert_eq!((width, height), self.viewport, "screenshot size");
        assert!(png.len() >= MIN_PNG_BYTES, "a screenshot of {} bytes shows next to nothing", png.len());
        png
    }

    /// Sends one DevTools command (to the tab, once attached) and returns its
    /// result; events and other messages on the way are passed over.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        let ws = &mut self.ws;
        let answer = self.rt.block_on(async {
            let step = async {
                ws.send(Message::Text(message.to_string().into())).await.expect("DevTools command sent");
                loop {
                    let frame = ws.next().await.expect("DevTools connection open").expect("DevTools message");
                    let Message::Text(text) = frame else { continue };
                    let v: Value = serde_json::from_str(text.as_str()).expect("DevTools message is JSON");
                    if v["id"] == json!(id) {
                        return v;
                    }
                }
            };
            tokio::time::timeout(STEP_DEADLINE, step).await
        });
        let answer = answer.unwrap_or_else(|_| panic!("{method}: no answer within {STEP_DEADLINE:?}"));
        if let Some(e) = answer.get("error") {
            panic!("{method}: {e}");
        }
        answer["result"].clone()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Shot<'_> {
    /// The value of a JavaScript expression on the page as shown.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.browser.eval(expression)
    }

    /// Where the first element matching `selector` is, or `None` when there is none.
    pub fn rect(&mut self, selector: &str) -> Option<Rect> {
        let js = format!(
            "(() => {{ const e = document.querySelector({}); return e && e.getBoundingClientRect().toJSON(); }})()",
            json!(selector)
        );
        Rect::from(&self.eval(&js))
    }

    /// Takes the screenshot again, after the page was changed (a folded
    /// block opened), saved under the same name with `suffix`.
    pub fn retake(&mut self, suffix: &str) {
        self.browser.eval("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))");
        self.png = self.browser.screenshot();
        let stem = self.path.file_stem().and_then(|s| s.to_str()).unwrap_or("shot").to_owned();
        self.path = self.path.with_file_name(format!("{stem}-{suffix}.png"));
        std::fs::write(&self.path, &self.png).unwrap();
        println!("screenshot: {}", self.path.display());
    }

    /// The viewport's height, in CSS pixels.
    pub fn viewport_height(&mut self) -> f64 {
        self.eval("window.innerHeight").as_f64().expect("a height")
    }

    /// Asserts that the element `selector` is on screen, whole, below the
    /// sticky filter bar: a reader who followed a link to it sees it.
    pub fn assert_clear_of_filters(&mut self, selector: &str) {
        let bar = self.rect(".filters").expect("the page has its filter bar");
        let el = self.rect(selector).unwrap_or_else(|| panic!("{selector} is on the page"));
        let height = self.viewport_height();
        let shot = self.path.display().to_string();
        assert!(bar.bottom > bar.top, "the filter bar is shown: {bar:?}");
        assert!(
            el.top >= bar.bottom - 0.5,
            "{selector} starts at {} under the filter bar, which ends at {} (screenshot {shot})",
            el.top,
            bar.bottom
        );
        assert!(el.bottom <= height + 0.5, "{selector} ends at {}, below the viewport's {height} ({shot})", el.bottom);
    }
}

/// Reads Chromium's stderr until it says where DevTools listens, within
/// [`START_DEADLINE`]; the rest of stderr is drained on the same thread.
fn listening_on(child: &mut Child) -> String {
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.split_once("DevTools listening on ").map(|(_, u)| u.trim().to_owned())
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(url);
            }
        }
    });
    match rx.recv_timeout(START_DEADLINE) {
        Ok(url) if url.starts_with("ws://127.0.0.1:") => url,
        Ok(url) => {
            let _ = child.kill();
            panic!("DevTools listens on {url}, not on 127.0.0.1")
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not say where DevTools listens within {START_DEADLINE:?}")
        }
    }
}

/// The width and height in a PNG's IHDR chunk, when `png` starts as a PNG does.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    let be = |at: usize| Some(u32::from_be_bytes(png.get(at..at + 4)?.try_into().ok()?));
    let ihdr = png.get(..8)? == SIGNATURE && be(8)? == 13 && png.get(12..16)? == b"IHDR";
    ihdr.then_some((be(16)?, be(20)?)).filter(|(w, h)| *w > 0 && *h > 0)
}
