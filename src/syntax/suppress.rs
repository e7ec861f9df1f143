//! Inline suppressions, found in the spanned trees: `# pullpath:ignore FGP021 reason` comments
//! in HCL (also `//`) and YAML, and a CloudFormation resource's `Metadata.pullpath.ignore`
//! (YAML and JSON). Each [`Ignore`] keeps the rule ids with their places and the extent of the
//! item it covers; the rules stage applies them to the findings (`rules::suppress`).
//!
//! - A comment on its own line covers the item (HCL block or attribute, YAML mapping entry or
//!   list item) that starts on the next line that is not a comment; a comment at the end of a
//!   line covers the item that starts on that line (in HCL: the item that ends there, or the
//!   block whose `{` is on it).
//! - Comments are read only where the tree says there is no code: between the items of an HCL
//!   body, and in YAML outside every scalar. A `pullpath:ignore` inside a heredoc or a string is
//!   text, not a suppression.

use std::ops::Range;

use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span as _;

use crate::base::diag::SuppressionKind;
use crate::base::{Diagnostic, FileId, Span, Val, Value};

/// What a suppression comment starts with (after `#` or `//` and spaces).
pub const MARKER: &str = "pullpath:ignore";

/// One suppression as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ignore {
    /// The rule ids (or `all`), each with where it is written.
    pub ids: Vec<(String, Span)>,
    /// The reason written after the ids (`None`: none).
    pub reason: Option<String>,
    pub kind: SuppressionKind,
    /// The comment, or the `Metadata` entry.
    pub at: Span,
    /// The item covered: a finding whose primary span lies inside it is suppressed. `None`: the
    /// comment is above nothing (a blank line or the end of a block follows it).
    pub covers: Option<Span>,
}

/// Whether `text` may hold a suppression: only such files are read for them (one substring
/// search per file otherwise).
fn may_hold(text: &str) -> bool {
    text.contains("pullpath")
}

/// The suppressions of one file read for the run: a `.tf` file's comments, or a template's
/// comments (YAML) and `Metadata` (YAML and JSON); nothing for other files. Only a file that
/// [`may_hold`] one is parsed (again: the frontends' trees are gone by now), so a run without
/// suppressions pays a substring search per file. A template that does not parse has none (its
/// parse error is the frontend's diagnostic).
pub fn of_file(
    file: FileId,
    path: &std::path::Path,
    text: &str,
    template: bool,
) -> (Vec<Ignore>, Vec<Diagnostic>) {
    if !may_hold(text) {
        return (Vec::new(), Vec::new());
    }
    if path.to_string_lossy().ends_with(".tf") {
        return (hcl(file, text), Vec::new());
    }
    if !template {
        return (Vec::new(), Vec::new());
    }
    if text.trim_start().starts_with('{') {
        super::json::parse(file, text, 0)
            .map_or_else(|_| (Vec::new(), Vec::new()), |p| metadata(&p.value))
    } else {
        super::yaml::parse(file, text)
            .map_or_else(|_| (Vec::new(), Vec::new()), |p| yaml(file, text, &p.value))
    }
}

/// The suppressions of a `.tf` file. A file that does not parse has none (its parse error is
/// reported by the Terraform frontend).
fn hcl(file: FileId, text: &str) -> Vec<Ignore> {
    let Ok(body) = super::hcl::parse(file, text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    hcl_body(&body, 0..text.len(), None, file, text, &mut out);
    out
}

/// The suppressions of `body`, whose items lie in `inside` (after a block's `{`, before its
/// `}`), and of what they hold; `owner` is the block (a comment on its `{` line covers it).
fn hcl_body(
    body: &Body,
    inside: Range<usize>,
    owner: Option<Range<usize>>,
    file: FileId,
    text: &str,
    out: &mut Vec<Ignore>,
) {
    let items: Vec<Range<usize>> = body.iter().filter_map(|s| s.span()).collect();
    if items.len() != body.len() {
        return;
    }
    gaps(&items, inside, owner, file, text, out);
    for (s, r) in body.iter().zip(items) {
        match s {
            Structure::Block(b) => {
                let head_end = (b.labels.iter().filter_map(|l| l.span()))
                    .chain(b.ident.span())
                    .map(|l| l.end)
                    .max()
                    .unwrap_or(r.start);
                if let Some(brace) = text.get(head_end..r.end).and_then(|t| t.find('{')) {
                    let open = head_end + brace + 1;
                    let close = r.end.saturating_sub(1).max(open);
                    hcl_body(&b.body, open..close, Some(r), file, text, out);
                }
            }
            Structure::Attribute(a) => {
                let mut exprs = Exprs { file, text, out };
                hcl_edit::visit::Visit::visit_expr(&mut exprs, &a.value);
            }
        }
    }
}

/// The suppressions between the items of the object and tuple constructors of an expression
/// (`container_definitions = jsonencode([{ ... }])`): an object item from its key to the end
/// of its value, a tuple element.
struct Exprs<'a> {
    file: FileId,
    text: &'a str,
    out: &'a mut Vec<Ignore>,
}

impl Exprs<'_> {
    /// The gaps of a constructor spanning `outer` (its brackets included).
    fn constructor(&mut self, outer: Option<Range<usize>>, items: Vec<Option<Range<usize>>>) {
        let (Some(outer), Some(items)) = (outer, items.into_iter().collect::<Option<Vec<_>>>())
        else {
            return;
        };
        let inside = outer.start + 1..outer.end.saturating_sub(1).max(outer.start + 1);
        gaps(&items, inside, Some(outer), self.file, self.text, self.out);
    }
}

impl hcl_edit::visit::Visit for Exprs<'_> {
    fn visit_object(&mut self, node: &hcl_edit::expr::Object) {
        let items = (node.iter())
            .map(|(k, v)| Some(k.span()?.start..v.expr().span()?.end))
            .collect();
        self.constructor(node.span(), items);
        hcl_edit::visit::visit_object(self, node);
    }

    fn visit_array(&mut self, node: &hcl_edit::expr::Array) {
        self.constructor(node.span(), node.iter().map(|e| e.span()).collect());
        hcl_edit::visit::visit_array(self, node);
    }
}

/// The suppression comments of the gaps between `items` (in order, inside `inside`: text
/// that holds only blanks, separators and comments), each covering the item after it (a comment
/// on its own line) or the item before it (at the end of that item's line; `owner` when no item
/// comes before: the block or constructor whose opening bracket is on that line).
fn gaps(
    items: &[Range<usize>],
    inside: Range<usize>,
    owner: Option<Range<usize>>,
    file: FileId,
    text: &str,
    out: &mut Vec<Ignore>,
) {
    let mut prev: Option<&Range<usize>> = None;
    let mut gap_start = inside.start;
    for i in 0..=items.len() {
        let next = items.get(i);
        let gap_end = next.map_or(inside.end, |r| r.start);
        if gap_end < gap_start || gap_end > text.len() {
            return;
        }
        let gap = &text[gap_start..gap_end];
        let line_end = gap.find('\n').map_or(gap_end, |n| gap_start + n);
        let mut attached = None;
        for (at, comment) in hcl_comments(text, gap_start..gap_end) {
            let Some(mut ignore) = directive(file, at, comment) else {
                continue;
            };
            // at the end of the line of the item before (or of the opening bracket)
            let trailing = (prev.is_some() || owner.is_some()) && at < line_end;
            let covers = if trailing {
                prev.or(owner.as_ref()).cloned()
            } else {
                let from = *attached.get_or_insert_with(|| {
                    next.map_or(gap_end, |n| comments_above(text, gap_start, n.start))
                });
                next.filter(|_| at >= from).cloned()
            };
            ignore.covers = covers.map(|r| Span::new(file, r));
            out.push(ignore);
        }
        let Some(r) = next else { break };
        gap_start = r.end;
        prev = Some(r);
    }
}

/// The line comments (`#`, `//`) in `range` of `text`, a stretch holding only blanks and
/// comments: each as its offset and text without its marker.
fn hcl_comments(text: &str, range: Range<usize>) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let line_end = |from: usize| {
            text[from..range.end]
                .find('\n')
                .map_or(range.end, |n| from + n)
        };
        if b[i] == b'#' || (b[i] == b'/' && b.get(i + 1) == Some(&b'/')) {
            let end = line_end(i);
            out.push((i, text[i..end].trim_end()));
            i = end;
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i = text[i..range.end]
                .find("*/")
                .map_or(range.end, |n| i + n + 2);
        } else {
            i += 1;
        }
    }
    out
}

/// Where the comment lines directly above the item at `item` begin (no blank line between
/// them and it; scanning back from the item's line, never before `from`): a comment from there
/// on is above the item. Each line is read once.
fn comments_above(text: &str, from: usize, item: usize) -> usize {
    let Some(nl) = text[from..item].rfind('\n') else {
        return item; // the item is on the gap's first line: nothing is above it
    };
    let mut start = from + nl + 1;
    while start > from {
        let end = start - 1;
        let line_start = text[from..end].rfind('\n').map_or(from, |n| from + n + 1);
        let l = text[line_start..end].trim();
        if !(l.starts_with('#') || l.starts_with("//")) {
            break;
        }
        start = line_start;
    }
    start
}

/// Reads a comment (with its marker: `#`, `//`) at offset `at` as a suppression: the rule ids
/// (comma-separated) and the reason; what it covers is for the caller to set. `None`: not a
/// suppression comment.
fn directive(file: FileId, at: usize, comment: &str) -> Option<Ignore> {
    let body = comment
        .strip_prefix("//")
        .or_else(|| comment.strip_prefix('#'))?;
    let lead = body.len() - body.trim_start().len();
    let rest = body.trim_start().strip_prefix(MARKER)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let mut offset = at + (comment.len() - body.len()) + lead + MARKER.len();
    let ws = rest.len() - rest.trim_start().len();
    offset += ws;
    let rest = rest.trim_start();
    let token_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let mut ids = Vec::new();
    let mut pos = offset;
    for id in rest[..token_len].split(',') {
        if !id.is_empty() {
            ids.push((id.to_string(), Span::new(file, pos..pos + id.len())));
        }
        pos += id.len() + 1;
    }
    let reason = rest[token_len..].trim();
    Some(Ignore {
        ids,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        kind: SuppressionKind::Comment,
        at: Span::new(file, at..at + comment.len()),
        covers: None,
    })
}

/// The suppressions of a YAML template: its `# pullpath:ignore` comments and its resources'
/// `Metadata.pullpath.ignore`.
fn yaml(file: FileId, text: &str, root: &Value) -> (Vec<Ignore>, Vec<Diagnostic>) {
    let mut scalars = Vec::new();
    let mut items = Vec::new();
    yaml_walk(root, &mut scalars, &mut items);
    scalars.sort_unstable_by_key(|r| r.start);
    // the outermost item starting on each line
    let lines = LineStarts::new(text);
    let mut by_line: std::collections::HashMap<usize, Range<usize>> = Default::default();
    for r in items {
        let line = lines.line_of(r.start);
        let keep = by_line.get(&line).is_some_and(|k| {
            (k.start, std::cmp::Reverse(k.end)) <= (r.start, std::cmp::Reverse(r.end))
        });
        if !keep {
            by_line.insert(line, r);
        }
    }
    let in_scalar = |p: usize| {
        let i = scalars.partition_point(|r| r.start <= p);
        i > 0 && scalars[i - 1].end > p
    };
    // for each line, the next line that is not a comment, unless a blank line comes first
    let mut next_code: Vec<Option<usize>> = vec![None; lines.0.len()];
    for l in (0..lines.0.len().saturating_sub(1)).rev() {
        next_code[l] = match lines.text_of(text, l + 1).map(str::trim) {
            Some(t) if t.starts_with('#') => next_code[l + 1],
            Some(t) if !t.is_empty() => Some(l + 1),
            _ => None,
        };
    }
    let mut out = Vec::new();
    for (line, range) in lines.iter(text) {
        let l = &text[range.clone()];
        let Some((hash, _)) = l.char_indices().find(|&(i, c)| {
            c == '#'
                && (i == 0 || l[..i].ends_with(char::is_whitespace))
                && !in_scalar(range.start + i)
        }) else {
            continue;
        };
        let at = range.start + hash;
        let comment = l[hash..].trim_end();
        let Some(mut ignore) = directive(file, at, comment) else {
            continue;
        };
        let covers = if l[..hash].trim().is_empty() {
            next_code[line].and_then(|next| by_line.get(&next).cloned())
        } else {
            by_line.get(&line).cloned()
        };
        ignore.covers = covers.map(|r| Span::new(file, r));
        out.push(ignore);
    }
    let (meta, diagnostics) = metadata(root);
    out.extend(meta);
    (out, diagnostics)
}

/// The spans of every scalar (where a `#` is text) and of every item a comment can cover (a
/// mapping entry, from its key to the end of its value; a list element).
fn yaml_walk(v: &Value, scalars: &mut Vec<Range<usize>>, items: &mut Vec<Range<usize>>) {
    match &v.kind {
        Val::Map(m) => {
            for e in &m.entries {
                let end = e.value.span.map_or(0, |s| s.end as usize);
                if let Some(k) = e.key_span {
                    scalars.push(k.range());
                    items.push(k.start as usize..end.max(k.end as usize));
                }
                yaml_walk(&e.value, scalars, items);
            }
        }
        Val::List(l) => {
            for e in l {
                items.extend(e.span.map(|s| s.range()));
                yaml_walk(e, scalars, items);
            }
        }
        _ => scalars.extend(v.span.map(|s| s.range())),
    }
}

/// Line starts of a text, for YAML's line-based placement.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut v = vec![0];
        v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(v)
    }
    fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset) - 1
    }
    fn range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = *self.0.get(line)?;
        let end = self.0.get(line + 1).map_or(text.len(), |n| n - 1);
        Some(start..end.max(start))
    }
    fn text_of<'a>(&self, text: &'a str, line: usize) -> Option<&'a str> {
        self.range(text, line).map(|r| &text[r])
    }
    fn iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (usize, Range<usize>)> + 'a {
        (0..self.0.len()).filter_map(move |l| self.range(text, l).map(|r| (l, r)))
    }
}

/// The suppressions of a template's resources: `Metadata: {pullpath: {ignore: [...]}}`, each
/// element a rule id or `{id: FGP021, reason: ...}`; each covers its resource.
fn metadata(root: &Value) -> (Vec<Ignore>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    let Some(Val::Map(resources)) = root.get("Resources").map(|r| &r.kind) else {
        return (out, diagnostics);
    };
    for e in &resources.entries {
        let Some(list) = e
            .value
            .get("Metadata")
            .and_then(|m| m.get("pullpath"))
            .and_then(|p| p.get("ignore"))
        else {
            continue;
        };
        let (Some(key), Some(end)) = (e.key_span, e.value.span) else {
            continue;
        };
        let covers = Span::new(key.file, key.start as usize..end.end as usize);
        let Some(items) = list.as_list() else {
            diagnostics.extend(list.span.map(|s| invalid(s, &e.key)));
            continue;
        };
        for item in items {
            let (id, reason) = match &item.kind {
                Val::Str(_) => (Some(item), None),
                Val::Map(m) => (
                    m.get("id").filter(|i| i.as_str().is_some()),
                    m.get("reason").and_then(|r| r.as_str()).map(str::to_string),
                ),
                _ => (None, None),
            };
            match (id, item.span) {
                (Some(id), Some(at)) => {
                    let id_span = id.span.unwrap_or(at);
                    out.push(Ignore {
                        ids: vec![(id.as_str().unwrap_or_default().to_string(), id_span)],
                        reason,
                        kind: SuppressionKind::Metadata,
                        at,
                        covers: Some(covers),
                    });
                }
                (None, Some(at)) => diagnostics.push(invalid(at, &e.key)),
                _ => {}
            }
        }
    }
    (out, diagnostics)
}

fn invalid(at: Span, resource: &str) -> Diagnostic {
    Diagnostic::warning(
        "invalid-ignore",
        format!(
            "`Metadata.pullpath.ignore` of `{resource}` is not read: it is a list of rule ids \
             or of `{{id: FGPnnn, reason: ...}}`"
        ),
    )
    .at(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered<'a>(text: &'a str, i: &Ignore) -> Option<&'a str> {
        i.covers.map(|s| &text[s.range()])
    }

    fn ids(i: &Ignore) -> Vec<&str> {
        i.ids.iter().map(|(s, _)| s.as_str()).collect()
    }

    #[test]
    fn hcl_comment_above_block_attribute_and_trailing() {
        let text = r##"# pullpath:ignore FGP021 the role is made elsewhere
resource "aws_iam_role" "x" {
  name = "x" // pullpath:ignore FGP022,FGP023
  # pullpath:ignore all
  # another comment
  assume_role_policy = <<EOT
# pullpath:ignore FGP099 not a comment: a heredoc line
EOT
  tags = { a = "# pullpath:ignore FGP098" }
  container_definitions = jsonencode([
    # pullpath:ignore FGP026
    {
      name  = "app" # pullpath:ignore FGP027
      # pullpath:ignore FGP028
      image = "x"
    },
  ])
}
resource "aws_iam_role" "y" { # pullpath:ignore FGP024
}

# pullpath:ignore FGP025 a blank line follows

resource "aws_iam_role" "z" {}
"##;
        let mut found = hcl(FileId(0), text);
        found.sort_by_key(|i| i.at.start);
        let got: Vec<_> = found
            .iter()
            .map(|i| (ids(i), i.reason.as_deref(), covered(text, i)))
            .collect();
        assert_eq!(got.len(), 8, "{got:#?}");
        assert_eq!(got[0].0, ["FGP021"]);
        assert_eq!(got[0].1, Some("the role is made elsewhere"));
        let block = got[0].2.unwrap();
        assert!(block.starts_with("resource \"aws_iam_role\" \"x\" {"));
        assert!(block.ends_with("  ])\n}"), "{block}");
        assert_eq!(
            got[1],
            (vec!["FGP022", "FGP023"], None, Some("name = \"x\""))
        );
        assert_eq!(got[2].0, ["all"]);
        assert!(got[2].2.unwrap().starts_with("assume_role_policy = <<EOT"));
        // inside an expression: a tuple element, an object item (trailing, and above)
        assert_eq!(got[3].0, ["FGP026"]);
        assert!(got[3].2.unwrap().starts_with("{\n      name"));
        assert_eq!(got[4], (vec!["FGP027"], None, Some("name  = \"app\"")));
        assert_eq!(got[5], (vec!["FGP028"], None, Some("image = \"x\"")));
        assert_eq!(got[6].0, ["FGP024"]);
        let block = got[6].2.unwrap();
        assert!(block.starts_with("resource \"aws_iam_role\" \"y\""));
        assert_eq!(got[7], (vec!["FGP025"], Some("a blank line follows"), None));
        // the id's span is the id
        let (id, span) = &found[1].ids[1];
        assert_eq!(&text[span.range()], id);
    }

    #[test]
    fn yaml_comments_and_metadata() {
        let text = "Resources:\n  # pullpath:ignore FGP021 reason here\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Path: / # pullpath:ignore FGP022\n      Description: \"a # pullpath:ignore FGP097\"\n      Other: |\n        # pullpath:ignore FGP096\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Metadata:\n      pullpath:\n        ignore:\n          - FGP030\n          - {id: FGP031, reason: known}\n";
        let root = super::super::yaml::parse(FileId(0), text).unwrap().value;
        let (found, diags) = yaml(FileId(0), text, &root);
        assert!(diags.is_empty(), "{diags:?}");
        let got: Vec<_> = found
            .iter()
            .map(|i| (ids(i), i.reason.as_deref(), covered(text, i)))
            .collect();
        assert_eq!(got.len(), 4, "{got:#?}");
        assert_eq!(got[0].0, ["FGP021"]);
        assert!(got[0].2.unwrap().starts_with("Role:\n    Type"));
        // the block scalar's `# pullpath:ignore` is text, and the entry covers it
        assert!(got[0].2.unwrap().contains("FGP096"));
        assert!(!got[0].2.unwrap().contains("Task:"));
        assert_eq!(got[1], (vec!["FGP022"], None, Some("Path: /")));
        assert_eq!(got[2].0, ["FGP030"]);
        assert!(got[2].2.unwrap().starts_with("Task:"));
        assert_eq!(got[3], (vec!["FGP031"], Some("known"), got[2].2));
        assert_eq!(found[2].kind, SuppressionKind::Metadata);
    }

    #[test]
    fn json_metadata() {
        let text = r#"{"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition",
  "Metadata": {"pullpath": {"ignore": [{"id": "FGP031", "reason": "r"}, 3]}}}}}"#;
        let root = super::super::json::parse(FileId(0), text, 0).unwrap().value;
        let (found, diags) = metadata(&root);
        assert_eq!(found.len(), 1);
        assert_eq!(ids(&found[0]), ["FGP031"]);
        assert!(covered(text, &found[0]).unwrap().starts_with("\"Task\""));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "invalid-ignore");
    }

    #[test]
    fn directive_reads_ids_and_reason() {
        assert_eq!(directive(FileId(0), 0, "# not one"), None);
        assert_eq!(directive(FileId(0), 0, "# pullpath:ignored X"), None);
        let i = directive(FileId(0), 10, "#pullpath:ignore A,B  why not").unwrap();
        assert_eq!(i.ids[0], ("A".to_string(), Span::new(FileId(0), 27..28)));
        assert_eq!(i.ids[1], ("B".to_string(), Span::new(FileId(0), 29..30)));
        assert_eq!(i.reason.as_deref(), Some("why not"));
        assert_eq!(i.at, Span::new(FileId(0), 10..39));
        let i = directive(FileId(0), 0, "// pullpath:ignore").unwrap();
        assert!(i.ids.is_empty() && i.reason.is_none());
    }
}
