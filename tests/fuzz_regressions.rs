//! Replays what the fuzzers found (`testdata/fuzz/<target>/<input>`) through the fuzz targets'
//! own harness (`fuzz/src/harness.rs`): each input once crashed or hung pullpath.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::path::Path;

#[test]
fn fuzz_reproducers_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz");
    let mut seen = 0;
    for target in std::fs::read_dir(&root).expect("testdata/fuzz") {
        let target = target.unwrap().path();
        if !target.is_dir() {
            continue;
        }
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        for input in std::fs::read_dir(&target).unwrap() {
            let input = input.unwrap().path();
            let data = std::fs::read(&input).unwrap();
            eprintln!("{name}: {}", input.display());
            match name.as_str() {
                "hcl" => harness::parse(harness::Syntax::Hcl, &data),
                "json" => harness::parse(harness::Syntax::Json, &data),
                "yaml" => harness::parse(harness::Syntax::Yaml, &data),
                "check_tf" => harness::check("main.tf", &data),
                "check_json" => harness::check("input.json", &data),
                "check_yaml" => harness::check("template.yaml", &data),
                other => panic!("testdata/fuzz/{other}: not a fuzz target"),
            }
            seen += 1;
        }
    }
    assert!(seen > 0, "no reproducer under {}", root.display());
}
