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

// ---------------------------------------------------------------------------------------------
// 4. Evaluator bombs: evaluation budgets (each case within the run's time and memory limits)

/// A Fargate task definition whose image is `image` (an HCL expression).
fn task_with_image(image: &str) -> String {
    format!(
        "resource \"aws_ecs_task_definition\" \"app\" {{\n  family = \"app\"\n  \
         requires_compatibilities = [\"FARGATE\"]\n  network_mode = \"awsvpc\"\n  cpu = 256\n  \
         memory = 512\n  container_definitions = jsonencode([{{\n    name = \"app\"\n    \
         image = {image}\n  }}])\n}}\n"
    )
}

/// Writes `files` under `root/`, checks `dir` with `args` in JSON, within 15 s; the output.
fn check_budget(files: &[(&str, String)], dir: &str, args: &[&str]) -> serde_json::Value {
    let s = Scene::new();
    for (p, text) in files {
        write(&s.root().join(p), text);
    }
    let mut all = vec!["check", dir, "--format", "json"];
    all.extend_from_slice(args);
    let start = Instant::now();
    let r = run(&s.root(), &all);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "took {:?}",
        start.elapsed()
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.out);
    serde_json::from_str(&r.out).unwrap_or_else(|e| panic!("{e}: {}", r.out))
}

/// The messages of the `budget` diagnostics.
fn budget_messages(out: &serde_json::Value) -> Vec<String> {
    out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "budget")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

fn doubling(first: &str, step: impl Fn(usize) -> String, n: usize) -> String {
    let mut s = format!("locals {{\n  l0 = {first}\n");
    for i in 1..n {
        s.push_str(&format!("  l{i} = {}\n", step(i - 1)));
    }
    s + "}\n"
}

#[test]
fn doubling_string_locals_stop_at_the_value_budget_and_leave_the_task_unverified() {
    // 2^39 * 16 bytes if nothing stopped it; with the default budget, l20 is 16 MiB and l21 the
    // first over.
    let main = doubling(
        "\"abcdefghijklmnop\"",
        |p| format!("\"${{local.l{p}}}${{local.l{p}}}\""),
        40,
    ) + &task_with_image("local.l39");
    let out = check_budget(&[("app/main.tf", main)], "app", &[]);
    let msgs = budget_messages(&out);
    assert_eq!(msgs.len(), 1, "one diagnostic per budget and file: {out}");
    assert!(msgs[0].contains("`local.l21`"), "{msgs:?}");
    assert!(msgs[0].contains("--max-value-size"), "{msgs:?}");
    // Unknown is never a finding: the image is not verified, nothing fires on it.
    assert_eq!(out["summary"]["findings"], 0, "{out}");
    assert!(
        out["summary"]["unverified_checks"].as_u64().unwrap() > 0,
        "{out}"
    );
}

#[test]
fn doubling_concat_and_maps_by_reference_stop_at_the_value_budget() {
    let concat = doubling(
        "[\"a\", \"b\"]",
        |p| format!("concat(local.l{p}, local.l{p})"),
        40,
    ) + &task_with_image("local.l39[0]");
    // Shared, l63 is small in memory, but 2^63 entries deep: every walk of it would never end.
    let maps = doubling(
        "{ x = \"abcdefgh\" }",
        |p| format!("{{ a = local.l{p}, b = local.l{p} }}"),
        64,
    ) + &task_with_image("jsonencode(local.l63)");
    for main in [concat, maps] {
        let out = check_budget(&[("app/main.tf", main)], "app", &[]);
        let msgs = budget_messages(&out);
        assert_eq!(msgs.len(), 1, "{out}");
        assert!(msgs[0].contains("--max-value-size"), "{msgs:?}");
        assert_eq!(out["summary"]["findings"], 0, "{out}");
    }
}

#[test]
fn nested_for_and_template_for_directives_stop_at_the_steps_budget() {
    // 1024^3 iterations each if nothing stopped them. The default budget (20,000,000 steps) takes
    // about 2 s in release; a debug build runs a smaller one.
    let nested = "locals {\n  cube = [for a in range(1024) : [for b in range(1024) : \
                  [for c in range(1024) : \"${a}-${b}-${c}\"]]]\n}\n"
        .to_string()
        + &task_with_image("local.cube[0][0][0]");
    let directives = "locals {\n  t = <<EOT\n%{ for a in range(1024) }%{ for b in range(1024) }\
                      %{ for c in range(1024) }x%{ endfor }%{ endfor }%{ endfor }\nEOT\n}\n"
        .to_string()
        + &task_with_image("substr(local.t, 0, 3)");
    for main in [nested, directives] {
        let out = check_budget(
            &[("app/main.tf", main)],
            "app",
            &["--max-eval-steps", "300000"],
        );
        let msgs = budget_messages(&out);
        assert!(!msgs.is_empty(), "{out}");
        assert!(
            msgs.iter().any(|m| m.contains("--max-eval-steps")),
            "{msgs:?}"
        );
        assert_eq!(out["summary"]["findings"], 0, "{out}");
    }
}

#[test]
fn templatefile_calling_templatefile_is_refused_as_terraform_does() {
    let out = check_budget(
        &[
            (
                "app/main.tf",
                task_with_image("templatefile(\"${path.module}/t.tpl\", {})"),
            ),
            (
                "app/t.tpl",
                "${templatefile(\"t.tpl\", {})}${templatefile(\"t.tpl\", {})}".into(),
            ),
        ],
        "app",
        &[],
    );
    let codes: Vec<&str> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"templatefile-recursion"), "{out}");
    assert_eq!(out["summary"]["findings"], 0, "{out}");
}

#[test]
fn cloudformation_sub_join_and_nested_stack_fan_out_stop_at_their_budgets() {
    let big = "x".repeat(100 * 1024);
    let template = |name: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  P:\n    Type: String\n    \
             Default: \"{big}\"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    \
             Properties:\n      TopicName: {name}\n"
        )
    };
    // 200 times 100 KiB: 20 MiB, over the default 16 MiB.
    let sub = template(&format!("!Sub \"{}\"", "${P}".repeat(200)));
    let join = template(&format!(
        "!Join [\"\", [{}]]",
        vec!["!Ref P"; 200].join(", ")
    ));
    for text in [sub, join] {
        let out = check_budget(&[("cfn/t.yaml", text)], "cfn", &[]);
        let msgs = budget_messages(&out);
        assert_eq!(msgs.len(), 1, "{out}");
        assert!(msgs[0].contains("--max-value-size"), "{msgs:?}");
    }
    // Eight levels of eight nested stacks: 8^7 stacks if nothing stopped it.
    let mut files = Vec::new();
    for level in 0..8 {
        let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
        if level < 7 {
            for k in 0..8 {
                text.push_str(&format!(
                    "  S{k}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      \
                     TemplateURL: ./l{}.yaml\n",
                    level + 1
                ));
            }
        } else {
            text.push_str("  Topic:\n    Type: AWS::SNS::Topic\n");
        }
        files.push((format!("fan/l{level}.yaml"), text));
    }
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let out = check_budget(&files, "fan/l0.yaml", &[]);
    let msgs = budget_messages(&out);
    assert_eq!(msgs.len(), 1, "{out}");
    assert!(msgs[0].contains("--max-eval-steps"), "{msgs:?}");
}

#[test]
fn budget_options_are_documented_and_zero_means_no_limit() {
    let s = Scene::new();
    let r = run(&s.root(), &["check", "--help"]);
    for flag in ["--max-eval-steps", "--max-value-size", "--max-eval-memory"] {
        assert!(r.out.contains(flag), "{flag} is not in --help:\n{}", r.out);
    }
    let readme = include_str!("../README.md");
    for flag in ["--max-eval-steps", "--max-value-size", "--max-eval-memory"] {
        assert!(readme.contains(flag), "{flag} is not in the README");
    }
    // With no limit, a small doubling completes and is known.
    let main = doubling(
        "\"ab\"",
        |p| format!("\"${{local.l{p}}}${{local.l{p}}}\""),
        12,
    ) + &task_with_image("substr(local.l11, 0, 1)");
    let out = check_budget(
        &[("app/main.tf", main)],
        "app",
        &[
            "--max-value-size",
            "0",
            "--max-eval-steps",
            "0",
            "--max-eval-memory",
            "0",
        ],
    );
    assert!(budget_messages(&out).is_empty(), "{out}");
}
