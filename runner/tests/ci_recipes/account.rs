//! Who runs setconform, and who owns the folder it writes into: a workspace
//! owned by one user, setconform run by another (through `setpriv`, with no
//! home folder and no passwd entry, as a container started with `--user`). As
//! a user other than root, nothing can change owner: setconform then runs as
//! that user in a folder of its own, and the test says what it left out.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A user and group id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ids {
    pub uid: u32,
    pub gid: u32,
}

impl Ids {
    /// `UID[:GID]` as `docker run --user` and the Dockerfile's `USER` write it.
    pub fn parse(text: &str) -> Ids {
        let (uid, gid) = text.split_once(':').unwrap_or((text, text));
        Ids { uid: uid.parse().expect("a numeric uid"), gid: gid.parse().expect("a numeric gid") }
    }
}

/// Whether this process may run others as another user (root, with `setpriv`).
pub fn can_switch() -> bool {
    let root = unsafe { libc::geteuid() } == 0;
    let setpriv = Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success());
    if !root || !setpriv {
        println!(
            "note: not root or no setpriv (util-linux): setconform runs as this test's user; \
             the workspace-owner and --user arrangement is not tested"
        );
    }
    root && setpriv
}

/// Gives `dir` and everything in it to `owner`, with `dir_mode` on folders and `file_mode` on files.
pub fn hand_over(dir: &Path, owner: Ids, dir_mode: u32, file_mode: u32) {
    std::os::unix::fs::chown(dir, Some(owner.uid), Some(owner.gid)).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dir_mode)).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            hand_over(&path, owner, dir_mode, file_mode);
        } else {
            std::os::unix::fs::chown(&path, Some(owner.uid), Some(owner.gid)).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(file_mode)).unwrap();
        }
    }
}

/// A copy of the setconform binary every user may run, in a folder of its own (for PATH).
pub fn shared_binary(scratch: &Path) -> PathBuf {
    let bin = scratch.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::set_permissions(scratch, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = bin.join("setconform");
    std::fs::copy(env!("CARGO_BIN_EXE_setconform"), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// Runs `program args` in `cwd`, as `user` when given, with an environment as
/// bare as a container's for a UID without a passwd entry (HOME=/).
pub fn run_as(user: Option<Ids>, cwd: &Path, path_dir: &Path, program: &str, args: &[String]) -> Output {
    let mut command = match user {
        Some(ids) => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid", &ids.uid.to_string(), "--regid", &ids.gid.to_string(), "--clear-groups", "--"]);
            c.arg(program);
            c
        }
        None => Command::new(program),
    };
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", path_dir.display());
    command.args(args).current_dir(cwd).env_clear().env("PATH", path).env("HOME", "/");
    command.output().unwrap()
}
