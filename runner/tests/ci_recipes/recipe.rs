//! Reading the CI recipes: the YAML files of `docs/ci/` and the `Dockerfile`,
//! the command lines their steps run (split into words as a POSIX shell would,
//! for the quoting the recipes use), and what a `docker run` line asks of the
//! container (user, mounts, image, the image's arguments).

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A YAML file of the repository, as a JSON value.
pub fn load(relative: &str) -> Value {
    let text = std::fs::read_to_string(root().join(relative)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Every step of every job of a GitHub Actions workflow.
pub fn github_steps(workflow: &Value) -> Vec<&Value> {
    let jobs = workflow["jobs"].as_object().expect("jobs");
    jobs.values().flat_map(|job| job["steps"].as_array().expect("steps")).collect()
}

/// The step whose `id` is `id`.
pub fn step_with_id<'a>(steps: &[&'a Value], id: &str) -> &'a Value {
    steps.iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no step with id {id}"))
}

/// The `run` lines of the steps, in order.
pub fn github_runs(steps: &[&Value]) -> Vec<String> {
    steps.iter().filter_map(|s| s["run"].as_str()).map(|r| r.trim().to_owned()).collect()
}

/// The one line of `lines` that contains `needle`, split into words.
pub fn the_line(lines: &[String], needle: &str) -> Vec<String> {
    let found: Vec<&String> = lines.iter().filter(|l| l.contains(needle)).collect();
    assert_eq!(found.len(), 1, "one line with `{needle}` in {lines:?}");
    words(found[0])
}

/// A GitLab CI job's `script` lines.
pub fn gitlab_script(job: &Value) -> Vec<String> {
    job["script"].as_array().expect("script").iter().map(|l| l.as_str().expect("a line").trim().to_owned()).collect()
}

/// The value of the Dockerfile's last `instruction` (e.g. `USER`, `WORKDIR`).
pub fn dockerfile(instruction: &str) -> String {
    let text = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let prefix = format!("{instruction} ");
    text.lines().filter_map(|l| l.strip_prefix(&prefix)).next_back().expect(instruction).trim().to_owned()
}

/// A command line split into words: blanks separate words, double and single
/// quotes group (no escapes inside single quotes; a backslash escapes inside
/// double quotes). Expansions are left as written.
pub fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut started) = (Vec::new(), String::new(), false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                started = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(c),
                    }
                }
            }
            '\'' => {
                started = true;
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            c if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut word));
                }
                started = false;
            }
            _ => {
                started = true;
                word.push(c);
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

/// What a `docker run` line asks of the container.
#[derive(Debug)]
pub struct DockerRun {
    pub network: Option<String>,
    pub user: Option<String>,
    /// (host folder, folder in the container)
    pub mounts: Vec<(String, String)>,
    pub image: String,
    /// The arguments after the image: setconform's, the image's entrypoint.
    pub args: Vec<String>,
}

/// Reads `docker run [OPTIONS] IMAGE ARGS…` (the options the recipes use).
pub fn docker_run(words: &[String]) -> DockerRun {
    assert_eq!(&words[..2], ["docker", "run"], "{words:?}");
    let mut run = DockerRun { network: None, user: None, mounts: Vec::new(), image: String::new(), args: Vec::new() };
    let mut rest = words[2..].iter();
    while let Some(word) = rest.next() {
        let mut value = || rest.next().expect("an option's value").clone();
        match word.as_str() {
            "--rm" | "-d" => {}
            "--network" => run.network = Some(value()),
            "--user" | "-u" => run.user = Some(value()),
            "-v" | "--volume" => {
                let v = value();
                let (host, inside) = v.split_once(':').expect("host:container");
                run.mounts.push((host.to_owned(), inside.to_owned()));
            }
            option if option.starts_with('-') => panic!("docker run option {option} not known to this test"),
            image => {
                run.image = image.to_owned();
                run.args = rest.cloned().collect();
                break;
            }
        }
    }
    run
}

/// `words` with every occurrence of `from` in them replaced by `to`.
pub fn expand(words: &[String], from: &str, to: &str) -> Vec<String> {
    words.iter().map(|w| w.replace(from, to)).collect()
}
