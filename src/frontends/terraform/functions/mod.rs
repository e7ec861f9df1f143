//! Terraform's built-in functions over [`Value`]s.
//!
//! Conventions, everywhere in this module:
//! - **Never an error, never a panic, never a guess.** What Terraform would reject at plan time
//!   (wrong arity, wrong types, an index out of range) is `Unknown` with a reason naming the
//!   function; what is not knowable statically is `Unknown` with the reason of the first unknown
//!   argument (a `Ref` without a value, a `Symbol`, a `Template`... each has a readable reason).
//! - **Partial knowledge is kept** where Terraform keeps it: lists keep their unknown elements in
//!   place (`concat`, `length`, `element`, `lookup`, `reverse`, `slice`...), maps keep unknown
//!   values (`merge`, `keys`, `values`), and `format`/`join`/`formatlist` build a
//!   [`Val::Template`] whose parts are in order, so patterns such as `com.amazonaws.⟨?⟩.ecr.dkr`
//!   survive. A top-level [`Val::Choice`] argument is distributed: the function is applied to each
//!   alternative (bounded), the result is a `Choice` of the results.
//! - **Spans**: a computed result carries the call's span; a value the function merely selects
//!   (`lookup`, `element`, `one`, `coalesce`, the elements of `concat`...) keeps its own span, so
//!   findings point at where it was written. `jsondecode` points into the JSON text, `file` at
//!   the whole file.
//! - **Types**: our model has lists and maps only. Tuples and lists are lists; objects and maps
//!   are maps; **sets are sorted, deduplicated lists** (strings in byte order, numbers in numeric
//!   order, `false` before `true`, as Terraform orders them; other elements — collections,
//!   references, templates — after them, in first-seen order). Mixed primitive types in a
//!   collection conversion (`toset`, `tolist`, `tomap`, set functions) are unified to strings, as
//!   Terraform does. Maps built by a function (`merge`, `zipmap`, `tomap`, `transpose`) are in
//!   key order, the order Terraform iterates them in.
//! - **Strings** are counted in grapheme clusters (`length`, `substr`, `strrev`), as Terraform
//!   counts "characters". `jsonencode(v)` is [`Val::Encoded`]`(v)`; where a string is needed and
//!   `v` is fully known, it is rendered as Terraform writes JSON (compact, keys sorted, `<>&`
//!   escaped). `startswith`/`endswith`/`strcontains` decide on a `Template` when its known text
//!   is enough.
//! - **Files**: `file`, `fileexists`, `fileset` and `templatefile` read only inside
//!   `FnCtx::allowed_roots` (symbolic links resolved), through `base::fs::load`;
//!   `templatefile` renders with a small evaluator (see `templates.rs`). `jsondecode` of a `Template` (a heredoc with `${...}`, a
//!   `templatefile` result) decodes the known JSON structure and keeps the unknown parts in place.
//! - **Unknown by design**: hashes, `uuid`, `bcrypt`, time functions, `yamlencode`/`yamldecode`,
//!   `filebase64`, `base64gzip`, `templatestring`, `issensitive`; any other name is
//!   Unknown("function `x` is not supported").
//! - **Errors**: what Terraform would reject ([`Cx::fail`]: a key `lookup` cannot find, a `regex`
//!   that does not match, `tonumber("x")`...) is an `Unknown` whose reason starts with
//!   `error: `, so that `try` falls back and `can` is false, as in Terraform; what we do not
//!   compute ([`Cx::limit`]: the functions above, files we do not read, limits) is a plain
//!   `Unknown`, on which `try` and `can` stay unknown.
//! - **References**: two references to the same attribute are equal; references to different
//!   attributes are assumed distinct by `distinct`/`toset` (resource attributes such as ids are)
//!   but undecided for `contains`/`index`/`==`-like comparisons. `flatten` takes a reference as a
//!   single value only when its attribute is one by name (`id`, `arn`, `*_id`, `name`, `*_url`...).

use std::path::{Path, PathBuf};

use crate::base::value::format_number;
use crate::base::{Map, Span, Val, Value};
use crate::frontends::terraform::errors::ERROR;

mod cidr;
mod collections;
mod encoding;
mod files;
mod numeric;
mod strings;
mod templates;
#[cfg(test)]
mod tests;

/// What a function may need from its surroundings.
pub struct FnCtx<'a> {
    pub sources: &'a crate::base::SourceMap,
    /// `path.module` of the calling module: relative paths in `file()` are relative to it... as
    /// Terraform resolves them relative to the working directory, callers pass the root module dir.
    pub base_dir: &'a Path,
    /// `file()`/`templatefile()` read only inside these directories.
    pub allowed_roots: &'a [PathBuf],
    pub max_file_size: u64,
    /// `--max-value-size` (`0`: no limit): functions whose result can be much larger than their
    /// arguments (`replace`, `join`, `format`, `formatlist`, `concat`) stop there while building
    /// it, before the evaluator checks what they return.
    pub max_value_size: u64,
    /// Where a read that is refused (a FIFO, a device, a link leaving the scan) is reported.
    pub diagnostics: Option<&'a std::cell::RefCell<Vec<crate::base::Diagnostic>>>,
}

/// At most this many alternatives are computed when distributing over `Choice` arguments.
const MAX_CHOICES: usize = 32;

/// Calls the built-in function `name` on already evaluated arguments.
pub fn call(name: &str, args: Vec<Value>, span: Option<Span>, cx: &FnCtx) -> Value {
    let name = name.strip_prefix("core::").unwrap_or(name);
    let c = Cx { name, span, fx: cx };
    if distributes(name) {
        if let Some(v) = distribute(&c, &args) {
            return v;
        }
    }
    match dispatch(&c, args) {
        Ok(v) | Err(v) => v,
    }
}

/// Functions that see a `Choice` argument as it is rather than once per alternative.
fn distributes(name: &str) -> bool {
    !matches!(
        name,
        "sensitive"
            | "nonsensitive"
            | "ephemeralasnull"
            | "jsonencode"
            | "try"
            | "can"
            | "issensitive"
    )
}

/// Applies the function to each alternative of the first `Choice` argument (recursively for the
/// next ones). `None` when no argument is a `Choice`.
fn distribute(c: &Cx, args: &[Value]) -> Option<Value> {
    let i = args
        .iter()
        .position(|a| matches!(a.deref().kind, Val::Choice(_)))?;
    let Val::Choice(alts) = &args[i].deref().kind else {
        return None;
    };
    let combos: usize = args
        .iter()
        .map(|a| match &a.deref().kind {
            Val::Choice(l) => l.len().max(1),
            _ => 1,
        })
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .unwrap_or(usize::MAX);
    if combos > MAX_CHOICES {
        return Some(Value::unknown(
            format!("`{}`: too many alternatives to compute ({combos})", c.name),
            c.span,
        ));
    }
    let mut results: Vec<Value> = Vec::new();
    for alt in alts {
        let mut a = args.to_vec();
        a[i] = alt.clone();
        let r = call(c.name, a, c.span, c.fx);
        let r = match r.kind {
            Val::Choice(inner) => inner,
            _ => vec![r],
        };
        for r in r {
            if !results.contains(&r) {
                results.push(r);
            }
        }
    }
    if results.len() == 1 {
        return results.pop();
    }
    Some(Value::new(Val::Choice(results), c.span))
}

fn dispatch(c: &Cx, args: Vec<Value>) -> Res<Value> {
    use collections as col;
    let a = &args[..];
    match c.name {
        // strings
        "chomp" => strings::chomp(c, a),
        "endswith" => strings::endswith(c, a),
        "format" => strings::format(c, a),
        "formatlist" => strings::formatlist(c, a),
        "indent" => strings::indent(c, a),
        "join" => strings::join(c, a),
        "lower" => strings::lower(c, a),
        "upper" => strings::upper(c, a),
        "regex" => strings::regex(c, a, false),
        "regexall" => strings::regex(c, a, true),
        "replace" => strings::replace(c, a),
        "split" => strings::split(c, a),
        "startswith" => strings::startswith(c, a),
        "strcontains" => strings::strcontains(c, a),
        "strrev" => strings::strrev(c, a),
        "substr" => strings::substr(c, a),
        "title" => strings::title(c, a),
        "trim" => strings::trim(c, a),
        "trimprefix" => strings::trimprefix(c, a),
        "trimsuffix" => strings::trimsuffix(c, a),
        "trimspace" => strings::trimspace(c, a),
        "provider::aws::arn_parse" => strings::arn_parse(c, a),
        "provider::aws::arn_build" => strings::arn_build(c, a),
        // numbers
        "abs" => numeric::abs(c, a),
        "ceil" => numeric::ceil(c, a),
        "floor" => numeric::floor(c, a),
        "log" => numeric::log(c, a),
        "max" => numeric::max(c, a),
        "min" => numeric::min(c, a),
        "parseint" => numeric::parseint(c, a),
        "pow" => numeric::pow(c, a),
        "signum" => numeric::signum(c, a),
        "sum" => numeric::sum(c, a),
        // collections
        "alltrue" => col::alltrue(c, a),
        "anytrue" => col::anytrue(c, a),
        "chunklist" => col::chunklist(c, a),
        "coalesce" => col::coalesce(c, a),
        "coalescelist" => col::coalescelist(c, a),
        "compact" => col::compact(c, a),
        "concat" => col::concat(c, a),
        "contains" => col::contains(c, a),
        "distinct" => col::distinct(c, a),
        "element" => col::element(c, a),
        "flatten" => col::flatten(c, a),
        "index" => col::index(c, a),
        "keys" => col::keys(c, a),
        "values" => col::values(c, a),
        "length" => col::length(c, a),
        "lookup" => col::lookup(c, a),
        "matchkeys" => col::matchkeys(c, a),
        "merge" => col::merge(c, a),
        "one" => col::one(c, a),
        "range" => col::range(c, a),
        "reverse" => col::reverse(c, a),
        "setintersection" => col::setintersection(c, a),
        "setproduct" => col::setproduct(c, a),
        "setsubtract" => col::setsubtract(c, a),
        "setunion" => col::setunion(c, a),
        "slice" => col::slice(c, a),
        "sort" => col::sort(c, a),
        "transpose" => col::transpose(c, a),
        "zipmap" => col::zipmap(c, a),
        // type conversions
        "tobool" => col::tobool(c, a),
        "tolist" => col::tolist(c, a),
        "tomap" => col::tomap(c, a),
        "tonumber" => col::tonumber(c, a),
        "toset" => col::toset(c, a),
        "tostring" => col::tostring(c, a),
        "sensitive" | "nonsensitive" | "ephemeralasnull" => {
            c.arity(a, 1, Some(1))?;
            Ok(c.pick(&a[0]))
        }
        "try" => col::try_(c, a),
        "can" => col::can(c, a),
        // encodings
        "base64encode" => encoding::base64encode(c, a),
        "base64decode" => encoding::base64decode(c, a),
        "textencodebase64" => encoding::textencodebase64(c, a),
        "textdecodebase64" => encoding::textdecodebase64(c, a),
        "urlencode" => encoding::urlencode(c, a),
        "jsonencode" => encoding::jsonencode(c, a),
        "jsondecode" => encoding::jsondecode(c, a),
        "csvdecode" => encoding::csvdecode(c, a),
        // filesystem
        "abspath" => files::abspath(c, a),
        "basename" => files::basename(c, a),
        "dirname" => files::dirname(c, a),
        "pathexpand" => files::pathexpand(c, a),
        "file" => files::file(c, a),
        "fileexists" => files::fileexists(c, a),
        // network
        "cidrhost" => cidr::cidrhost(c, a),
        "cidrnetmask" => cidr::cidrnetmask(c, a),
        "cidrsubnet" => cidr::cidrsubnet(c, a),
        "cidrsubnets" => cidr::cidrsubnets(c, a),
        // Unknown by design
        "yamlencode" | "yamldecode" => Err(c.limit("YAML is not evaluated")),
        "filebase64" | "base64gzip" | "filebase64sha256" | "filebase64sha512" | "filemd5"
        | "filesha1" | "filesha256" | "filesha512" | "base64sha256" | "base64sha512" | "md5"
        | "sha1" | "sha256" | "sha512" | "rsadecrypt" => {
            Err(c.limit("hashes and binary encodings are not computed"))
        }
        "uuid" | "bcrypt" => Err(c.limit("the result is random, known only when Terraform runs")),
        "uuidv5" => Err(c.limit("UUIDs are not computed")),
        "timestamp" | "plantimestamp" | "timeadd" | "timecmp" | "formatdate" => {
            Err(c.limit("time functions are not evaluated"))
        }
        "templatefile" => templates::templatefile(c, a),
        "fileset" => files::fileset(c, a),
        "templatestring" => Err(c.limit("this function is not evaluated statically")),
        "issensitive" => Err(c.limit("sensitivity is not tracked")),
        "type" => Err(c.fail("only available in `terraform console`")),
        "list" | "map" => Err(c.fail(format!(
            "removed in Terraform 0.12; use `to{}` or a literal",
            c.name
        ))),
        other => Err(Value::unknown(
            format!("function `{other}` is not supported"),
            c.span,
        )),
    }
}

/// `Err` carries the `Unknown` value the function returns.
pub(crate) type Res<T> = Result<T, Value>;

/// One call: the function's name (for reasons), the call's span, the context.
pub(crate) struct Cx<'a, 'b> {
    pub name: &'a str,
    pub span: Option<Span>,
    pub fx: &'a FnCtx<'b>,
}

impl Cx<'_, '_> {
    /// A plan-time error of this function (what Terraform would reject), as an `Unknown`
    /// naming it whose reason starts with `error: `: `try` falls back and `can` is false on it,
    /// as in Terraform.
    pub fn fail(&self, msg: impl std::fmt::Display) -> Value {
        Value::unknown(format!("{ERROR}`{}`: {msg}", self.name), self.span)
    }

    /// A result this evaluator does not compute (by design or beyond a limit), although
    /// Terraform would: an `Unknown` naming the function that is *not* an error, so that `try`
    /// and `can` do not treat it as a failure.
    pub fn limit(&self, msg: impl std::fmt::Display) -> Value {
        Value::unknown(format!("`{}`: {msg}", self.name), self.span)
    }

    /// A read refused for the input's sake (see `base::fs`): reported as an input diagnostic at
    /// the call, and unknown.
    pub fn refused(&self, d: crate::base::Diagnostic) -> Value {
        let v = self.limit(&d.message);
        if let Some(sink) = self.fx.diagnostics {
            let d = match self.span {
                Some(s) => {
                    let what = d
                        .file
                        .as_ref()
                        .map(|f| format!("`{}`: {}", f.display(), d.message))
                        .unwrap_or(d.message);
                    crate::base::Diagnostic::new(
                        crate::base::Severity::Error,
                        d.code,
                        format!("`{}` of {what}", self.name),
                    )
                    .at(s)
                }
                None => d,
            };
            sink.borrow_mut().push(d);
        }
        v
    }

    /// `Err` once a result being built reaches `size` bytes over `--max-value-size` (a plain
    /// Unknown: not a Terraform error).
    pub fn within(&self, size: u64) -> Res<()> {
        let max = self.fx.max_value_size;
        if max != 0 && size > max {
            return Err(self.limit(format!(
                "the result is larger than the value budget ({}, --max-value-size)",
                crate::frontends::budget::bytes(max)
            )));
        }
        Ok(())
    }

    /// A computed result.
    pub fn out(&self, kind: Val) -> Value {
        Value::new(kind, self.span)
    }

    /// A selected value: keeps its own span, or gets the call's.
    pub fn pick(&self, v: &Value) -> Value {
        let mut v = v.clone();
        if v.span.is_none() {
            v.span = self.span;
        }
        v
    }

    /// `Unknown` with the reason why `v` is not known, at the call's span.
    pub fn unknown_of(&self, v: &Value) -> Value {
        Value::unknown(reason_of(v), self.span)
    }

    pub fn arity(&self, args: &[Value], min: usize, max: Option<usize>) -> Res<()> {
        let n = args.len();
        let ok = n >= min && max.is_none_or(|m| n <= m);
        if ok {
            return Ok(());
        }
        let expected = match max {
            Some(m) if m == min => format!("{min} argument{}", if min == 1 { "" } else { "s" }),
            Some(m) => format!("{min} to {m} arguments"),
            None => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
        };
        Err(self.fail(format!("expects {expected}, got {n}")))
    }

    /// A string argument (numbers and booleans convert, as in Terraform).
    pub fn string(&self, v: &Value) -> Res<String> {
        let d = v.deref();
        match &d.kind {
            Val::Str(s) => Ok(s.clone()),
            Val::Number(n) => Ok(format_number(*n)),
            Val::Bool(b) => Ok(b.to_string()),
            Val::Null => Err(self.fail("argument must not be null")),
            Val::List(_) => Err(self.fail("expects a string, got a list")),
            Val::Map(_) => Err(self.fail("expects a string, got a map")),
            Val::Encoded(inner) => {
                encoding::to_json_string(inner).ok_or_else(|| self.unknown_of(d))
            }
            Val::Template(parts) => {
                let mut s = String::new();
                for p in parts {
                    match &p.deref().kind {
                        Val::Str(x) => s.push_str(x),
                        Val::Number(n) => s.push_str(&format_number(*n)),
                        Val::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
                        Val::Encoded(inner) => match encoded_text(inner) {
                            Some(text) => s.push_str(&text),
                            None => return Err(self.unknown_of(d)),
                        },
                        _ => return Err(self.unknown_of(d)),
                    }
                }
                Ok(s)
            }
            _ => Err(self.unknown_of(d)),
        }
    }

    pub fn number(&self, v: &Value) -> Res<f64> {
        let d = v.deref();
        match &d.kind {
            Val::Number(n) => Ok(*n),
            Val::Str(s) => parse_number(s)
                .ok_or_else(|| self.fail(format!("cannot convert {} to a number", quote(s)))),
            Val::Null => Err(self.fail("argument must not be null")),
            Val::Bool(_) => Err(self.fail("expects a number, got a bool")),
            Val::List(_) => Err(self.fail("expects a number, got a list")),
            Val::Map(_) => Err(self.fail("expects a number, got a map")),
            _ => Err(self.unknown_of(d)),
        }
    }

    /// A whole number.
    pub fn int(&self, v: &Value) -> Res<i64> {
        let n = self.number(v)?;
        if n.fract() != 0.0 || !n.is_finite() || n.abs() > 9.007_199_254_740_992e15 {
            return Err(self.fail(format!("expects a whole number, got {}", format_number(n))));
        }
        Ok(n as i64)
    }

    pub fn boolean(&self, v: &Value) -> Res<bool> {
        let d = v.deref();
        match &d.kind {
            Val::Bool(b) => Ok(*b),
            Val::Str(s) if s == "true" => Ok(true),
            Val::Str(s) if s == "false" => Ok(false),
            Val::Str(s) => Err(self.fail(format!("cannot convert {} to a bool", quote(s)))),
            Val::Null => Err(self.fail("argument must not be null")),
            Val::Number(_) | Val::List(_) | Val::Map(_) => {
                Err(self.fail(format!("expects a bool, got {}", type_name(d))))
            }
            _ => Err(self.unknown_of(d)),
        }
    }

    /// A list (or tuple, or set) argument; its elements may be unknown.
    pub fn list<'v>(&self, v: &'v Value) -> Res<&'v [Value]> {
        let d = v.deref();
        match &d.kind {
            Val::List(l) => Ok(l),
            Val::Null => Err(self.fail("argument must not be null")),
            Val::Str(_) | Val::Number(_) | Val::Bool(_) | Val::Map(_) | Val::Encoded(_) => {
                Err(self.fail(format!("expects a list, got {}", type_name(d))))
            }
            _ => Err(self.unknown_of(d)),
        }
    }

    /// A map (or object) argument; its values may be unknown.
    pub fn map<'v>(&self, v: &'v Value) -> Res<&'v Map> {
        let d = v.deref();
        match &d.kind {
            Val::Map(m) => Ok(m),
            Val::Null => Err(self.fail("argument must not be null")),
            Val::Str(_) | Val::Number(_) | Val::Bool(_) | Val::List(_) | Val::Encoded(_) => {
                Err(self.fail(format!("expects a map, got {}", type_name(d))))
            }
            _ => Err(self.unknown_of(d)),
        }
    }
}

/// A readable name of a value's type, for reasons.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match &v.deref().kind {
        Val::Null => "null",
        Val::Bool(_) => "a bool",
        Val::Number(_) => "a number",
        Val::Str(_) | Val::Template(_) | Val::Encoded(_) | Val::Symbol(_) => "a string",
        Val::List(_) => "a list",
        Val::Map(_) => "a map",
        _ => "an unknown value",
    }
}

/// The stand-in of a resource with an unknown number of instances (`addr[*]`, see the frontend's
/// conventions) that makes the size of `v` unknown: `v` is the stand-in itself, or a list holding
/// it (a splat or `for` over it) directly or one level down (`"x-${s.id}"`, `{ id = s.id }`).
/// Such a list has one element only as a stand-in for any number, zero included.
pub(crate) fn unknown_size(v: &Value) -> Option<String> {
    fn standin(v: &Value) -> Option<&str> {
        match &v.kind {
            Val::Ref(r) if r.target.ends_with("[*]") => Some(r.target.as_str()),
            _ => None,
        }
    }
    fn holds(v: &Value) -> Option<&str> {
        standin(v).or_else(|| match &v.kind {
            Val::Template(parts) => parts.iter().find_map(standin),
            Val::Map(m) => m.entries.iter().find_map(|e| standin(&e.value)),
            _ => None,
        })
    }
    let target = match &v.kind {
        Val::Ref(r) if r.attr.is_empty() => standin(v),
        _ => match &v.deref().kind {
            Val::List(l) => l.iter().find_map(holds),
            _ => None,
        },
    }?;
    Some(format!(
        "the number of instances of `{target}` is not known"
    ))
}

/// Why `v` (or the first unknown thing inside it) is not known.
pub(crate) fn reason_of(v: &Value) -> String {
    first_unknown_reason(v, 0).unwrap_or_else(|| "the value is not known statically".into())
}

fn first_unknown_reason(v: &Value, depth: usize) -> Option<String> {
    if depth > 64 {
        return None;
    }
    match &v.deref().kind {
        Val::Unknown(r) => Some(r.to_string()),
        Val::Ref(r) => Some(if r.attr.is_empty() {
            format!("`{}` is known only after apply", r.target)
        } else {
            format!("`{}.{}` is known only after apply", r.target, r.attr)
        }),
        Val::Symbol(s) => Some(format!("{} is known only at deploy time", s.name())),
        Val::Choice(_) => {
            Some("the value depends on a condition that is not known statically".into())
        }
        Val::Template(l) | Val::List(l) => {
            l.iter().find_map(|p| first_unknown_reason(p, depth + 1))
        }
        Val::Map(m) => m
            .entries
            .iter()
            .find_map(|e| first_unknown_reason(&e.value, depth + 1)),
        Val::Encoded(inner) => first_unknown_reason(inner, depth + 1),
        Val::Null | Val::Bool(_) | Val::Number(_) | Val::Str(_) => None,
    }
}

/// True for literals (`null`, bools, numbers, strings).
pub(crate) fn is_primitive(v: &Value) -> bool {
    matches!(
        v.deref().kind,
        Val::Null | Val::Bool(_) | Val::Number(_) | Val::Str(_)
    )
}

/// True for values of which nothing at all is known (not even identity): `Unknown`, `Choice`.
pub(crate) fn is_opaque(v: &Value) -> bool {
    matches!(v.deref().kind, Val::Unknown(_) | Val::Choice(_))
}

/// Terraform's number syntax for string → number conversion (no `inf`/`nan`, no blanks).
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(crate) fn quote(s: &str) -> String {
    encoding::json_quote(s)
}

/// Equality as `contains`/`index` need it: `Some(true)`/`Some(false)` when decided, `None` when
/// it depends on something unknown. Primitive values compare after conversion to string when
/// their types differ (Terraform converts the searched value to the element type).
pub(crate) fn loose_eq(a: &Value, b: &Value) -> Option<bool> {
    loose_eq_depth(a, b, 0)
}

fn loose_eq_depth(a: &Value, b: &Value, depth: usize) -> Option<bool> {
    if depth > 64 {
        return None;
    }
    let (a, b) = (a.deref(), b.deref());
    use Val::*;
    match (&a.kind, &b.kind) {
        (Null, Null) => Some(true),
        (Null, Bool(_) | Number(_) | Str(_) | List(_) | Map(_))
        | (Bool(_) | Number(_) | Str(_) | List(_) | Map(_), Null) => Some(false),
        (Number(x), Number(y)) => Some(x == y),
        (Bool(x), Bool(y)) => Some(x == y),
        (Str(x), Str(y)) => Some(x == y),
        (Str(s), Number(n)) | (Number(n), Str(s)) => Some(*s == format_number(*n)),
        (Str(s), Bool(x)) | (Bool(x), Str(s)) => Some(s == if *x { "true" } else { "false" }),
        (Number(_), Bool(_)) | (Bool(_), Number(_)) => Some(false),
        (List(x), List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_eq(x.iter().zip(y.iter()), depth)
        }
        (Map(x), Map(y)) => {
            let kx = unique_keys(x);
            let ky = unique_keys(y);
            if kx.len() != ky.len() || kx.iter().any(|k| x_missing(y, k)) {
                return Some(false);
            }
            all_eq(
                kx.iter().filter_map(|k| Some((x.get(k)?, y.get(k)?))),
                depth,
            )
        }
        (List(_), Map(_)) | (Map(_), List(_)) => Some(false),
        (List(_) | Map(_), Bool(_) | Number(_) | Str(_))
        | (Bool(_) | Number(_) | Str(_), List(_) | Map(_)) => Some(false),
        (Ref(x), Ref(y)) => (x.target == y.target && x.attr == y.attr).then_some(true),
        (Symbol(x), Symbol(y)) => (x == y).then_some(true),
        (Template(x), Template(y)) => (x.len() == y.len()
            && all_eq(x.iter().zip(y.iter()), depth) == Some(true))
        .then_some(true),
        (Encoded(x), Encoded(y)) => loose_eq_depth(x, y, depth + 1).filter(|&e| e),
        (Encoded(x), Str(s)) | (Str(s), Encoded(x)) => encoding::to_json_string(x).map(|j| &j == s),
        _ => None,
    }
}

fn x_missing(m: &Map, k: &str) -> bool {
    m.get(k).is_none()
}

fn all_eq<'v>(pairs: impl Iterator<Item = (&'v Value, &'v Value)>, depth: usize) -> Option<bool> {
    let mut undecided = false;
    for (x, y) in pairs {
        match loose_eq_depth(x, y, depth + 1) {
            Some(false) => return Some(false),
            None => undecided = true,
            Some(true) => {}
        }
    }
    if undecided {
        None
    } else {
        Some(true)
    }
}

/// The keys of a map, first occurrence only (the parser keeps duplicates; the first one wins).
pub(crate) fn unique_keys(m: &Map) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    m.entries
        .iter()
        .filter(|e| seen.insert(e.key.as_str()))
        .map(|e| e.key.clone())
        .collect()
}

/// The text of `jsonencode(v)` when `v` is fully known (`None` otherwise): how an
/// [`Val::Encoded`] part of a string template or of a string argument is written.
pub(crate) fn encoded_text(inner: &Value) -> Option<String> {
    encoding::to_json_string(inner)
}

/// Builds a string result from parts: a `Str` when every part is a known string, else a
/// `Template` with adjacent known parts merged (nested templates are flattened).
pub(crate) fn build_string(parts: Vec<Value>, span: Option<Span>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for p in parts {
        push_part(&mut out, p, 0);
    }
    if out.iter().all(|p| matches!(p.kind, Val::Str(_))) {
        let s: String = out
            .iter()
            .filter_map(|p| match &p.kind {
                Val::Str(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        return Value::str(s, span);
    }
    Value::new(Val::Template(out), span)
}

fn push_part(out: &mut Vec<Value>, p: Value, depth: usize) {
    let literal = match &p.deref().kind {
        Val::Str(s) => Some(s.clone()),
        Val::Number(n) => Some(format_number(*n)),
        Val::Bool(b) => Some(b.to_string()),
        Val::Encoded(inner) => encoded_text(inner),
        Val::Template(parts) if depth < 16 => {
            for q in parts.clone() {
                push_part(out, q, depth + 1);
            }
            return;
        }
        _ => None,
    };
    match literal {
        Some(s) => {
            if s.is_empty() {
                return;
            }
            if let Some(Value {
                kind: Val::Str(prev),
                span,
            }) = out.last_mut()
            {
                prev.push_str(&s);
                *span = None;
            } else {
                out.push(Value::str(s, p.span));
            }
        }
        None => out.push(p),
    }
}
