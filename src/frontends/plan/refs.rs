//! Addresses and references as `terraform show -json` prints them.
//!
//! Terraform lists, for every reference in an expression, the full traversal and then each shorter
//! prefix down to the referenceable subject (`["aws_subnet.a[0].id", "aws_subnet.a[0]",
//! "aws_subnet.a"]`), one reference after another in source order. [`group_heads`] recovers the
//! distinct references (the longest of each run), [`classify`] says what each one points at.

/// One part of a traversal: `.name` or `[key]` (the key as written, quotes included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Name(&'a str),
    Key(&'a str),
}

/// Splits `module.a["x.y"].aws_s.n[0].id` into its parts; `None` when malformed.
pub(crate) fn segments(s: &str) -> Option<Vec<Seg<'_>>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => {
                i += 1;
            }
            b'[' => {
                let start = i + 1;
                let mut j = start;
                let mut in_str = false;
                let mut esc = false;
                loop {
                    let c = *b.get(j)?;
                    if in_str {
                        match c {
                            _ if esc => esc = false,
                            b'\\' => esc = true,
                            b'"' => in_str = false,
                            _ => {}
                        }
                    } else if c == b'"' {
                        in_str = true;
                    } else if c == b']' {
                        break;
                    }
                    j += 1;
                }
                out.push(Seg::Key(&s[start..j]));
                i = j + 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < b.len() && b[i] != b'.' && b[i] != b'[' {
            i += 1;
        }
        if i == start {
            if i < b.len() && b[i] == b'.' {
                return None; // `..`
            }
            continue;
        }
        out.push(Seg::Name(&s[start..i]));
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

/// Renders parts back: names joined by dots, keys in brackets.
pub(crate) fn render(segs: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for s in segs {
        match s {
            Seg::Name(n) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(n);
            }
            Seg::Key(k) => {
                out.push('[');
                out.push_str(k);
                out.push(']');
            }
        }
    }
    out
}

/// A resource instance address taken apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Addr {
    /// The module instance steps, each `module.a` or `module.a[0]`.
    pub module_inst: Vec<String>,
    /// The module call names, without instance keys (`["a", "b"]` for `module.a[0].module.b`).
    pub module_calls: Vec<String>,
    /// `aws_s.n` or `data.aws_s.n` (no instance key).
    pub rel: String,
    /// `TYPE`, `NAME` and the mode.
    pub rtype: String,
    pub name: String,
    pub data: bool,
    /// The instance key as written (`0`, `"a"`), if any.
    pub key: Option<String>,
}

impl Addr {
    /// The configuration path of the module: `""` for the root, `module.a.module.b` otherwise.
    pub fn cfg_key(&self) -> String {
        cfg_key(&self.module_calls)
    }
}

pub(crate) fn cfg_key(calls: &[String]) -> String {
    let mut s = String::new();
    for c in calls {
        if !s.is_empty() {
            s.push('.');
        }
        s.push_str("module.");
        s.push_str(c);
    }
    s
}

/// Parses a resource instance address (`module.a[0].data.aws_s.n["k"]`).
pub(crate) fn split_address(addr: &str) -> Option<Addr> {
    let segs = segments(addr)?;
    let mut a = Addr::default();
    let mut i = 0;
    while let (Some(Seg::Name("module")), Some(Seg::Name(call))) = (segs.get(i), segs.get(i + 1)) {
        let mut step = format!("module.{call}");
        i += 2;
        if let Some(Seg::Key(k)) = segs.get(i) {
            step.push_str(&format!("[{k}]"));
            i += 1;
        }
        a.module_inst.push(step);
        a.module_calls.push((*call).to_string());
    }
    if let Some(Seg::Name("data")) = segs.get(i) {
        a.data = true;
        i += 1;
    }
    match (segs.get(i), segs.get(i + 1)) {
        (Some(Seg::Name(t)), Some(Seg::Name(n))) => {
            a.rtype = (*t).to_string();
            a.name = (*n).to_string();
        }
        _ => return None,
    }
    if let Some(Seg::Key(k)) = segs.get(i + 2) {
        a.key = Some((*k).to_string());
    }
    a.rel = if a.data {
        format!("data.{}.{}", a.rtype, a.name)
    } else {
        format!("{}.{}", a.rtype, a.name)
    };
    Some(a)
}

/// The distinct references of an expression: the longest string of each run of prefixes.
pub(crate) fn group_heads<'a>(refs: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut heads = Vec::new();
    let mut last: Option<&str> = None;
    for r in refs {
        if let Some(prev) = last {
            if is_prefix_step(r, prev) || r == prev {
                last = Some(r);
                continue;
            }
        }
        heads.push(r);
        last = Some(r);
    }
    heads
}

/// `r` is `prev` with one or more trailing steps removed.
fn is_prefix_step(r: &str, prev: &str) -> bool {
    prev.len() > r.len() && prev.starts_with(r) && matches!(prev.as_bytes()[r.len()], b'.' | b'[')
}

/// What a reference points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Subject<'a> {
    /// A resource or data source of the same module: `addr` is relative (`aws_s.n[0]`,
    /// `data.aws_s.n`), `attr` the rest of the traversal (`id`, `ingress[0].cidr_blocks`, or `""`).
    Resource { addr: String, attr: String },
    /// `var.NAME` with the rest of the traversal.
    Var { name: &'a str, rest: String },
    /// `module.CALL[KEY].OUTPUT` with the rest of the traversal.
    ModuleOutput {
        call: &'a str,
        key: Option<&'a str>,
        output: &'a str,
        rest: String,
    },
    /// `count.index`, `each.key`: instance selectors, not values that flow into the attribute.
    Selector,
    /// `each.value` with the rest of the traversal (`each.value.id` → `id`).
    EachValue { rest: String },
    /// Anything else (`local.x`, `path.module`, a whole module call...).
    Other,
}

pub(crate) fn classify(head: &str) -> Subject<'_> {
    let Some(segs) = segments(head) else {
        return Subject::Other;
    };
    let name = |i: usize| match segs.get(i) {
        Some(Seg::Name(n)) => Some(*n),
        _ => None,
    };
    match name(0) {
        Some("var") => match name(1) {
            Some(n) => Subject::Var {
                name: n,
                rest: render(&segs[2..]),
            },
            None => Subject::Other,
        },
        Some("count") => Subject::Selector,
        Some("each") if name(1) == Some("key") => Subject::Selector,
        Some("each") if name(1) == Some("value") => Subject::EachValue {
            rest: render(&segs[2..]),
        },
        Some("module") => {
            let Some(call) = name(1) else {
                return Subject::Other;
            };
            let (key, at) = match segs.get(2) {
                Some(Seg::Key(k)) => (Some(*k), 3),
                _ => (None, 2),
            };
            match name(at) {
                Some(output) => Subject::ModuleOutput {
                    call,
                    key,
                    output,
                    rest: render(&segs[at + 1..]),
                },
                None => Subject::Other,
            }
        }
        Some(
            "local" | "each" | "path" | "terraform" | "self" | "ephemeral" | "resource" | "action"
            | "list",
        ) => Subject::Other,
        Some(first) => {
            let (data, at) = if first == "data" {
                (true, 1)
            } else {
                (false, 0)
            };
            let (Some(t), Some(n)) = (name(at), name(at + 1)) else {
                return Subject::Other;
            };
            let mut addr = if data {
                format!("data.{t}.{n}")
            } else {
                format!("{t}.{n}")
            };
            let mut rest_at = at + 2;
            if let Some(Seg::Key(k)) = segs.get(rest_at) {
                addr.push_str(&format!("[{k}]"));
                rest_at += 1;
            }
            Subject::Resource {
                addr,
                attr: render(&segs[rest_at..]),
            }
        }
        None => Subject::Other,
    }
}

/// Appends a traversal rest to an attribute path.
pub(crate) fn join_attr(attr: &str, rest: &str) -> String {
    if attr.is_empty() {
        rest.to_string()
    } else if rest.is_empty() {
        attr.to_string()
    } else if rest.starts_with('[') {
        format!("{attr}{rest}")
    } else {
        format!("{attr}.{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_keys() {
        let s = segments(r#"module.a["x.y]"].aws_s.n[0].id"#).unwrap();
        assert_eq!(
            s,
            vec![
                Seg::Name("module"),
                Seg::Name("a"),
                Seg::Key(r#""x.y]""#),
                Seg::Name("aws_s"),
                Seg::Name("n"),
                Seg::Key("0"),
                Seg::Name("id"),
            ]
        );
        assert_eq!(render(&s[3..]), "aws_s.n[0].id");
        assert!(segments("a[0").is_none());
    }

    #[test]
    fn addresses() {
        let a = split_address(r#"module.net["a"].module.sub.data.aws_vpc.main[1]"#).unwrap();
        assert_eq!(a.module_inst, vec![r#"module.net["a"]"#, "module.sub"]);
        assert_eq!(a.cfg_key(), "module.net.module.sub");
        assert_eq!(a.rel, "data.aws_vpc.main");
        assert!(a.data);
        assert_eq!(a.key.as_deref(), Some("1"));
        assert!(split_address("module.x").is_none());
    }

    #[test]
    fn heads_of_reference_runs() {
        let refs = [
            "aws_subnet.a[0].id",
            "aws_subnet.a[0]",
            "aws_subnet.a",
            "aws_subnet.a[1].id",
            "aws_subnet.a[1]",
            "aws_subnet.a",
            "var.x",
            "aws_iam_role.r.arn",
            "aws_iam_role.r",
        ];
        assert_eq!(
            group_heads(refs),
            vec![
                "aws_subnet.a[0].id",
                "aws_subnet.a[1].id",
                "var.x",
                "aws_iam_role.r.arn"
            ]
        );
    }

    #[test]
    fn subjects() {
        assert_eq!(
            classify("aws_iam_role.exec.arn"),
            Subject::Resource {
                addr: "aws_iam_role.exec".into(),
                attr: "arn".into()
            }
        );
        assert_eq!(
            classify(r#"data.aws_subnets.p["x"].ids[0]"#),
            Subject::Resource {
                addr: r#"data.aws_subnets.p["x"]"#.into(),
                attr: "ids[0]".into()
            }
        );
        assert_eq!(
            classify("module.net.vpc_id"),
            Subject::ModuleOutput {
                call: "net",
                key: None,
                output: "vpc_id",
                rest: String::new()
            }
        );
        assert_eq!(
            classify("var.sg.id"),
            Subject::Var {
                name: "sg",
                rest: "id".into()
            }
        );
        assert_eq!(classify("count.index"), Subject::Selector);
        assert_eq!(classify("local.x"), Subject::Other);
        assert_eq!(classify("module.net"), Subject::Other);
    }
}
