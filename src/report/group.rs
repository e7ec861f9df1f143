//! Input diagnostics as the terminal shows them: the notes about what pullpath could not read
//! ([`NOTE_CODES`]) one per code, identical diagnostics one with a count and their first places.

use crate::base::{Diagnostic, Severity};

/// Diagnostics about the input that are notes about what pullpath could not read rather than
/// mistakes in it: shown as one grouped note per code unless `--verbose`. A repository nobody
/// ran `terraform init` in has one `module-not-loaded` per registry module call, each with its
/// snippet, which buried the findings.
pub const NOTE_CODES: &[&str] = &[
    "variable-without-value",
    "tfvars-not-loaded",
    "dangling-ref",
    "module-not-loaded",
];

/// The grouped note a diagnostic belongs to: its code for [`NOTE_CODES`], and the nested stacks
/// read from local files (a `nested-stack` note that says what was read, not what was not).
fn note_key(d: &Diagnostic) -> Option<&str> {
    let code = d.code.as_ref();
    if NOTE_CODES.contains(&code) {
        Some(code)
    } else if code == "nested-stack" && d.message.contains(LOCAL_FILE) {
        Some("nested-stack-local")
    } else {
        None
    }
}

/// What a `nested-stack` note says of a stack read from a local file.
const LOCAL_FILE: &str = "is read from the local file";

/// How many places a grouped diagnostic shows.
pub(super) const GROUP_PLACES: usize = 3;

/// The name a diagnostic is about: the first `…` of its message (every diagnostic message
/// names its subject first, in backticks).
fn subject_of(d: &Diagnostic) -> Option<&str> {
    let rest = d.message.split_once('`')?.1;
    Some(rest.split_once('`')?.0)
}

/// "`a`, `b`, `c` and 4 more".
pub(super) fn name_list(names: &[&str], shown: usize) -> String {
    let mut out: Vec<String> = names.iter().take(shown).map(|n| format!("`{n}`")).collect();
    if names.len() > shown {
        out.push(format!("and {} more", names.len() - shown));
        let last = out.pop().unwrap_or_default();
        return format!("{} {last}", out.join(", "));
    }
    out.join(", ")
}

/// The input diagnostics as users read them. With `verbose`, one item each. Otherwise the notes
/// ([`NOTE_CODES`]) are one item per code (a count, the names, the first places and what would
/// make them known), and identical diagnostics (same code and message) one item with a count
/// and their first places. JSON always lists every diagnostic.
pub fn grouped(diags: &[Diagnostic], verbose: bool) -> Vec<Diagnostic> {
    if verbose {
        return diags.to_vec();
    }
    let unloaded: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == "tfvars-not-loaded")
        .collect();
    let unloaded_names: Vec<&str> = unloaded.iter().filter_map(|d| subject_of(d)).collect();
    let mut out: Vec<Diagnostic> = Vec::new();
    // (code, message) → index in `out`, with the number of diagnostics merged into it.
    let mut same: Vec<((&str, &str), usize, usize)> = Vec::new();
    let mut notes_done: Vec<&str> = Vec::new();
    for d in diags {
        let code = d.code.as_ref();
        if let Some(key) = note_key(d) {
            if notes_done.contains(&key) {
                continue;
            }
            notes_done.push(key);
            let group: Vec<&Diagnostic> =
                diags.iter().filter(|x| note_key(x) == Some(key)).collect();
            if d.code == "tfvars-not-loaded"
                && diags.iter().any(|x| x.code == "variable-without-value")
            {
                // Said in the help of the variables' note.
                continue;
            }
            if group.len() == 1 && d.code != "variable-without-value" {
                out.push(d.clone());
                continue;
            }
            out.push(note(key, &group, &unloaded_names));
            continue;
        }
        let key = (code, d.message.as_str());
        if let Some(entry) = same.iter_mut().find(|(k, _, _)| *k == key) {
            entry.2 += 1;
            let item = &mut out[entry.1];
            if let Some(span) = d.span {
                if item.related.len() + 1 < GROUP_PLACES && item.span.is_some() {
                    item.related.push((span, "also here".into()));
                }
            }
            continue;
        }
        same.push((key, out.len(), 1));
        out.push(d.clone());
    }
    for (_, i, n) in same {
        if n > 1 {
            out[i].message = format!("{} ({n} times)", out[i].message);
        }
    }
    out
}

/// One grouped note for the diagnostics of a [`note_key`].
fn note(key: &str, group: &[&Diagnostic], unloaded: &[&str]) -> Diagnostic {
    let mut names: Vec<&str> = Vec::new();
    for d in group {
        if let Some(n) = subject_of(d) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    let n = group.len();
    let mut files: Vec<crate::base::FileId> = group
        .iter()
        .filter_map(|d| d.span.map(|s| s.file))
        .collect();
    files.sort();
    files.dedup();
    let code = group.first().map_or(key, |d| d.code.as_ref()).to_string();
    let (message, help) = match key {
        "variable-without-value" => (
            {
                // One name declared in many roots (a repository of services) is one variable
                // in many files, not many variables.
                let k = names.len().max(1);
                let modules = if n > k && files.len() > 1 {
                    format!(" (declared in {} files)", files.len())
                } else {
                    String::new()
                };
                format!(
                    "{k} variable{} without a value (no default, tfvars, -var or TF_VAR_): {}{modules}; \
                     what depends on {} is unknown and not checked",
                    if k == 1 { "" } else { "s" },
                    name_list(&names, 6),
                    if k == 1 { "it" } else { "them" },
                )
            },
            match unloaded {
                [] => "Give values with `--var NAME=VALUE` or `--var-file FILE`; `--verbose` \
                       lists each."
                    .to_string(),
                [one] => format!(
                    "`{one}` is not loaded automatically; pass `--var-file {one}`. `--verbose` \
                     lists each."
                ),
                [first, ..] => format!(
                    "{} are not loaded automatically; pass the one of the environment to check, \
                     e.g. `--var-file {first}`. `--verbose` lists each.",
                    name_list(unloaded, 4)
                ),
            },
        ),
        "tfvars-not-loaded" => (
            format!(
                "{n} variable files are not loaded automatically: {}",
                name_list(&names, 6)
            ),
            format!(
                "Pass the one for the environment to check, e.g. `--var-file {}`.",
                names.first().copied().unwrap_or("FILE")
            ),
        ),
        "module-not-loaded" => (
            format!(
                "{n} module calls are not loaded{}: {}; what they make is unknown and not checked",
                if files.len() > 1 {
                    format!(" (in {} files)", files.len())
                } else {
                    String::new()
                },
                name_list(&names, 6)
            ),
            if group
                .iter()
                .all(|d| d.message.ends_with("run terraform init"))
            {
                "Registry and git modules are read once `terraform init` has installed them \
                 (`.terraform/modules` of the root); `--verbose` lists each."
            } else {
                "`--verbose` lists each, and why it is not loaded."
            }
            .to_string(),
        ),
        "nested-stack-local" => (
            format!(
                "{n} nested stacks are read from the local files their template URLs name: {}",
                name_list(&names, 6)
            ),
            "A template in S3 cannot be read before it is uploaded: pullpath reads the local \
             file of that name instead. `--verbose` lists each with its file."
                .to_string(),
        ),
        _ => (
            format!(
                "{n} references to resources that are not in their unit: {}; what they point \
                 to is unknown and not checked",
                name_list(&names, 6)
            ),
            "`--verbose` lists each.".to_string(),
        ),
    };
    // A note names what it is about; its places are `--verbose`'s.
    let severity = group
        .iter()
        .map(|d| d.severity)
        .max()
        .unwrap_or(Severity::Info);
    Diagnostic::new(severity, code, message).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{SourceMap, Span};

    #[test]
    fn identical_diagnostics_are_one_item_with_a_count() {
        let sources = SourceMap::new();
        let id = sources.add("/w/a.tf", "a\nb\nc\nd\ne\n");
        let d = |at: usize| {
            Diagnostic::warning("yaml-tag", "unknown tag `!Rain::S3`").at(Span::new(id, at..at + 1))
        };
        let other = Diagnostic::warning("yaml-tag", "unknown tag `!Rain::Embed`");
        let diags = [d(0), d(2), d(4), d(6), other];
        let items = grouped(&diags, false);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].message, "unknown tag `!Rain::S3` (4 times)");
        assert_eq!(items[0].related.len(), GROUP_PLACES - 1);
        assert_eq!(grouped(&diags, true).len(), 5);
        let vars: Vec<Diagnostic> = ["a", "b"]
            .iter()
            .map(|n| {
                Diagnostic::info(
                    "variable-without-value",
                    format!("variable `{n}` has no value"),
                )
            })
            .collect();
        let items = grouped(&vars, false);
        assert_eq!(items.len(), 1);
        assert!(
            items[0].message.starts_with("2 variables"),
            "{}",
            items[0].message
        );
        assert!(
            items[0].message.contains("`a`, `b`"),
            "{}",
            items[0].message
        );
    }

    #[test]
    fn modules_not_installed_and_stacks_read_locally_are_one_note_each() {
        let sources = SourceMap::new();
        let a = sources.add("/w/a/main.tf", "x".repeat(20));
        let b = sources.add("/w/b/main.tf", "x".repeat(20));
        let module = |file, name: &str| {
            Diagnostic::info(
                "module-not-loaded",
                format!("module `{name}` (source `terraform-aws-modules/{name}/aws`) is not installed; run terraform init"),
            )
            .at(Span::new(file, 0..5))
        };
        let stack = |id: &str| {
            Diagnostic::info(
                "nested-stack",
                format!("nested stack `{id}`: TemplateURL `https://x/{id}.yaml` is read from the local file `/w/{id}.yaml`"),
            )
        };
        let not_local = Diagnostic::info(
            "nested-stack",
            "nested stack `Far`: TemplateURL `https://x/far.yaml` is not a local file; its resources are not checked",
        );
        let diags = [
            module(a, "vpc"),
            module(b, "vpc"),
            module(a, "ecs"),
            stack("Network"),
            stack("Service"),
            not_local.clone(),
        ];
        let items = grouped(&diags, false);
        let messages: Vec<&str> = items.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "3 module calls are not loaded (in 2 files): `vpc`, `ecs`; what they make is unknown and not checked",
                "2 nested stacks are read from the local files their template URLs name: `Network`, `Service`",
                not_local.message.as_str(),
            ]
        );
        assert_eq!(items[1].code, "nested-stack");
        assert!(items[0].help.as_deref().unwrap().contains("terraform init"));
        // One alone keeps its place and snippet.
        let one = grouped(&diags[..1], false);
        assert_eq!(one, [diags[0].clone()]);
        assert_eq!(grouped(&diags, true).len(), 6);
    }
}
