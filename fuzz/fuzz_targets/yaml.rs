//! The YAML parser (saphyr-parser events into our tree, CloudFormation tags) on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pullpath_fuzz::parse(pullpath_fuzz::Syntax::Yaml, data));
