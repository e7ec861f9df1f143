//! Reading one container definition: its image, log configuration, secrets, registry
//! credentials, environment files and unknown keys.

use std::collections::HashMap;

use crate::analysis::Fact;
use crate::base::{Map, Val, Value};
use crate::graph::{Graph, Kind, NodeId, WrittenKey};

use super::logs::awslogs;
use super::secrets::secret;
use super::{image, keys, Container, EnvFile, Image, SecretUse};

pub(super) fn container(
    graph: &Graph,
    td: NodeId,
    written: &HashMap<&str, &WrittenKey>,
    index: usize,
    c: &Value,
    cfn: bool,
    ptc: &[(String, NodeId)],
) -> Container {
    let path = format!("container_definitions[{index}]");
    let empty = Map::new();
    let m = c.as_map().unwrap_or(&empty);
    let mut image = match m.get("image") {
        Some(v) if !matches!(v.kind, Val::Null) => image::classify(v, graph, ptc),
        _ => Fact::Absent,
    };
    // `!Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/${Repo}:1'`: the repository
    // resource the graph links the image to, when the name is not a literal.
    if let Fact::Known {
        value: Image::Ecr(ecr),
        ..
    } = &mut image
    {
        if ecr.repository_node.is_none() && ecr.repository.as_str().is_none() {
            let repos: Vec<NodeId> = graph
                .targets(td, &format!("{path}.image"))
                .into_iter()
                .filter(|&t| graph.node(t).kind == Kind::EcrRepository)
                .collect();
            if let [one] = repos.as_slice() {
                ecr.repository_node = Some(*one);
            }
        }
    }
    let mut secrets = Vec::new();
    for (i, it) in m
        .get("secrets")
        .and_then(|s| s.as_list())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(vf) = it.get("valueFrom") {
            let p = format!("{path}.secrets[{i}].valueFrom");
            let name = it.get("name").and_then(|n| n.as_str()).map(String::from);
            secrets.push(secret(graph, td, &p, vf, SecretUse::Env, name));
        }
    }
    let log = m.get("logConfiguration").and_then(|l| l.as_map());
    let log_driver = log.and_then(|l| l.get("logDriver")).cloned();
    if let Some(l) = log {
        let opts = l
            .get("secretOptions")
            .and_then(|s| s.as_list())
            .unwrap_or_default();
        for (i, it) in opts.iter().enumerate() {
            if let Some(vf) = it.get("valueFrom") {
                let p = format!("{path}.logConfiguration.secretOptions[{i}].valueFrom");
                let name = it.get("name").and_then(|n| n.as_str()).map(String::from);
                secrets.push(secret(graph, td, &p, vf, SecretUse::LogOption, name));
            }
        }
    }
    let awslogs = match (&log_driver, log) {
        (Some(d), Some(l)) if d.as_str() == Some("awslogs") => {
            Some(awslogs(graph, td, &path, d, l))
        }
        _ => None,
    };
    let repository_credentials = m
        .get("repositoryCredentials")
        .and_then(|r| r.get("credentialsParameter"))
        .map(|v| {
            let p = format!("{path}.repositoryCredentials.credentialsParameter");
            secret(graph, td, &p, v, SecretUse::RegistryCredentials, None)
        });
    let environment_files = m
        .get("environmentFiles")
        .and_then(|e| e.as_list())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            Some(EnvFile {
                path: format!("{path}.environmentFiles[{i}]"),
                value: f.get("value")?.clone(),
                file_type: f.get("type").cloned(),
            })
        })
        .collect();
    let mut unknown_keys = Vec::new();
    keys::unknown_keys(written, m, &path, cfn, &mut unknown_keys);
    Container {
        index,
        name: m.get("name").and_then(|n| n.as_str()).map(String::from),
        path,
        span: c.span,
        image,
        log_driver,
        awslogs,
        secrets,
        repository_credentials,
        environment_files,
        unknown_keys,
    }
}
