//! The CI recipes of `docs/ci/` work as written. Each test takes the recipe's
//! setconform command line from its YAML file (so it breaks when the recipe
//! changes), runs it against a standalone reference with one scenario
//! selected, as the user the recipe runs it as, in a workspace owned by whom
//! the CI system gives it to, and looks for the reports where the recipe
//! publishes them. Docker is not needed: a `docker run` line is played with
//! the same user, mounts and working folder (the image's own build is what
//! `docs/ci/check-image.sh` checks).

#[path = "ci_recipes/account.rs"]
mod account;
mod common;
#[path = "ci_recipes/recipe.rs"]
mod recipe;

use account::Ids;
use setconform_reports::{Run, Verdict};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

/// The runner user of GitHub's Ubuntu runners, who owns the workspace.
const GITHUB_RUNNER: Ids = Ids { uid: 1001, gid: 1001 };
/// GitLab's helper clones as root, with umask 0000.
const GITLAB_CLONE: Ids = Ids { uid: 0, gid: 0 };
/// What the recipes' run adds: one profile, one scenario.
const SELECTION: [&str; 4] = ["--profile", "push-receiver", "--exact", "push.receiver.accept.valid"];
const REPORTS: [&str; 4] = ["run.json", "report.html", "junit.xml", "summary.md"];

/// A SUT's repository as CI checks it out: `ci/sut.yaml` (the reference, with
/// the CA it chains to beside it) and `ci/waivers.yaml`, and a copy of the
/// setconform binary in a folder of its own.
struct Workspace {
    dir: PathBuf,
    bin: PathBuf,
}

impl Workspace {
    fn new(name: &str) -> Workspace {
        static REFERENCE: OnceLock<u16> = OnceLock::new();
        // One copy, made before any test starts a process: a copy still open for
        // writing in a child forked meanwhile could not be run ("text file busy").
        static BINARY: OnceLock<PathBuf> = OnceLock::new();
        let port = *REFERENCE.get_or_init(common::standalone_reference);
        let bin = BINARY.get_or_init(|| account::shared_binary(&common::scratch("ci-bin"))).clone();
        let scratch = common::scratch(name);
        let dir = scratch.join("workspace");
        std::fs::create_dir_all(dir.join("ci")).unwrap();
        std::fs::write(dir.join("ci/ca.pem"), setconform_reference::Reference::ca_pem()).unwrap();
        let sut = format!(
            "name: reference\nprofiles: [push-receiver]\npush: {{ endpoint: 'https://127.0.0.1:{port}/push' }}\n\
             tls: {{ ca_file: ca.pem }}\ntrigger: {{ http: {{ url: 'https://127.0.0.1:{port}/control' }} }}\n"
        );
        std::fs::write(dir.join("ci/sut.yaml"), sut).unwrap();
        std::fs::write(dir.join("ci/waivers.yaml"), "waivers: []\n").unwrap();
        Workspace { dir, bin }
    }

    /// Runs setconform with `args` (the recipe's, then the selection) in the workspace, as `user`.
    fn run(&self, user: Option<Ids>, args: &[String]) -> Output {
        let mut all = args.to_vec();
        all.extend(SELECTION.map(str::to_owned));
        account::run_as(user, &self.dir, self.bin.parent().unwrap(), &self.bin.display().to_string(), &all)
    }
}

/// The word after `option` in a command line.
fn value_after<'a>(words: &'a [String], option: &str) -> &'a str {
    let at = words.iter().position(|w| w == option).unwrap_or_else(|| panic!("{option} in {words:?}"));
    &words[at + 1]
}

/// The run passed its one scenario and wrote every report into `out`, owned by `owner`.
fn assert_reports(output: &Output, out: &Path, owner: Option<Ids>) {
    let said = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{said}");
    for name in REPORTS {
        let meta = std::fs::metadata(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}\n{said}"));
        assert!(meta.len() > 0, "{name} is empty");
        if let Some(ids) = owner {
            assert_eq!((meta.uid(), meta.gid()), (ids.uid, ids.gid), "{name} belongs to the user setconform ran as");
        }
    }
    let run: Run = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run.scenarios.len(), 1);
    assert_eq!(run.scenarios[0].verdict, Verdict::Pass, "{:?}", common::findings(&run));
}

#[test]
fn github_actions_installs_setconform_once_per_revision_and_runs_it_as_the_runner_user() {
    let workflow = recipe::load("docs/ci/github-actions.yml");
    let steps = recipe::github_steps(&workflow);
    let runs = recipe::github_runs(&steps);

    // The installed binary is cached under setconform's revision, installed only on a miss.
    let revision = recipe::step_with_id(&steps, "setconform");
    assert!(revision["run"].as_str().unwrap().contains("git -C setconform rev-parse HEAD"));
    let cache = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/cache@"))).unwrap();
    let cached = cache["with"]["path"].as_str().unwrap();
    assert!(cache["with"]["key"].as_str().unwrap().contains("${{ steps.setconform.outputs.rev }}"));
    let install = recipe::the_line(&runs, "cargo install");
    assert_eq!(install, ["cargo", "install", "--locked", "--path", "setconform/runner", "--root", cached]);
    let install_step =
        steps.iter().find(|s| s["run"].as_str().is_some_and(|r| r.starts_with("cargo install"))).unwrap();
    let cache_id = cache["id"].as_str().unwrap();
    assert_eq!(install_step["if"], format!("steps.{cache_id}.outputs.cache-hit != 'true'"));

    // `runner/` is the package `setconform`, whose one binary is `setconform`.
    let manifest = std::fs::read_to_string(recipe::root().join("runner/Cargo.toml")).unwrap();
    assert!(manifest.contains("\nname = \"setconform\"\n") && !manifest.contains("[[bin]]"));
    assert!(recipe::root().join("runner/src/main.rs").is_file());

    let line = recipe::the_line(&runs, "setconform run");
    assert_eq!(line[0], format!("{cached}/bin/setconform"), "runs the installed binary");
    let out = value_after(&line, "--out");
    assert_published(&steps, out);

    let workspace = Workspace::new("ci-github");
    let user = account::can_switch().then(|| {
        account::hand_over(&workspace.dir, GITHUB_RUNNER, 0o755, 0o644);
        GITHUB_RUNNER
    });
    let output = workspace.run(user, &line[1..]);
    assert_reports(&output, &workspace.dir.join(out), user);
}

/// The summary and upload steps read the reports where `--out` put them.
fn assert_published(steps: &[&serde_json::Value], out: &str) {
    let upload = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/upload-artifact@")));
    let paths = upload.unwrap()["with"]["path"].as_str().unwrap();
    for path in paths.lines() {
        let name = path.strip_prefix(out).and_then(|p| p.strip_prefix('/')).unwrap_or_else(|| panic!("{path}"));
        assert!(REPORTS.contains(&name), "{path}");
    }
    let summary = recipe::the_line(&recipe::github_runs(steps), "summary.md");
    assert!(summary.contains(&format!("{out}/summary.md")), "{summary:?}");
}

#[test]
fn github_actions_container_runs_as_the_workspace_owner() {
    let workflow = recipe::load("docs/ci/github-actions-container.yml");
    let steps = recipe::github_steps(&workflow);
    let runs = recipe::github_runs(&steps);
    let docker = recipe::docker_run(&recipe::the_line(&runs, "setconform run"));
    assert_eq!(value_after(&recipe::the_line(&runs, "docker build"), "-t"), docker.image, "the image built");
    assert_eq!(docker.network.as_deref(), Some("host"), "the SUT and the harness share loopback");
    assert_eq!(docker.user.as_deref(), Some("$(id -u):$(id -g)"), "the container runs as the runner user");
    let [(host, mounted)] = &docker.mounts[..] else { panic!("one mount: {:?}", docker.mounts) };
    assert_eq!(host, "$PWD", "the workspace is mounted");
    assert_eq!(&recipe::dockerfile("WORKDIR"), mounted, "the image starts in the mounted workspace");
    assert_eq!(docker.args[0], "run", "the image's entrypoint is setconform");
    let args = recipe::expand(&docker.args, mounted, "."); // the mount, seen from the workspace
    let out = value_after(&args, "--out");
    assert_published(&steps, out.trim_start_matches("./"));

    let workspace = Workspace::new("ci-github-container");
    let daemon = std::process::Command::new("docker").arg("info").output().is_ok_and(|o| o.status.success());
    println!(
        "note: the image is not built here{} (docs/ci/check-image.sh runs its stages without an engine)",
        if daemon { "" } else { ": no Docker daemon" }
    );
    if !account::can_switch() {
        assert_reports(&workspace.run(None, &args), &workspace.dir.join(out), None);
        return;
    }
    account::hand_over(&workspace.dir, GITHUB_RUNNER, 0o755, 0o644);
    let ids = format!("{}:{}", GITHUB_RUNNER.uid, GITHUB_RUNNER.gid);
    let user = Ids::parse(&docker.user.unwrap().replace("$(id -u):$(id -g)", &ids));
    assert_reports(&workspace.run(Some(user), &args), &workspace.dir.join(out), Some(user));

    // Without --user, the image's own user may not write into the runner's workspace.
    let image_user = Ids::parse(&recipe::dockerfile("USER"));
    let refused = Workspace::new("ci-github-container-image-user");
    account::hand_over(&refused.dir, GITHUB_RUNNER, 0o755, 0o644);
    let output = refused.run(Some(image_user), &args);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!refused.dir.join(out).join("run.json").exists());
}

#[test]
fn gitlab_job_runs_setconform_from_its_image_as_the_image_user() {
    let pipeline = recipe::load("docs/ci/gitlab-ci.yml");
    let job = &pipeline["setconform"];
    assert_eq!(job["image"]["entrypoint"], serde_json::json!([""]), "GitLab runs the script with a shell");
    let line = recipe::the_line(&recipe::gitlab_script(job), "setconform run");
    assert_eq!(line[0], "setconform", "the image's binary, on PATH");
    let out = value_after(&line, "--out");
    assert_eq!(job["artifacts"]["reports"]["junit"], format!("{out}/junit.xml"));
    assert_eq!(job["artifacts"]["paths"], serde_json::json!([format!("{out}/")]));

    let workspace = Workspace::new("ci-gitlab");
    let user = account::can_switch().then(|| {
        account::hand_over(&workspace.dir, GITLAB_CLONE, 0o777, 0o666);
        Ids::parse(&recipe::dockerfile("USER"))
    });
    let output = workspace.run(user, &line[1..]);
    assert_reports(&output, &workspace.dir.join(out), user);
}
