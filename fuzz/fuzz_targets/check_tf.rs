//! The whole pipeline and both reporters on one Terraform file (`main.tf`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pullpath_fuzz::check("main.tf", data));
