//! The ECS task definition frontend: the JSON that `aws ecs register-task-definition
//! --cli-input-json` reads and the GitHub Actions `amazon-ecs-render-task-definition` /
//! `amazon-ecs-deploy-task-definition` use (`family`, `containerDefinitions`,
//! `executionRoleArn`...), and the `aws ecs describe-task-definition` output that wraps it
//! under `taskDefinition`. One file is one [`Unit`] with one task definition.
//!
//! The task definition is given the shape of a Terraform `aws_ecs_task_definition` (the ECS API's
//! camelCase container keys are that shape already; top-level keys become snake case), so the
//! graph reads it like one, with [`Format::TaskDefinition`] for the rules. What the file cannot
//! say stays unknown:
//! * a role given by ARN is not in the unit: its policies and trust are unknown;
//! * a task definition has no network: there is no run site, so no network rule applies;
//! * placeholders filled in at deploy time (`<IMAGE>`, `${IMAGE}`, `{{image}}`, `#{Image}`,
//!   `__IMAGE__`) make their string unknown. The render action replaces the image of the one
//!   container its workflow names; an image written without a placeholder is taken as written;
//! * empty values (`null`, `""`, and lists or objects holding only empty values) are left out,
//!   as `amazon-ecs-deploy-task-definition` does before it registers the file (its
//!   `isEmptyValue`/`cleanNullKeys`, added for the console's exports in
//!   aws-actions/amazon-ecs-deploy-task-definition#52): `"repositoryCredentials":
//!   {"credentialsParameter": ""}` is no private-registry credential, `"taskRoleArn": ""` no role.
//!
//! Spans point into the JSON file.

#[cfg(test)]
mod tests;

use crate::base::{Diagnostic, FileId, Format, Map, SourceMap, Span, Val, Value};
use crate::frontends::{Mode, Options, Resource, Unit};
use crate::syntax::json;

/// The resource type the task definition is read as.
pub const RESOURCE_TYPE: &str = "aws_ecs_task_definition";

/// Loads task definition files already registered in `sources`.
pub fn load(files: &[FileId], sources: &SourceMap, _opts: &Options) -> Vec<Unit> {
    files.iter().map(|f| load_one(*f, sources)).collect()
}

fn load_one(file: FileId, sources: &SourceMap) -> Unit {
    let src = sources.get(file);
    let path = src.path.clone();
    let mut unit = Unit {
        name: path.display().to_string(),
        root: path.clone(),
        format: Some(Format::TaskDefinition),
        ..Unit::default()
    };
    let parsed = match json::parse(file, &src.text, 0) {
        Ok(p) => p,
        Err(mut d) => {
            // Only the top-level keys made it a task definition: a file that does not parse is
            // as often an excerpt in documentation (`…` for the rest) as a broken input, so it
            // is a warning, not an error.
            d.severity = crate::base::Severity::Warning;
            d.message = format!("{} (read as an ECS task definition; skipped)", d.message);
            unit.diagnostics.push(d.in_file(&path));
            return unit;
        }
    };
    unit.diagnostics
        .extend(parsed.diagnostics.into_iter().map(|d| d.in_file(&path)));
    let top = parsed.value;
    let def = match top.as_map() {
        Some(m) if m.get("containerDefinitions").is_some() => &top,
        Some(m) => match m.get("taskDefinition") {
            Some(d) if d.as_map().is_some() => d,
            _ => {
                unit.diagnostics
                    .push(not_a_task_definition(file, &top, &path));
                return unit;
            }
        },
        None => {
            unit.diagnostics
                .push(not_a_task_definition(file, &top, &path));
            return unit;
        }
    };
    let Some(m) = def.as_map() else {
        return unit;
    };
    let mut attrs = Map::new();
    for e in &m.entries {
        if let Some(value) = clean(&e.value, 0) {
            attrs.push(snake_case(&e.key), e.key_span, value);
        }
    }
    let name = m
        .get("family")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "task-definition".into());
    let span = m
        .get_entry("family")
        .and_then(|e| e.key_span)
        .or(def.span)
        .unwrap_or(Span::new(file, 0..0));
    unit.resources.push(Resource {
        address: name,
        rtype: RESOURCE_TYPE.into(),
        mode: Mode::Managed,
        span,
        attrs,
        exists: None,
    });
    unit
}

fn not_a_task_definition(file: FileId, top: &Value, path: &std::path::Path) -> Diagnostic {
    let start = top.span.map_or(0, |s| s.start as usize);
    Diagnostic::warning(
        "not-a-task-definition",
        "not an ECS task definition: the document has no `containerDefinitions`",
    )
    .in_file(path)
    .at(Span::new(file, start..start + 1))
}

/// `containerDefinitions` → `container_definitions`.
fn snake_case(k: &str) -> String {
    let mut out = String::with_capacity(k.len() + 4);
    for (i, c) in k.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// How deep values are rewritten (the parser bounds nesting already).
const MAX_DEPTH: usize = 128;

/// The value as it is registered: placeholders made unknown, empty values left out (`None`: the
/// value itself is empty), as the deploy action does.
fn clean(v: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return Some(v.clone());
    }
    match &v.kind {
        Val::Null => None,
        Val::Str(s) if s.is_empty() => None,
        Val::Str(s) => Some(match placeholder(s) {
            Some(p) => Value::unknown(
                format!("`{p}` is a placeholder filled in at deploy time"),
                v.span,
            ),
            None => v.clone(),
        }),
        Val::List(items) => {
            let items: Vec<Value> = items.iter().filter_map(|i| clean(i, depth + 1)).collect();
            (!items.is_empty()).then(|| Value::new(Val::List(items), v.span))
        }
        Val::Map(m) => {
            let mut out = Map::new();
            for e in &m.entries {
                if let Some(c) = clean(&e.value, depth + 1) {
                    out.push(e.key.clone(), e.key_span, c);
                }
            }
            (!out.entries.is_empty()).then(|| Value::new(Val::Map(out), v.span))
        }
        _ => Some(v.clone()),
    }
}

/// The first deploy-time placeholder of a string: `${X}`, `{{x}}`, `#{X}`, `<X>` (a name in angle
/// brackets, no spaces), `__X__`.
pub(crate) fn placeholder(s: &str) -> Option<&str> {
    let pairs: [(&str, &str); 4] = [("${", "}"), ("{{", "}}"), ("#{", "}"), ("<", ">")];
    for (open, close) in pairs {
        let mut from = 0;
        while let Some(i) = s[from..].find(open).map(|i| i + from) {
            let body_start = i + open.len();
            let Some(j) = s[body_start..].find(close).map(|j| j + body_start) else {
                break;
            };
            // `{{ image }}` is written with spaces; `<X>` never is (`a < b > c` is text).
            let body = if open == "<" {
                &s[body_start..j]
            } else {
                s[body_start..j].trim()
            };
            if !body.is_empty()
                && body
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c))
            {
                return Some(&s[i..j + close.len()]);
            }
            from = body_start;
        }
    }
    let mut from = 0;
    while let Some(i) = s[from..].find("__").map(|i| i + from) {
        let body_start = i + 2;
        let Some(j) = s[body_start..].find("__").map(|j| j + body_start) else {
            break;
        };
        let body = &s[body_start..j];
        if !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && body.chars().any(|c| c.is_ascii_uppercase())
        {
            return Some(&s[i..j + 2]);
        }
        from = body_start;
    }
    None
}
