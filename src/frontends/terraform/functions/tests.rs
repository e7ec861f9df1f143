use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;
use crate::base::{FileId, Map, Ref, SourceMap, Span, Symbol, Val, Value};

fn sp(n: u32) -> Option<Span> {
    Some(Span {
        file: FileId(7),
        start: n,
        end: n + 1,
    })
}

fn run_in(
    sources: &SourceMap,
    base: &Path,
    roots: &[PathBuf],
    name: &str,
    args: Vec<Value>,
) -> Value {
    let cx = FnCtx {
        sources,
        base_dir: base,
        allowed_roots: roots,
        max_file_size: 1 << 20,
        max_value_size: 1 << 20,
        diagnostics: None,
    };
    call(name, args, sp(999), &cx)
}

fn run(name: &str, args: Vec<Value>) -> Value {
    let sources = SourceMap::new();
    run_in(&sources, Path::new("/nonexistent"), &[], name, args)
}

fn j(name: &str, args: Vec<Value>) -> serde_json::Value {
    norm(run(name, args).to_json())
}

/// Whole floats as integers, so that expectations read naturally (`json!(2)`).
fn norm(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Number(x) => match x.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => json!(f as i64),
            _ => J::Number(x),
        },
        J::Array(a) => J::Array(a.into_iter().map(norm).collect()),
        J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

fn s(x: &str) -> Value {
    Value::str(x, None)
}
fn n(x: f64) -> Value {
    Value::new(Val::Number(x), None)
}
fn b(x: bool) -> Value {
    Value::new(Val::Bool(x), None)
}
fn null() -> Value {
    Value::null(None)
}
fn l(items: Vec<Value>) -> Value {
    Value::new(Val::List(items), None)
}
fn sl(items: &[&str]) -> Value {
    l(items.iter().map(|x| s(x)).collect())
}
fn m(entries: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in entries {
        map.push(k, None, v);
    }
    Value::new(Val::Map(map), None)
}
fn unk(r: &str) -> Value {
    Value::unknown(r, None)
}
fn rf(target: &str, attr: &str) -> Value {
    Value::new(
        Val::Ref(Box::new(Ref {
            target: target.into(),
            attr: attr.into(),
            resolved: None,
        })),
        None,
    )
}
fn region() -> Value {
    Value::new(Val::Symbol(Symbol::Region), None)
}

/// The reason of an Unknown result (panics when the result is known).
/// The reason of an Unknown, without the `error: ` prefix of plan-time errors.
fn reason(v: &Value) -> String {
    match &v.kind {
        Val::Unknown(r) => {
            let r = r.to_string();
            r.strip_prefix(crate::frontends::terraform::errors::ERROR)
                .map(str::to_string)
                .unwrap_or(r)
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

fn err(name: &str, args: Vec<Value>) -> String {
    reason(&run(name, args))
}

// ---------------------------------------------------------------- general behaviour

#[test]
fn unsupported_and_arity() {
    assert_eq!(err("nosuch", vec![]), "function `nosuch` is not supported");
    let r = err("upper", vec![s("a"), s("b")]);
    assert!(r.contains("`upper`") && r.contains("1 argument"), "{r}");
    assert!(err("lookup", vec![]).contains("2 to 3 arguments"));
    assert!(err("md5", vec![s("a")]).contains("`md5`"));
    assert!(err("timestamp", vec![]).contains("`timestamp`"));
    assert!(err("yamldecode", vec![s("a: 1")]).contains("`yamldecode`"));
    // errors carry the call's span
    assert_eq!(run("upper", vec![]).span, sp(999));
    // core:: namespace
    assert_eq!(j("core::upper", vec![s("a")]), json!("A"));
}

#[test]
fn unknown_reasons_propagate() {
    assert_eq!(
        err("upper", vec![unk("variable `x` has no value")]),
        "variable `x` has no value"
    );
    assert_eq!(
        err(
            "lower",
            vec![rf("aws_ecr_repository.app", "repository_url")]
        ),
        "`aws_ecr_repository.app.repository_url` is known only after apply"
    );
    assert!(err("upper", vec![region()]).contains("AWS::Region"));
    // first unknown argument wins
    assert_eq!(
        err("replace", vec![unk("first"), unk("second"), s("")]),
        "first"
    );
    // type errors name the function
    assert!(err("upper", vec![l(vec![])]).starts_with("`upper`: "));
    assert!(err("upper", vec![null()]).contains("null"));
}

#[test]
fn resolved_refs_read_as_their_value() {
    let r = Value::new(
        Val::Ref(Box::new(Ref {
            target: "aws_iam_role.exec".into(),
            attr: "name".into(),
            resolved: Some(s("exec")),
        })),
        None,
    );
    assert_eq!(j("upper", vec![r.clone()]), json!("EXEC"));
    // a selected value keeps its identity
    let picked = run("element", vec![l(vec![r.clone()]), n(0.0)]);
    assert!(matches!(picked.kind, Val::Ref(_)));
}

#[test]
fn choice_is_distributed() {
    let ch = Value::new(Val::Choice(vec![s("a"), s("b")]), None);
    assert_eq!(j("upper", vec![ch.clone()]), json!({"$choice": ["A", "B"]}));
    let same = Value::new(Val::Choice(vec![s("a"), s("A")]), None);
    assert_eq!(j("upper", vec![same]), json!("A"));
    assert_eq!(
        j("format", vec![s("%s-%s"), ch.clone(), ch.clone()]),
        json!({"$choice": ["a-a", "a-b", "b-a", "b-b"]})
    );
    let big = Value::new(Val::Choice((0..10).map(|i| n(i as f64)).collect()), None);
    assert!(err("max", vec![big.clone(), big.clone()]).contains("too many alternatives"));
}

// ---------------------------------------------------------------- strings

#[test]
fn format_verbs() {
    assert_eq!(
        j("format", vec![s("Hello, %s!"), s("Ander")]),
        json!("Hello, Ander!")
    );
    assert_eq!(
        j("format", vec![s("There are %d lights"), n(4.0)]),
        json!("There are 4 lights")
    );
    assert_eq!(
        j("format", vec![s("%q"), s("a\"b<")]),
        json!("\"a\\\"b\\u003c\"")
    );
    assert_eq!(
        j("format", vec![s("%v %v %v"), n(1.5), b(true), s("x")]),
        json!("1.5 true x")
    );
    assert_eq!(j("format", vec![s("%v"), null()]), json!("null"));
    assert_eq!(
        j("format", vec![s("%v"), l(vec![n(1.0), s("a")])]),
        json!("[1,\"a\"]")
    );
    assert_eq!(j("format", vec![s("%#v"), s("a")]), json!("\"a\""));
    assert_eq!(j("format", vec![s("100%%")]), json!("100%"));
    assert_eq!(
        j("format", vec![s("%5s|%-5s|"), s("ab"), s("cd")]),
        json!("   ab|cd   |")
    );
    assert_eq!(
        j(
            "format",
            vec![
                s("%03d|%+d|%x|%X|%o|%b"),
                n(7.0),
                n(5.0),
                n(255.0),
                n(255.0),
                n(8.0),
                n(5.0)
            ]
        ),
        json!("007|+5|ff|FF|10|101")
    );
    assert_eq!(
        j("format", vec![s("%.2f|%f"), n(1.23456), n(1.0)]),
        json!("1.23|1.000000")
    );
    assert_eq!(j("format", vec![s("%e"), n(1500.0)]), json!("1.500000e+03"));
    assert_eq!(
        j(
            "format",
            vec![s("%g|%g|%g"), n(1500.0), n(1e21), n(0.00001)]
        ),
        json!("1500|1e+21|1e-05")
    );
    assert_eq!(j("format", vec![s("%.3s"), s("abcdef")]), json!("abc"));
    assert_eq!(
        j("format", vec![s("%[2]s %[1]s"), s("a"), s("b")]),
        json!("b a")
    );
    assert_eq!(j("format", vec![s("%t"), b(false)]), json!("false"));
    assert_eq!(j("format", vec![s("%d"), s("12")]), json!("12"));
    assert!(err("format", vec![s("%d"), n(1.5)]).contains("whole number"));
    assert!(err("format", vec![s("%s %s"), s("a")]).contains("not enough arguments"));
    assert!(err("format", vec![s("%s"), s("a"), s("b")]).contains("too many arguments"));
    assert!(err("format", vec![s("%s"), null()]).contains("null"));
    assert!(err("format", vec![s("%s"), l(vec![])]).contains("cannot be formatted"));
    assert!(err("format", vec![s("%z"), s("a")]).contains("%z"));
    assert!(err("format", vec![s("abc%")]).contains("incomplete"));
}

#[test]
fn format_with_unknown_parts_is_a_template() {
    let v = run(
        "format",
        vec![
            s("com.amazonaws.%s.ecr.dkr"),
            unk("var.region has no value"),
        ],
    );
    assert!(matches!(v.kind, Val::Template(_)));
    assert_eq!(v.render_pattern().unwrap(), "com.amazonaws.⟨?⟩.ecr.dkr");
    assert_eq!(v.span, sp(999));
    // a symbol stays a symbol part (not Unknown)
    let v = run("format", vec![s("com.amazonaws.%s.s3"), region()]);
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[1].kind, Val::Symbol(Symbol::Region));
    // a reference too
    let v = run(
        "format",
        vec![
            s("%s:latest"),
            rf("aws_ecr_repository.app", "repository_url"),
        ],
    );
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert!(matches!(parts[0].kind, Val::Ref(_)));
    assert_eq!(parts[1], s(":latest"));
    // a %d of an unknown is an unknown part, with its reason
    let v = run("format", vec![s("port-%05d"), unk("no port")]);
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert_eq!(reason(&parts[1]), "no port");
    // nested templates are flattened
    let inner = Value::new(Val::Template(vec![s("a-"), region()]), None);
    let v = run("format", vec![s("x/%s/y"), inner]);
    assert_eq!(v.render_pattern().unwrap(), "x/a-⟨?⟩/y");
    let Val::Template(parts) = &v.kind else {
        panic!()
    };
    assert_eq!(parts.len(), 3);
}

#[test]
fn formatlist_iterates_lists() {
    assert_eq!(
        j(
            "formatlist",
            vec![s("Hello, %s!"), sl(&["Valentina", "Ander"])]
        ),
        json!(["Hello, Valentina!", "Hello, Ander!"])
    );
    assert_eq!(
        j("formatlist", vec![s("%s=%s"), sl(&["a", "b"]), s("x")]),
        json!(["a=x", "b=x"])
    );
    assert!(
        err("formatlist", vec![s("%s%s"), sl(&["a"]), sl(&["a", "b"])]).contains("same length")
    );
    assert_eq!(err("formatlist", vec![s("%s"), unk("u")]), "u");
    let v = run(
        "formatlist",
        vec![s("arn:%s"), l(vec![s("x"), rf("a.b", "id")])],
    );
    let Val::List(items) = &v.kind else { panic!() };
    assert_eq!(items[0].to_json(), json!("arn:x"));
    assert!(matches!(items[1].kind, Val::Template(_)));
}

#[test]
fn join_and_split() {
    assert_eq!(
        j("join", vec![s(", "), sl(&["foo", "bar", "baz"])]),
        json!("foo, bar, baz")
    );
    assert_eq!(
        j("join", vec![s(","), sl(&["a"]), l(vec![n(1.0), b(true)])]),
        json!("a,1,true")
    );
    assert_eq!(j("join", vec![s(","), l(vec![])]), json!(""));
    let v = run(
        "join",
        vec![
            s("."),
            l(vec![s("com.amazonaws"), unk("no region"), s("s3")]),
        ],
    );
    assert_eq!(v.render_pattern().unwrap(), "com.amazonaws.⟨?⟩.s3");
    let v = run(
        "join",
        vec![s("."), l(vec![s("com.amazonaws"), region(), s("s3")])],
    );
    let Val::Template(parts) = &v.kind else {
        panic!()
    };
    assert_eq!(parts[1].kind, Val::Symbol(Symbol::Region));
    assert!(err("join", vec![s(","), l(vec![null()])]).contains("null"));
    assert_eq!(err("join", vec![s(","), unk("list?")]), "list?");
    assert!(err("join", vec![s(",")]).contains("at least 2"));

    assert_eq!(
        j("split", vec![s(","), s("foo,bar,baz")]),
        json!(["foo", "bar", "baz"])
    );
    assert_eq!(j("split", vec![s(","), s("foo")]), json!(["foo"]));
    assert_eq!(j("split", vec![s(","), s("")]), json!([""]));
    assert_eq!(j("split", vec![s(""), s("abc")]), json!(["a", "b", "c"]));
    assert_eq!(
        j("split", vec![s(","), s("a,,b,")]),
        json!(["a", "", "b", ""])
    );
}

#[test]
fn replace_plain_and_regex() {
    assert_eq!(
        j("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]),
        json!("1 - 2 - 3")
    );
    assert_eq!(
        j(
            "replace",
            vec![s("hello world"), s("/w.*d/"), s("everybody")]
        ),
        json!("hello everybody")
    );
    assert_eq!(
        j(
            "replace",
            vec![s("ab-cd"), s("/(\\w+)-(\\w+)/"), s("$2-$1")]
        ),
        json!("cd-ab")
    );
    assert_eq!(
        j("replace", vec![s("ab"), s("/(?P<x>a)/"), s("${x}${x}")]),
        json!("aab")
    );
    assert_eq!(j("replace", vec![s("a/b"), s("/"), s("_")]), json!("a_b"));
    assert_eq!(
        j("replace", vec![s("abc"), s(""), s("-")]),
        json!("-a-b-c-")
    );
    assert!(err("replace", vec![s("a"), s("/(/"), s("")]).contains("regular expression"));
}

#[test]
fn regex_functions() {
    assert_eq!(
        j(
            "regex",
            vec![s("[a-z]+"), s("53453453.345345aaabbbccc23454")]
        ),
        json!("aaabbbccc")
    );
    assert_eq!(
        j(
            "regex",
            vec![s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")]
        ),
        json!(["2019", "02", "01"])
    );
    assert_eq!(
        j(
            "regex",
            vec![
                s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                s("https://terraform.io/docs/")
            ]
        ),
        json!({"authority": "terraform.io", "scheme": "https"})
    );
    assert_eq!(j("regex", vec![s("a(b)?"), s("a")]), json!([null]));
    assert!(err("regex", vec![s("x"), s("abc")]).contains("did not match"));
    assert!(err("regex", vec![s("(?P<a>x)(y)"), s("xy")]).contains("cannot mix"));
    assert_eq!(
        j("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]),
        json!(["abcd", "efgh"])
    );
    assert_eq!(j("regexall", vec![s("[a-z]+"), s("123")]), json!([]));
    assert_eq!(
        j(
            "length",
            vec![run("regexall", vec![s("(a)(b)"), s("abab")])]
        ),
        json!(2)
    );
}

#[test]
fn case_trim_and_tests() {
    assert_eq!(j("upper", vec![s("héllo")]), json!("HÉLLO"));
    assert_eq!(j("lower", vec![s("HELLO")]), json!("hello"));
    assert_eq!(
        j("title", vec![s("hello world-wide_web a.b")]),
        json!("Hello World-Wide_web A.B")
    );
    assert_eq!(j("trimspace", vec![s("  hello\n\t")]), json!("hello"));
    assert_eq!(j("trim", vec![s("?!hello?!"), s("!?")]), json!("hello"));
    assert_eq!(
        j("trimprefix", vec![s("helloworld"), s("hello")]),
        json!("world")
    );
    assert_eq!(
        j("trimprefix", vec![s("helloworld"), s("cat")]),
        json!("helloworld")
    );
    assert_eq!(
        j("trimsuffix", vec![s("helloworld"), s("world")]),
        json!("hello")
    );
    assert_eq!(j("chomp", vec![s("hello\r\n\n")]), json!("hello"));
    assert_eq!(j("chomp", vec![s("hello\r")]), json!("hello"));
    assert_eq!(j("chomp", vec![s("a\nb")]), json!("a\nb"));
    assert_eq!(j("strrev", vec![s("abc")]), json!("cba"));
    assert_eq!(j("indent", vec![n(2.0), s("a\nb\n")]), json!("a\n  b\n  "));
    assert_eq!(
        j("startswith", vec![s("hello world"), s("hello")]),
        json!(true)
    );
    assert_eq!(
        j("startswith", vec![s("hello world"), s("world")]),
        json!(false)
    );
    assert_eq!(
        j("endswith", vec![s("hello world"), s("world")]),
        json!(true)
    );
    assert_eq!(
        j("strcontains", vec![s("hello world"), s("o w")]),
        json!(true)
    );
    assert_eq!(
        j("strcontains", vec![s("hello world"), s("x")]),
        json!(false)
    );
    // numbers convert to strings
    assert_eq!(j("upper", vec![n(12.0)]), json!("12"));
}

#[test]
fn string_tests_on_templates() {
    let t = Value::new(
        Val::Template(vec![s("arn:aws:ecr:"), region(), s(":123:repository/app")]),
        None,
    );
    assert_eq!(j("startswith", vec![t.clone(), s("arn:aws:")]), json!(true));
    assert_eq!(
        j("startswith", vec![t.clone(), s("arn:aws-cn:")]),
        json!(false)
    );
    assert_eq!(j("endswith", vec![t.clone(), s("/app")]), json!(true));
    assert_eq!(
        j("strcontains", vec![t.clone(), s("repository")]),
        json!(true)
    );
    assert!(err("startswith", vec![t.clone(), s("arn:aws:ecr:us-east-1")]).contains("AWS::Region"));
    assert!(err("strcontains", vec![t, s("us-east-1")]).contains("AWS::Region"));
    let t = Value::new(
        Val::Template(vec![s("https://"), rf("aws_lb.x", "dns_name"), s("/v1")]),
        None,
    );
    let v = run("trimprefix", vec![t.clone(), s("https://")]);
    assert_eq!(v.render_pattern().unwrap(), "⟨?⟩/v1");
    assert!(matches!(&v.kind, Val::Template(p) if matches!(p[0].kind, Val::Ref(_))));
    assert_eq!(
        run("trimprefix", vec![t.clone(), s("http://")])
            .render_pattern()
            .unwrap(),
        "https://⟨?⟩/v1"
    );
    assert_eq!(
        run("trimsuffix", vec![t.clone(), s("/v1")])
            .render_pattern()
            .unwrap(),
        "https://⟨?⟩"
    );
    assert_eq!(
        run("trimsuffix", vec![t.clone(), s("v2")])
            .render_pattern()
            .unwrap(),
        "https://⟨?⟩/v1"
    );
    assert!(err("trimsuffix", vec![t.clone(), s("x/v1")]).contains("aws_lb.x.dns_name"));
    assert!(err("trimprefix", vec![t, s("https://x")]).contains("aws_lb.x.dns_name"));
}

#[test]
fn substr_edges() {
    assert_eq!(
        j("substr", vec![s("hello world"), n(1.0), n(4.0)]),
        json!("ello")
    );
    assert_eq!(j("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), json!("🤔"));
    assert_eq!(
        j("substr", vec![s("hello world"), n(-5.0), n(-1.0)]),
        json!("world")
    );
    assert_eq!(j("substr", vec![s("hello"), n(3.0), n(100.0)]), json!("lo"));
    assert_eq!(j("substr", vec![s("hello"), n(10.0), n(1.0)]), json!(""));
    assert_eq!(j("substr", vec![s("hello"), n(-10.0), n(2.0)]), json!("he"));
    assert_eq!(j("substr", vec![s("hello"), n(1.0), n(0.0)]), json!(""));
    assert_eq!(j("substr", vec![s("hello"), n(-2.0), n(0.0)]), json!("lo"));
    assert_eq!(
        j("substr", vec![s("hello"), n(1.0), n(-3.0)]),
        json!("ello")
    );
    assert_eq!(j("substr", vec![s("hello"), n(5.0), n(1.0)]), json!(""));
}

// ---------------------------------------------------------------- numbers

#[test]
fn numbers() {
    assert_eq!(j("abs", vec![n(-12.4)]), json!(12.4));
    assert_eq!(j("ceil", vec![n(5.1)]), json!(6));
    assert_eq!(j("floor", vec![n(-5.1)]), json!(-6));
    assert_eq!(j("signum", vec![n(-3.0)]), json!(-1));
    assert_eq!(j("signum", vec![n(0.0)]), json!(0));
    assert_eq!(j("pow", vec![n(3.0), n(2.0)]), json!(9));
    assert_eq!(j("log", vec![n(16.0), n(2.0)]), json!(4));
    assert_eq!(j("max", vec![n(12.0), n(54.0), n(3.0)]), json!(54));
    assert_eq!(j("min", vec![n(12.0), s("3"), n(54.0)]), json!(3));
    assert!(err("min", vec![]).contains("at least 1"));
    assert_eq!(err("max", vec![n(1.0), unk("u")]), "u");
    assert_eq!(
        j("sum", vec![l(vec![n(10.0), n(13.0), n(6.5)])]),
        json!(29.5)
    );
    assert!(err("sum", vec![l(vec![])]).contains("empty"));
    assert_eq!(j("parseint", vec![s("100"), n(10.0)]), json!(100));
    assert_eq!(j("parseint", vec![s("FF"), n(16.0)]), json!(255));
    assert_eq!(j("parseint", vec![s("-1010"), n(2.0)]), json!(-10));
    assert_eq!(j("parseint", vec![s("zA"), n(62.0)]), json!(35 * 62 + 36));
    assert!(err("parseint", vec![s("12"), n(2.0)]).contains("cannot parse"));
    assert!(err("parseint", vec![s("1"), n(63.0)]).contains("base"));
    assert!(err("abs", vec![s("x")]).contains("cannot convert"));
}

// ---------------------------------------------------------------- collections

#[test]
fn length_counts_characters_and_keeps_unknown_elements() {
    assert_eq!(j("length", vec![s("héllo")]), json!(5));
    // grapheme clusters: e + combining acute accent is one character, as in Terraform
    assert_eq!(j("length", vec![s("he\u{301}llo")]), json!(5));
    assert_eq!(j("strrev", vec![s("ae\u{301}")]), json!("e\u{301}a"));
    assert_eq!(
        j("substr", vec![s("e\u{301}x"), n(0.0), n(1.0)]),
        json!("e\u{301}")
    );
    assert_eq!(
        j("length", vec![l(vec![unk("a"), rf("x.y", "id")])]),
        json!(2)
    );
    assert_eq!(
        j("length", vec![m(vec![("a", n(1.0)), ("b", unk("u"))])]),
        json!(2)
    );
    assert_eq!(
        j(
            "length",
            vec![run("jsonencode", vec![m(vec![("a", n(1.0))])])]
        ),
        json!(7)
    );
    assert_eq!(err("length", vec![unk("list unknown")]), "list unknown");
    assert!(err("length", vec![null()]).contains("null"));
    assert!(err(
        "length",
        vec![Value::new(Val::Template(vec![s("a"), region()]), None)]
    )
    .contains("Region"));
}

#[test]
fn element_lookup_and_friends() {
    let list = sl(&["a", "b", "c"]);
    assert_eq!(j("element", vec![list.clone(), n(1.0)]), json!("b"));
    assert_eq!(j("element", vec![list.clone(), n(3.0)]), json!("a"));
    assert_eq!(j("element", vec![list.clone(), n(7.0)]), json!("b"));
    assert!(err("element", vec![list.clone(), n(-1.0)]).contains("negative"));
    assert!(err("element", vec![l(vec![]), n(0.0)]).contains("empty"));
    assert_eq!(err("element", vec![list.clone(), unk("idx")]), "idx");
    // a known element is picked even when another is unknown
    let mixed = l(vec![s("a"), unk("b?")]);
    assert_eq!(j("element", vec![mixed.clone(), n(0.0)]), json!("a"));
    assert_eq!(err("element", vec![mixed, n(1.0)]), "b?");
    // the picked value keeps its own span
    let spanned = l(vec![Value::str("x", sp(3))]);
    assert_eq!(run("element", vec![spanned, n(0.0)]).span, sp(3));

    let map = m(vec![("a", s("ay")), ("b", s("bee")), ("u", unk("u?"))]);
    assert_eq!(j("lookup", vec![map.clone(), s("a")]), json!("ay"));
    assert_eq!(
        j("lookup", vec![map.clone(), s("c"), s("what?")]),
        json!("what?")
    );
    assert!(err("lookup", vec![map.clone(), s("c")]).contains("lookup failed to find key \"c\""));
    assert_eq!(err("lookup", vec![map.clone(), s("u"), s("d")]), "u?");
    assert_eq!(err("lookup", vec![unk("map?"), s("a"), s("d")]), "map?");
    assert_eq!(
        j("lookup", vec![map, s("b"), unk("default unknown")]),
        json!("bee")
    );

    assert_eq!(j("one", vec![l(vec![])]), json!(null));
    assert_eq!(j("one", vec![sl(&["x"])]), json!("x"));
    assert!(err("one", vec![sl(&["x", "y"])]).contains("at most one"));
    assert_eq!(err("one", vec![unk("u")]), "u");

    assert_eq!(j("index", vec![sl(&["a", "b", "c"]), s("b")]), json!(1));
    assert!(err("index", vec![sl(&["a"]), s("z")]).contains("not found"));
    assert_eq!(
        err("index", vec![l(vec![unk("first?"), s("b")]), s("b")]),
        "first?"
    );
    assert_eq!(
        j("index", vec![l(vec![s("b"), unk("x")]), s("b")]),
        json!(0)
    );
}

#[test]
fn contains_decides_when_it_can() {
    assert_eq!(j("contains", vec![sl(&["a", "b"]), s("a")]), json!(true));
    assert_eq!(j("contains", vec![sl(&["a", "b"]), s("c")]), json!(false));
    assert_eq!(
        j("contains", vec![l(vec![n(1.0), n(2.0)]), s("2")]),
        json!(true)
    );
    assert_eq!(
        j("contains", vec![l(vec![unk("x"), s("a")]), s("a")]),
        json!(true)
    );
    assert_eq!(
        err("contains", vec![l(vec![unk("x"), s("a")]), s("b")]),
        "x"
    );
    assert_eq!(
        j("contains", vec![l(vec![rf("a.b", "id")]), rf("a.b", "id")]),
        json!(true)
    );
    assert!(err("contains", vec![l(vec![rf("a.b", "id")]), s("subnet-1")]).contains("a.b.id"));
    assert_eq!(j("contains", vec![l(vec![]), unk("v")]), json!(false));
}

#[test]
fn concat_merge_keep_partial_knowledge() {
    let v = run(
        "concat",
        vec![
            sl(&["a", "b"]),
            l(vec![unk("c?")]),
            l(vec![rf("r.x", "id")]),
        ],
    );
    let Val::List(items) = &v.kind else { panic!() };
    assert_eq!(items.len(), 4);
    assert_eq!(items[1], s("b").with_span_for_test(sp(999)));
    assert_eq!(reason(&items[2]), "c?");
    assert!(matches!(items[3].kind, Val::Ref(_)));
    assert_eq!(
        err("concat", vec![sl(&["a"]), unk("whole list?")]),
        "whole list?"
    );
    assert!(err("concat", vec![s("a")]).contains("expects a list"));
    assert_eq!(j("concat", vec![]), json!([]));

    let v = run(
        "merge",
        vec![
            m(vec![("b", s("1")), ("a", s("x"))]),
            null(),
            m(vec![("b", s("2")), ("c", unk("c?"))]),
        ],
    );
    assert_eq!(
        v.to_json(),
        json!({"a": "x", "b": "2", "c": {"$unknown": "c?"}})
    );
    let Val::Map(map) = &v.kind else { panic!() };
    let keys: Vec<&str> = map.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(err("merge", vec![m(vec![]), unk("map?")]), "map?");
    assert!(err("merge", vec![sl(&["a"])]).contains("expects a map"));
    assert_eq!(j("merge", vec![]), json!({}));
}

#[test]
fn keys_values_sorted() {
    let map = m(vec![("b", n(2.0)), ("a", unk("a?")), ("c", n(3.0))]);
    assert_eq!(j("keys", vec![map.clone()]), json!(["a", "b", "c"]));
    assert_eq!(j("values", vec![map]), json!([{"$unknown": "a?"}, 2, 3]));
    // duplicate keys: the first one wins
    let mut dup = Map::new();
    dup.push("k", None, n(1.0));
    dup.push("k", None, n(2.0));
    let dup = Value::new(Val::Map(dup), None);
    assert_eq!(j("keys", vec![dup.clone()]), json!(["k"]));
    assert_eq!(j("values", vec![dup.clone()]), json!([1]));
    assert_eq!(j("length", vec![dup]), json!(1));
    assert_eq!(err("keys", vec![unk("m?")]), "m?");
}

#[test]
fn flatten_recursive() {
    assert_eq!(
        j(
            "flatten",
            vec![l(vec![
                sl(&["a", "b"]),
                l(vec![]),
                l(vec![sl(&["c"])]),
                s("d")
            ])]
        ),
        json!(["a", "b", "c", "d"])
    );
    assert_eq!(
        err("flatten", vec![l(vec![sl(&["a"]), unk("maybe a list")])]),
        "maybe a list"
    );
    let v = run(
        "flatten",
        vec![l(vec![
            l(vec![rf("aws_subnet.a", "id")]),
            l(vec![rf("aws_subnet.b", "id")]),
        ])],
    );
    assert_eq!(j("length", vec![v]), json!(2));
    assert!(err(
        "flatten",
        vec![l(vec![rf("module.vpc", "private_subnets")])]
    )
    .contains("private_subnets"));
}

#[test]
fn distinct_compact_coalesce() {
    assert_eq!(
        j("distinct", vec![sl(&["a", "b", "a", "c", "d", "b"])]),
        json!(["a", "b", "c", "d"])
    );
    assert_eq!(
        j(
            "length",
            vec![run(
                "distinct",
                vec![l(vec![rf("a.x", "id"), rf("a.x", "id"), rf("a.y", "id")])]
            )]
        ),
        json!(2)
    );
    assert_eq!(err("distinct", vec![l(vec![s("a"), unk("u")])]), "u");

    assert_eq!(
        j("compact", vec![l(vec![s("a"), s(""), null(), s("b")])]),
        json!(["a", "b"])
    );
    assert_eq!(
        j(
            "length",
            vec![run("compact", vec![l(vec![rf("a.x", "id"), s("")])])]
        ),
        json!(1)
    );
    assert_eq!(
        err("compact", vec![l(vec![s("a"), unk("maybe empty")])]),
        "maybe empty"
    );
    assert!(err(
        "compact",
        vec![l(vec![rf("aws_instance.x", "private_dns")])]
    )
    .contains("private_dns"));
    assert_eq!(
        j("compact", vec![l(vec![region(), null()])]),
        json!([{"$symbol": "AWS::Region"}])
    );
    assert_eq!(j("coalescelist", vec![null(), sl(&["z"])]), json!(["z"]));

    assert_eq!(
        j("coalesce", vec![s(""), null(), s("b"), s("c")]),
        json!("b")
    );
    assert_eq!(j("coalesce", vec![n(1.0), n(2.0)]), json!(1));
    assert_eq!(j("coalesce", vec![null(), n(1.0), s("a")]), json!("1"));
    assert_eq!(j("coalesce", vec![s("a"), unk("later")]), json!("a"));
    assert_eq!(err("coalesce", vec![unk("first"), s("a")]), "first");
    assert_eq!(
        run("coalesce", vec![region(), s("a")]).kind,
        Val::Symbol(Symbol::Region)
    );
    assert!(err("coalesce", vec![s(""), null()]).contains("no non-null"));

    assert_eq!(
        j("coalescelist", vec![l(vec![]), sl(&["x"]), sl(&["y"])]),
        json!(["x"])
    );
    assert_eq!(err("coalescelist", vec![l(vec![]), unk("l?")]), "l?");
    assert!(err("coalescelist", vec![l(vec![])]).contains("no non-empty"));
}

#[test]
fn alltrue_anytrue() {
    assert_eq!(j("alltrue", vec![l(vec![])]), json!(true));
    assert_eq!(j("alltrue", vec![l(vec![b(true), s("true")])]), json!(true));
    assert_eq!(
        j("alltrue", vec![l(vec![unk("u"), b(false)])]),
        json!(false)
    );
    assert_eq!(err("alltrue", vec![l(vec![unk("u"), b(true)])]), "u");
    assert_eq!(j("anytrue", vec![l(vec![])]), json!(false));
    assert_eq!(j("anytrue", vec![l(vec![unk("u"), b(true)])]), json!(true));
    assert_eq!(err("anytrue", vec![l(vec![unk("u"), b(false)])]), "u");
    assert!(err("alltrue", vec![l(vec![s("yes")])]).contains("bool"));
}

#[test]
fn list_shapes() {
    assert_eq!(
        j("chunklist", vec![sl(&["a", "b", "c", "d", "e"]), n(2.0)]),
        json!([["a", "b"], ["c", "d"], ["e"]])
    );
    assert_eq!(
        j("chunklist", vec![sl(&["a", "b"]), n(0.0)]),
        json!([["a", "b"]])
    );
    assert!(err("chunklist", vec![sl(&["a"]), n(-1.0)]).contains("positive"));
    assert_eq!(j("range", vec![n(3.0)]), json!([0, 1, 2]));
    assert_eq!(j("range", vec![n(1.0), n(4.0)]), json!([1, 2, 3]));
    assert_eq!(j("range", vec![n(4.0), n(1.0)]), json!([4, 3, 2]));
    assert_eq!(
        j("range", vec![n(0.0), n(1.0), n(0.25)]),
        json!([0, 0.25, 0.5, 0.75])
    );
    assert_eq!(j("range", vec![n(0.0)]), json!([]));
    assert!(err("range", vec![n(1.0), n(4.0), n(-1.0)]).contains("step"));
    assert!(err("range", vec![n(0.0), n(1.0), n(0.0)]).contains("zero"));
    assert!(err("range", vec![n(2000.0)]).contains("1024"));
    assert_eq!(
        j("reverse", vec![l(vec![n(1.0), unk("u"), n(3.0)])]),
        json!([3, {"$unknown": "u"}, 1])
    );
    assert_eq!(
        j("slice", vec![sl(&["a", "b", "c", "d"]), n(1.0), n(3.0)]),
        json!(["b", "c"])
    );
    assert!(err("slice", vec![sl(&["a"]), n(0.0), n(2.0)]).contains("invalid range"));
    assert_eq!(
        j("sort", vec![sl(&["e", "d", "a", "x"])]),
        json!(["a", "d", "e", "x"])
    );
    assert_eq!(
        j("sort", vec![l(vec![n(10.0), n(9.0)])]),
        json!(["10", "9"])
    );
    assert_eq!(err("sort", vec![l(vec![s("a"), unk("u")])]), "u");
}

#[test]
fn sets() {
    assert_eq!(
        j("toset", vec![sl(&["c", "b", "b", "a"])]),
        json!(["a", "b", "c"])
    );
    assert_eq!(
        j("toset", vec![l(vec![n(10.0), n(9.0), n(10.0)])]),
        json!([9, 10])
    );
    assert_eq!(
        j("toset", vec![l(vec![s("a"), n(1.0), b(true)])]),
        json!(["1", "a", "true"])
    );
    assert_eq!(err("toset", vec![l(vec![s("a"), unk("u")])]), "u");
    let v = run(
        "toset",
        vec![l(vec![
            rf("s.b", "id"),
            s("z"),
            rf("s.a", "id"),
            rf("s.b", "id"),
        ])],
    );
    let Val::List(items) = &v.kind else { panic!() };
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].to_json(), json!("z"));
    assert_eq!(j("toset", vec![null()]), json!(null));

    assert_eq!(
        j(
            "setunion",
            vec![sl(&["a", "b"]), sl(&["b", "c"]), sl(&["d"])]
        ),
        json!(["a", "b", "c", "d"])
    );
    assert_eq!(
        j(
            "setintersection",
            vec![sl(&["a", "b", "c"]), sl(&["b", "c", "d"]), sl(&["c", "b"])]
        ),
        json!(["b", "c"])
    );
    assert_eq!(
        j("setsubtract", vec![sl(&["a", "b", "c"]), sl(&["a", "c"])]),
        json!(["b"])
    );
    assert_eq!(err("setsubtract", vec![sl(&["a"]), l(vec![unk("u")])]), "u");
    assert_eq!(
        j(
            "setproduct",
            vec![sl(&["development", "staging"]), sl(&["app1", "app2"])]
        ),
        json!([
            ["development", "app1"],
            ["development", "app2"],
            ["staging", "app1"],
            ["staging", "app2"]
        ])
    );
    assert_eq!(j("setproduct", vec![sl(&["a"]), l(vec![])]), json!([]));
    assert!(err("setproduct", vec![sl(&["a"])]).contains("at least 2"));
}

#[test]
fn maps_from_lists() {
    assert_eq!(
        j("zipmap", vec![sl(&["b", "a"]), l(vec![n(1.0), unk("u")])]),
        json!({"a": {"$unknown": "u"}, "b": 1})
    );
    assert!(err("zipmap", vec![sl(&["a"]), l(vec![])]).contains("does not match"));
    assert_eq!(err("zipmap", vec![l(vec![unk("k?")]), sl(&["v"])]), "k?");
    assert_eq!(
        j(
            "transpose",
            vec![m(vec![("a", sl(&["1", "2"])), ("b", sl(&["2", "3"]))])]
        ),
        json!({"1": ["a"], "2": ["a", "b"], "3": ["b"]})
    );
    assert_eq!(
        j(
            "matchkeys",
            vec![
                sl(&["i-123", "i-abc", "i-def"]),
                sl(&["us-west", "us-east", "us-east"]),
                sl(&["us-east"])
            ]
        ),
        json!(["i-abc", "i-def"])
    );
    assert!(err("matchkeys", vec![sl(&["a"]), l(vec![]), l(vec![])]).contains("equal"));
}

#[test]
fn conversions() {
    assert_eq!(j("tostring", vec![n(1.0)]), json!("1"));
    assert_eq!(j("tostring", vec![b(true)]), json!("true"));
    assert_eq!(j("tostring", vec![null()]), json!(null));
    assert!(err("tostring", vec![l(vec![])]).contains("cannot convert"));
    assert_eq!(
        run("tostring", vec![region()]).kind,
        Val::Symbol(Symbol::Region)
    );
    assert_eq!(j("tonumber", vec![s("1.5")]), json!(1.5));
    assert_eq!(j("tonumber", vec![null()]), json!(null));
    assert!(err("tonumber", vec![s("no")]).contains("cannot convert"));
    assert!(err("tonumber", vec![s("inf")]).contains("cannot convert"));
    assert_eq!(j("tobool", vec![s("true")]), json!(true));
    assert!(err("tobool", vec![s("yes")]).contains("cannot convert"));
    assert!(err("tobool", vec![s("TRUE")]).contains("cannot convert"));
    assert_eq!(
        j("tolist", vec![l(vec![s("a"), n(1.0)])]),
        json!(["a", "1"])
    );
    assert!(err("tolist", vec![m(vec![])]).contains("expects a list"));
    assert_eq!(
        j("tomap", vec![m(vec![("b", n(1.0)), ("a", s("x"))])]),
        json!({"a": "x", "b": "1"})
    );
    assert_eq!(j("sensitive", vec![s("x")]), json!("x"));
    assert_eq!(j("nonsensitive", vec![unk("u")]), json!({"$unknown": "u"}));
    assert_eq!(j("try", vec![s("a"), s("b")]), json!("a"));
    assert_eq!(
        err("try", vec![unk("no attribute"), s("b")]),
        "no attribute"
    );
    assert_eq!(j("can", vec![s("a")]), json!(true));
    assert_eq!(err("can", vec![unk("u")]), "u");
    assert!(err("can", vec![l(vec![rf("a.b", "id")])]).contains("a.b.id"));
    assert_eq!(j("can", vec![region()]), json!(true));
}

// ---------------------------------------------------------------- encodings

#[test]
fn base64_and_url() {
    assert_eq!(
        j("base64encode", vec![s("Hello World")]),
        json!("SGVsbG8gV29ybGQ=")
    );
    assert_eq!(j("base64encode", vec![s("ab")]), json!("YWI="));
    assert_eq!(j("base64encode", vec![s("")]), json!(""));
    assert_eq!(
        j("base64decode", vec![s("SGVsbG8gV29ybGQ=")]),
        json!("Hello World")
    );
    assert_eq!(j("base64decode", vec![s("YWJj")]), json!("abc"));
    assert!(err("base64decode", vec![s("YWI")]).contains("base64"));
    assert!(err("base64decode", vec![s("Y=I=")]).contains("base64"));
    assert!(err("base64decode", vec![s("/w==")]).contains("UTF-8"));
    assert_eq!(
        j("textencodebase64", vec![s("ab"), s("UTF-8")]),
        json!("YWI=")
    );
    assert!(err("textencodebase64", vec![s("ab"), s("UTF-16LE")]).contains("UTF-16LE"));
    assert_eq!(
        j("urlencode", vec![s("Hello World!")]),
        json!("Hello+World%21")
    );
    assert_eq!(
        j("urlencode", vec![s("☃ a/b~c")]),
        json!("%E2%98%83+a%2Fb~c")
    );
}

#[test]
fn jsonencode_keeps_structure() {
    let inner = m(vec![
        ("image", rf("aws_ecr_repository.app", "repository_url")),
        ("cpu", n(256.0)),
    ]);
    let v = run("jsonencode", vec![inner.clone()]);
    assert_eq!(v.kind, Val::Encoded(Box::new(inner.clone())));
    assert_eq!(v.span, sp(999));
    // and jsondecode gives it back
    assert_eq!(
        run("jsondecode", vec![v]),
        inner.with_span_for_test(sp(999))
    );
    // a known encoding is materialised where a string is needed, as Terraform writes it
    let known = m(vec![
        ("b", s("<&>")),
        ("a", l(vec![n(1.0), b(true), null()])),
    ]);
    let e = run("jsonencode", vec![known]);
    assert_eq!(
        j("replace", vec![e.clone(), s("x"), s("y")]),
        json!("{\"a\":[1,true,null],\"b\":\"\\u003c\\u0026\\u003e\"}")
    );
    let v = run("format", vec![s("policy=%s"), e]);
    assert_eq!(
        v.to_json(),
        json!("policy={\"a\":[1,true,null],\"b\":\"\\u003c\\u0026\\u003e\"}")
    );
    let small = run("jsonencode", vec![m(vec![("a", n(1.0))])]);
    assert_eq!(
        j(
            "format",
            vec![s("%v|%s|%#v"), small.clone(), small.clone(), small]
        ),
        json!("{\"a\":1}|{\"a\":1}|\"{\\\"a\\\":1}\"")
    );
    // an unknown part stays a template part in join/format
    let unknown = run("jsonencode", vec![l(vec![unk("u")])]);
    let v = run("format", vec![s("x=%s"), unknown.clone()]);
    assert!(matches!(v.kind, Val::Template(_)));
    assert_eq!(err("upper", vec![unknown]), "u");
}

#[test]
fn jsondecode_plain_strings() {
    assert_eq!(
        j("jsondecode", vec![s("{\"hello\": \"world\"}")]),
        json!({"hello": "world"})
    );
    assert_eq!(j("jsondecode", vec![s("true")]), json!(true));
    assert_eq!(j("jsondecode", vec![s("[1, null]")]), json!([1, null]));
    let r = err("jsondecode", vec![s("{\"a\": 1,}")]);
    assert!(r.starts_with("`jsondecode`: invalid JSON"), "{r}");
    assert_eq!(err("jsondecode", vec![unk("u")]), "u");
    assert!(err(
        "jsondecode",
        vec![Value::new(Val::Template(vec![s("{"), region()]), None)]
    )
    .contains("Region"));
    // no usable source: every node gets the string's own span
    let v = run("jsondecode", vec![Value::str("{\"a\": [1]}", sp(5))]);
    assert_eq!(v.span, sp(5));
    assert_eq!(v.get("a").unwrap().as_list().unwrap()[0].span, sp(5));
}

/// The span of `needle`'s first occurrence in `text` (after `from`).
fn find_span(file: FileId, text: &str, needle: &str, from: usize) -> Span {
    let i = text[from..].find(needle).unwrap() + from;
    Span::new(file, i..i + needle.len())
}

#[test]
fn jsondecode_spans_point_into_hcl() {
    let sources = SourceMap::new();
    let hcl = "locals {\n  a = \"{\\\"image\\\": \\\"nginx\\\"}\"\n  b = <<EOF\n{\"image\": \"app:1\", \"n\": [1, 2]}\nEOF\n  c = <<-EOT\n    {\n      \"image\": \"x:2\"\n    }\n    EOT\n  d = \"{\\n\\\"image\\\": 1}\"\n}\n";
    let id = sources.add("main.tf", hcl);
    let root = Path::new("/nonexistent");

    // a quoted literal with \" escapes
    let lit = "\"{\\\"image\\\": \\\"nginx\\\"}\"";
    let span = find_span(id, hcl, lit, 0);
    let v = run_in(
        &sources,
        root,
        &[],
        "jsondecode",
        vec![Value::str("{\"image\": \"nginx\"}", Some(span))],
    );
    let img = v.get("image").unwrap();
    assert_eq!(&hcl[img.span.unwrap().range()], "\\\"nginx\\\"");
    let key = v
        .as_map()
        .unwrap()
        .get_entry("image")
        .unwrap()
        .key_span
        .unwrap();
    assert_eq!(&hcl[key.range()], "\\\"image\\\"");

    // a heredoc
    let body = "{\"image\": \"app:1\", \"n\": [1, 2]}\n";
    let span = find_span(
        id,
        hcl,
        "<<EOF\n{\"image\": \"app:1\", \"n\": [1, 2]}\nEOF",
        0,
    );
    let v = run_in(
        &sources,
        root,
        &[],
        "jsondecode",
        vec![Value::str(body, Some(span))],
    );
    assert_eq!(
        &hcl[v.get("image").unwrap().span.unwrap().range()],
        "\"app:1\""
    );
    let two = &v.get("n").unwrap().as_list().unwrap()[1];
    assert_eq!(&hcl[two.span.unwrap().range()], "2");
    assert_eq!(v.span.unwrap().file, id);

    // an indented heredoc (indentation removed from the string)
    let body = "{\n  \"image\": \"x:2\"\n}\n";
    let start = hcl.find("<<-EOT").unwrap();
    let end = hcl.find("    EOT\n").unwrap() + "    EOT".len();
    let span = Span::new(id, start..end);
    let v = run_in(
        &sources,
        root,
        &[],
        "jsondecode",
        vec![Value::str(body, Some(span))],
    );
    assert_eq!(
        &hcl[v.get("image").unwrap().span.unwrap().range()],
        "\"x:2\""
    );

    // an escape that is not a plain skip (\n): falls back to the string's span
    let lit = "\"{\\n\\\"image\\\": 1}\"";
    let span = find_span(id, hcl, lit, 0);
    let v = run_in(
        &sources,
        root,
        &[],
        "jsondecode",
        vec![Value::str("{\n\"image\": 1}", Some(span))],
    );
    assert_eq!(v.get("image").unwrap().span, Some(span));
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn file_and_jsondecode_point_into_the_file() {
    let dir = tempdir();
    let root = dir.path().to_path_buf();
    let text =
        "[\n  {\"name\": \"app\", \"image\": \"123.dkr.ecr.eu-west-1.amazonaws.com/app:1\"}\n]\n";
    std::fs::write(root.join("containers.json"), text).unwrap();
    let sources = SourceMap::new();
    let roots = vec![root.clone()];
    let f = run_in(&sources, &root, &roots, "file", vec![s("containers.json")]);
    assert_eq!(f.as_str(), Some(text));
    let span = f.span.unwrap();
    assert_eq!(span.range(), 0..text.len());
    let file = sources.get(span.file);
    assert!(file.path.ends_with("containers.json"));

    let v = run_in(&sources, &root, &roots, "jsondecode", vec![f]);
    let image = v.as_list().unwrap()[0].get("image").unwrap();
    let isp = image.span.unwrap();
    assert_eq!(isp.file, span.file);
    assert_eq!(
        &text[isp.range()],
        "\"123.dkr.ecr.eu-west-1.amazonaws.com/app:1\""
    );

    // `./` and `..` that stay inside are fine
    std::fs::create_dir(root.join("sub")).unwrap();
    let f = run_in(
        &sources,
        &root.join("sub"),
        &roots,
        "file",
        vec![s("../containers.json")],
    );
    assert_eq!(f.as_str(), Some(text));
    assert_eq!(
        j_in(
            &sources,
            &root,
            &roots,
            "fileexists",
            vec![s("./containers.json")]
        ),
        json!(true)
    );
    assert_eq!(
        j_in(
            &sources,
            &root,
            &roots,
            "fileexists",
            vec![s("missing.json")]
        ),
        json!(false)
    );
    assert!(reason(&run_in(
        &sources,
        &root,
        &roots,
        "fileexists",
        vec![s("sub")]
    ))
    .contains("not a regular file"));
    assert!(reason(&run_in(
        &sources,
        &root,
        &roots,
        "file",
        vec![s("missing.json")]
    ))
    .contains("no file exists"));
    assert!(reason(&run_in(&sources, &root, &roots, "file", vec![s("sub")])).contains("directory"));
}

fn j_in(
    sources: &SourceMap,
    base: &Path,
    roots: &[PathBuf],
    name: &str,
    args: Vec<Value>,
) -> serde_json::Value {
    norm(run_in(sources, base, roots, name, args).to_json())
}

#[test]
fn file_refuses_outside_roots_and_large_files() {
    let outer = tempdir();
    let inside = outer.path().join("project");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(outer.path().join("secret.txt"), "s3cr3t").unwrap();
    std::fs::write(inside.join("big.txt"), "x".repeat(2 << 20)).unwrap();
    let sources = SourceMap::new();
    let roots = vec![inside.clone()];
    let r = reason(&run_in(
        &sources,
        &inside,
        &roots,
        "file",
        vec![s("../secret.txt")],
    ));
    assert!(r.contains("outside"), "{r}");
    let abs = outer.path().join("secret.txt");
    let r = reason(&run_in(
        &sources,
        &inside,
        &roots,
        "file",
        vec![s(abs.to_str().unwrap())],
    ));
    assert!(r.contains("outside"), "{r}");
    assert!(reason(&run_in(
        &sources,
        &inside,
        &roots,
        "fileexists",
        vec![s("../secret.txt")]
    ))
    .contains("outside"));
    assert!(reason(&run_in(
        &sources,
        &inside,
        &roots,
        "file",
        vec![s("~/.aws/credentials")]
    ))
    .contains("home"));
    let r = reason(&run_in(
        &sources,
        &inside,
        &roots,
        "file",
        vec![s("big.txt")],
    ));
    assert!(r.contains("too large"), "{r}");
    // nothing allowed at all
    assert!(
        reason(&run_in(&sources, &inside, &[], "file", vec![s("big.txt")])).contains("outside")
    );
    assert_eq!(sources.len(), 0);
}

#[cfg(unix)]
#[test]
fn file_refuses_symlinks_leaving_the_roots() {
    let outer = tempdir();
    let inside = outer.path().join("project");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(outer.path().join("secret.txt"), "s3cr3t").unwrap();
    std::os::unix::fs::symlink(outer.path().join("secret.txt"), inside.join("link.txt")).unwrap();
    let sources = SourceMap::new();
    let r = reason(&run_in(
        &sources,
        &inside,
        std::slice::from_ref(&inside),
        "file",
        vec![s("link.txt")],
    ));
    assert!(r.contains("outside"), "{r}");
}

#[test]
fn paths() {
    assert_eq!(j("basename", vec![s("foo/bar/baz.txt")]), json!("baz.txt"));
    assert_eq!(j("basename", vec![s("foo/bar/")]), json!("bar"));
    assert_eq!(j("basename", vec![s("/")]), json!("/"));
    assert_eq!(j("basename", vec![s("")]), json!("."));
    assert_eq!(j("dirname", vec![s("foo/bar/baz.txt")]), json!("foo/bar"));
    assert_eq!(j("dirname", vec![s("foo/bar/")]), json!("foo/bar"));
    assert_eq!(j("dirname", vec![s("foo")]), json!("."));
    assert_eq!(j("dirname", vec![s("/foo")]), json!("/"));
    assert_eq!(j("dirname", vec![s("a/../b/./c")]), json!("b"));
    let sources = SourceMap::new();
    assert_eq!(
        j_in(
            &sources,
            Path::new("/work/root"),
            &[],
            "abspath",
            vec![s("./x/../y")]
        ),
        json!("/work/root/y")
    );
    assert_eq!(j("abspath", vec![s("/a/b/")]), json!("/a/b"));
    assert_eq!(j("pathexpand", vec![s("/etc/x")]), json!("/etc/x"));
    assert!(err("pathexpand", vec![s("~/.ssh/id_rsa")]).contains("home directory"));
}

// ---------------------------------------------------------------- network

#[test]
fn cidr_functions() {
    assert_eq!(
        j("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]),
        json!("172.18.0.0/16")
    );
    assert_eq!(
        j("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]),
        json!("10.1.2.240/28")
    );
    assert_eq!(
        j("cidrsubnet", vec![s("10.1.2.3/16"), n(8.0), n(1.0)]),
        json!("10.1.1.0/24")
    );
    assert_eq!(
        j(
            "cidrsubnet",
            vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]
        ),
        json!("fd00:fd12:3456:7800:a200::/72")
    );
    assert_eq!(
        j("cidrsubnet", vec![s("10.0.0.0/8"), n(0.0), n(0.0)]),
        json!("10.0.0.0/8")
    );
    assert!(err("cidrsubnet", vec![s("10.0.0.0/8"), n(4.0), n(16.0)]).contains("accommodate"));
    assert!(err("cidrsubnet", vec![s("10.0.0.0/30"), n(4.0), n(0.0)]).contains("insufficient"));
    assert!(err("cidrsubnet", vec![s("nope"), n(4.0), n(0.0)]).contains("invalid CIDR"));
    assert_eq!(
        err("cidrsubnet", vec![unk("vpc cidr?"), n(4.0), n(0.0)]),
        "vpc cidr?"
    );

    assert_eq!(
        j("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]),
        json!("10.12.112.16")
    );
    assert_eq!(
        j("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]),
        json!("10.12.113.12")
    );
    assert_eq!(
        j("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]),
        json!("10.0.0.255")
    );
    assert_eq!(
        j(
            "cidrhost",
            vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]
        ),
        json!("fd00:fd12:3456:7890::22")
    );
    assert!(err("cidrhost", vec![s("10.0.0.0/24"), n(256.0)]).contains("accommodate"));
    assert!(err("cidrhost", vec![s("10.0.0.0/24"), n(-257.0)]).contains("accommodate"));

    assert_eq!(
        j("cidrnetmask", vec![s("172.16.0.0/12")]),
        json!("255.240.0.0")
    );
    assert_eq!(j("cidrnetmask", vec![s("0.0.0.0/0")]), json!("0.0.0.0"));
    assert!(err("cidrnetmask", vec![s("fd00::/8")]).contains("IPv6"));

    assert_eq!(
        j(
            "cidrsubnets",
            vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
        ),
        json!([
            "10.1.0.0/20",
            "10.1.16.0/20",
            "10.1.32.0/24",
            "10.1.48.0/20"
        ])
    );
    assert_eq!(
        j(
            "cidrsubnets",
            vec![
                s("fd00:fd12:3456:7890::/56"),
                n(16.0),
                n(16.0),
                n(16.0),
                n(32.0)
            ]
        ),
        json!([
            "fd00:fd12:3456:7800::/72",
            "fd00:fd12:3456:7800:100::/72",
            "fd00:fd12:3456:7800:200::/72",
            "fd00:fd12:3456:7800:300::/88"
        ])
    );
    assert_eq!(j("cidrsubnets", vec![s("10.0.0.0/8")]), json!([]));
    assert!(err(
        "cidrsubnets",
        vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]
    )
    .contains("not enough remaining"));
    assert!(err("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)]).contains("too long"));
}

#[test]
fn csv() {
    assert_eq!(
        j("csvdecode", vec![s("a,b,c\n1,2,3\n4,\"x,\"\"y\",6\n")]),
        json!([{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "x,\"y", "c": "6"}])
    );
    assert!(err("csvdecode", vec![s("a,b\n1\n")]).contains("fields"));
    assert!(err("csvdecode", vec![s("a\n\"x")]).contains("invalid CSV"));
}

trait WithSpan {
    fn with_span_for_test(self, span: Option<Span>) -> Value;
}

impl WithSpan for Value {
    fn with_span_for_test(mut self, span: Option<Span>) -> Value {
        if self.span.is_none() {
            self.span = span;
        }
        self
    }
}

#[test]
fn jsondecode_of_a_template_keeps_structure_and_parts() {
    let sources = SourceMap::new();
    let hcl = "x = <<EOF\n[{\"name\": \"app\", \"image\": \"${var.image}:1\", \"cpu\": ${var.cpu}, \"environment\": ${jsonencode(local.env)}}]\nEOF\n";
    let id = sources.add("main.tf", hcl);
    let lit = |text: &str, from: usize| Value::str(text, Some(find_span(id, hcl, text, from)));
    let image = rf("aws_ecr_repository.app", "repository_url");
    let env = run(
        "jsonencode",
        vec![l(vec![m(vec![("name", s("A")), ("value", s("1"))])])],
    );
    let parts = vec![
        lit("[{\"name\": \"app\", \"image\": \"", 0),
        image.clone(),
        lit(":1\", \"cpu\": ", 0),
        unk("variable `cpu` has no value"),
        lit(", \"environment\": ", 0),
        env,
        lit("}]\n", 0),
    ];
    let t = Value::new(Val::Template(parts), None);
    let root = Path::new("/nonexistent");
    let v = run_in(&sources, root, &[], "jsondecode", vec![t]);
    let c0 = &v.as_list().unwrap()[0];
    assert_eq!(c0.get("name").unwrap().as_str(), Some("app"));
    assert_eq!(
        &hcl[c0.get("name").unwrap().span.unwrap().range()],
        "\"app\""
    );
    let img = c0.get("image").unwrap();
    let Val::Template(ip) = &img.kind else {
        panic!("{img:?}")
    };
    assert_eq!(ip[0], image);
    assert_eq!(ip[1].as_str(), Some(":1"));
    assert_eq!(
        reason(c0.get("cpu").unwrap()),
        "variable `cpu` has no value"
    );
    assert_eq!(
        norm(c0.get("environment").unwrap().to_json()),
        json!([{"name": "A", "value": "1"}])
    );
    let key = c0
        .as_map()
        .unwrap()
        .get_entry("cpu")
        .unwrap()
        .key_span
        .unwrap();
    assert_eq!(&hcl[key.range()], "\"cpu\"");

    // structure that depends on an unknown part: unknown, not a guess
    let t = Value::new(Val::Template(vec![s("{\"a\": 1"), unk("u"), s("}")]), None);
    assert!(reason(&run_in(&sources, root, &[], "jsondecode", vec![t])).contains("invalid JSON"));
    let t = Value::new(Val::Template(vec![s("{\""), unk("u"), s("\": 1}")]), None);
    assert!(reason(&run_in(&sources, root, &[], "jsondecode", vec![t])).contains("object key"));
    let t = Value::new(
        Val::Template(vec![s("{\"a\": \"x\" "), unk("u"), s("}")]),
        None,
    );
    assert!(reason(&run_in(&sources, root, &[], "jsondecode", vec![t])).contains("invalid JSON"));
}

#[test]
fn templatefile_renders_with_spans() {
    let dir = tempdir();
    let root = dir.path().to_path_buf();
    let tpl = "[{\"name\": \"${name}\", \"image\": \"${image}\", \"cpu\": ${cpu},\n  \"region\": \"${upper(cfg.region)}\", \"x\": \"${cfg[\"list\"][1]}\", \"env\": ${jsonencode(env)}, \"c\": \"${flag ? \"a\" : \"b\"}\",\n  \"lit\": \"$${not}\", \"t\": \"   ${~ name ~}   \"}]\n";
    std::fs::write(root.join("containers.json.tpl"), tpl).unwrap();
    let sources = SourceMap::new();
    let roots = vec![root.clone()];
    let vars = m(vec![
        ("name", s("app")),
        ("image", rf("aws_ecr_repository.app", "repository_url")),
        ("cpu", n(256.0)),
        (
            "cfg",
            m(vec![("region", s("eu")), ("list", sl(&["p", "q"]))]),
        ),
        ("env", l(vec![])),
        ("flag", b(true)),
    ]);
    let v = run_in(
        &sources,
        &root,
        &roots,
        "templatefile",
        vec![s("containers.json.tpl"), vars.clone()],
    );
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    let lit_span = parts[0].span.unwrap();
    assert_eq!(
        &sources.get(lit_span.file).text[lit_span.range()],
        "[{\"name\": \""
    );
    assert_eq!(
        v.render_pattern().unwrap(),
        "[{\"name\": \"app\", \"image\": \"⟨?⟩\", \"cpu\": 256,\n  \"region\": \"EU\", \"x\": \"q\", \"env\": ⟨?⟩, \"c\": \"a\",\n  \"lit\": \"${not}\", \"t\": \"app\"}]\n"
    );
    // and it decodes, with spans into the template file
    let d = run_in(&sources, &root, &roots, "jsondecode", vec![v]);
    let c0 = &d.as_list().unwrap()[0];
    assert_eq!(c0.get("cpu").unwrap().as_f64(), Some(256.0));
    assert_eq!(c0.get("env").unwrap().as_list().map(|l| l.len()), Some(0));
    assert!(matches!(c0.get("image").unwrap().kind, Val::Ref(_)));
    let nsp = c0.get("name").unwrap().span.unwrap();
    assert_eq!(sources.get(nsp.file).path, root.join("containers.json.tpl"));

    // all known: a plain string spanning the whole file
    let known = m(vec![
        ("name", s("a")),
        ("image", s("i")),
        ("cpu", n(1.0)),
        (
            "cfg",
            m(vec![("region", s("r")), ("list", sl(&["p", "q"]))]),
        ),
        ("env", l(vec![])),
        ("flag", b(false)),
    ]);
    let v = run_in(
        &sources,
        &root,
        &roots,
        "templatefile",
        vec![s("containers.json.tpl"), known],
    );
    assert!(v.as_str().unwrap().starts_with("[{\"name\": \"a\""));
    assert_eq!(v.span.unwrap().range(), 0..tpl.len());

    // unknown pieces: directives, missing variables; reading outside the roots is refused
    std::fs::write(
        root.join("d.tpl"),
        "%{ for x in xs }${x}%{ endfor }${missing}",
    )
    .unwrap();
    let v = run_in(
        &sources,
        &root,
        &roots,
        "templatefile",
        vec![s("d.tpl"), m(vec![("xs", unk("xs?"))])],
    );
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert_eq!(reason(&parts[0]), "xs?");
    assert!(reason(&parts[1]).contains("`missing`"));
    std::fs::write(root.join("self.tpl"), "${templatefile(\"self.tpl\", {})}").unwrap();
    let v = run_in(
        &sources,
        &root,
        &roots,
        "templatefile",
        vec![s("self.tpl"), m(vec![])],
    );
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    // As Terraform: an error, which `try` falls back from, not a value we do not compute.
    assert!(
        crate::frontends::terraform::errors::is_error(&parts[0]),
        "{v:?}"
    );
    assert!(reason(&parts[0]).contains("inside a templatefile template"));
    let r = reason(&run_in(
        &sources,
        &root,
        &[],
        "templatefile",
        vec![s("d.tpl"), m(vec![])],
    ));
    assert!(r.contains("outside"), "{r}");
    assert!(!err("templatefile", vec![s("x.tpl"), unk("vars?")]).is_empty());
}

#[test]
fn templatefile_directives() {
    let dir = tempdir();
    let root = dir.path().to_path_buf();
    let tpl = "[\n%{ for i, e in env ~}\n  {\"name\": \"${e.name}\", \"i\": ${i}}%{ if i < 0 }never%{ endif }%{ if e.last }%{ else },%{ endif }\n%{ endfor ~}\n]\n%{ for k, v in tags }${k}=${v};%{ endfor }";
    std::fs::write(root.join("t.tpl"), tpl).unwrap();
    let sources = SourceMap::new();
    let roots = vec![root.clone()];
    let env = l(vec![
        m(vec![("name", s("A")), ("last", b(false))]),
        m(vec![("name", s("B")), ("last", b(true))]),
    ]);
    let tags = m(vec![("z", s("1")), ("a", s("2"))]);
    let v = run_in(
        &sources,
        &root,
        &roots,
        "templatefile",
        vec![s("t.tpl"), m(vec![("env", env), ("tags", tags)])],
    );
    let text = v.as_str().unwrap();
    // `~}` strips the whitespace that follows, newline included, as in Terraform
    assert!(
        text.starts_with("[\n{\"name\": \"A\", \"i\": 0},\n{\"name\": \"B\", \"i\": 1}\n]\n"),
        "{text}"
    );
    assert!(text.ends_with("a=2;z=1;"), "{text}");

    std::fs::write(root.join("u.tpl"), "%{ if flag }yes%{ else }no%{ endif }").unwrap();
    let r = |flag: Value| {
        run_in(
            &sources,
            &root,
            &roots,
            "templatefile",
            vec![s("u.tpl"), m(vec![("flag", flag)])],
        )
    };
    assert_eq!(r(b(true)).as_str(), Some("yes"));
    assert_eq!(r(b(false)).as_str(), Some("no"));
    let v = r(unk("flag?"));
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert_eq!(reason(&parts[0]), "flag?");
}

#[test]
fn templatefile_operators() {
    let dir = tempdir();
    let root = dir.path().to_path_buf();
    let tpl = "${a + b * 2}|${a == 1}|${a == \"1\"}|${a != b}|${-a}|${!f}|${f || t}|${f && u}|${t || u}|${a % 2}|${b / 4}|${a >= 1 && b < 2}|${u == 1}";
    std::fs::write(root.join("o.tpl"), tpl).unwrap();
    let sources = SourceMap::new();
    let vars = m(vec![
        ("a", n(1.0)),
        ("b", n(3.0)),
        ("f", b(false)),
        ("t", b(true)),
        ("u", unk("u?")),
    ]);
    let v = run_in(
        &sources,
        &root,
        std::slice::from_ref(&root),
        "templatefile",
        vec![s("o.tpl"), vars],
    );
    assert_eq!(
        v.render_pattern().unwrap(),
        "7|true|false|true|-1|true|true|false|true|1|0.75|false|⟨?⟩"
    );
    let Val::Template(parts) = &v.kind else {
        panic!("{v:?}")
    };
    assert_eq!(reason(parts.last().unwrap()), "u?");
}

#[test]
fn dedup_unifies_and_scales() {
    assert_eq!(
        j("distinct", vec![l(vec![s("1"), n(1.0), s("a")])]),
        json!(["1", "a"])
    );
    let big: Vec<Value> = (0..20_000).map(|i| s(&format!("k{}", i % 5_000))).collect();
    assert_eq!(
        j("length", vec![run("toset", vec![l(big.clone())])]),
        json!(5_000)
    );
    let map = m(big
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str().unwrap(), n(i as f64)))
        .collect::<Vec<_>>()
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .collect());
    let merged = run("merge", vec![map.clone(), map]);
    assert_eq!(j("length", vec![merged.clone()]), json!(5_000));
    // the first occurrence of a duplicated key wins inside one map, later maps win over earlier
    assert_eq!(norm(merged.get("k0").unwrap().to_json()), json!(0));
    let z = run(
        "zipmap",
        vec![sl(&["a", "b", "a"]), l(vec![n(1.0), n(2.0), n(3.0)])],
    );
    assert_eq!(norm(z.to_json()), json!({"a": 3, "b": 2}));
}

#[test]
fn aws_provider_arn_functions() {
    assert_eq!(
        j(
            "provider::aws::arn_parse",
            vec![s("arn:aws:ecr:eu-west-1:123456789012:repository/team/app")]
        ),
        json!({"account_id": "123456789012", "partition": "aws", "region": "eu-west-1", "resource": "repository/team/app", "service": "ecr"})
    );
    assert_eq!(
        j(
            "provider::aws::arn_parse",
            vec![s("arn:aws:iam::123:role/a:b")]
        )
        .get("resource")
        .cloned(),
        Some(json!("role/a:b"))
    );
    assert!(err("provider::aws::arn_parse", vec![s("nope:aws:x")]).contains("invalid ARN"));
    let v = run(
        "provider::aws::arn_build",
        vec![s("aws"), s("ecr"), region(), s("123"), s("repository/app")],
    );
    assert_eq!(
        v.render_pattern().unwrap(),
        "arn:aws:ecr:⟨?⟩:123:repository/app"
    );
    assert_eq!(
        j(
            "provider::aws::arn_build",
            vec![s("aws"), s("iam"), s(""), s("123"), s("role/x")]
        ),
        json!("arn:aws:iam::123:role/x")
    );
    assert_eq!(
        err("provider::aws::nosuch", vec![]),
        "function `provider::aws::nosuch` is not supported"
    );
}

#[test]
fn fileset_globs_inside_the_roots() {
    let outer = tempdir();
    let root = outer.path().join("project");
    std::fs::create_dir_all(root.join("files/sub")).unwrap();
    std::fs::write(root.join("files/hello.txt"), "h").unwrap();
    std::fs::write(root.join("files/world.txt"), "w").unwrap();
    std::fs::write(root.join("files/sub/deep.txt"), "d").unwrap();
    std::fs::write(root.join("files/other.json"), "{}").unwrap();
    std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("files/leak.txt"))
        .unwrap();
    let sources = SourceMap::new();
    let roots = vec![root.clone()];
    let f = |path: &str, pat: &str| j_in(&sources, &root, &roots, "fileset", vec![s(path), s(pat)]);
    assert_eq!(
        f(".", "files/*.txt"),
        json!(["files/hello.txt", "files/world.txt"])
    );
    assert_eq!(
        f("files", "**/*.txt"),
        json!(["hello.txt", "sub/deep.txt", "world.txt"])
    );
    assert_eq!(
        f("files", "{hello,other}.*"),
        json!(["hello.txt", "other.json"])
    );
    assert_eq!(f("files", "nothing*"), json!([]));
    assert_eq!(f("missing", "*"), json!([]));
    let r = reason(&run_in(
        &sources,
        &root,
        &roots,
        "fileset",
        vec![s(".."), s("*")],
    ));
    assert!(r.contains("outside"), "{r}");
    assert!(reason(&run_in(
        &sources,
        &root,
        &roots,
        "fileset",
        vec![s("."), s("[")]
    ))
    .contains("invalid pattern"));
}

/// Every function on every combination (up to 3 arguments) of awkward values: no panic, and a
/// value always comes back (errors are Unknown).
#[test]
fn no_function_panics_on_awkward_arguments() {
    const NAMES: &[&str] = &[
        "chomp",
        "endswith",
        "format",
        "formatlist",
        "indent",
        "join",
        "lower",
        "upper",
        "regex",
        "regexall",
        "replace",
        "split",
        "startswith",
        "strcontains",
        "strrev",
        "substr",
        "title",
        "trim",
        "trimprefix",
        "trimsuffix",
        "trimspace",
        "provider::aws::arn_parse",
        "provider::aws::arn_build",
        "abs",
        "ceil",
        "floor",
        "log",
        "max",
        "min",
        "parseint",
        "pow",
        "signum",
        "sum",
        "alltrue",
        "anytrue",
        "chunklist",
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "distinct",
        "element",
        "flatten",
        "index",
        "keys",
        "values",
        "length",
        "lookup",
        "matchkeys",
        "merge",
        "one",
        "range",
        "reverse",
        "setintersection",
        "setproduct",
        "setsubtract",
        "setunion",
        "slice",
        "sort",
        "transpose",
        "zipmap",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
        "sensitive",
        "try",
        "can",
        "base64encode",
        "base64decode",
        "textencodebase64",
        "textdecodebase64",
        "urlencode",
        "jsonencode",
        "jsondecode",
        "csvdecode",
        "abspath",
        "basename",
        "dirname",
        "pathexpand",
        "file",
        "fileexists",
        "fileset",
        "templatefile",
        "cidrhost",
        "cidrnetmask",
        "cidrsubnet",
        "cidrsubnets",
        "yamldecode",
        "uuid",
        "timestamp",
    ];
    let pool = vec![
        null(),
        n(-1.0),
        n(1e300),
        n(f64::NAN),
        n(2.5),
        s(""),
        s("%[0]s%-%"),
        s("10.0.0.0/8"),
        s("é\u{301}/[{"),
        l(vec![]),
        l(vec![n(3.0), s("x"), unk("u"), l(vec![null()])]),
        m(vec![("a", l(vec![s("1")])), ("b", unk("u"))]),
        unk("u"),
        rf("a.b", "c"),
        region(),
        Value::new(Val::Template(vec![s("{\"a\": "), region(), s("}")]), None),
        Value::new(Val::Choice(vec![s("a"), n(1.0)]), None),
        Value::new(Val::Encoded(Box::new(m(vec![("k", rf("x.y", "z"))]))), None),
    ];
    let sources = SourceMap::new();
    let base = Path::new("/nonexistent");
    for name in NAMES {
        let mut argsets: Vec<Vec<Value>> = vec![vec![]];
        for a in &pool {
            argsets.push(vec![a.clone()]);
            for b in &pool {
                argsets.push(vec![a.clone(), b.clone()]);
            }
        }
        for a in pool.iter().step_by(2) {
            for b in pool.iter().step_by(3) {
                for c in &pool {
                    argsets.push(vec![a.clone(), b.clone(), c.clone()]);
                }
            }
        }
        for args in argsets {
            let v = run_in(&sources, base, &[], name, args);
            let _ = v.to_json();
        }
    }
}

#[test]
fn functions_that_multiply_their_arguments_stop_at_the_value_budget() {
    // Each would be 1 MiB × 1 MiB, or 1 MiB × 100,000, if built: the budget (1 MiB here) stops
    // them while they build, before anything that large exists.
    let mib = "x".repeat(1 << 20);
    let many = l(vec![s("a"); 100_000]);
    let cases = [
        ("replace", vec![s(&mib), s("x"), s(&mib)]),
        ("replace", vec![s(&mib), s("/x/"), s("$0$0")]),
        ("join", vec![s(&mib), many.clone()]),
        ("format", vec![s(&"%[1]s".repeat(1000)), s(&mib)]),
        ("formatlist", vec![s("%s%s"), many.clone(), s(&mib)]),
        ("concat", vec![many.clone(), many.clone(), many]),
        (
            "setproduct",
            vec![
                l(vec![s(&mib)]),
                l((0..1000).map(|i| n(i as f64)).collect()),
            ],
        ),
    ];
    for (name, args) in cases {
        let v = run(name, args);
        let r = reason(&v);
        assert!(r.contains("--max-value-size"), "{name}: {r}");
        assert!(
            !crate::frontends::terraform::errors::is_error(&v),
            "{name}: not a Terraform error"
        );
    }
    // Under the budget, as before.
    assert_eq!(
        run("replace", vec![s("abc"), s("b"), s("xyz")]).as_str(),
        Some("axyzc")
    );
}
