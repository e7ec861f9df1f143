//! Hostile and odd inputs (issue 9, items 5, 6 and 9), each built in a temporary directory and
//! run through the command line with a time limit (20 s) and a memory limit (`ulimit -v`, 4 GiB):
//! reads that never end (FIFOs, devices, links to `/dev/zero`), reads outside the scan (links to
//! `/proc/self/environ` or to a file holding a marker that must never be printed), and the inputs
//! that used to give a silent all-clear.

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Must never appear in any output: it is only in files outside the scanned root.
const MARKER: &str = "PULLPATH_SECRET_MARKER_7f3a";

struct Run {
    code: i32,
    /// stdout and stderr together.
    out: String,
}

/// Runs pullpath in `cwd` with `args`; fails the test after 20 s, kills the process.
fn run_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = env!("CARGO_BIN_EXE_pullpath");
    let out_path = tempfile::NamedTempFile::new().unwrap();
    let err_path = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .stdout(out_path.reopen().unwrap())
        .stderr(err_path.reopen().unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pullpath {args:?} did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    for f in [&out_path, &err_path] {
        let mut bytes = Vec::new();
        f.reopen().unwrap().read_to_end(&mut bytes).unwrap();
        out.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(!out.contains(MARKER), "the marker was printed:\n{out}");
    Run {
        code: status.code().unwrap_or(-1),
        out,
    }
}

fn run(cwd: &Path, args: &[&str]) -> Run {
    run_env(cwd, args, &[])
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success(), "mkfifo {}", p.display());
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A temporary directory holding `root/` (the scanned repository, with a `.git` directory) and
/// `outside/secret` (a file holding the marker).
struct Scene {
    tmp: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("root/.git")).unwrap();
        write(
            &tmp.path().join("outside/secret"),
            &format!("{MARKER} = \"{MARKER}\"\n"),
        );
        write(
            &tmp.path().join("outside/mod/main.tf"),
            &format!("resource \"aws_ecs_cluster\" \"c\" {{\n  name = \"{MARKER}\"\n}}\n"),
        );
        Scene { tmp }
    }
    fn dir(&self) -> &Path {
        self.tmp.path()
    }
    fn root(&self) -> PathBuf {
        self.tmp.path().join("root")
    }
    fn secret(&self) -> PathBuf {
        self.tmp.path().join("outside/secret")
    }
    /// `root/app/main.tf`: one variable and a cluster named by it (plus `extra`).
    fn app(&self, extra: &str) -> PathBuf {
        let app = self.root().join("app");
        write(
            &app.join("main.tf"),
            &format!(
                "variable \"name\" {{\n  default = \"x\"\n}}\n\
                 resource \"aws_ecs_cluster\" \"c\" {{\n  name = var.name\n}}\n{extra}"
            ),
        );
        app
    }
}

/// Checks `root/app` and asserts an input diagnostic `code` about `file` (a path ending), exit 1.
fn assert_refused(scene: &Scene, code: &str, file: &str, why: &str) {
    let r = run(&scene.root(), &["check", "app", "--color", "never"]);
    assert!(r.out.contains(code), "no `{code}` diagnostic:\n{}", r.out);
    assert!(
        r.out.contains(file),
        "the diagnostic does not name {file}:\n{}",
        r.out
    );
    assert!(
        r.out.contains(why),
        "the diagnostic does not say `{why}`:\n{}",
        r.out
    );
    assert_eq!(r.code, 1, "{}", r.out);
}

// ---------------------------------------------------------------------------------------------
// 5. Reads that never end

#[test]
fn fifo_terraform_tfvars_is_refused_not_waited_on() {
    let s = Scene::new();
    let app = s.app("");
    mkfifo(&app.join("terraform.tfvars"));
    assert_refused(&s, "not-regular-file", "terraform.tfvars", "FIFO");
}

#[test]
fn fifo_auto_tfvars_is_refused_not_waited_on() {
    let s = Scene::new();
    let app = s.app("");
    mkfifo(&app.join("prod.auto.tfvars"));
    assert_refused(&s, "not-regular-file", "prod.auto.tfvars", "FIFO");
}

#[test]
fn dev_zero_as_tfvars_is_refused() {
    let s = Scene::new();
    let app = s.app("");
    symlink("/dev/zero", app.join("terraform.tfvars")).unwrap();
    symlink("/dev/zero", app.join("z.auto.tfvars")).unwrap();
    let r = run(&s.root(), &["check", "app", "--format", "json"]);
    assert!(r.out.contains("terraform.tfvars"), "{}", r.out);
    assert!(r.out.contains("z.auto.tfvars"), "{}", r.out);
    assert!(r.out.contains("/dev/zero"), "{}", r.out);
    assert_eq!(r.code, 1);
}

#[test]
fn fifo_gitignore_and_dev_zero_pullpathignore_are_refused() {
    let s = Scene::new();
    let app = s.app("");
    mkfifo(&app.join(".gitignore"));
    symlink("/dev/zero", app.join(".pullpathignore")).unwrap();
    mkfifo(&s.root().join(".ignore"));
    let r = run(&s.root(), &["check", "app", "--format", "json"]);
    assert!(r.out.contains(".gitignore"), "{}", r.out);
    assert!(r.out.contains(".pullpathignore"), "{}", r.out);
    assert!(r.out.contains(".ignore"), "{}", r.out);
    assert!(r.out.contains("FIFO"), "{}", r.out);
    // the Terraform files are still read
    assert!(r.out.contains("\"resources\": 1"), "{}", r.out);
}

#[test]
fn ignore_files_are_still_honoured() {
    let s = Scene::new();
    s.app("");
    write(&s.root().join(".gitignore"), "ignored/\n");
    write(&s.root().join("app/.pullpathignore"), "skip/\n");
    write(
        &s.root().join("ignored/main.tf"),
        "resource \"aws_ecs_cluster\" \"i\" {}\n",
    );
    write(
        &s.root().join("app/skip/main.tf"),
        "resource \"aws_ecs_cluster\" \"s\" {}\n",
    );
    let r = run(&s.root(), &["graph", ".", "--format", "json"]);
    assert!(r.out.contains("aws_ecs_cluster.c"), "{}", r.out);
    assert!(!r.out.contains("aws_ecs_cluster.i"), "{}", r.out);
    assert!(!r.out.contains("aws_ecs_cluster.s"), "{}", r.out);
    // the repository's `.gitignore` above a scanned directory applies inside it
    write(&s.root().join(".gitignore"), "ignored/\nvendored/\n");
    write(
        &s.root().join("app/vendored/main.tf"),
        "resource \"aws_ecs_cluster\" \"v\" {}\n",
    );
    let r = run(&s.root().join("app"), &["graph", ".", "--format", "json"]);
    assert!(r.out.contains("aws_ecs_cluster.c"), "{}", r.out);
    assert!(!r.out.contains("aws_ecs_cluster.v"), "{}", r.out);
    // a directory named on the command line is read even when ignored
    let r = run(&s.root(), &["graph", "ignored", "--format", "json"]);
    assert!(r.out.contains("aws_ecs_cluster.i"), "{}", r.out);
}

#[test]
fn fifo_modules_json_is_refused() {
    let s = Scene::new();
    let app = s.app("");
    std::fs::create_dir_all(app.join(".terraform/modules")).unwrap();
    mkfifo(&app.join(".terraform/modules/modules.json"));
    assert_refused(&s, "not-regular-file", "modules.json", "FIFO");
}

#[test]
fn fifo_and_device_targets_of_file_are_refused() {
    let s = Scene::new();
    let app = s.app(
        "resource \"aws_ecs_cluster\" \"f\" {\n  name = file(\"${path.module}/pipe.txt\")\n}\n",
    );
    mkfifo(&app.join("pipe.txt"));
    assert_refused(&s, "not-regular-file", "pipe.txt", "FIFO");
}

#[test]
fn fifo_plan_and_fifo_given_on_the_command_line_are_refused() {
    let s = Scene::new();
    s.app("");
    mkfifo(&s.root().join("app/plan.json"));
    assert_refused(&s, "not-regular-file", "plan.json", "FIFO");
    let r = run(&s.root(), &["check", "app/plan.json"]);
    assert!(r.out.contains("not-regular-file"), "{}", r.out);
    assert_eq!(r.code, 1);
}

// ---------------------------------------------------------------------------------------------
// 6. Reads outside the scan

#[test]
fn tfvars_linked_to_proc_self_environ_is_never_read() {
    let s = Scene::new();
    let app = s.app("");
    symlink("/proc/self/environ", app.join("terraform.tfvars")).unwrap();
    let r = run_env(
        &s.root(),
        &["check", "app", "--color", "never"],
        &[("CI_TOKEN", MARKER)],
    );
    assert!(r.out.contains("outside-scan"), "{}", r.out);
    assert!(r.out.contains("environ"), "{}", r.out);
    assert_eq!(r.code, 1);
}

#[test]
fn links_to_a_file_outside_the_root_are_never_read() {
    let s = Scene::new();
    let app = s.app(
        "resource \"aws_ecs_cluster\" \"f\" {\n  name = file(\"${path.module}/data.txt\")\n}\n\
         resource \"aws_ecs_cluster\" \"t\" {\n  name = templatefile(\"${path.module}/t.tpl\", {})\n}\n\
         resource \"aws_ecs_cluster\" \"u\" {\n  name = file(\"../../outside/secret\")\n}\n",
    );
    symlink(s.secret(), app.join("terraform.tfvars")).unwrap();
    symlink(s.secret(), app.join("data.txt")).unwrap();
    symlink(s.secret(), app.join("t.tpl")).unwrap();
    symlink(s.secret(), app.join("linked.tf")).unwrap();
    symlink(s.secret(), s.root().join("stack.yaml")).unwrap();
    // text and JSON, every command
    for args in [
        vec!["check", "app", "--color", "never"],
        vec!["check", ".", "--format", "json"],
        vec!["graph", "app", "--format", "json"],
        vec!["facts", "app"],
    ] {
        let r = run(&s.root(), &args);
        assert!(r.out.contains("outside-scan"), "{args:?}:\n{}", r.out);
    }
    let r = run(&s.root(), &["check", "app", "--format", "json"]);
    for f in ["terraform.tfvars", "data.txt", "t.tpl", "linked.tf"] {
        assert!(r.out.contains(f), "{f} not named:\n{}", r.out);
    }
}

#[test]
fn modules_json_dirs_outside_the_root_are_refused() {
    let s = Scene::new();
    let app = s.app("module \"m\" {\n  source = \"registry/m/aws\"\n}\n");
    let outside = s.dir().join("outside/mod");
    write(
        &app.join(".terraform/modules/modules.json"),
        &format!(
            "{{\"Modules\": [{{\"Key\": \"\", \"Source\": \"\", \"Dir\": \".\"}}, \
             {{\"Key\": \"m\", \"Source\": \"registry/m/aws\", \"Dir\": \"{}\"}}]}}",
            outside.display()
        ),
    );
    assert_refused(&s, "outside-scan", "modules.json", "outside");
    // `..` out of the repository, and a local module source out of it
    write(
        &app.join(".terraform/modules/modules.json"),
        "{\"Modules\": [{\"Key\": \"m\", \"Source\": \"x\", \"Dir\": \"../../outside/mod\"}]}",
    );
    assert_refused(&s, "outside-scan", "modules.json", "outside");
    s.app("module \"m\" {\n  source = \"../../outside/mod\"\n}\n");
    assert_refused(&s, "outside-scan", "app", "../../outside/mod");
}

#[test]
fn plan_configuration_reached_through_links_is_refused() {
    let s = Scene::new();
    // a plan whose configuration names a resource declared in `cfg/main.tf`, a link out
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{
            "address": "aws_ecs_cluster.c", "mode": "managed", "type": "aws_ecs_cluster",
            "name": "c", "values": {"name": "x"}
        }]}},
        "configuration": {"root_module": {"resources": [{
            "address": "aws_ecs_cluster.c", "mode": "managed", "type": "aws_ecs_cluster",
            "name": "c", "expressions": {"name": {"constant_value": "x"}}
        }]}}
    });
    write(&s.root().join("plan/plan.json"), &plan.to_string());
    std::fs::create_dir_all(s.root().join("cfg")).unwrap();
    symlink(s.secret(), s.root().join("cfg/main.tf")).unwrap();
    let r = run(
        &s.root(),
        &[
            "check",
            "plan/plan.json",
            "--tf-root",
            "cfg",
            "--color",
            "never",
        ],
    );
    assert!(r.out.contains("outside-scan"), "{}", r.out);
    assert!(r.out.contains("main.tf"), "{}", r.out);
}

/// The legitimate case: `envs/dev` calls `../../modules/ecs` in the same repository, and the
/// module reads `templatefile("${path.module}/task.json.tpl")`; scanning `envs/dev` alone.
#[test]
fn modules_and_templates_elsewhere_in_the_repository_are_read() {
    let s = Scene::new();
    let root = s.root();
    write(
        &root.join("envs/dev/main.tf"),
        "module \"ecs\" {\n  source = \"../../modules/ecs\"\n  image  = \"nginx:1.27\"\n}\n",
    );
    write(
        &root.join("modules/ecs/main.tf"),
        "variable \"image\" {}\n\
         resource \"aws_ecs_task_definition\" \"t\" {\n  family = \"app\"\n  \
         container_definitions = templatefile(\"${path.module}/task.json.tpl\", { image = var.image })\n}\n",
    );
    write(
        &root.join("modules/ecs/task.json.tpl"),
        "[{\"name\": \"app\", \"image\": \"${image}\", \"essential\": true}]\n",
    );
    let r = run(&root, &["graph", "envs/dev", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.out);
    assert!(r.out.contains("\"nginx:1.27\""), "{}", r.out);
    assert!(!r.out.contains("outside"), "{}", r.out);
    // the same from inside `envs/dev`
    let r = run(&root.join("envs/dev"), &["graph", "--format", "json"]);
    assert!(r.out.contains("\"nginx:1.27\""), "{}", r.out);
    // a `--var-file` outside the repository, named on the command line, is read
    write(
        &s.dir().join("vars/dev.tfvars"),
        "name = \"from-var-file\"\n",
    );
    s.app("");
    let r = run(
        &root,
        &[
            "graph",
            "app",
            "--var-file",
            "../vars/dev.tfvars",
            "--format",
            "json",
        ],
    );
    assert!(r.out.contains("from-var-file"), "{}", r.out);
}

// ---------------------------------------------------------------------------------------------
// 9. No silent all-clear

#[test]
fn malformed_plan_json_is_reported() {
    let s = Scene::new();
    write(
        &s.root().join("plan.json"),
        "{\"format_version\": \"1.2\" \"planned_values\": {}}",
    );
    let r = run(&s.root(), &["check", "plan.json", "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("parse-error"), "{}", r.out);
}

#[test]
fn utf16_without_bom_is_reported() {
    let s = Scene::new();
    let text = "resource \"aws_ecs_cluster\" \"c\" {\n  name = \"x\"\n}\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    std::fs::create_dir_all(s.root().join("app")).unwrap();
    std::fs::write(s.root().join("app/main.tf"), bytes).unwrap();
    let r = run(&s.root(), &["check", "app", "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.out.contains("UTF-16 without a byte-order mark"),
        "{}",
        r.out
    );
}

#[test]
fn non_utf8_file_name_is_reported() {
    use std::os::unix::ffi::OsStrExt;
    let s = Scene::new();
    let app = s.root().join("app");
    std::fs::create_dir_all(&app).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"ma\xffin.tf");
    std::fs::write(app.join(name), "resource \"aws_ecs_cluster\" \"c\" {}\n").unwrap();
    let r = run(&s.root(), &["check", "app", "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.out.contains("file-name"), "{}", r.out);
    assert!(r.out.contains("not valid UTF-8"), "{}", r.out);
}

#[test]
fn a_path_with_nothing_to_read_is_an_error() {
    let s = Scene::new();
    write(&s.root().join("docs/README.md"), "# hello\n");
    std::fs::create_dir_all(s.root().join("empty")).unwrap();
    for p in ["docs", "empty"] {
        let r = run(&s.root(), &["check", p]);
        assert_eq!(r.code, 2, "{}", r.out);
        assert!(r.out.contains("nothing to read"), "{}", r.out);
    }
    // one empty path among good ones is still said
    s.app("");
    let r = run(&s.root(), &["check", "app", "empty"]);
    assert_eq!(r.code, 2, "{}", r.out);
    assert!(r.out.contains("empty: nothing to read"), "{}", r.out);
}

#[test]
fn undeclared_var_is_an_error() {
    let s = Scene::new();
    s.app("");
    let r = run(&s.root(), &["check", "app", "--var", "nmae=prod"]);
    assert_eq!(r.code, 2, "{}", r.out);
    assert!(r.out.contains("--var nmae"), "{}", r.out);
    assert!(r.out.contains("declares"), "{}", r.out);
    let r = run(&s.root(), &["check", "app", "--var", "name=prod"]);
    assert_eq!(r.code, 0, "{}", r.out);
}

#[test]
fn duplicate_object_key_keeps_the_rest_of_the_file() {
    let s = Scene::new();
    write(
        &s.root().join("app/main.tf"),
        "locals {\n  tags = {\n    team = \"a\"\n    team = \"b\"\n  }\n}\n\
         resource \"aws_ecs_task_definition\" \"t\" {\n  family = \"app\"\n  tags = local.tags\n  \
         container_definitions = jsonencode([{ name = \"app\", image = \"nginx:1.26\", image = \"nginx:1.27\" }])\n}\n",
    );
    let r = run(&s.root(), &["graph", "app", "--format", "json"]);
    assert!(r.out.contains("aws_ecs_task_definition.t"), "{}", r.out);
    assert!(r.out.contains("nginx:1.27"), "{}", r.out);
    assert!(r.out.contains("duplicate-key"), "{}", r.out);
    // the last value wins, as in Terraform
    assert!(!r.out.contains("nginx:1.26"), "{}", r.out);
    let doc: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "duplicate-key", "{d}");
    assert_eq!(d["line"], 4, "{d}");
    assert_eq!(d["related"][0]["line"], 3, "{d}");
}

#[test]
fn max_file_size_zero_means_no_limit_and_is_documented() {
    let s = Scene::new();
    s.app("");
    write(
        &s.root().join("app/plan.json"),
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {}}}",
    );
    let r = run(
        &s.root(),
        &["check", "app", "--max-file-size", "0", "--format", "json"],
    );
    assert!(!r.out.contains("too-large"), "{}", r.out);
    assert_eq!(r.code, 0, "{}", r.out);
    let r = run(&s.root(), &["check", "--help"]);
    assert!(r.out.contains("0: no"), "{}", r.out);
    assert!(r.out.contains("16 MiB"), "{}", r.out);
}

#[test]
fn fifo_in_a_rules_directory_is_refused() {
    let s = Scene::new();
    s.app("");
    std::fs::create_dir_all(s.root().join("rules")).unwrap();
    mkfifo(&s.root().join("rules/custom.yaml"));
    let r = run(&s.root(), &["check", "app", "--rules", "rules"]);
    assert_eq!(r.code, 2, "{}", r.out);
    assert!(r.out.contains("custom.yaml"), "{}", r.out);
    assert!(r.out.contains("FIFO"), "{}", r.out);
}
