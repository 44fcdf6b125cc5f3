//! The `exec` adapter: one command per action, bounded by a timeout.

use super::TriggerAction;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// Most bytes of a trigger command's output kept.
pub(super) const MAX_OUTPUT: usize = 64 * 1024;

/// What a trigger command did.
#[derive(Debug, Clone)]
pub struct ExecOutcome {
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `command` for `action`, killing it if it outlives `timeout`.
pub async fn run_exec(
    command: &[String],
    dir: &std::path::Path,
    action: &TriggerAction,
    timeout: Duration,
) -> std::io::Result<ExecOutcome> {
    let (program, args) = command.split_first().ok_or_else(|| std::io::Error::other("empty trigger command"))?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(action.env())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut stdout = child.stdout.take().ok_or_else(|| std::io::Error::other("no stdout"))?;
    let mut stderr = child.stderr.take().ok_or_else(|| std::io::Error::other("no stderr"))?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let run = async {
        let read_out = read_capped(&mut stdout, &mut out);
        let read_err = read_capped(&mut stderr, &mut err);
        let (_, _, status) = tokio::join!(read_out, read_err, child.wait());
        status
    };
    let (exit_code, timed_out) = match tokio::time::timeout(timeout, run).await {
        Ok(status) => (status?.code(), false),
        Err(_) => {
            let _ = child.kill().await;
            (None, true)
        }
    };
    Ok(ExecOutcome { exit_code, timed_out, stdout: out, stderr: err })
}

/// Reads a stream to its end, keeping at most `MAX_OUTPUT` bytes.
async fn read_capped(stream: &mut (impl AsyncReadExt + Unpin), into: &mut Vec<u8>) {
    let mut buf = [0u8; 8192];
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let room = MAX_OUTPUT.saturating_sub(into.len());
        into.extend_from_slice(&buf[..n.min(room)]);
    }
}
