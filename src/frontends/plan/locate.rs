//! Points plan resources at their declaration in the `.tf` sources, when those are at hand: the
//! directory of the plan, or `--tf-root`. Child modules are found through the module call's
//! `source` (local paths) or `.terraform/modules/modules.json` (registry and remote modules).
//!
//! The sources also tell the shape of each attribute's expression ([`Shape`]), which the plan's
//! flat reference lists cannot: whether `x = aws_a.b.id` is a plain copy of one attribute, a list
//! of copies, or something computed from it (`"${aws_a.b.id}:latest"`, a function call).

use crate::base::source::tidy as normalize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::Body;
use hcl_edit::template::Element;
use hcl_edit::Span as _;

use crate::base::fs::load;
use crate::base::{Diagnostic, SourceMap, Span};
use crate::frontends::{Mode, Options};
use crate::syntax::hcl;

use super::refs::{cfg_key, Addr};

/// What an attribute's expression is, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// One reference, copied (`aws_a.b.id`, `"${aws_a.b.id}"`, `aws_a.b[count.index].id`).
    Copy,
    /// A splat (`aws_a.b[*].id`): a list of copies.
    Splat,
    /// A list of plain references (`[aws_a.b.id, aws_c.d.id]`).
    List,
    /// Anything else: a template with text, a function call, a conditional, a literal...
    Computed,
}

/// How an attribute is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Written {
    pub shape: Shape,
    /// For a copy or splat of a resource attribute: the resource (`aws_s.n`, `data.aws_s.n`) and
    /// the attribute path after its instance key (`id`), which plans leave out of `references`
    /// after a dynamic index or a splat (and Terraform 0.12 always).
    pub tail: Option<(String, String)>,
}

/// Attribute name → how it is written, over the resource block and its nested blocks (a name
/// written with different shapes in different places is `Computed`).
pub(super) type Shapes = HashMap<String, Written>;

/// Where a resource is declared, and its expression shapes.
#[derive(Clone, Debug)]
pub(super) struct Decl {
    pub span: Span,
    pub shapes: Arc<Shapes>,
    /// Names the block writes at its top level: attributes, nested blocks, `dynamic` blocks.
    pub top_level: Arc<std::collections::HashSet<String>>,
}

/// Declarations of one directory: (mode, type, name) → declaration.
type Headers = HashMap<(Mode, String, String), Decl>;

pub(super) struct Locator<'p> {
    /// Module configuration path → module `source`.
    module_sources: HashMap<String, String>,
    sources: &'p SourceMap,
    max: u64,
    root: PathBuf,
    dirs: HashMap<PathBuf, Option<Headers>>,
    /// `modules.json`: module key (`a.b`) → directory.
    installed: Option<HashMap<String, PathBuf>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'p> Locator<'p> {
    pub fn new(
        module_sources: HashMap<String, String>,
        plan_path: &Path,
        sources: &'p SourceMap,
        opts: &Options,
    ) -> Locator<'p> {
        let root = match &opts.tf_root {
            Some(r) => r.clone(),
            None => crate::base::fs::parent_dir(plan_path).to_path_buf(),
        };
        Locator {
            module_sources,
            sources,
            max: opts.max_bytes(),
            root,
            dirs: HashMap::new(),
            installed: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn find(&mut self, addr: &Addr, mode: Mode) -> Option<Decl> {
        let dir = self.module_dir(&addr.module_calls)?;
        let headers = self.headers(&dir)?;
        headers
            .get(&(mode, addr.rtype.clone(), addr.name.clone()))
            .cloned()
    }

    fn module_dir(&mut self, calls: &[String]) -> Option<PathBuf> {
        let mut dir = self.root.clone();
        for i in 0..calls.len() {
            let source = self.module_sources.get(&cfg_key(&calls[..=i]))?;
            if source.starts_with("./") || source.starts_with("../") {
                dir = normalize(&dir.join(source));
            } else {
                dir = self.installed()?.get(&calls[..=i].join("."))?.clone();
            }
        }
        Some(dir)
    }

    fn installed(&mut self) -> Option<&HashMap<String, PathBuf>> {
        if self.installed.is_none() {
            let mut map = HashMap::new();
            let file = self.root.join(".terraform/modules/modules.json");
            let boundary = self.sources.boundary();
            let bytes = match std::fs::symlink_metadata(&file) {
                Err(_) => None,
                Ok(_) => match crate::base::fs::read_file(&file, self.max.min(16 << 20), &boundary)
                {
                    Ok(b) => Some(b),
                    Err(d) => {
                        self.diagnostics.push(d);
                        None
                    }
                },
            };
            if let Some(json) =
                bytes.and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            {
                for m in json["Modules"].as_array().into_iter().flatten() {
                    if let (Some(k), Some(d)) = (m["Key"].as_str(), m["Dir"].as_str()) {
                        let dir = self.root.join(d);
                        // A directory outside the boundary is not listed; its files would be
                        // refused one by one anyway.
                        let outside = std::fs::canonicalize(&dir)
                            .is_ok_and(|c| !crate::base::fs::inside(&c, &boundary));
                        if outside {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    "outside-scan",
                                    format!(
                                        "module `{k}` is installed in `{d}`, outside the \
                                         scanned repository: not read"
                                    ),
                                )
                                .in_file(&file),
                            );
                        } else {
                            map.insert(k.to_string(), dir);
                        }
                    }
                }
            }
            self.installed = Some(map);
        }
        self.installed.as_ref()
    }

    fn headers(&mut self, dir: &Path) -> Option<&Headers> {
        if !self.dirs.contains_key(dir) {
            let h = self.scan(dir);
            self.dirs.insert(dir.to_path_buf(), h);
        }
        self.dirs.get(dir).and_then(Option::as_ref)
    }

    fn scan(&mut self, dir: &Path) -> Option<Headers> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect();
        if files.is_empty() {
            return None;
        }
        files.sort();
        let mut headers = Headers::new();
        for path in files {
            let id = match load(self.sources, &path, self.max) {
                Ok(id) => id,
                Err(d) => {
                    // A link leaving the scan, a FIFO or a device: said, never read. (Other
                    // failures the Terraform frontend reports when it reads the same files.)
                    if matches!(d.code.as_ref(), "outside-scan" | "not-regular-file") {
                        self.diagnostics.push(d);
                    }
                    continue;
                }
            };
            let text = self.sources.get(id).text.clone();
            let body = match hcl::parse(id, &text) {
                Ok(b) => b,
                Err(d) => {
                    self.diagnostics.push(
                        Diagnostic::info(
                            "plan-location",
                            "could not read this file to point plan resources at their source; they point into the plan",
                        )
                        .in_file(&path)
                        .with_related(d.span.unwrap_or(Span::new(id, 0..0)), d.message),
                    );
                    continue;
                }
            };
            for block in body.blocks() {
                let mode = match block.ident.as_str() {
                    "resource" => Mode::Managed,
                    "data" => Mode::Data,
                    _ => continue,
                };
                let [t, n] = block.labels.as_slice() else {
                    continue;
                };
                let (Some(start), Some(end)) = (block.ident.span(), n.span()) else {
                    continue;
                };
                let mut shapes = Shapes::new();
                collect_shapes(&block.body, &mut shapes, 0);
                let top_level = block
                    .body
                    .attributes()
                    .map(|a| a.key.as_str().to_string())
                    .chain(block.body.blocks().map(|b| {
                        match b.ident.as_str() {
                            "dynamic" => b
                                .labels
                                .first()
                                .map(|l| l.as_str().to_string())
                                .unwrap_or_default(),
                            other => other.to_string(),
                        }
                    }))
                    .collect();
                headers
                    .entry((mode, t.as_str().to_string(), n.as_str().to_string()))
                    .or_insert(Decl {
                        span: Span::new(id, start.start..end.end),
                        shapes: Arc::new(shapes),
                        top_level: Arc::new(top_level),
                    });
            }
        }
        Some(headers)
    }
}

fn collect_shapes(body: &Body, out: &mut Shapes, depth: usize) {
    if depth > 32 {
        return;
    }
    for a in body.attributes() {
        let shape = shape(&a.value, 0);
        let tail = match shape {
            Shape::Copy | Shape::Splat => tail(&a.value, 0),
            _ => None,
        };
        let w = Written { shape, tail };
        out.entry(a.key.as_str().to_string())
            .and_modify(|old| {
                if old.shape != w.shape {
                    old.shape = Shape::Computed;
                }
                if old.tail != w.tail {
                    old.tail = None;
                }
            })
            .or_insert(w);
    }
    for b in body.blocks() {
        match b.ident.as_str() {
            "lifecycle" | "provisioner" | "connection" | "dynamic" => {}
            _ => collect_shapes(&b.body, out, depth + 1),
        }
    }
}

/// The resource and attribute path a copy reads (see [`Written::tail`]).
fn tail(e: &Expression, depth: usize) -> Option<(String, String)> {
    if depth > 32 {
        return None;
    }
    let t = match e {
        Expression::Parenthesis(p) => return tail(p.inner(), depth + 1),
        Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
            [Element::Interpolation(i)] => return tail(&i.expr, depth + 1),
            _ => return None,
        },
        Expression::Traversal(t) => t,
        _ => return None,
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let root = root.as_str();
    let mut ops = t.operators.iter().map(|o| o.value()).peekable();
    let name = |op: Option<&TraversalOperator>| match op {
        Some(TraversalOperator::GetAttr(n)) => Some(n.as_str().to_string()),
        _ => None,
    };
    let resource = match root {
        "var" | "local" | "module" | "each" | "count" | "path" | "self" | "terraform" => {
            return None
        }
        "data" => {
            let t = name(ops.next())?;
            format!("data.{t}.{}", name(ops.next())?)
        }
        _ => format!("{root}.{}", name(ops.next())?),
    };
    if matches!(
        ops.peek(),
        Some(
            TraversalOperator::Index(_)
                | TraversalOperator::LegacyIndex(_)
                | TraversalOperator::AttrSplat(_)
                | TraversalOperator::FullSplat(_)
        )
    ) {
        ops.next();
    }
    let mut path = String::new();
    for op in ops {
        match op {
            TraversalOperator::GetAttr(n) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(n.as_str());
            }
            TraversalOperator::LegacyIndex(i) => path.push_str(&format!("[{}]", i.value())),
            TraversalOperator::Index(Expression::Number(n)) => {
                path.push_str(&format!("[{}]", n.value()))
            }
            _ => return None,
        }
    }
    (!path.is_empty()).then_some((resource, path))
}

fn shape(e: &Expression, depth: usize) -> Shape {
    if depth > 32 {
        return Shape::Computed;
    }
    match e {
        Expression::Parenthesis(p) => shape(p.inner(), depth + 1),
        Expression::Variable(_) => Shape::Copy,
        Expression::Traversal(t) => {
            if !matches!(t.expr, Expression::Variable(_)) {
                return Shape::Computed;
            }
            let splat = t.operators.iter().any(|op| {
                matches!(
                    op.value(),
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)
                )
            });
            if splat {
                Shape::Splat
            } else {
                Shape::Copy
            }
        }
        Expression::StringTemplate(t) => match t.iter().collect::<Vec<_>>().as_slice() {
            [Element::Interpolation(i)] if shape(&i.expr, depth + 1) == Shape::Copy => Shape::Copy,
            _ => Shape::Computed,
        },
        Expression::Array(a) => {
            if !a.is_empty() && a.iter().all(|x| shape(x, depth + 1) == Shape::Copy) {
                Shape::List
            } else {
                Shape::Computed
            }
        }
        _ => Shape::Computed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_shapes() {
        let text = r#"
            a = aws_x.y.id
            b = "${aws_x.y.id}"
            c = "${aws_x.y.id}:latest"
            d = [aws_x.y.id, aws_z.w[0].arn]
            e = aws_x.y[*].id
            f = element(aws_x.y.*.id, 0)
            g = (aws_x.y[count.index].id)
            net { h = [aws_s.p.id] }
            i = data.aws_d.n["k"].ids[0].x
            j = var.v.id
            other { a = "x" }
        "#;
        let body = hcl::parse(crate::base::FileId(0), text).unwrap();
        let mut s = Shapes::new();
        collect_shapes(&body, &mut s, 0);
        let get = |k: &str| s.get(k).map(|w| w.shape);
        let tail = |k: &str| s.get(k).and_then(|w| w.tail.clone());
        assert_eq!(get("a"), Some(Shape::Computed)); // written twice, differently
        assert_eq!(get("b"), Some(Shape::Copy));
        assert_eq!(get("c"), Some(Shape::Computed));
        assert_eq!(get("d"), Some(Shape::List));
        assert_eq!(get("e"), Some(Shape::Splat));
        assert_eq!(get("f"), Some(Shape::Computed));
        assert_eq!(get("g"), Some(Shape::Copy));
        assert_eq!(get("h"), Some(Shape::List));
        assert_eq!(tail("b"), Some(("aws_x.y".into(), "id".into())));
        assert_eq!(tail("e"), Some(("aws_x.y".into(), "id".into())));
        assert_eq!(tail("g"), Some(("aws_x.y".into(), "id".into())));
        assert_eq!(tail("i"), Some(("data.aws_d.n".into(), "ids[0].x".into())));
        assert_eq!(tail("h"), None);
        assert_eq!(tail("j"), None);
    }

    #[test]
    fn normalizes_module_paths() {
        let n = |s: &str| normalize(Path::new(s)).to_string_lossy().into_owned();
        assert_eq!(n("root/./network/../vpc"), "root/vpc");
        assert_eq!(n("../x/./y"), "../x/y");
        assert_eq!(n("a/../../b"), "../b");
        assert_eq!(n("./"), ".");
    }
}
