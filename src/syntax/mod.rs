//! Syntax: files into spanned trees. JSON and YAML become [`crate::base::Value`] trees (YAML's
//! CloudFormation short-form tags turned into their long form, e.g. `!Ref X` → `{"Ref": "X"}`);
//! HCL stays an hcl-edit tree, which the Terraform frontend evaluates.
//!
//! Every parser here is guarded against input that would exhaust the stack (deep nesting).

pub mod hcl;
pub mod json;
pub mod suppress;
pub mod yaml;

/// Deepest nesting of brackets/braces the HCL and YAML parsers are given. Beyond it a file is
/// rejected with a diagnostic instead of risking a stack overflow in a recursive parser.
pub const MAX_NESTING: usize = 256;

/// Maximum depth of `([{` nesting in `text`, counting brackets outside double-quoted strings
/// (a conservative, quick estimate, enough to protect recursive-descent parsers).
pub fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' | b'\n' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}
