//! The `persistent` adapter: one command for the whole run, started at the
//! first action in sut.yaml's folder, that reads actions as JSON lines on
//! stdin (`{"id", "action", "peer", "count", "request"}`) and answers each with
//! a JSON line on stdout (`{"id", "answer"}`, `{"id", "error"}` or
//! `{"id", "refused"}`). Scenarios run in parallel, so answers are matched by
//! `id` in any order; one task writes stdin, one reads stdout, one keeps the
//! last stderr lines, one waits for the process to exit. When the process
//! exits, closes stdout or prints a line that is not JSON, the pending and
//! later actions fail with what happened. It gets EOF on stdin and is killed
//! when the run ends (the [`Bridge`] is dropped).

use super::{ExecOutcome, TriggerAction};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{OnceCell, mpsc, oneshot};

/// Lines of stderr, and of stdout that answer nothing, kept for a failure's text.
const KEPT_LINES: usize = 8;
/// Characters of one kept line.
const LINE_CAP: usize = 300;
/// How long after stdout closes the exit status is waited for, to name it.
const EXIT_GRACE: Duration = Duration::from_millis(300);

/// What the process answered to one action.
#[derive(Debug, Clone, PartialEq)]
pub enum BridgeReply {
    Answer(Value),
    /// The action failed, for this reason.
    Error(String),
    /// The registration was declined, for this reason.
    Refused(String),
}

/// The answer line as printed, and what it says.
type Answered = (String, BridgeReply);
type Pending = oneshot::Sender<Result<Answered, String>>;

/// The process behind the adapter, started at the first action.
pub struct Bridge {
    pub command: Vec<String>,
    pub dir: PathBuf,
    /// Bound on each action.
    pub timeout: Duration,
    running: OnceCell<Result<Running, String>>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge").field("command", &self.command).field("timeout", &self.timeout).finish()
    }
}

/// Holding this keeps the process: dropping it closes stdin and kills it.
struct Running {
    lines: mpsc::UnboundedSender<String>,
    shared: Arc<Mutex<Shared>>,
    _stop: oneshot::Sender<()>,
}

#[derive(Default)]
struct Shared {
    next_id: u64,
    waiting: HashMap<u64, Pending>,
    /// Why the process answers no more, once it does not.
    ended: Option<String>,
    exit: Option<String>,
    stderr: VecDeque<String>,
    unanswered: VecDeque<String>,
}

impl Shared {
    /// Ends the bridge (the first reason holds) and fails every pending action.
    fn end(&mut self, why: String) {
        self.ended.get_or_insert(why);
        let why = self.ended.clone().unwrap_or_default();
        for (_, pending) in self.waiting.drain() {
            let _ = pending.send(Err(why.clone()));
        }
    }

    /// `why`, with the last lines of stderr and the stdout lines that answered nothing.
    fn describe(&self, why: &str) -> String {
        let mut text = why.to_owned();
        if !self.stderr.is_empty() {
            text += &format!("; stderr: {}", Vec::from(self.stderr.clone()).join(" | "));
        }
        if !self.unanswered.is_empty() {
            text += &format!("; other output: {}", Vec::from(self.unanswered.clone()).join(" | "));
        }
        text
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

fn keep(lines: &mut VecDeque<String>, line: &str) {
    if lines.len() == KEPT_LINES {
        lines.pop_front();
    }
    lines.push_back(line.chars().take(LINE_CAP).collect());
}

impl Bridge {
    pub fn new(command: Vec<String>, dir: PathBuf, timeout: Duration) -> Bridge {
        Bridge { command, dir, timeout, running: OnceCell::new() }
    }

    /// Sends `action` and waits up to `limit` for its answer; returns the line
    /// sent (for the transcript) and the answer or why there is none.
    pub async fn act(&self, action: &TriggerAction, limit: Duration) -> (String, Result<Answered, String>) {
        let what = action.name();
        let running = match self.running.get_or_init(|| async { self.start() }).await {
            Ok(running) => running,
            Err(why) => return (request_line(0, action), Err(why.clone())),
        };
        let (tx, rx) = oneshot::channel();
        let (id, line) = {
            let mut shared = lock(&running.shared);
            if let Some(why) = &shared.ended {
                return (request_line(0, action), Err(shared.describe(why)));
            }
            shared.next_id += 1;
            let id = shared.next_id;
            shared.waiting.insert(id, tx);
            (id, request_line(id, action))
        };
        let _ = running.lines.send(line.clone());
        let result = match tokio::time::timeout(limit, rx).await {
            Ok(Ok(Ok(answered))) => Ok(answered),
            Ok(Ok(Err(why))) => Err(lock(&running.shared).describe(&why)),
            Ok(Err(_)) => Err(lock(&running.shared).describe("the bridge ended")),
            Err(_) => {
                let mut shared = lock(&running.shared);
                shared.waiting.remove(&id);
                Err(shared.describe(&format!("no answer to {what} within {} ms", limit.as_millis())))
            }
        };
        (line, result)
    }

    fn start(&self) -> Result<Running, String> {
        let (program, args) = self.command.split_first().ok_or("empty trigger command")?;
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .current_dir(&self.dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("the trigger bridge did not start: {e}"))?;
        let (Some(stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err("the trigger bridge's pipes are missing".into());
        };
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (lines, mut queue) = mpsc::unbounded_channel::<String>();
        let (stop, stopped) = oneshot::channel();
        let writer = shared.clone();
        tokio::spawn(async move {
            let mut stdin = stdin;
            while let Some(line) = queue.recv().await {
                let sent = async {
                    stdin.write_all(format!("{line}\n").as_bytes()).await?;
                    stdin.flush().await
                };
                if let Err(e) = sent.await {
                    lock(&writer).end(format!("the trigger bridge stopped reading its stdin ({e})"));
                    break;
                }
            }
        });
        tokio::spawn(read_answers(stdout, shared.clone()));
        let errors = shared.clone();
        tokio::spawn(async move {
            let mut stderr = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = stderr.next_line().await {
                keep(&mut lock(&errors).stderr, &line);
            }
        });
        let exits = shared.clone();
        tokio::spawn(async move {
            tokio::select! {
                status = child.wait() => {
                    let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                    lock(&exits).exit = Some(status);
                }
                // The run is over: dropping the child kills it.
                _ = stopped => {}
            }
        });
        Ok(Running { lines, shared, _stop: stop })
    }
}

/// Matches answer lines to pending actions until stdout ends or carries something that is not JSON.
async fn read_answers(stdout: tokio::process::ChildStdout, shared: Arc<Mutex<Shared>>) {
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(value) = serde_json::from_str::<Value>(&line) else {
            let cut: String = line.chars().take(LINE_CAP).collect();
            lock(&shared).end(format!("the trigger bridge printed a line that is not JSON: {cut}"));
            return;
        };
        let mut s = lock(&shared);
        let pending = value.get("id").and_then(Value::as_u64).and_then(|id| s.waiting.remove(&id));
        match (pending, reply(&value)) {
            (Some(pending), Some(reply)) => {
                let _ = pending.send(Ok((line, reply)));
            }
            (pending, _) => {
                // Not an answer (or an answer to nothing pending): kept for a failure's text.
                if let (Some(pending), Some(id)) = (pending, value.get("id").and_then(Value::as_u64)) {
                    s.waiting.insert(id, pending);
                }
                keep(&mut s.unanswered, &line);
            }
        }
    }
    tokio::time::sleep(EXIT_GRACE).await;
    let mut s = lock(&shared);
    let why = match s.exit.clone() {
        Some(status) => format!("the trigger bridge exited ({status})"),
        None => "the trigger bridge closed its stdout".to_owned(),
    };
    s.end(why);
}

/// What an answer line says, if it is one.
fn reply(value: &Value) -> Option<BridgeReply> {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    if let Some(answer) = value.get("answer") {
        Some(BridgeReply::Answer(answer.clone()))
    } else if let Some(why) = value.get("error") {
        Some(BridgeReply::Error(text(why)))
    } else {
        value.get("refused").map(|why| BridgeReply::Refused(text(why)))
    }
}

/// The line that carries `action` to the process.
fn request_line(id: u64, action: &TriggerAction) -> String {
    let mut line = json!({ "id": id, "action": action.name(), "request": action.body() });
    if let Some(peer) = action.peer() {
        line["peer"] = json!(peer);
    }
    if let Some(count) = action.count() {
        line["count"] = json!(count);
    }
    line.to_string()
}

/// How an action through the bridge shows in the transcript: as a command's output.
pub fn outcome(result: &Result<Answered, String>) -> Result<ExecOutcome, String> {
    result
        .as_ref()
        .map(|(line, _)| ExecOutcome {
            exit_code: None,
            timed_out: false,
            stdout: line.as_bytes().to_vec(),
            stderr: Vec::new(),
        })
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_lines_say_answer_error_or_refused() {
        assert_eq!(reply(&json!({"id": 1, "answer": {"peer": "p"}})), Some(BridgeReply::Answer(json!({"peer": "p"}))));
        assert_eq!(reply(&json!({"id": 1, "error": "down"})), Some(BridgeReply::Error("down".into())));
        assert_eq!(reply(&json!({"id": 1, "refused": "no"})), Some(BridgeReply::Refused("no".into())));
        assert_eq!(reply(&json!({"log": "hello"})), None);
    }

    /// A bridge that reads two actions, then answers the second before the first.
    const REVERSING: &str = "import json, sys\n\
        a, b = json.loads(sys.stdin.readline()), json.loads(sys.stdin.readline())\n\
        print(json.dumps({'log': 'not an answer'}), flush=True)\n\
        for m in (b, a): print(json.dumps({'id': m['id'], 'answer': {'peer': m['peer']}}), flush=True)\n\
        sys.stdin.readline()\n";

    #[tokio::test]
    async fn answers_are_matched_by_id_in_whatever_order_they_come() {
        let command = vec!["python3".to_owned(), "-c".to_owned(), REVERSING.to_owned()];
        let bridge = Bridge::new(command, std::env::temp_dir(), Duration::from_secs(20));
        let release = |peer: &str| TriggerAction::Release { peer: peer.to_owned() };
        let (first, second) = (release("first"), release("second"));
        let ((_, a), (_, b)) = tokio::join!(bridge.act(&first, bridge.timeout), bridge.act(&second, bridge.timeout));
        assert_eq!(a.unwrap().1, BridgeReply::Answer(json!({"peer": "first"})));
        assert_eq!(b.unwrap().1, BridgeReply::Answer(json!({"peer": "second"})));
    }

    #[test]
    fn a_request_line_names_the_action_peer_and_count() {
        let line = request_line(7, &TriggerAction::Queue { peer: "p1".into(), count: 2 });
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v, json!({"id": 7, "action": "queue", "peer": "p1", "count": 2, "request": {"count": 2}}));
    }
}
