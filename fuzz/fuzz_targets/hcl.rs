//! The HCL parser (hcl-edit into our spanned tree) on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pullpath_fuzz::parse(pullpath_fuzz::Syntax::Hcl, data));
