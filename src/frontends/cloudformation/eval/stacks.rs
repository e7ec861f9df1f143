//! Nested stacks (`AWS::CloudFormation::Stack`): loaded once per stack resource, with the
//! parameters the parent gives them.

use std::path::Path;

use super::conditions::{combine_exists, resource_condition};
use super::{Child, ParamInputs, Tpl, MAX_STACK_DEPTH, NESTED_STACK_STEPS};
use crate::base::{Diagnostic, Span, Val, Value};
use crate::frontends::cloudformation::Ctx;

pub(super) fn is_stack_type(t: &str) -> bool {
    t == "AWS::CloudFormation::Stack" || t == "AWS::Serverless::Application"
}

impl Tpl {
    /// Loads the nested stack of resource `id` (once).
    pub(super) fn ensure_child(&mut self, cx: &mut Ctx, id: &str) {
        if self.children.contains_key(id) {
            return;
        }
        self.children.insert(id.to_string(), Child::Loading);
        let child = self.load_child(cx, id);
        self.children
            .insert(id.to_string(), child.unwrap_or(Child::Missing));
    }

    fn load_child(&mut self, cx: &mut Ctx, id: &str) -> Option<Child> {
        let doc = self.doc.clone();
        let entry = doc.get("Resources")?.as_map()?.get_entry(id)?;
        let res = &entry.value;
        let rtype = res.get("Type").and_then(Value::as_str).unwrap_or("");
        let props = res.get("Properties");
        let (url_key, url) = if rtype == "AWS::Serverless::Application" {
            ("Location", props.and_then(|p| p.get("Location")))
        } else {
            ("TemplateURL", props.and_then(|p| p.get("TemplateURL")))
        };
        let here = entry.key_span;
        // A stack whose condition (or its parent's) is false is not created: nothing to load,
        // nothing to say about its template.
        let exists = combine_exists(self.exists.clone(), resource_condition(self, cx, res));
        if exists.as_ref().and_then(|v| v.as_bool()) == Some(false) {
            return None;
        }
        let note = |cx: &mut Ctx, at: Option<Span>, msg: String| {
            let mut d = Diagnostic::info("nested-stack", msg);
            if let Some(h) = at {
                d = d.at(h);
            }
            cx.diag(d);
        };
        let Some(url) = url else {
            note(
                cx,
                here,
                format!("nested stack `{id}` has no {url_key}; its resources are not checked"),
            );
            return None;
        };
        let url_v = self.eval_or_null(cx, url);
        let at = url.span.or(here);
        let Some(path) = super::super::resolve_template_location(&self.dir, &url_v) else {
            let shown = url_v.render_pattern().unwrap_or_else(|| "a map".into());
            note(cx, at, format!("nested stack `{id}`: {url_key} `{shown}` is not a local file; its resources are not checked"),
            );
            return None;
        };
        if let Some(r) = &path.1 {
            note(
                cx,
                at,
                format!(
                    "nested stack `{id}`: {url_key} `{r}` is read from the local file `{}`",
                    path.0.display()
                ),
            );
        }
        let path = path.0;
        if !cx.in_scan_roots(&path) {
            note(
                cx,
                at,
                format!(
                    "nested stack `{id}`: `{}` is outside the scanned directories; not loaded",
                    path.display()
                ),
            );
            return None;
        }
        // Loading a nested stack counts [`NESTED_STACK_STEPS`]; none is loaded once the unit's
        // budget is spent (it is then unread, as a stack not at hand).
        if !cx.budget.steps(NESTED_STACK_STEPS, at) {
            return None;
        }
        if self.ancestors.len() >= MAX_STACK_DEPTH {
            note(cx, at, format!("nested stack `{id}`: stacks nested more than {MAX_STACK_DEPTH} deep are not loaded"));
            return None;
        }
        let (file, child_doc) = cx.load_template(&path, here)?;
        if self.ancestors.contains(&file) {
            let mut d = Diagnostic::warning(
                "nested-stack-cycle",
                format!("nested stack `{id}` includes `{}`, which includes this template again; not loaded twice", path.display()),
            );
            if let Some(h) = here {
                d = d.at(h);
            }
            cx.diag(d);
            return None;
        }
        // Parameters given by the parent.
        let mut inputs = ParamInputs::new();
        if let Some(p) = props.and_then(|p| p.get("Parameters")) {
            if let Some(Value {
                kind: Val::Map(m), ..
            }) = self.eval(cx, p)
            {
                for e in m.entries {
                    inputs.entry(e.key).or_insert(e.value);
                }
            }
        }
        let mut ancestors = self.ancestors.clone();
        ancestors.push(file);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut child = Tpl::new(
            file,
            dir,
            format!("{}{}/", self.prefix, id),
            child_doc,
            &inputs,
            ancestors,
        );
        child.exists = exists;
        cx.children.push(file);
        let resources = child.run(cx);
        Some(Child::Loaded(Box::new(child), resources))
    }
}
