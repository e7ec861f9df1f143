//! A module directory's configuration, format-neutral: the blocks of its `.tf` and `.tf.json`
//! files, with override files merged in (Terraform's rules), pointing into the parsed trees.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block as HBlock, Body as HBody};
use hcl_edit::Span as _;
use indexmap::IndexMap;

use crate::base::{Diagnostic, FileId, Span, Val, Value};

/// An expression to evaluate: native HCL, or a Terraform JSON value (strings are templates).
#[derive(Clone, Copy, Debug)]
pub enum Expr<'a> {
    Hcl(&'a Expression, FileId),
    Json(&'a Value),
    /// A JSON value taken literally (variable defaults and tfvars in JSON syntax).
    JsonLit(&'a Value),
}

impl Expr<'_> {
    pub fn span(&self) -> Option<Span> {
        match self {
            Expr::Hcl(e, f) => e.span().map(|r| Span::new(*f, r)),
            Expr::Json(v) | Expr::JsonLit(v) => v.span,
        }
    }
    /// The bare identifier this expression is (`iterator = x`, `provider = aws.east`).
    pub fn as_ident_path(&self) -> Option<String> {
        match self {
            Expr::Hcl(e, _) => ident_path(e),
            Expr::Json(v) | Expr::JsonLit(v) => v.as_str().map(str::to_string),
        }
    }
    /// A literal string (`source = "./x"`).
    pub fn as_literal_str(&self) -> Option<String> {
        match self {
            Expr::Hcl(e, _) => match e {
                Expression::String(s) => Some(s.value().to_string()),
                Expression::StringTemplate(t) => {
                    let mut out = String::new();
                    for el in t.iter() {
                        out.push_str(el.as_literal()?.value());
                    }
                    Some(out)
                }
                _ => None,
            },
            Expr::Json(v) | Expr::JsonLit(v) => v.as_str().map(str::to_string),
        }
    }
}

fn ident_path(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut s = ident_path(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    hcl_edit::expr::TraversalOperator::GetAttr(a) => {
                        s.push('.');
                        s.push_str(a.as_str());
                    }
                    _ => return None,
                }
            }
            Some(s)
        }
        Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}

#[derive(Clone, Debug)]
pub struct Attr<'a> {
    pub name: String,
    pub key_span: Option<Span>,
    pub expr: Expr<'a>,
}

#[derive(Clone, Debug, Default)]
pub struct Body<'a> {
    pub attrs: Vec<Attr<'a>>,
    pub blocks: Vec<Block<'a>>,
}

impl<'a> Body<'a> {
    pub fn attr(&self, name: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.name == name)
    }
    pub fn blocks<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Block<'a>> + 's {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Clone, Debug)]
pub struct Block<'a> {
    pub kind: String,
    pub labels: Vec<String>,
    /// The header: type and labels.
    pub header: Option<Span>,
    /// The whole block.
    pub span: Option<Span>,
    pub body: Body<'a>,
}

// ---------------------------------------------------------------------------------------------
// From hcl-edit

pub fn from_hcl(body: &HBody, file: FileId) -> Body<'_> {
    let mut out = Body::default();
    for a in body.attributes() {
        out.attrs.push(Attr {
            name: a.key.as_str().to_string(),
            key_span: a.key.span().map(|r| Span::new(file, r)),
            expr: Expr::Hcl(&a.value, file),
        });
    }
    for b in body.blocks() {
        out.blocks.push(block_from_hcl(b, file));
    }
    out
}

fn block_from_hcl(b: &HBlock, file: FileId) -> Block<'_> {
    let start = b.ident.span().map(|r| r.start);
    let end = b
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| b.ident.span())
        .map(|r| r.end);
    let header = match (start, end) {
        (Some(s), Some(e)) => Some(Span::new(file, s..e)),
        _ => None,
    };
    Block {
        kind: b.ident.as_str().to_string(),
        labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
        header,
        span: b.span().map(|r| Span::new(file, r)),
        body: from_hcl(&b.body, file),
    }
}

// ---------------------------------------------------------------------------------------------
// From Terraform JSON syntax

/// Blocks nested in a resource/data/module body that JSON syntax writes as objects.
const JSON_NESTED_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "validation"];

/// The top-level blocks of a `.tf.json` document.
pub fn from_json<'a>(doc: &'a Value, diags: &mut Vec<Diagnostic>) -> Body<'a> {
    let mut out = Body::default();
    let Some(top) = doc.as_map() else {
        if let Some(sp) = doc.span {
            diags.push(
                Diagnostic::error("parse-error", "a Terraform JSON file must hold an object")
                    .at(sp),
            );
        }
        return out;
    };
    for e in &top.entries {
        let kind = e.key.as_str();
        let depth = match kind {
            "resource" | "data" => 2,
            "module" | "variable" | "output" | "provider" => 1,
            "terraform" => 0,
            "locals" => {
                for item in as_items(&e.value) {
                    if let Some(m) = item.as_map() {
                        let mut b = Block {
                            kind: "locals".into(),
                            labels: vec![],
                            header: e.key_span,
                            span: item.span,
                            body: Body::default(),
                        };
                        for le in &m.entries {
                            if le.key == "//" {
                                continue;
                            }
                            b.body.attrs.push(Attr {
                                name: le.key.clone(),
                                key_span: le.key_span,
                                expr: Expr::Json(&le.value),
                            });
                        }
                        out.blocks.push(b);
                    }
                }
                continue;
            }
            _ => continue,
        };
        json_labelled(kind, &e.value, depth, vec![], e.key_span, &mut out.blocks);
    }
    out
}

fn as_items(v: &Value) -> Vec<&Value> {
    match &v.kind {
        Val::List(l) => l.iter().collect(),
        _ => vec![v],
    }
}

fn json_labelled<'a>(
    kind: &str,
    v: &'a Value,
    depth: usize,
    labels: Vec<String>,
    header: Option<Span>,
    out: &mut Vec<Block<'a>>,
) {
    if depth == 0 {
        for item in as_items(v) {
            if let Some(m) = item.as_map() {
                out.push(Block {
                    kind: kind.to_string(),
                    labels: labels.clone(),
                    header,
                    span: item.span,
                    body: json_body(kind, m),
                });
            }
        }
        return;
    }
    for item in as_items(v) {
        if let Some(m) = item.as_map() {
            for e in &m.entries {
                if e.key == "//" {
                    continue;
                }
                let mut l = labels.clone();
                l.push(e.key.clone());
                let h = match (header, e.key_span) {
                    (Some(h), Some(k)) if depth > 1 || labels.is_empty() => Some(k.cover(h)),
                    (_, k) => k,
                };
                json_labelled(kind, &e.value, depth - 1, l, e.key_span.or(h), out);
            }
        }
    }
}

fn json_body<'a>(kind: &str, m: &'a crate::base::Map) -> Body<'a> {
    let mut body = Body::default();
    for e in &m.entries {
        if e.key == "//" {
            continue;
        }
        let literal = kind == "variable" && e.key == "default";
        if kind != "variable" && kind != "output" && e.key == "dynamic" {
            // "dynamic": {"name": {"for_each": ..., "content": {...}}}
            for item in as_items(&e.value) {
                if let Some(dm) = item.as_map() {
                    for de in &dm.entries {
                        for inner in as_items(&de.value) {
                            if let Some(im) = inner.as_map() {
                                let mut b = Block {
                                    kind: "dynamic".into(),
                                    labels: vec![de.key.clone()],
                                    header: de.key_span,
                                    span: inner.span,
                                    body: Body::default(),
                                };
                                for ie in &im.entries {
                                    if ie.key == "content" {
                                        if let Some(cm) = ie.value.as_map() {
                                            b.body.blocks.push(Block {
                                                kind: "content".into(),
                                                labels: vec![],
                                                header: ie.key_span,
                                                span: ie.value.span,
                                                body: json_body("content", cm),
                                            });
                                        }
                                    } else {
                                        b.body.attrs.push(Attr {
                                            name: ie.key.clone(),
                                            key_span: ie.key_span,
                                            expr: Expr::Json(&ie.value),
                                        });
                                    }
                                }
                                body.blocks.push(b);
                            }
                        }
                    }
                }
            }
            continue;
        }
        if JSON_NESTED_BLOCKS.contains(&e.key.as_str()) && kind != "variable"
            || (kind == "variable" && e.key == "validation")
        {
            for item in as_items(&e.value) {
                if let Some(im) = item.as_map() {
                    body.blocks.push(Block {
                        kind: e.key.clone(),
                        labels: vec![],
                        header: e.key_span,
                        span: item.span,
                        body: json_body(&e.key, im),
                    });
                }
            }
            continue;
        }
        body.attrs.push(Attr {
            name: e.key.clone(),
            key_span: e.key_span,
            expr: if literal {
                Expr::JsonLit(&e.value)
            } else {
                Expr::Json(&e.value)
            },
        });
    }
    body
}

// ---------------------------------------------------------------------------------------------
// A module's configuration

#[derive(Debug, Default)]
pub struct ModuleConfig<'a> {
    pub variables: IndexMap<String, Block<'a>>,
    pub locals: IndexMap<String, Attr<'a>>,
    /// Managed resources by `type.name`.
    pub resources: IndexMap<String, Block<'a>>,
    /// Data sources by `type.name`.
    pub data: IndexMap<String, Block<'a>>,
    pub modules: IndexMap<String, Block<'a>>,
    pub outputs: IndexMap<String, Block<'a>>,
    /// Provider configurations by `name` or `name.alias`.
    pub providers: IndexMap<String, Block<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a file name is a Terraform override file.
pub fn is_override(name: &str) -> bool {
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

impl<'a> ModuleConfig<'a> {
    /// Builds the configuration from the files' top-level bodies: primary files first, then
    /// override files, each group in the order given (lexical).
    pub fn build(files: Vec<(Body<'a>, bool)>) -> ModuleConfig<'a> {
        let mut cfg = ModuleConfig::default();
        let (primary, overrides): (Vec<_>, Vec<_>) = files.into_iter().partition(|(_, o)| !o);
        for (body, _) in primary {
            for b in body.blocks {
                cfg.add(b, false);
            }
        }
        for (body, _) in overrides {
            for b in body.blocks {
                cfg.add(b, true);
            }
        }
        cfg
    }

    fn add(&mut self, b: Block<'a>, over: bool) {
        let (table, key) = match b.kind.as_str() {
            "locals" => {
                for a in b.body.attrs {
                    if !over && self.locals.contains_key(&a.name) {
                        self.dup("local value", &a.name, a.key_span);
                        continue;
                    }
                    self.locals.insert(a.name.clone(), a);
                }
                return;
            }
            "variable" if b.labels.len() == 1 => (&mut self.variables, b.labels[0].clone()),
            "output" if b.labels.len() == 1 => (&mut self.outputs, b.labels[0].clone()),
            "module" if b.labels.len() == 1 => (&mut self.modules, b.labels[0].clone()),
            "resource" if b.labels.len() == 2 => (
                &mut self.resources,
                format!("{}.{}", b.labels[0], b.labels[1]),
            ),
            "data" if b.labels.len() == 2 => {
                (&mut self.data, format!("{}.{}", b.labels[0], b.labels[1]))
            }
            "provider" if b.labels.len() == 1 => {
                let alias = b.body.attr("alias").and_then(|a| a.expr.as_literal_str());
                let key = match alias {
                    Some(al) => format!("{}.{}", b.labels[0], al),
                    None => b.labels[0].clone(),
                };
                (&mut self.providers, key)
            }
            _ => return,
        };
        match table.get_mut(&key) {
            Some(base) if over => merge_override(base, b),
            Some(_) => {
                let what = b.kind.clone();
                self.dup(&what, &key, b.header)
            }
            None if over => {
                // An override for something that does not exist: Terraform reports an error.
                if let Some(sp) = b.header {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "override-without-base",
                            format!(
                                "override for {} `{key}` that is not declared; ignored",
                                b.kind
                            ),
                        )
                        .at(sp),
                    );
                }
            }
            None => {
                table.insert(key, b);
            }
        }
    }

    fn dup(&mut self, what: &str, name: &str, at: Option<Span>) {
        // Terraform rejects the configuration ("Duplicate ... configuration").
        let mut d = Diagnostic::error(
            "duplicate-declaration",
            format!("duplicate {what} `{name}`: Terraform rejects this; pullpath reads the first"),
        );
        d.span = at;
        self.diagnostics.push(d);
    }
}

/// Terraform's override merge: arguments replace, nested block types replace all blocks of that
/// type (`lifecycle` merges per argument).
fn merge_override<'a>(base: &mut Block<'a>, over: Block<'a>) {
    merge_body(&mut base.body, over.body);
}

fn merge_body<'a>(base: &mut Body<'a>, over: Body<'a>) {
    for a in over.attrs {
        if let Some(x) = base.attrs.iter_mut().find(|x| x.name == a.name) {
            *x = a;
        } else {
            base.attrs.push(a);
        }
    }
    let mut replaced: Vec<String> = Vec::new();
    for b in over.blocks {
        if b.kind == "lifecycle" {
            if let Some(x) = base.blocks.iter_mut().find(|x| x.kind == "lifecycle") {
                merge_body(&mut x.body, b.body);
                continue;
            }
        }
        let name = if b.kind == "dynamic" {
            b.labels.first().cloned().unwrap_or_default()
        } else {
            b.kind.clone()
        };
        if !replaced.contains(&name) {
            base.blocks.retain(|x| {
                let n = if x.kind == "dynamic" {
                    x.labels.first().map(String::as_str).unwrap_or("")
                } else {
                    x.kind.as_str()
                };
                n != name
            });
            replaced.push(name);
        }
        base.blocks.push(b);
    }
}
