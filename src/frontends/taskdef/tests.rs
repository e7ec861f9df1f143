use super::*;
use crate::base::SourceMap;
use std::path::Path;

fn load_text(path: &str, text: &str) -> (Unit, SourceMap) {
    let sources = SourceMap::new();
    let id = sources.add(Path::new(path), text.to_string());
    let mut units = load(&[id], &sources, &Options::default());
    (units.pop().unwrap(), sources)
}

#[test]
fn register_input_is_one_task_definition_with_spans_into_the_file() {
    let text = r#"{
  "family": "web",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "requiresCompatibilities": ["FARGATE"],
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]
}"#;
    let (unit, _) = load_text(".aws/task-definition.json", text);
    assert_eq!(unit.format, Some(Format::TaskDefinition));
    assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    let [r] = unit.resources.as_slice() else {
        panic!("one resource")
    };
    assert_eq!(r.address, "web");
    assert_eq!(r.rtype, "aws_ecs_task_definition");
    assert_eq!(
        &text[r.span.start as usize..r.span.end as usize],
        "\"family\""
    );
    let role = r.attrs.get("execution_role_arn").unwrap();
    assert_eq!(role.as_str(), Some("arn:aws:iam::123456789012:role/exec"));
    let s = role.span.unwrap();
    assert_eq!(
        &text[s.start as usize..s.end as usize],
        "\"arn:aws:iam::123456789012:role/exec\""
    );
    let image = r
        .attrs
        .get("container_definitions")
        .unwrap()
        .as_list()
        .unwrap()[0]
        .get("image")
        .unwrap();
    assert_eq!(image.as_str(), Some("nginx:1.27"));
    assert!(r.attrs.get("requires_compatibilities").is_some());
}

#[test]
fn describe_output_is_unwrapped() {
    let text = r#"{"taskDefinition": {"family": "worker", "revision": 7,
        "containerDefinitions": [{"name": "w", "image": "busybox"}]}, "tags": []}"#;
    let (unit, _) = load_text("td.json", text);
    assert_eq!(unit.resources.len(), 1);
    assert_eq!(unit.resources[0].address, "worker");
    assert!(unit.resources[0]
        .attrs
        .get("container_definitions")
        .is_some());
    assert!(unit.resources[0].attrs.get("tags").is_none());
}

#[test]
fn placeholders_are_unknown_not_images() {
    for (image, placeholder_text) in [
        ("<IMAGE>", "<IMAGE>"),
        ("${IMAGE}", "${IMAGE}"),
        ("{{ image }}", "{{ image }}"),
        ("#{ImageUri}", "#{ImageUri}"),
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:__TAG__",
            "__TAG__",
        ),
        (
            "<ACCOUNT_ID>.dkr.ecr.eu-west-1.amazonaws.com/app:latest",
            "<ACCOUNT_ID>",
        ),
    ] {
        assert_eq!(placeholder(image), Some(placeholder_text), "{image}");
        let text = format!(
            r#"{{"family": "f", "containerDefinitions": [{{"name": "a", "image": {}}}]}}"#,
            serde_json::to_string(image).unwrap()
        );
        let (unit, _) = load_text("td.json", &text);
        let v = unit.resources[0]
            .attrs
            .get("container_definitions")
            .unwrap()
            .as_list()
            .unwrap()[0]
            .get("image")
            .unwrap();
        assert!(v.is_unknown(), "{image}: {v:?}");
    }
    for literal in [
        "nginx:1.27",
        "public.ecr.aws/docker/library/nginx:latest",
        "my_registry/app__v2:1",
        "a < b > c",
    ] {
        assert_eq!(placeholder(literal), None, "{literal}");
    }
}

#[test]
fn not_a_task_definition_and_bad_json_are_diagnostics() {
    let (unit, _) = load_text("x.json", r#"{"taskDefinition": 3}"#);
    assert!(unit.resources.is_empty());
    assert_eq!(unit.diagnostics[0].code, "not-a-task-definition");
    // An excerpt in documentation (`…`) is not an input error.
    let (unit, _) = load_text(
        "y.json",
        "{\"containerDefinitions\": [{\"name\": \"a\"}, …]}",
    );
    assert!(unit.resources.is_empty());
    assert_eq!(unit.diagnostics.len(), 1);
    assert_eq!(unit.diagnostics[0].severity, crate::base::Severity::Warning);
}

#[test]
fn top_level_keys_become_snake_case() {
    assert_eq!(snake_case("containerDefinitions"), "container_definitions");
    assert_eq!(snake_case("executionRoleArn"), "execution_role_arn");
    assert_eq!(snake_case("family"), "family");
}
