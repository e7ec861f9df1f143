//! ECS container definitions: the known keys of the API, and the containers of a task
//! definition into a list of maps with canonical (camelCase) keys, written spellings recorded.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::base::{Map, Val, Value};
use crate::graph::model::WrittenKey;
use crate::graph::table::Conv;

use super::json::{decode_json_string, decode_json_template};
use super::{convert, join, Cx};

/// The members of the ECS `ContainerDefinition` API, camelCase (domain notes (c)-1, plus
/// `credentialSpecs`, `restartPolicy` and `versionConsistency` of the newer schema).
pub const CONTAINER_DEFINITION_KEYS: &[&str] = &[
    "name",
    "image",
    "repositoryCredentials",
    "cpu",
    "memory",
    "memoryReservation",
    "links",
    "portMappings",
    "essential",
    "restartPolicy",
    "entryPoint",
    "command",
    "environment",
    "environmentFiles",
    "mountPoints",
    "volumesFrom",
    "linuxParameters",
    "secrets",
    "dependsOn",
    "startTimeout",
    "stopTimeout",
    "versionConsistency",
    "hostname",
    "user",
    "workingDirectory",
    "disableNetworking",
    "privileged",
    "readonlyRootFilesystem",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "dockerSecurityOptions",
    "interactive",
    "pseudoTerminal",
    "dockerLabels",
    "ulimits",
    "logConfiguration",
    "healthCheck",
    "systemControls",
    "resourceRequirements",
    "firelensConfiguration",
    "credentialSpecs",
];

/// Members of the nested container-definition types, camelCase.
const CONTAINER_NESTED_KEYS: &[&str] = &[
    "credentialsParameter",
    "valueFrom",
    "value",
    "type",
    "logDriver",
    "options",
    "secretOptions",
    "containerPort",
    "hostPort",
    "protocol",
    "appProtocol",
    "containerPortRange",
    "sourceVolume",
    "containerPath",
    "readOnly",
    "sourceContainer",
    "condition",
    "containerName",
    "softLimit",
    "hardLimit",
    "interval",
    "timeout",
    "retries",
    "startPeriod",
    "namespace",
    "capabilities",
    "add",
    "drop",
    "devices",
    "initProcessEnabled",
    "sharedMemorySize",
    "tmpfs",
    "maxSwap",
    "swappiness",
    "hostPath",
    "permissions",
    "size",
    "mountOptions",
    "enabled",
    "ignoredExitCodes",
    "restartAttemptPeriod",
    "ipAddress",
];

/// Boolean and integer members of the container-definition shapes. CloudFormation accepts
/// `"true"`/`"443"` strings for them (and YAML/JSON authors write both), so for CloudFormation
/// such strings are read as the boolean/number ECS receives. Terraform JSON is left alone: the
/// provider's decoder rejects a string there.
const CONTAINER_BOOLS: &[&str] = &[
    "essential",
    "readonlyRootFilesystem",
    "privileged",
    "disableNetworking",
    "interactive",
    "pseudoTerminal",
    "initProcessEnabled",
    "readOnly",
];
const CONTAINER_INTS: &[&str] = &[
    "cpu",
    "memory",
    "memoryReservation",
    "containerPort",
    "hostPort",
    "startTimeout",
    "stopTimeout",
    "softLimit",
    "hardLimit",
    "interval",
    "timeout",
    "retries",
    "startPeriod",
    "sharedMemorySize",
    "maxSwap",
    "swappiness",
    "size",
    "restartAttemptPeriod",
];

/// Maps whose keys are the user's, not the API's (kept as written).
const FREE_FORM: &[&str] = &["options", "dockerLabels"];

fn known_keys() -> &'static HashMap<String, &'static str> {
    static KEYS: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        CONTAINER_DEFINITION_KEYS
            .iter()
            .chain(CONTAINER_NESTED_KEYS)
            .map(|k| (k.to_ascii_lowercase(), *k))
            .collect()
    })
}

/// The canonical (camelCase) spelling of a container-definition key. Terraform decodes the JSON
/// case-insensitively [V provider `container_definitions.go`, domain FGP050], so any casing of
/// a known key is that key; an unknown key stays as written. CloudFormation writes PascalCase:
/// known keys are matched the same way, unknown ones get their first letter lowered
/// (`ImagePullBehavior` → `imagePullBehavior`).
pub fn container_key(k: &str, cfn: bool) -> String {
    if let Some(known) = known_keys().get(&k.to_ascii_lowercase()) {
        return (*known).to_string();
    }
    if cfn {
        let mut c = k.chars();
        match c.next() {
            Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
            None => String::new(),
        }
    } else {
        k.to_string()
    }
}

/// Container definitions into a list of containers with camelCase keys. Terraform: a JSON
/// string (decoded, spans mapped into the source when possible) or an encoded value;
/// CloudFormation: the list of PascalCase maps. Every key whose written form differs from its
/// canonical one is recorded in `written_keys`; for CloudFormation every key is recorded (its
/// schema is case-sensitive, so rules need the written spelling).
pub(super) fn containers(v: &Value, path: &str, cx: &mut Cx) -> Value {
    let decoded;
    let src = match &v.kind {
        Val::Str(s) => match decode_json_string(s, v.span, cx) {
            Ok(d) => {
                decoded = d;
                &decoded
            }
            Err(d) => {
                let reason = format!("container_definitions is not valid JSON: {}", d.message);
                cx.diagnostics.push(d);
                return Value::unknown(reason, v.span);
            }
        },
        Val::Encoded(inner) => inner.as_ref(),
        Val::List(_) => v,
        Val::Template(parts) => match decode_json_template(parts, v.span, cx) {
            Some(d) => {
                decoded = d;
                &decoded
            }
            None => return v.clone(),
        },
        _ => return v.clone(),
    };
    let mut out = canon_container(src, path, false, cx);
    out.span = v.span.or(src.span);
    out
}

fn canon_container(v: &Value, path: &str, free: bool, cx: &mut Cx) -> Value {
    match &v.kind {
        Val::Map(m) => {
            let mut out = Map::new();
            for e in &m.entries {
                let key = if free {
                    e.key.clone()
                } else {
                    container_key(&e.key, cx.cfn)
                };
                let p = join(path, &key);
                if !free && (cx.cfn || key != e.key) {
                    cx.written_keys.push(WrittenKey {
                        path: p.clone(),
                        written: e.key.clone(),
                        span: e.key_span,
                    });
                }
                let child_free = !free && FREE_FORM.contains(&key.as_str());
                let nv = if free {
                    e.value.clone()
                } else if cx.cfn && CONTAINER_BOOLS.contains(&key.as_str()) {
                    convert(Conv::Bool, &e.value, &p, cx).unwrap_or_else(|| e.value.clone())
                } else if cx.cfn && CONTAINER_INTS.contains(&key.as_str()) {
                    convert(Conv::Num, &e.value, &p, cx).unwrap_or_else(|| e.value.clone())
                } else {
                    canon_container(&e.value, &p, child_free, cx)
                };
                out.push(key, e.key_span, nv);
            }
            Value::new(Val::Map(out), v.span)
        }
        Val::List(items) => Value::new(
            Val::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| canon_container(it, &format!("{path}[{i}]"), free, cx))
                    .collect(),
            ),
            v.span,
        ),
        _ => v.clone(),
    }
}
