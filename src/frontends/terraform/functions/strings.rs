//! String functions, `format` and `formatlist`.

use unicode_segmentation::UnicodeSegmentation;

use crate::base::value::format_number;
use crate::base::{Map, Val, Value};

use super::encoding::{json_quote, to_json_string};
use super::{build_string, is_primitive, reason_of, Cx, Res};

fn one_string(c: &Cx, a: &[Value]) -> Res<String> {
    c.arity(a, 1, Some(1))?;
    c.string(&a[0])
}

fn two_strings(c: &Cx, a: &[Value]) -> Res<(String, String)> {
    c.arity(a, 2, Some(2))?;
    Ok((c.string(&a[0])?, c.string(&a[1])?))
}

fn s(c: &Cx, s: impl Into<String>) -> Res<Value> {
    Ok(c.out(Val::Str(s.into())))
}

fn b(c: &Cx, b: bool) -> Res<Value> {
    Ok(c.out(Val::Bool(b)))
}

/// `chomp`: removes every trailing `\n`, `\r\n` and `\r`.
pub fn chomp(c: &Cx, a: &[Value]) -> Res<Value> {
    let x = one_string(c, a)?;
    s(c, x.trim_end_matches(['\n', '\r']))
}

pub fn lower(c: &Cx, a: &[Value]) -> Res<Value> {
    s(c, one_string(c, a)?.to_lowercase())
}

pub fn upper(c: &Cx, a: &[Value]) -> Res<Value> {
    s(c, one_string(c, a)?.to_uppercase())
}

/// Go's `strings.Title`: the first letter of every word in title case.
pub fn title(c: &Cx, a: &[Value]) -> Res<Value> {
    let x = one_string(c, a)?;
    let mut out = String::with_capacity(x.len());
    let mut prev_sep = true;
    for ch in x.chars() {
        if prev_sep {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
        prev_sep = if ch.is_ascii() {
            !(ch.is_ascii_alphanumeric() || ch == '_')
        } else {
            ch.is_whitespace()
        };
    }
    s(c, out)
}

/// `strrev`: reverses grapheme clusters (a letter and its combining marks stay together).
pub fn strrev(c: &Cx, a: &[Value]) -> Res<Value> {
    let x = one_string(c, a)?;
    s(c, x.graphemes(true).rev().collect::<String>())
}

pub fn trimspace(c: &Cx, a: &[Value]) -> Res<Value> {
    s(c, one_string(c, a)?.trim())
}

pub fn trim(c: &Cx, a: &[Value]) -> Res<Value> {
    let (x, cut) = two_strings(c, a)?;
    s(c, x.trim_matches(|ch| cut.contains(ch)))
}

/// `trimprefix`: also on a template whose known beginning decides it (the result keeps the
/// unknown parts).
pub fn trimprefix(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let p = c.string(&a[1])?;
    if p.is_empty() && !matches!(a[0].deref().kind, Val::Null | Val::List(_) | Val::Map(_)) {
        return Ok(c.pick(&a[0]));
    }
    if let Some((known, _)) = known_prefix(&a[0]) {
        if known.len() >= p.len() {
            if !known.starts_with(&p) {
                return Ok(c.pick(&a[0]));
            }
            return Ok(trim_parts(c, &a[0], p.len(), true));
        }
        if !p.starts_with(&known) {
            return Ok(c.pick(&a[0]));
        }
    }
    let x = c.string(&a[0])?;
    s(c, x.strip_prefix(p.as_str()).unwrap_or(&x))
}

/// `trimsuffix`: also on a template whose known end decides it.
pub fn trimsuffix(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let p = c.string(&a[1])?;
    if p.is_empty() && !matches!(a[0].deref().kind, Val::Null | Val::List(_) | Val::Map(_)) {
        return Ok(c.pick(&a[0]));
    }
    if let Some(known) = known_suffix(&a[0]) {
        if known.len() >= p.len() {
            if !known.ends_with(&p) {
                return Ok(c.pick(&a[0]));
            }
            return Ok(trim_parts(c, &a[0], p.len(), false));
        }
        if !p.ends_with(&known) {
            return Ok(c.pick(&a[0]));
        }
    }
    let x = c.string(&a[0])?;
    s(c, x.strip_suffix(p.as_str()).unwrap_or(&x))
}

/// Removes `n` bytes of known text from the start (or the end) of a template.
fn trim_parts(c: &Cx, t: &Value, mut n: usize, front: bool) -> Value {
    let Val::Template(parts) = &t.deref().kind else {
        return c.pick(t);
    };
    let mut parts: Vec<Value> = parts.clone();
    if !front {
        parts.reverse();
    }
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        if n == 0 {
            out.push(p);
            continue;
        }
        let text = match &p.deref().kind {
            Val::Str(x) => x.clone(),
            Val::Number(x) => format_number(*x),
            _ => {
                out.push(p);
                continue;
            }
        };
        let k = n.min(text.len());
        n -= k;
        let rest = if front {
            &text[k..]
        } else {
            &text[..text.len() - k]
        };
        out.push(Value::str(rest, p.span));
    }
    if !front {
        out.reverse();
    }
    build_string(out, c.span)
}

/// The known leading text of a string-like value, and whether it is the whole value.
fn known_prefix(v: &Value) -> Option<(String, bool)> {
    match &v.deref().kind {
        Val::Template(parts) => {
            let mut out = String::new();
            for p in parts {
                match &p.deref().kind {
                    Val::Str(x) => out.push_str(x),
                    Val::Number(n) => out.push_str(&format_number(*n)),
                    _ => return Some((out, false)),
                }
            }
            Some((out, true))
        }
        _ => None,
    }
}

fn known_suffix(v: &Value) -> Option<String> {
    match &v.deref().kind {
        Val::Template(parts) => {
            let mut pieces = Vec::new();
            for p in parts.iter().rev() {
                match &p.deref().kind {
                    Val::Str(x) => pieces.push(x.clone()),
                    Val::Number(n) => pieces.push(format_number(*n)),
                    _ => break,
                }
            }
            pieces.reverse();
            Some(pieces.concat())
        }
        _ => None,
    }
}

/// `startswith`: also decided for a template whose known beginning is long enough.
pub fn startswith(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let p = c.string(&a[1])?;
    if let Some((known, _)) = known_prefix(&a[0]) {
        if known.len() >= p.len() {
            return b(c, known.starts_with(&p));
        }
        if !p.starts_with(&known) {
            return b(c, false);
        }
    }
    b(c, c.string(&a[0])?.starts_with(&p))
}

/// `endswith`: also decided for a template whose known end is long enough.
pub fn endswith(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let p = c.string(&a[1])?;
    if let Some(known) = known_suffix(&a[0]) {
        if known.len() >= p.len() {
            return b(c, known.ends_with(&p));
        }
        if !p.ends_with(&known) {
            return b(c, false);
        }
    }
    b(c, c.string(&a[0])?.ends_with(&p))
}

/// `strcontains`: true for a template when a known part contains the text.
pub fn strcontains(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let p = c.string(&a[1])?;
    if let Val::Template(parts) = &a[0].deref().kind {
        if parts
            .iter()
            .any(|x| x.as_str().is_some_and(|x| x.contains(&p)))
        {
            return b(c, true);
        }
    }
    b(c, c.string(&a[0])?.contains(&p))
}

pub fn indent(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let n = c.int(&a[0])?;
    let x = c.string(&a[1])?;
    if n < 0 {
        return Err(c.fail("the number of spaces must not be negative"));
    }
    let pad = " ".repeat(n.min(10_000) as usize);
    let out = x.replace('\n', &format!("\n{pad}"));
    s(c, out)
}

/// `substr(string, offset, length)`, in characters (grapheme clusters), as Terraform (cty) computes it: a negative
/// offset counts from the end (and stops at the beginning), a negative length means "to the end",
/// an offset past the end gives "". (Quirk kept: a length of 0 with a negative offset gives the
/// rest of the string.)
pub fn substr(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 3, Some(3))?;
    let x = c.string(&a[0])?;
    let offset = c.int(&a[1])?;
    let length = c.int(&a[2])?;
    let chars: Vec<&str> = x.graphemes(true).collect();
    let total = chars.len() as i64;
    let start = if offset < 0 {
        (offset + total).max(0)
    } else if length == 0 {
        return s(c, "");
    } else {
        offset
    };
    if start >= total {
        return s(c, "");
    }
    let end = if length <= 0 {
        total
    } else {
        (start + length).min(total)
    };
    s(c, chars[start as usize..end as usize].concat())
}

/// `split(separator, string)` as Go's `strings.Split` (an empty separator splits characters).
pub fn split(c: &Cx, a: &[Value]) -> Res<Value> {
    let (sep, x) = two_strings(c, a)?;
    let parts: Vec<Value> = if sep.is_empty() {
        x.chars().map(|ch| Value::str(ch, c.span)).collect()
    } else {
        x.split(sep.as_str())
            .map(|p| Value::str(p, c.span))
            .collect()
    };
    Ok(c.out(Val::List(parts)))
}

/// `join(separator, lists...)`: a `Template` when an element is not a known string.
pub fn join(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, None)?;
    let sep = c.string(&a[0])?;
    let mut parts: Vec<Value> = Vec::new();
    let mut first = true;
    let mut size = 0u64;
    for l in &a[1..] {
        for e in c.list(l)? {
            if !first && !sep.is_empty() {
                size += sep.len() as u64;
                parts.push(Value::str(sep.clone(), None));
            }
            first = false;
            let p = string_part(c, e)?;
            size += p.deep_size();
            c.within(size)?;
            parts.push(p);
        }
    }
    Ok(build_string(parts, c.span))
}

/// An element that goes into a string: known scalars as strings; references, symbols,
/// templates and unknowns as template parts; null, lists and maps are errors.
fn string_part(c: &Cx, e: &Value) -> Res<Value> {
    let d = e.deref();
    match &d.kind {
        Val::Null => Err(c.fail("an element is null")),
        Val::List(_) | Val::Map(_) => Err(c.fail(format!(
            "elements must be strings, got {}",
            super::type_name(d)
        ))),
        Val::Encoded(inner) => Ok(match to_json_string(inner) {
            Some(j) => Value::str(j, e.span),
            None => e.clone(),
        }),
        Val::Str(_) | Val::Number(_) | Val::Bool(_) => Ok(Value::str(c.string(d)?, e.span)),
        _ => Ok(e.clone()),
    }
}

pub fn replace(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 3, Some(3))?;
    let x = c.string(&a[0])?;
    let sub = c.string(&a[1])?;
    let rep = c.string(&a[2])?;
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile(c, &sub[1..sub.len() - 1])?;
        // Each replacement counted as it is made: `$0$0$0…` over many matches stops early.
        let mut size = x.len() as u64;
        let mut over = false;
        let out = re.replace_all(&x, |caps: &regex::Captures| {
            let mut dst = String::new();
            if !over {
                caps.expand(&rep, &mut dst);
                size += dst.len() as u64;
                over = c.within(size).is_err();
            }
            dst
        });
        if over {
            c.within(size)?;
        }
        return s(c, out.into_owned());
    }
    if rep.len() > sub.len() {
        let n = x.matches(sub.as_str()).count() as u64;
        c.within(x.len() as u64 + n * (rep.len() - sub.len()) as u64)?;
    }
    s(c, x.replace(sub.as_str(), &rep))
}

fn compile(c: &Cx, pattern: &str) -> Res<regex::Regex> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| c.fail(format!("invalid regular expression: {e}")))
}

/// `regex(pattern, string)` / `regexall(pattern, string)`: the match, the list of unnamed
/// captures or the map of named captures (an unmatched group is null).
pub fn regex(c: &Cx, a: &[Value], all: bool) -> Res<Value> {
    let (pattern, x) = two_strings(c, a)?;
    let re = compile(c, &pattern)?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    if named > 0 && named != names.len() {
        return Err(c.fail("cannot mix both named and unnamed capture groups"));
    }
    let shape = |caps: regex::Captures| -> Value {
        let get = |i: usize| match caps.get(i) {
            Some(m) => Value::str(m.as_str(), c.span),
            None => Value::null(c.span),
        };
        if names.is_empty() {
            get(0)
        } else if named > 0 {
            let mut m = Map::new();
            for (i, n) in names.iter().enumerate() {
                m.insert(n.unwrap_or_default(), None, get(i + 1));
            }
            m.entries.sort_by(|x, y| x.key.cmp(&y.key));
            Value::new(Val::Map(m), c.span)
        } else {
            Value::new(Val::List((1..=names.len()).map(get).collect()), c.span)
        }
    };
    if all {
        let l = re.captures_iter(&x).map(shape).collect();
        return Ok(c.out(Val::List(l)));
    }
    match re.captures(&x) {
        Some(caps) => Ok(shape(caps)),
        None => Err(c.fail("pattern did not match any part of the given string")),
    }
}

/// `format(spec, args...)`: a `Template` when an argument of `%s`/`%v` is not known.
pub fn format(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, None)?;
    let spec = c.string(&a[0])?;
    let parts = format_parts(c, &spec, &a[1..])?;
    Ok(build_string(parts, c.span))
}

/// `formatlist(spec, args...)`: lists are iterated in step (same length), other arguments repeat.
pub fn formatlist(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, None)?;
    let spec = c.string(&a[0])?;
    let mut n: Option<usize> = None;
    for v in &a[1..] {
        let d = v.deref();
        match &d.kind {
            Val::List(l) => {
                if n.is_some_and(|n| n != l.len()) {
                    return Err(c.fail("all list arguments must have the same length"));
                }
                n = Some(l.len());
            }
            Val::Unknown(_) | Val::Choice(_) => return Err(c.unknown_of(d)),
            Val::Ref(_) => return Err(c.unknown_of(d)),
            _ => {}
        }
    }
    let n = n.unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    let mut size = 0u64;
    for i in 0..n {
        let args: Vec<Value> = a[1..]
            .iter()
            .map(|v| match &v.deref().kind {
                Val::List(l) => l[i].clone(),
                _ => v.clone(),
            })
            .collect();
        let item = build_string(format_parts(c, &spec, &args)?, c.span);
        size += item.deep_size() + crate::base::value::ELEMENT_SIZE;
        c.within(size)?;
        out.push(item);
    }
    Ok(c.out(Val::List(out)))
}

#[derive(Default)]
struct Verb {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
    verb: char,
}

fn format_parts(c: &Cx, spec: &str, args: &[Value]) -> Res<Vec<Value>> {
    let chars: Vec<char> = spec.chars().collect();
    let mut parts: Vec<Value> = Vec::new();
    // The size of the result so far: a spec repeating a large argument stops at the budget.
    let mut size = spec.len() as u64;
    let mut lit = String::new();
    let mut next_arg = 0usize;
    let mut used_max = 0usize;
    let mut i = 0;
    let num = |i: &mut usize| -> Option<usize> {
        let st = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        (st != *i).then(|| {
            chars[st..*i]
                .iter()
                .collect::<String>()
                .parse::<usize>()
                .unwrap_or(usize::MAX)
                .min(10_000)
        })
    };
    while i < chars.len() {
        let ch = chars[i];
        i += 1;
        if ch != '%' {
            lit.push(ch);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            lit.push('%');
            i += 1;
            continue;
        }
        let mut v = Verb::default();
        while let Some(&f) = chars.get(i) {
            match f {
                '+' => v.plus = true,
                '-' => v.minus = true,
                '#' => v.sharp = true,
                ' ' => v.space = true,
                '0' => v.zero = true,
                _ => break,
            }
            i += 1;
        }
        if chars.get(i) == Some(&'[') {
            i += 1;
            let n = num(&mut i).unwrap_or(0);
            if chars.get(i) != Some(&']') || n == 0 {
                return Err(c.fail("invalid argument index in the format string"));
            }
            i += 1;
            next_arg = n - 1;
        }
        v.width = num(&mut i);
        if chars.get(i) == Some(&'.') {
            i += 1;
            v.prec = Some(num(&mut i).unwrap_or(0));
        }
        let Some(&verb) = chars.get(i) else {
            return Err(c.fail("the format string ends with an incomplete verb"));
        };
        i += 1;
        v.verb = verb;
        let Some(arg) = args.get(next_arg) else {
            return Err(c.fail(format!(
                "not enough arguments for %{verb} (argument {})",
                next_arg + 1
            )));
        };
        next_arg += 1;
        used_max = used_max.max(next_arg);
        if !lit.is_empty() {
            parts.push(Value::str(std::mem::take(&mut lit), None));
        }
        let one = format_one(c, &v, arg, next_arg)?;
        size += one.deep_size();
        c.within(size)?;
        parts.push(one);
    }
    if !lit.is_empty() {
        parts.push(Value::str(lit, None));
    }
    if used_max < args.len() {
        return Err(c.fail(format!(
            "too many arguments; no verbs expect argument {}",
            used_max + 1
        )));
    }
    Ok(parts)
}

/// Formats one argument: a string part, or the argument itself (a template part) when it is not
/// known and the verb is a plain `%s`/`%v`.
fn format_one(c: &Cx, v: &Verb, arg: &Value, pos: usize) -> Res<Value> {
    let d = arg.deref();
    let plain = v.width.is_none() && v.prec.is_none() && !v.sharp && !v.plus && !v.minus && !v.zero;
    let known = is_primitive(d)
        || matches!(d.kind, Val::List(_) | Val::Map(_))
        || matches!(&d.kind, Val::Encoded(x) if x.is_fully_known());
    if !known {
        if let Val::Encoded(x) = &d.kind {
            if v.verb == 'v' && v.sharp {
                return Ok(Value::unknown(reason_of(x), arg.span));
            }
        }
        let collection_inside = matches!(d.kind, Val::List(_) | Val::Map(_));
        if matches!(v.verb, 's' | 'v') && plain && !collection_inside {
            return Ok(arg.clone());
        }
        return Ok(Value::unknown(reason_of(d), arg.span));
    }
    let bad = |what: &str| {
        c.fail(format!(
            "unsupported value for \"%{}\" at {pos}: {what}",
            v.verb
        ))
    };
    let text = match v.verb {
        'v' if v.sharp => to_json_string(d).ok_or_else(|| c.unknown_of(d))?,
        'v' => match &d.kind {
            Val::Null => "null".into(),
            Val::Str(x) => x.clone(),
            Val::Number(n) => format_number(*n),
            Val::Bool(x) => x.to_string(),
            Val::Encoded(_) => c.string(d)?,
            _ => to_json_string(d).ok_or_else(|| c.unknown_of(d))?,
        },
        _ if matches!(d.kind, Val::Null) => return Err(bad("null value cannot be formatted")),
        's' => {
            let x = match &d.kind {
                Val::List(_) | Val::Map(_) => {
                    return Err(bad(&format!("{} cannot be formatted", super::type_name(d))))
                }
                _ => c.string(d)?,
            };
            match v.prec {
                Some(p) => x.chars().take(p).collect(),
                None => x,
            }
        }
        'q' => {
            let x = match &d.kind {
                Val::List(_) | Val::Map(_) => {
                    return Err(bad(&format!("{} cannot be formatted", super::type_name(d))))
                }
                _ => c.string(d)?,
            };
            json_quote(&x)
        }
        't' => c.boolean(d)?.to_string(),
        'd' | 'b' | 'o' | 'x' | 'X' => {
            let n = c.number(d)?;
            if n.fract() != 0.0 {
                return Err(bad("value must be a whole number"));
            }
            let m = n.abs();
            let digits = match v.verb {
                'd' => format!("{m:.0}"),
                'b' => format!("{:b}", m as u128),
                'o' => format!("{:o}", m as u128),
                'x' => format!("{:x}", m as u128),
                _ => format!("{:X}", m as u128),
            };
            return Ok(Value::str(pad_number(v, n < 0.0, digits), None));
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let n = c.number(d)?;
            let body = float_text(v.verb, n.abs(), v.prec);
            return Ok(Value::str(pad_number(v, n < 0.0, body), None));
        }
        other => return Err(c.fail(format!("unsupported format verb %{other}"))),
    };
    Ok(Value::str(pad(v, text), None))
}

fn pad(v: &Verb, text: String) -> String {
    let w = v.width.unwrap_or(0);
    let n = text.chars().count();
    if n >= w {
        return text;
    }
    let fill = " ".repeat(w - n);
    if v.minus {
        text + &fill
    } else {
        fill + &text
    }
}

fn pad_number(v: &Verb, negative: bool, digits: String) -> String {
    let sign = if negative {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let w = v.width.unwrap_or(0);
    let n = sign.len() + digits.chars().count();
    if v.zero && !v.minus && n < w {
        return format!("{sign}{}{digits}", "0".repeat(w - n));
    }
    pad(v, format!("{sign}{digits}"))
}

/// Go's `%e`, `%f`, `%g` on a non-negative number.
fn float_text(verb: char, n: f64, prec: Option<usize>) -> String {
    let exp_form = |mantissa_exp: String, upper: bool| -> String {
        let (m, e) = mantissa_exp.split_once('e').unwrap_or((&mantissa_exp, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        let s = format!("{m}e{sign}{:02}", e.abs());
        if upper {
            s.to_uppercase()
        } else {
            s
        }
    };
    match verb {
        'e' | 'E' => exp_form(format!("{:.*e}", prec.unwrap_or(6), n), verb == 'E'),
        'f' | 'F' => format!("{:.*}", prec.unwrap_or(6), n),
        _ => {
            let upper = verb == 'G';
            let (digits_exp, eprec) = match prec {
                None => (format!("{n:e}"), 6),
                Some(p) => {
                    let p = p.max(1);
                    (format!("{:.*e}", p - 1, n), p as i32)
                }
            };
            let (m, e) = digits_exp.split_once('e').unwrap_or((&digits_exp, "0"));
            let e: i32 = e.parse().unwrap_or(0);
            let trim = |x: &str| -> String {
                if x.contains('.') {
                    x.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    x.to_string()
                }
            };
            if e < -4 || e >= eprec {
                exp_form(format!("{}e{e}", trim(m)), upper)
            } else {
                let value: f64 = digits_exp.parse().unwrap_or(n);
                match prec {
                    None => format!("{value}"),
                    Some(p) => {
                        let decimals = (p.max(1) as i32 - 1 - e).max(0) as usize;
                        trim(&format!("{value:.decimals$}"))
                    }
                }
            }
        }
    }
}

/// `provider::aws::arn_parse(arn)`: `{account_id, partition, region, resource, service}`.
pub fn arn_parse(c: &Cx, a: &[Value]) -> Res<Value> {
    let x = one_string(c, a)?;
    let fields: Vec<&str> = x.splitn(6, ':').collect();
    if fields.len() != 6 || fields[0] != "arn" || fields[1].is_empty() || fields[2].is_empty() {
        return Err(c.fail(format!("invalid ARN: {x}")));
    }
    let mut m = Map::new();
    for (k, i) in [
        ("account_id", 4),
        ("partition", 1),
        ("region", 3),
        ("resource", 5),
        ("service", 2),
    ] {
        m.push(k, None, Value::str(fields[i], c.span));
    }
    Ok(c.out(Val::Map(m)))
}

/// `provider::aws::arn_build(partition, service, region, account_id, resource)`: a `Template`
/// when a part is a symbol or a reference.
pub fn arn_build(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 5, Some(5))?;
    let mut parts = vec![Value::str("arn", None)];
    for v in a {
        parts.push(Value::str(":", None));
        parts.push(string_part(c, v)?);
    }
    Ok(build_string(parts, c.span))
}
