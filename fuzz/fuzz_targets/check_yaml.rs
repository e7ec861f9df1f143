//! The whole pipeline and both reporters on one CloudFormation YAML template.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pullpath_fuzz::check("template.yaml", data));
