//! HCL (native syntax) with hcl-edit, which keeps a byte span on every node.

use hcl_edit::structure::Body;

use crate::base::{Diagnostic, FileId, Span};

use super::{nesting_depth, MAX_NESTING};

/// Parses a whole `.tf`/`.tfvars` file.
pub fn parse(file: FileId, text: &str) -> Result<Body, Diagnostic> {
    let depth = nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(Diagnostic::error(
            "too-deep",
            format!("skipped: nesting depth {depth} exceeds the limit of {MAX_NESTING}"),
        )
        .at(Span::new(file, 0..0)));
    }
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        let off = loc.offset().min(text.len());
        Diagnostic::error(
            "parse-error",
            format!(
                "invalid HCL: {} (line {}, column {})",
                e.message().trim(),
                loc.line(),
                loc.column()
            ),
        )
        .at(Span::new(file, off..(off + 1).min(text.len()).max(off)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::Span as _;

    #[test]
    fn parses_with_spans() {
        let text = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
        let body = parse(FileId(0), text).unwrap();
        let block = body.blocks().next().unwrap();
        let attr = block.body.get_attribute("cidr_block").unwrap();
        assert_eq!(&text[attr.value.span().unwrap()], "\"10.0.0.0/16\"");
    }

    #[test]
    fn error_has_line_and_column() {
        let e = parse(FileId(0), "a = \nb = {").err().unwrap();
        assert!(e.message.contains("line"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_rejected() {
        let text = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(FileId(0), &text).err().unwrap().code, "too-deep");
    }
}
