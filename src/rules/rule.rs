//! The rule file format (`rules/README.md`): parsing a YAML rule into a [`Rule`], with every
//! mistake reported at its place in the file.

use crate::base::{Diagnostic, FileId, Format, Map, Severity, Span, Val, Value};
use crate::syntax::yaml;

use super::cond::Cond;
use super::subjects::Subject;

fn name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Severity, possibly different per input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Severities {
    pub terraform: Severity,
    pub plan: Severity,
    pub cloudformation: Severity,
}

impl Severities {
    pub fn for_format(&self, f: Option<Format>) -> Severity {
        match f {
            Some(Format::Plan) => self.plan,
            Some(Format::CloudFormation) => self.cloudformation,
            _ => self.terraform,
        }
    }
    /// `error`, or `warning/error` (Terraform and plans / CloudFormation), for tables.
    pub fn short(&self) -> String {
        if self.terraform == self.plan && self.plan == self.cloudformation {
            name(self.terraform).to_string()
        } else {
            format!("{}/{}", name(self.terraform), name(self.cloudformation))
        }
    }

    /// `error`, or `warning (Terraform) / error (CloudFormation)`.
    pub fn describe(&self) -> String {
        if self.terraform == self.plan && self.plan == self.cloudformation {
            name(self.terraform).to_string()
        } else if self.terraform == self.plan {
            format!(
                "{} (Terraform) / {} (CloudFormation)",
                name(self.terraform),
                name(self.cloudformation)
            )
        } else {
            format!(
                "{} (Terraform) / {} (plan) / {} (CloudFormation)",
                name(self.terraform),
                name(self.plan),
                name(self.cloudformation)
            )
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fix {
    pub hcl: Option<String>,
    pub yaml: Option<String>,
    pub json: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub at: String,
    pub label: String,
}

/// One check of a rule, with the rule's defaults applied.
#[derive(Clone, Debug)]
pub struct Check {
    pub subject: Subject,
    pub when: Vec<Cond>,
    pub require: Vec<Cond>,
    pub message: String,
    pub severity: Severities,
    pub primary: Option<String>,
    pub label: String,
    pub related: Vec<Related>,
    pub deploy_error: String,
    pub help: String,
    pub fix: Fix,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub title: String,
    pub severity: Severities,
    pub phase: Option<String>,
    pub subject: Subject,
    pub checks: Vec<Check>,
    pub docs: String,
    pub sources: Vec<String>,
    /// The file it was read from (`rules/FGP021-….yaml` for built-in rules).
    pub origin: String,
    pub builtin: bool,
}

const RULE_KEYS: &[&str] = &[
    "id",
    "name",
    "title",
    "severity",
    "phase",
    "subject",
    "checks",
    "primary",
    "label",
    "related",
    "deploy_error",
    "help",
    "fix",
    "docs",
    "sources",
    "message",
];
const CHECK_KEYS: &[&str] = &[
    "subject",
    "when",
    "require",
    "message",
    "severity",
    "primary",
    "label",
    "related",
    "deploy_error",
    "help",
    "fix",
];

struct Reader {
    file: FileId,
    errors: Vec<Diagnostic>,
}

impl Reader {
    fn err(&mut self, span: Option<Span>, msg: impl Into<String>) {
        let mut d = Diagnostic::error("invalid-rule", msg.into());
        d.span = span.or(Some(Span::new(self.file, 0..0)));
        self.errors.push(d);
    }

    fn map<'a>(&mut self, v: &'a Value, what: &str) -> Option<&'a Map> {
        let m = v.as_map();
        if m.is_none() {
            self.err(v.span, format!("{what} must be a mapping"));
        }
        m
    }

    fn keys(&mut self, m: &Map, allowed: &[&'static str], what: &str) {
        for e in &m.entries {
            if !allowed.contains(&e.key.as_str()) {
                let hint = crate::analysis::task::did_you_mean(&e.key, allowed)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.err(
                    e.key_span.or(e.value.span),
                    format!("unknown key `{}` in {what}{hint}", e.key),
                );
            }
        }
    }

    fn string(&mut self, v: &Value, what: &str) -> Option<String> {
        match &v.kind {
            Val::Str(s) => Some(s.clone()),
            Val::Number(_) | Val::Bool(_) => Some(v.to_json().to_string()),
            _ => {
                self.err(v.span, format!("{what} must be a string"));
                None
            }
        }
    }

    fn strings(&mut self, v: &Value, what: &str) -> Vec<String> {
        match v.as_list() {
            Some(items) => items.iter().filter_map(|i| self.string(i, what)).collect(),
            None => self.string(v, what).into_iter().collect(),
        }
    }

    fn severity_name(&mut self, v: &Value) -> Option<Severity> {
        match v.as_str() {
            Some("error") => Some(Severity::Error),
            Some("warning") => Some(Severity::Warning),
            Some("info") => Some(Severity::Info),
            _ => {
                self.err(v.span, "severity must be `error`, `warning` or `info`");
                None
            }
        }
    }

    fn severity(&mut self, v: &Value) -> Option<Severities> {
        if let Some(m) = v.as_map() {
            self.keys(m, &["terraform", "plan", "cloudformation"], "severity");
            let tf = m.get("terraform").and_then(|v| self.severity_name(v));
            let plan = m.get("plan").and_then(|v| self.severity_name(v)).or(tf);
            let cfn = m.get("cloudformation").and_then(|v| self.severity_name(v));
            match (tf, plan, cfn) {
                (Some(terraform), Some(plan), Some(cloudformation)) => Some(Severities {
                    terraform,
                    plan,
                    cloudformation,
                }),
                _ => {
                    self.err(
                        v.span,
                        "a per-format severity needs `terraform` and `cloudformation`",
                    );
                    None
                }
            }
        } else {
            self.severity_name(v).map(|s| Severities {
                terraform: s,
                plan: s,
                cloudformation: s,
            })
        }
    }

    fn subject(&mut self, v: &Value) -> Option<Subject> {
        let s = self.string(v, "subject")?;
        let found = Subject::parse(&s);
        if found.is_none() {
            let names: Vec<&str> = Subject::ALL.iter().map(|s| s.name()).collect();
            self.err(
                v.span,
                format!("unknown subject `{s}`; one of: {}", names.join(", ")),
            );
        }
        found
    }

    fn conds(&mut self, v: &Value, subject: Option<Subject>, what: &str) -> Vec<Cond> {
        let items: Vec<&Value> = match v.as_list() {
            Some(l) => l.iter().collect(),
            None => vec![v],
        };
        let mut out = Vec::new();
        for i in items {
            let Some(text) = self.string(i, what) else {
                continue;
            };
            match Cond::parse(&text) {
                Ok(c) => {
                    if let Some(s) = subject {
                        if !s.has_fact(&c.fact) {
                            self.err(i.span, unknown_fact(s, &c.fact));
                            continue;
                        }
                    }
                    out.push(c);
                }
                Err(e) => self.err(i.span, format!("{what}: {e}")),
            }
        }
        out
    }

    fn fix(&mut self, v: &Value) -> Fix {
        let mut fix = Fix::default();
        if let Some(m) = self.map(v, "fix") {
            self.keys(m, &["hcl", "yaml", "json"], "fix");
            fix.hcl = m.get("hcl").and_then(|v| self.string(v, "fix.hcl"));
            fix.yaml = m.get("yaml").and_then(|v| self.string(v, "fix.yaml"));
            fix.json = m.get("json").and_then(|v| self.string(v, "fix.json"));
        }
        fix
    }

    fn related(&mut self, v: &Value, subject: Option<Subject>) -> Vec<Related> {
        let Some(items) = v.as_list() else {
            self.err(v.span, "related must be a list of {at, label}");
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in items {
            let Some(m) = self.map(i, "a related location") else {
                continue;
            };
            self.keys(m, &["at", "label"], "a related location");
            let at = m.get("at").and_then(|v| self.string(v, "related.at"));
            let label = m
                .get("label")
                .and_then(|v| self.string(v, "related.label"))
                .unwrap_or_default();
            match at {
                Some(at) => {
                    if let Some(s) = subject {
                        if !s.has_fact(&at) {
                            self.err(m.get("at").and_then(|v| v.span), unknown_fact(s, &at));
                            continue;
                        }
                    }
                    out.push(Related { at, label })
                }
                None => self.err(i.span, "a related location needs `at`"),
            }
        }
        out
    }
}

fn unknown_fact(s: Subject, fact: &str) -> String {
    let facts = s.facts();
    let hint = crate::analysis::task::did_you_mean(fact, &facts)
        .map(|f| format!(" (did you mean `{f}`?)"))
        .unwrap_or_default();
    format!(
        "subject `{}` has no fact `{fact}`{hint}; see rules/README.md",
        s.name()
    )
}

/// Parses one rule file registered as `file`. Every problem is a diagnostic with its place.
pub fn parse(
    file: FileId,
    text: &str,
    origin: &str,
    builtin: bool,
) -> Result<Rule, Vec<Diagnostic>> {
    let parsed = yaml::parse(file, text).map_err(|d| vec![d])?;
    let mut r = Reader {
        file,
        errors: parsed
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    };
    let root = &parsed.value;
    let Some(m) = r.map(root, "a rule file") else {
        return Err(r.errors);
    };
    r.keys(m, RULE_KEYS, "a rule");
    let req = |r: &mut Reader, key: &str| -> Option<&Value> {
        let v = m.get(key);
        if v.is_none() {
            r.err(
                root.span
                    .map(|s| Span::new(s.file, s.start as usize..s.start as usize)),
                format!("missing `{key}`"),
            );
        }
        v
    };
    let id = req(&mut r, "id").and_then(|v| r.string(v, "id"));
    if let Some(id) = &id {
        let ok = id.len() >= 2
            && id.chars().take_while(|c| c.is_ascii_uppercase()).count() >= 1
            && id
                .trim_start_matches(|c: char| c.is_ascii_uppercase())
                .chars()
                .all(|c| c.is_ascii_digit())
            && id.chars().last().is_some_and(|c| c.is_ascii_digit());
        if !ok {
            r.err(
                m.get("id").and_then(|v| v.span),
                format!("id `{id}` must be capital letters then digits, like FGP021"),
            );
        }
    }
    let name = req(&mut r, "name").and_then(|v| r.string(v, "name"));
    let title = req(&mut r, "title").and_then(|v| r.string(v, "title"));
    let severity = req(&mut r, "severity").and_then(|v| r.severity(v));
    let subject = req(&mut r, "subject").and_then(|v| r.subject(v));
    let phase = m.get("phase").and_then(|v| r.string(v, "phase"));
    if let Some(p) = &phase {
        if p != "apply" && p != "start" {
            r.err(
                m.get("phase").and_then(|v| v.span),
                "phase must be `apply` or `start`",
            );
        }
    }
    let docs = req(&mut r, "docs").and_then(|v| r.string(v, "docs"));
    let sources = req(&mut r, "sources")
        .map(|v| r.strings(v, "sources"))
        .unwrap_or_default();
    let message = m.get("message").and_then(|v| r.string(v, "message"));
    let primary = m.get("primary").and_then(|v| r.string(v, "primary"));
    let label = m.get("label").and_then(|v| r.string(v, "label"));
    let related = m
        .get("related")
        .map(|v| r.related(v, subject))
        .unwrap_or_default();
    let deploy_error = m
        .get("deploy_error")
        .and_then(|v| r.string(v, "deploy_error"));
    let help = m.get("help").and_then(|v| r.string(v, "help"));
    let fix = m.get("fix").map(|v| r.fix(v)).unwrap_or_default();
    if let (Some(s), Some(p)) = (subject, &primary) {
        if !s.has_fact(p) {
            r.err(m.get("primary").and_then(|v| v.span), unknown_fact(s, p));
        }
    }

    let mut checks = Vec::new();
    match req(&mut r, "checks").map(|v| (v, v.as_list())) {
        Some((_, Some(items))) if !items.is_empty() => {
            for item in items {
                let Some(c) = r.map(item, "a check") else {
                    continue;
                };
                r.keys(c, CHECK_KEYS, "a check");
                let csubject = match c.get("subject") {
                    Some(v) => r.subject(v),
                    None => subject,
                };
                let when = c
                    .get("when")
                    .map(|v| r.conds(v, csubject, "when"))
                    .unwrap_or_default();
                let require = match c.get("require") {
                    Some(v) => r.conds(v, csubject, "require"),
                    None => {
                        r.err(
                            item.span,
                            "a check needs `require`: the fact that must hold",
                        );
                        Vec::new()
                    }
                };
                let cprimary = c
                    .get("primary")
                    .and_then(|v| r.string(v, "primary"))
                    .or(primary.clone());
                if let (Some(s), Some(p)) = (csubject, &cprimary) {
                    if !s.has_fact(p) {
                        r.err(
                            c.get("primary")
                                .and_then(|v| v.span)
                                .or(m.get("primary").and_then(|v| v.span)),
                            unknown_fact(s, p),
                        );
                    }
                }
                let cmessage = c
                    .get("message")
                    .and_then(|v| r.string(v, "message"))
                    .or(message.clone());
                let cdeploy = c
                    .get("deploy_error")
                    .and_then(|v| r.string(v, "deploy_error"))
                    .or(deploy_error.clone());
                let chelp = c
                    .get("help")
                    .and_then(|v| r.string(v, "help"))
                    .or(help.clone());
                for (what, v) in [
                    ("message", &cmessage),
                    ("deploy_error", &cdeploy),
                    ("help", &chelp),
                ] {
                    if v.is_none() {
                        r.err(
                            item.span,
                            format!("the check has no `{what}`, and the rule gives none"),
                        );
                    }
                }
                let cseverity = match c.get("severity") {
                    Some(v) => r.severity(v),
                    None => severity,
                };
                let crelated = match c.get("related") {
                    Some(v) => r.related(v, csubject),
                    None => related.clone(),
                };
                let cfix = match c.get("fix") {
                    Some(v) => r.fix(v),
                    None => fix.clone(),
                };
                let clabel = c
                    .get("label")
                    .and_then(|v| r.string(v, "label"))
                    .or(label.clone())
                    .unwrap_or_default();
                if let Some(s) = csubject {
                    let mut texts: Vec<&str> = [
                        &cmessage, &cdeploy, &chelp, &cfix.hcl, &cfix.yaml, &cfix.json,
                    ]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                    texts.push(&clabel);
                    texts.extend(crelated.iter().map(|r| r.label.as_str()));
                    let mut bad = Vec::new();
                    for t in texts {
                        for (_, name) in super::references(t) {
                            if !s.has_fact(name) && !bad.contains(&name.to_string()) {
                                bad.push(name.to_string());
                            }
                        }
                    }
                    for name in bad {
                        r.err(
                            item.span,
                            format!("in a template: {}", unknown_fact(s, &name)),
                        );
                    }
                }
                if let (
                    Some(subject),
                    Some(message),
                    Some(severity),
                    Some(deploy_error),
                    Some(help),
                ) = (csubject, cmessage, cseverity, cdeploy, chelp)
                {
                    checks.push(Check {
                        subject,
                        when,
                        require,
                        message,
                        severity,
                        primary: cprimary,
                        label: clabel,
                        related: crelated,
                        deploy_error,
                        help,
                        fix: cfix,
                    });
                }
            }
        }
        Some((v, _)) => r.err(v.span, "checks must be a non-empty list"),
        None => {}
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    match (id, name, title, severity, subject, docs) {
        (Some(id), Some(name), Some(title), Some(severity), Some(subject), Some(docs)) => {
            Ok(Rule {
                id,
                name,
                title,
                severity,
                phase,
                subject,
                checks,
                docs,
                sources,
                origin: origin.to_string(),
                builtin,
            })
        }
        _ => Err(r.errors),
    }
}
