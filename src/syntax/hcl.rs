//! HCL (native syntax) with hcl-edit, which keeps a byte span on every node.

use hcl_edit::structure::Body;

use crate::base::{Diagnostic, FileId, Span};

use super::{nesting_depth, MAX_NESTING};

/// Parses a whole `.tf`/`.tfvars` file. A key written twice in an object is read as Terraform
/// reads it (the last wins), and reported by [`parse_with_diagnostics`].
pub fn parse(file: FileId, text: &str) -> Result<Body, Diagnostic> {
    parse_with_diagnostics(file, text).map(|(b, _)| b)
}

/// [`parse`], with the warnings about what was read anyway (`duplicate-key`: a key written twice
/// in an object constructor; Terraform keeps the last, and so does this).
pub fn parse_with_diagnostics(
    file: FileId,
    text: &str,
) -> Result<(Body, Vec<Diagnostic>), Diagnostic> {
    let depth = nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(Diagnostic::error(
            "too-deep",
            format!("skipped: nesting depth {depth} exceeds the limit of {MAX_NESTING}"),
        )
        .at(Span::new(file, 0..0)));
    }
    let first = match hcl_edit::parser::parse_body(text) {
        Ok(b) => return Ok((b, Vec::new())),
        Err(e) => e,
    };
    if first.message().contains("redefined object key") {
        if let Some(read) = without_duplicate_keys(file, text) {
            return Ok(read);
        }
    }
    Err(parse_error(file, text, &first))
}

fn parse_error(file: FileId, text: &str, e: &hcl_edit::parser::Error) -> Diagnostic {
    let loc = e.location();
    let off = loc.offset().min(text.len());
    let span = Span::new(file, off..(off + 1).min(text.len()).max(off));
    let message = e.message().trim();
    if message.contains("redefined object key") {
        // Terraform accepts a key written twice in an object constructor (the last wins);
        // hcl-edit 0.10 does not, and this one could not be worked around.
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
}

/// At most this many duplicated keys are worked around in one file.
const MAX_DUPLICATES: usize = 256;

/// Reads a file whose objects write a key twice, as Terraform does: the last occurrence wins.
/// hcl-edit refuses a redefined key, so (1) each redefinition is renamed to a placeholder of the
/// same length until the file parses, (2) the parsed tree tells where each key's earlier
/// occurrences are, (3) those items are blanked out (spaces, same length: every offset stays) and
/// the file is parsed again. `None` when a duplicate cannot be worked around this way.
fn without_duplicate_keys(file: FileId, text: &str) -> Option<(Body, Vec<Diagnostic>)> {
    // (1) offset of each renamed key → its original text
    let mut probe = text.as_bytes().to_vec();
    let mut renamed: Vec<(usize, String)> = Vec::new();
    let mut attempt = 0usize;
    let probed = loop {
        let src = std::str::from_utf8(&probe).ok()?;
        let e = match hcl_edit::parser::parse_body(src) {
            Ok(b) => break b,
            Err(e) => e,
        };
        if !e.message().contains("redefined object key") || renamed.len() >= MAX_DUPLICATES {
            return None;
        }
        let at = e.location().offset();
        let inner = key_text(text.as_bytes(), at)?;
        if renamed.last().is_some_and(|(o, _)| *o == at) {
            // the placeholder collides with a key of the object: try another
            attempt += 1;
            if attempt > 64 {
                return None;
            }
        } else {
            renamed.push((at, text.get(inner.clone())?.to_string()));
            attempt = 0;
        }
        let ph = placeholder(inner.len(), attempt)?;
        probe[inner].copy_from_slice(ph.as_bytes());
    };
    // (2) in each object holding a placeholder: the items of the same key, in order
    type Range = std::ops::Range<usize>;
    /// A duplicated key: its name, the earlier (key span, item range), the last key span.
    type Found = (String, Vec<(Range, Range)>, Range);
    struct Finder<'a> {
        renamed: &'a [(usize, String)],
        found: Vec<Found>,
    }
    impl hcl_edit::visit::Visit for Finder<'_> {
        fn visit_object(&mut self, node: &hcl_edit::expr::Object) {
            use hcl_edit::expr::{Expression, ObjectKey};
            use hcl_edit::Span as _;
            let name = |k: &ObjectKey| -> Option<String> {
                match k {
                    ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                    ObjectKey::Expression(Expression::String(s)) => Some(s.as_str().to_string()),
                    _ => None,
                }
            };
            // every item: (key span, item range, key name as parsed after the renaming)
            let items: Vec<(Range, Range, Option<String>)> = node
                .iter()
                .filter_map(|(k, v)| {
                    let ks = k.span()?;
                    let vs = v.expr().span()?;
                    Some((ks.clone(), ks.start..vs.end, name(k)))
                })
                .collect();
            let key_of = |i: usize| -> Option<&str> {
                let (ks, _, n) = &items[i];
                match self.renamed.iter().find(|(o, _)| *o == ks.start) {
                    Some((_, k)) => Some(k.as_str()),
                    None => n.as_deref(),
                }
            };
            let mut done: Vec<&str> = Vec::new();
            for (at, orig) in self.renamed {
                if done.contains(&orig.as_str()) || !items.iter().any(|(ks, _, _)| ks.start == *at)
                {
                    continue;
                }
                done.push(orig);
                let all: Vec<usize> = (0..items.len())
                    .filter(|&i| key_of(i) == Some(orig.as_str()))
                    .collect();
                let Some((&last, earlier)) = all.split_last() else {
                    continue;
                };
                self.found.push((
                    orig.clone(),
                    earlier
                        .iter()
                        .map(|&i| (items[i].0.clone(), items[i].1.clone()))
                        .collect(),
                    items[last].0.clone(),
                ));
            }
            hcl_edit::visit::visit_object(self, node);
        }
    }
    let mut finder = Finder {
        renamed: &renamed,
        found: Vec::new(),
    };
    hcl_edit::visit::Visit::visit_body(&mut finder, &probed);
    // (3) blank the earlier items (and the comma after each) in the original text
    let mut out = text.as_bytes().to_vec();
    let mut diagnostics = Vec::new();
    for (key, earlier, last) in &finder.found {
        let mut d = Diagnostic::warning(
            "duplicate-key",
            format!(
                "`{key}` is written {} times in this object; Terraform keeps the last value, \
                 and so does pullpath",
                earlier.len() + 1
            ),
        )
        .at(Span::new(file, last.clone()));
        for (key_span, item) in earlier {
            let mut end = item.end;
            while out.get(end).is_some_and(|b| *b == b' ' || *b == b'\t') {
                end += 1;
            }
            if out.get(end) == Some(&b',') {
                end += 1;
            }
            for b in out.get_mut(item.start..end)? {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
            d = d.with_related(Span::new(file, key_span.clone()), "written before here");
        }
        diagnostics.push(d);
    }
    let cleaned = String::from_utf8(out).ok()?;
    let body = hcl_edit::parser::parse_body(&cleaned).ok()?;
    Some((body, diagnostics))
}

/// The bytes of the key at `at` that can be renamed: an identifier, or the inside of a plain
/// quoted string (no escapes, no interpolation, not empty).
fn key_text(text: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    let first = *text.get(at)?;
    if first == b'"' {
        let start = at + 1;
        let len = text[start..].iter().position(|b| *b == b'"')?;
        let inner = &text[start..start + len];
        if len == 0
            || inner
                .iter()
                .any(|b| matches!(b, b'\\' | b'$' | b'%' | b'\n'))
        {
            return None;
        }
        return Some(start..start + len);
    }
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let len = text[at..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-'))
        .unwrap_or(text.len() - at);
    Some(at..at + len)
}

/// A key of `len` ASCII letters, different for each `attempt`.
fn placeholder(len: usize, attempt: usize) -> Option<String> {
    const LETTERS: &[u8] = b"QZXJKVWYqzxjkvwy";
    let mut n = attempt;
    let mut s = vec![b'Q'; len];
    for b in s.iter_mut().rev() {
        *b = LETTERS[n % LETTERS.len()];
        n /= LETTERS.len();
    }
    (n == 0 || len > 8).then(|| String::from_utf8(s).ok())?
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
    fn duplicate_object_keys_keep_the_last_and_the_rest_of_the_file() {
        let text =
            "a = {\n  k = 1\n  j = 0\n  k = 2\n}\nm = { \"s\": 1, \"s\": 2, \"s\": 3 }\nb = 3\n";
        let (body, diags) = parse_with_diagnostics(FileId(0), text).unwrap();
        let get = |name: &str| body.get_attribute(name).unwrap().value.to_string();
        assert_eq!(get("b").trim(), "3");
        let a = get("a");
        assert!(
            a.contains("k = 2") && !a.contains("k = 1") && a.contains("j = 0"),
            "{a}"
        );
        let m = get("m");
        assert!(m.contains("\"s\": 3") && !m.contains("\"s\": 1"), "{m}");
        assert_eq!(diags.len(), 2, "{diags:?}");
        let d = &diags[0];
        assert_eq!(d.code, "duplicate-key");
        assert_eq!(d.severity, crate::base::Severity::Warning);
        // both places: the kept key and the earlier one
        assert_eq!(&text[d.span.unwrap().range()], "k");
        assert_eq!(d.span.unwrap().start, text.rfind("k = 2").unwrap() as u32);
        assert_eq!(d.related.len(), 1);
        assert_eq!(d.related[0].0.start, text.find("k = 1").unwrap() as u32);
        assert_eq!(diags[1].related.len(), 2);
        // every span still points into the original text
        let b = body.get_attribute("b").unwrap();
        assert_eq!(&text[b.value.span().unwrap()], "3");
    }

    #[test]
    fn duplicate_attribute_is_still_an_error() {
        let d = parse(FileId(0), "a = 1\na = 2\n").err().unwrap();
        assert_eq!(d.code, "parse-error");
    }

    #[test]
    fn deep_nesting_rejected() {
        let text = format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(FileId(0), &text).err().unwrap().code, "too-deep");
    }
}
