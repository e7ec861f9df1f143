//! The whole pipeline and both reporters on one JSON file, classified by its content: a plan, a
//! CloudFormation template or an ECS task definition.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pullpath_fuzz::check("input.json", data));
