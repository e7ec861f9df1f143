//! The pre-commit hook as users run it: the real `pre-commit` (PyPI), named by
//! `PULLPATH_PRE_COMMIT` (`.ci/run` installs it in its venv; without it the test skips, saying
//! so, and fails when `PULLPATH_REQUIRE_TOOLS` is set), installed in a temporary git
//! repository whose `.pre-commit-config.yaml` names this repository at its `HEAD` commit: so
//! what is tested is the committed `.pre-commit-hooks.yaml`, built by pre-commit's own
//! `cargo install`. Then `git commit`s: files that are not infrastructure pass quietly, a
//! change to one file of a module that breaks the chain is refused with the finding in another
//! file of the module, a bad CloudFormation template is refused, the fix passes, and a module
//! the repository's `.pullpathignore` excludes passes, and so does a finding of a rule its
//! `pullpath.toml` ignores, and one its baseline holds.
//!
//! `language: rust` makes pre-commit `cargo install` pullpath, a release build. Its target
//! directory is `PULLPATH_HOOK_TARGET_DIR` (`.ci/run` keeps one in its tools cache) or
//! `target/tmp/pre-commit-target`, so only pullpath itself is rebuilt from one run to the next.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "common/tools.rs"]
mod tools;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A temporary git repository with pre-commit installed in it.
struct Repo {
    dir: PathBuf,
    pre_commit: std::ffi::OsString,
    home: PathBuf,
    target: PathBuf,
}

impl Repo {
    /// A command run in the repository, away from the user's git configuration and with
    /// pre-commit's store and the build's target directory of this test.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.dir)
            .env("PRE_COMMIT_HOME", &self.home)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("NO_COLOR", "1");
        for v in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT"] {
            c.env_remove(v);
        }
        c
    }

    /// Runs `program args`, which must succeed; its output.
    fn run(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
        let (ok, out) = output(self.command(program).args(args));
        assert!(ok, "{args:?} failed:\n{out}\n{}", self.log());
        out
    }

    fn write(&self, path: &str, text: &str) {
        let file = self.dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    /// `git add -A && git commit`: whether the commit was made, and what git and the hook said.
    fn commit(&self, message: &str) -> (bool, String) {
        self.run("git", &["add", "-A"]);
        output(self.command("git").args(["commit", "-m", message]))
    }

    /// pre-commit's log of a failed run (an installation that failed says why there).
    fn log(&self) -> String {
        std::fs::read_to_string(self.home.join("pre-commit.log")).unwrap_or_default()
    }
}

fn output(c: &mut Command) -> (bool, String) {
    let out = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn example(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("testdata/equivalence").join(name)).unwrap()
}

/// The CloudWatch Logs endpoint `testdata/equivalence/main.tf` lacks (its FGP022), in a file of
/// its own; its service is the variable `logs_service`, `default` unless a variable file says.
fn logs_endpoint(default: &str) -> String {
    format!(
        r#"variable "logs_service" {{
  default = "{default}"
}}

resource "aws_vpc_endpoint" "logs" {{
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.${{var.logs_service}}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private.id]
  security_group_ids  = [aws_security_group.endpoints.id]
}}
"#
    )
}

#[test]
fn git_commit_runs_the_hook() {
    let Some(pre_commit) = tools::tool("PULLPATH_PRE_COMMIT", "pre-commit (PyPI)") else {
        return;
    };
    let head = Command::new("git")
        .args(["-C", ROOT, "rev-parse", "HEAD"])
        .output()
        .unwrap();
    assert!(
        head.status.success(),
        "{ROOT} is not a git repository: pre-commit installs the hook from a commit"
    );
    let head = String::from_utf8(head.stdout).unwrap().trim().to_string();
    let dirty = Command::new("git")
        .args(["-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
        .output()
        .unwrap();
    if !dirty.stdout.is_empty() {
        eprintln!(
            "note: the hook is installed from HEAD ({head}); uncommitted changes are not in it"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let target = std::env::var_os("PULLPATH_HOOK_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-target"));
    let repo = Repo {
        dir: tmp.path().join("repo"),
        pre_commit,
        home: tmp.path().join("pre-commit-home"),
        target,
    };
    std::fs::create_dir_all(&repo.dir).unwrap();
    repo.run("git", &["init", "-q"]);
    // What the README tells users to paste, with this repository at its HEAD as the hook repo.
    repo.write(
        ".pre-commit-config.yaml",
        &format!("repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: pullpath\n"),
    );
    repo.run(&repo.pre_commit, &["install"]);
    let start = Instant::now();
    repo.run(&repo.pre_commit, &["install-hooks"]);
    eprintln!(
        "pre-commit installed the hook (cargo install) in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // Files the hook's `files` pattern matches that are not infrastructure: passed quietly.
    repo.write(
        "package.json",
        "{\"name\": \"app\", \"version\": \"1.0.0\"}\n",
    );
    repo.write("docker-compose.yml", "services:\n  app:\n    image: app\n");
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    );
    let (ok, out) = repo.commit("not infrastructure");
    assert!(
        ok && out.contains("pullpath") && out.contains("Passed"),
        "{out}"
    );

    // A module whose chain holds: passes.
    repo.write("infra/main.tf", &example("main.tf"));
    repo.write("infra/logs.tf", &logs_endpoint("logs"));
    let (ok, out) = repo.commit("a service with its endpoints");
    assert!(ok && out.contains("Passed"), "{out}");

    // One file of the module changes, and the finding is in another: the module is checked
    // whole, and the commit refused with the finding.
    repo.write("infra/logs.tf", &logs_endpoint("sqs"));
    let (ok, out) = repo.commit("the logs endpoint becomes an SQS one");
    assert!(!ok, "the commit was made:\n{out}");
    assert!(out.contains("pullpath") && out.contains("Failed"), "{out}");
    assert!(out.contains("FGP022"), "{out}");
    assert!(out.contains("[infra/main.tf:127:24]"), "{out}");
    assert!(out.contains("1 finding (1 error"), "{out}");

    // Back as committed.
    repo.write("infra/logs.tf", &logs_endpoint("logs"));

    // A variable file alone is checked with its module.
    repo.write("infra/terraform.tfvars", "logs_service = \"sqs\"\n");
    let (ok, out) = repo.commit("a variable file that breaks the chain");
    assert!(!ok && out.contains("[infra/main.tf:127:24]"), "{out}");
    repo.write("infra/terraform.tfvars", "logs_service = \"logs\"\n");
    let (ok, out) = repo.commit("a variable file that keeps it");
    assert!(ok && out.contains("Passed"), "{out}");

    // A CloudFormation template is checked as itself.
    repo.write("stacks/service.yaml", &example("template.yaml"));
    let (ok, out) = repo.commit("a template without the logs endpoint");
    assert!(!ok && out.contains("FGP022"), "{out}");
    assert!(out.contains("[stacks/service.yaml:"), "{out}");
    std::fs::remove_dir_all(repo.dir.join("stacks")).unwrap();

    // A module the repository's configuration excludes: refused without it, passed with it.
    repo.write("legacy/main.tf", &example("main.tf"));
    let (ok, out) = repo.commit("legacy module");
    assert!(!ok && out.contains("[legacy/main.tf:127:24]"), "{out}");
    repo.write(".pullpathignore", "legacy/\n");
    let (ok, out) = repo.commit("legacy module, excluded");
    assert!(ok && out.contains("Passed"), "{out}");

    // A rule the repository's `pullpath.toml` ignores: refused without it, passed with it.
    repo.write("platform/main.tf", &example("main.tf"));
    let (ok, out) = repo.commit("platform module");
    assert!(!ok && out.contains("[platform/main.tf:127:24]"), "{out}");
    repo.write("pullpath.toml", "ignore = [\"FGP022\"]\n");
    let (ok, out) = repo.commit("platform module, FGP022 ignored");
    assert!(ok && out.contains("Passed"), "{out}");

    // Adopting with a baseline: the findings of today are recorded, the configuration names the
    // baseline, and the commit passes (the baseline itself, a `.json` file the hook is given,
    // passes quietly); a new module with the same finding is refused.
    repo.write("pullpath.toml", "");
    repo.write("adopted/main.tf", &example("main.tf"));
    let (ok, out) = repo.commit("adopted module");
    assert!(!ok && out.contains("[adopted/main.tf:127:24]"), "{out}");
    let recorded = output(
        Command::new(env!("CARGO_BIN_EXE_pullpath"))
            .current_dir(&repo.dir)
            .args(["check", "--write-baseline", ".pullpath-baseline.json"]),
    );
    assert!(recorded.0, "{}", recorded.1);
    repo.write("pullpath.toml", "baseline = \".pullpath-baseline.json\"\n");
    let (ok, out) = repo.commit("adopted module, baselined");
    assert!(ok && out.contains("Passed"), "{out}");
    repo.write("fresh/main.tf", &example("main.tf"));
    let (ok, out) = repo.commit("a new module");
    assert!(!ok && out.contains("[fresh/main.tf:127:24]"), "{out}");
    assert!(out.contains("1 finding (1 error"), "{out}");

    let log = repo.run("git", &["log", "--format=%s"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "adopted module, baselined",
            "platform module, FGP022 ignored",
            "legacy module, excluded",
            "a variable file that keeps it",
            "a service with its endpoints",
            "not infrastructure",
        ]
    );
}
