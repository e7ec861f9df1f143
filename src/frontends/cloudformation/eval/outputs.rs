//! Outputs and exports: a template's outputs (memoised), its export names, and
//! `Fn::ImportValue` resolved through the exports of the other templates of the scan.

use std::path::PathBuf;

use super::values::{respan, unknown};
use super::Tpl;
use crate::base::{Span, Value};
use crate::frontends::cloudformation::Ctx;
use crate::frontends::Mode;

impl Tpl {
    /// Evaluates an output of this template (memoised).
    pub fn output(&mut self, cx: &mut Ctx, name: &str) -> Option<Value> {
        if let Some(v) = self.outputs.get(name) {
            return v.clone();
        }
        let doc = self.doc.clone();
        let out = doc.get("Outputs").and_then(|o| o.get(name))?;
        self.outputs.insert(name.to_string(), None);
        let v = match out.get("Value") {
            Some(v) => self
                .eval(cx, v)
                .unwrap_or_else(|| unknown(format!("output {name} has no value"), v.span)),
            None => unknown(format!("output {name} has no Value"), out.span),
        };
        self.outputs.insert(name.to_string(), Some(v.clone()));
        Some(v)
    }

    /// The exports of this template: (output, evaluated `Export.Name`, where the name is).
    pub fn export_names(&mut self, cx: &mut Ctx) -> Vec<(String, Value, Option<Span>)> {
        let doc = self.doc.clone();
        let Some(outputs) = doc.get("Outputs").and_then(Value::as_map) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in &outputs.entries {
            if let Some(name) = e.value.get("Export").and_then(|x| x.get("Name")) {
                let v = self.eval_or_null(cx, name);
                out.push((e.key.clone(), v, name.span));
            }
        }
        out
    }

    /// `Fn::ImportValue`: the exported output of the one template of the scan that can export
    /// this name, with that template's resources added to the unit (see `exports.rs`); else
    /// unknown.
    pub(super) fn import_value(&mut self, cx: &mut Ctx, name: &Value, span: Option<Span>) -> Value {
        use super::super::exports::{name_pattern, Lookup};
        let shown = name.render_pattern().unwrap_or_else(|| "?".into());
        let deploy = format!("imported from the export `{shown}` of another stack (Fn::ImportValue), known only at deploy time");
        let Some(pattern) = name_pattern(name) else {
            return unknown(deploy, span);
        };
        let (file, output) = match cx.exports.lookup(&pattern) {
            Lookup::One(e) => (e.file, e.output.clone()),
            Lookup::None => {
                return unknown(
                    format!("{deploy}: no template of the scan exports it"),
                    span,
                )
            }
            Lookup::Ambiguous(c) => {
                let mut names: Vec<String> = c
                    .iter()
                    .map(|e| format!("{}:{}", cx.sources().path(e.file).display(), e.output))
                    .collect();
                names.sort();
                names.dedup();
                return unknown(
                    format!(
                        "{deploy}: several exports of the scan could have this name ({})",
                        names.join(", ")
                    ),
                    span,
                );
            }
        };
        if self.ancestors.contains(&file) {
            return unknown(format!("{deploy}: the export is this template's own"), span);
        }
        let tpl = match cx.imports.remove(&file) {
            Some(super::super::Imported::Loaded(t)) => Some(t),
            Some(super::super::Imported::Loading) => None,
            None => {
                cx.imports.insert(file, super::super::Imported::Loading);
                cx.parsed(file).map(|doc| {
                    let path = cx.sources().path(file);
                    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let inputs = cx.inputs;
                    let mut t = Box::new(Tpl::new(
                        file,
                        dir,
                        format!("{name}/"),
                        doc,
                        inputs,
                        vec![file],
                    ));
                    t.imported = true;
                    let resources = t.run(cx);
                    // The exporting stack's VPC is shared by design: other stacks may add
                    // endpoints or gateways to it, so it is read like a data source.
                    cx.imported.extend(resources.into_iter().map(|mut r| {
                        if r.rtype == "AWS::EC2::VPC" {
                            r.mode = Mode::Data;
                        }
                        r
                    }));
                    t
                })
            }
        };
        let Some(mut tpl) = tpl else {
            // Being loaded (the exporting template imports from this one), or not readable.
            cx.imports.insert(file, super::super::Imported::Loading);
            return unknown(deploy, span);
        };
        let v = tpl.output(cx, &output);
        cx.imports.insert(file, super::super::Imported::Loaded(tpl));
        match v {
            Some(v) => respan(v, span),
            None => unknown(deploy, span),
        }
    }
}
