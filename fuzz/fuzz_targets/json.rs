//! The JSON parser (jsonc-parser, strict, duplicate keys kept) on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| pullpath_fuzz::parse(pullpath_fuzz::Syntax::Json, data));
