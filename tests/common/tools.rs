//! External tools the consumer tests run (the SARIF multitool, a Python with junitparser,
//! pre-commit), each named by an environment variable that `.ci/run` sets.

/// The external tool an environment variable names; `None` (the test skips, saying so) when it
/// is not set, unless `PULLPATH_REQUIRE_TOOLS` is (CI), where that fails.
pub fn tool(var: &str, what: &str) -> Option<std::ffi::OsString> {
    let t = std::env::var_os(var);
    if t.is_none() {
        assert!(
            std::env::var_os("PULLPATH_REQUIRE_TOOLS").is_none(),
            "{var} is not set: .ci/run installs {what}"
        );
        eprintln!("skipped {what}: set {var} to run it");
    }
    t
}

/// Validates a SARIF file with Microsoft's SARIF multitool, when `SARIF_MULTITOOL` names it:
/// panics with the multitool's report on any error or warning but SARIF2005 (`informationUri`,
/// a page about the tool: pullpath has no public page yet).
#[allow(dead_code)] // not every test crate that includes this file validates SARIF
pub fn validate_sarif(file: &std::path::Path) {
    let Some(tool) = tool("SARIF_MULTITOOL", "Microsoft's SARIF multitool") else {
        return;
    };
    let out = std::process::Command::new(&tool)
        .arg("validate")
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let problems: Vec<&str> = (text.lines())
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .filter(|l| !l.contains("SARIF2005"))
        .collect();
    assert!(
        out.status.success() && problems.is_empty(),
        "{}: {}\n{text}",
        file.display(),
        problems.join("\n")
    );
}
