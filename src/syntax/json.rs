//! Strict JSON (RFC 8259) into a spanned [`Value`] tree, with jsonc-parser. Duplicate keys are kept
//! (the map keeps both entries) and reported with both places.

use jsonc_parser::ast;
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

use crate::base::{Diagnostic, FileId, Map, Span, Val, Value};

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// The parsed document and the diagnostics about it (duplicate keys). `Err` is the parse error.
pub struct Parsed {
    pub value: Value,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text` (the whole content of `file`). `base` is added to every offset, for JSON embedded
/// in a larger file at a known position (pass 0 for a whole file).
pub fn parse(file: FileId, text: &str, base: usize) -> Result<Parsed, Diagnostic> {
    let result = parse_to_ast(text, &CollectOptions::default(), &strict()).map_err(|e| {
        let r = e.range();
        Diagnostic::error(
            "parse-error",
            format!(
                "invalid JSON: {} (line {}, column {})",
                e.kind(),
                e.line_display(),
                e.column_display()
            ),
        )
        .at(Span::new(
            file,
            base + r.start..base + r.end.max(r.start + 1),
        ))
    })?;
    let Some(root) = result.value else {
        return Err(
            Diagnostic::error("parse-error", "invalid JSON: the document is empty")
                .at(Span::new(file, base..base)),
        );
    };
    let mut cx = Cx {
        file,
        base,
        diagnostics: Vec::new(),
    };
    let value = cx.convert(&root);
    Ok(Parsed {
        value,
        diagnostics: cx.diagnostics,
    })
}

struct Cx {
    file: FileId,
    base: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Cx {
    fn span(&self, r: jsonc_parser::common::Range) -> Option<Span> {
        Some(Span::new(self.file, self.base + r.start..self.base + r.end))
    }

    fn convert(&mut self, v: &ast::Value) -> Value {
        match v {
            ast::Value::StringLit(s) => Value::str(s.value.to_string(), self.span(s.range)),
            ast::Value::NumberLit(n) => Value::new(
                n.value
                    .parse::<f64>()
                    .map(Val::Number)
                    .unwrap_or_else(|_| Val::Str(n.value.to_string())),
                self.span(n.range),
            ),
            ast::Value::BooleanLit(b) => Value::new(Val::Bool(b.value), self.span(b.range)),
            ast::Value::NullKeyword(n) => Value::null(self.span(n.range)),
            ast::Value::Array(a) => {
                let items = a.elements.iter().map(|e| self.convert(e)).collect();
                Value::new(Val::List(items), self.span(a.range))
            }
            ast::Value::Object(o) => {
                let mut map = Map::new();
                for p in &o.properties {
                    let (name, range) = match &p.name {
                        ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                        ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                    };
                    let key_span = self.span(range);
                    if let Some(first) = map.get_entry(&name) {
                        if let (Some(here), Some(there)) = (key_span, first.key_span) {
                            self.diagnostics.push(
                                Diagnostic::warning(
                                    "duplicate-key",
                                    format!("duplicate key `{name}`: its meaning is undefined (AWS and JSON parsers differ on which one wins); pullpath reads the first"),
                                )
                                .at(here)
                                .with_related(there, "first defined here"),
                            );
                        }
                    }
                    let value = self.convert(&p.value);
                    map.push(name, key_span, value);
                }
                Value::new(Val::Map(map), self.span(o.range))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_duplicates() {
        let text = r#"{"a": [1, "x"], "b": {"c": null}, "a": true}"#;
        let p = parse(FileId(0), text, 0).unwrap();
        let a = p.value.get("a").unwrap();
        assert_eq!(&text[a.span.unwrap().range()], r#"[1, "x"]"#);
        let c = p.value.get("b").unwrap().get("c").unwrap();
        assert_eq!(&text[c.span.unwrap().range()], "null");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, "duplicate-key");
    }

    #[test]
    fn strict_errors_have_position() {
        let e = parse(FileId(0), "{\"a\": 1,}", 0).err().unwrap();
        assert!(e.message.contains("line 1"), "{}", e.message);
        assert!(e.span.is_some());
        assert!(parse(FileId(0), "", 0).is_err());
        assert!(parse(FileId(0), "{\"a\": 1} // c", 0).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse(FileId(0), &text, 0).is_err());
    }

    #[test]
    fn offsets_shift_by_base() {
        let p = parse(FileId(0), r#"{"k": "v"}"#, 10).unwrap();
        assert_eq!(p.value.get("k").unwrap().span.unwrap().range(), 16..19);
    }
}
