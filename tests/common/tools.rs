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
