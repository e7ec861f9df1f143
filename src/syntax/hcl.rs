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
        let span = Span::new(file, off..(off + 1).min(text.len()).max(off));
        let message = e.message().trim();
        if message.contains("redefined object key") {
            // Terraform accepts a key written twice in an object constructor (the last wins);
            // hcl-edit 0.10 does not. The file is valid: say that we could not read it.
            return Diagnostic::warning(
                "unsupported-syntax",
                format!(
                    "skipped: this file writes a key twice in an object (line {}, column {}); \
                     Terraform keeps the last one, but pullpath's HCL parser cannot read it yet",
                    loc.line(),
                    loc.column()
                ),
            )
            .at(span);
        }
        Diagnostic::error(
            "parse-error",
            format!(
                "invalid HCL: {message} (line {}, column {})",
                loc.line(),
                loc.column()
            ),
        )
        .at(span)
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
    fn duplicate_object_keys_are_a_parser_limit_not_an_error() {
        let d = parse(FileId(0), "a = {\n  k = 1\n  k = 2\n}\n")
            .err()
            .unwrap();
        assert_eq!(d.code, "unsupported-syntax");
        assert_eq!(d.severity, crate::base::Severity::Warning);
    }

    #[test]
    fn deep_nesting_rejected() {
        let text = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(FileId(0), &text).err().unwrap().code, "too-deep");
    }
}
