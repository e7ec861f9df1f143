//! Collection functions and type conversions.

use std::cmp::Ordering;

use unicode_segmentation::UnicodeSegmentation;

use crate::base::value::format_number;
use crate::base::{Entry, Map, Val, Value};

use super::{is_opaque, is_primitive, loose_eq, parse_number, quote, unknown_size, Cx, Res};

fn list_arg<'v>(c: &Cx, a: &'v [Value]) -> Res<&'v [Value]> {
    c.arity(a, 1, Some(1))?;
    c.list(&a[0])
}

fn list_of(c: &Cx, items: Vec<Value>) -> Res<Value> {
    Ok(c.out(Val::List(items)))
}

pub fn length(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if let Some(r) = unknown_size(&a[0]) {
        return Err(Value::unknown(r, c.span));
    }
    let d = a[0].deref();
    let n = match &d.kind {
        Val::List(l) => l.len(),
        Val::Map(m) => m.entries.unique_len(),
        Val::Null => return Err(c.fail("argument must not be null")),
        Val::Number(_) | Val::Bool(_) => {
            return Err(c.fail(format!(
                "expects a collection or a string, got {}",
                super::type_name(d)
            )))
        }
        // characters as Terraform counts them: grapheme clusters
        _ => c.string(d)?.graphemes(true).count(),
    };
    Ok(c.out(Val::Number(n as f64)))
}

pub fn element(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let l = c.list(&a[0])?;
    // Over the instances of a resource whose number is not known: the stand-in, whatever the
    // index (see `unknown_size`).
    if l.len() == 1
        && unknown_size(&a[0]).is_some()
        && !crate::frontends::terraform::errors::is_error(&a[1])
        && a[1].as_f64().is_none_or(|i| i >= 0.0)
    {
        return Ok(c.pick(&l[0]));
    }
    let i = c.int(&a[1])?;
    if l.is_empty() {
        return Err(c.fail("cannot use element function with an empty list"));
    }
    if i < 0 {
        return Err(c.fail("cannot use element function with a negative index"));
    }
    Ok(c.pick(&l[(i as usize) % l.len()]))
}

pub fn lookup(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(3))?;
    let m = c.map(&a[0])?;
    let k = c.string(&a[1])?;
    match m.get(&k) {
        Some(v) => Ok(c.pick(v)),
        None => match a.get(2) {
            Some(default) => Ok(c.pick(default)),
            None => Err(c.fail(format!("lookup failed to find key {}", quote(&k)))),
        },
    }
}

/// `merge(maps...)`: later arguments win; null arguments are skipped; the result is in key order.
pub fn merge(c: &Cx, a: &[Value]) -> Res<Value> {
    let mut out = Map::new();
    let mut index = std::collections::HashMap::new();
    for v in a {
        if matches!(v.deref().kind, Val::Null) {
            continue;
        }
        let m = c.map(v)?;
        let entries = first_entries(m)
            .into_iter()
            .map(|e| (e.key.clone(), e.key_span, e.value.clone()));
        insert_all(&mut out, &mut index, entries);
    }
    Ok(c.out(Val::Map(sorted(out))))
}

/// The entries of a map, first occurrence of each key only.
fn first_entries(m: &Map) -> Vec<&Entry> {
    let mut seen = std::collections::HashSet::new();
    m.entries
        .iter()
        .filter(|e| seen.insert(e.key.as_str()))
        .collect()
}

/// Later entries replace earlier ones with the same key (keeping their place), in O(n).
fn insert_all(
    out: &mut Map,
    index: &mut std::collections::HashMap<String, usize>,
    entries: impl Iterator<Item = (String, Option<crate::base::Span>, Value)>,
) {
    for (key, key_span, value) in entries {
        out.insert_indexed(index, key, key_span, value);
    }
}

fn sorted(mut m: Map) -> Map {
    m.entries.sort_by(|x, y| x.key.cmp(&y.key));
    m
}

fn sorted_entries(m: &Map) -> Vec<&Entry> {
    let mut e = first_entries(m);
    e.sort_by(|x, y| x.key.cmp(&y.key));
    e
}

pub fn keys(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if let Some(r) = unknown_size(&a[0]) {
        return Err(Value::unknown(r, c.span));
    }
    let m = c.map(&a[0])?;
    let l = sorted_entries(m)
        .into_iter()
        .map(|e| Value::str(e.key.clone(), e.key_span.or(c.span)))
        .collect();
    list_of(c, l)
}

pub fn values(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if let Some(r) = unknown_size(&a[0]) {
        return Err(Value::unknown(r, c.span));
    }
    let m = c.map(&a[0])?;
    let l = sorted_entries(m)
        .into_iter()
        .map(|e| c.pick(&e.value))
        .collect();
    list_of(c, l)
}

pub fn concat(c: &Cx, a: &[Value]) -> Res<Value> {
    let mut out = Vec::new();
    for v in a {
        let l = c.list(v)?;
        c.within(crate::base::value::ELEMENT_SIZE * (out.len() + l.len()) as u64)?;
        out.extend(l.iter().map(|e| c.pick(e)));
    }
    list_of(c, out)
}

/// True for a reference attribute that is a single value by its name (`id`, `arn`, `*_id`,
/// `*_arn`, `name`, `*_url`...), not a list.
fn scalar_attr(attr: &str) -> bool {
    matches!(
        attr,
        "id" | "arn" | "name" | "dns_name" | "cidr_block" | "repository_url"
    ) || ["_id", "_arn", "_name", "_url", "_uri"]
        .iter()
        .any(|s| attr.ends_with(s))
}

/// `flatten`: nested lists are flattened recursively; an element that might be a list (an
/// unknown, a reference to an attribute not known to be a single value) makes the result
/// unknown.
pub fn flatten(c: &Cx, a: &[Value]) -> Res<Value> {
    fn go(c: &Cx, l: &[Value], out: &mut Vec<Value>, depth: usize) -> Res<()> {
        if depth > 256 {
            return Err(c.limit("nesting is too deep"));
        }
        for e in l {
            match &e.deref().kind {
                Val::List(inner) => go(c, inner, out, depth + 1)?,
                Val::Unknown(_) | Val::Choice(_) => return Err(c.unknown_of(e)),
                Val::Ref(r) if !scalar_attr(&r.attr) => return Err(c.unknown_of(e)),
                _ => out.push(c.pick(e)),
            }
        }
        Ok(())
    }
    let l = list_arg(c, a)?;
    let mut out = Vec::new();
    go(c, l, &mut out, 0)?;
    list_of(c, out)
}

/// Identity for deduplication: equal literals, the same reference, the same symbol.
fn same(x: &Value, y: &Value) -> bool {
    loose_eq(x, y) == Some(true)
}

/// A hashable key for a primitive value (a string, number or bool; not null).
fn prim_key(v: &Value) -> Option<String> {
    match &v.deref().kind {
        Val::Str(s) => Some(format!("s{s}")),
        Val::Number(n) => Some(format!("n{}", format_number(*n))),
        Val::Bool(b) => Some(format!("b{b}")),
        _ => None,
    }
}

/// Deduplicates, first occurrence kept (hashing primitives, comparing the rest).
fn dedup(c: &Cx, items: Vec<Value>) -> Res<Vec<Value>> {
    let mut seen = std::collections::HashSet::new();
    let mut others: Vec<usize> = Vec::new();
    let mut out: Vec<Value> = Vec::new();
    for e in items {
        if is_opaque(&e) {
            return Err(c.unknown_of(&e));
        }
        match prim_key(&e) {
            Some(k) => {
                if seen.insert(k) {
                    out.push(c.pick(&e));
                }
            }
            None => {
                if !others.iter().any(|&i| same(&out[i], &e)) {
                    others.push(out.len());
                    out.push(c.pick(&e));
                }
            }
        }
    }
    Ok(out)
}

/// `distinct`: element types are unified first (`distinct(["1", 1])` is `["1"]`).
pub fn distinct(c: &Cx, a: &[Value]) -> Res<Value> {
    let l = list_arg(c, a)?;
    list_of(c, dedup(c, unify(l.to_vec()))?)
}

/// `compact`: drops nulls and empty strings. Symbols, references to an `id`/`arn` and templates
/// with a non-empty known part are surely not empty and kept; any other element that is not
/// known makes the result unknown (it might be empty).
pub fn compact(c: &Cx, a: &[Value]) -> Res<Value> {
    let l = list_arg(c, a)?;
    let mut out = Vec::new();
    for e in l {
        match &e.deref().kind {
            Val::Null => {}
            Val::Str(s) if s.is_empty() => {}
            Val::Str(_) | Val::Number(_) | Val::Bool(_) => out.push(c.pick(e)),
            // A resource's `id`/`arn` is never null nor empty; other attributes might be.
            Val::Ref(r) if r.attr == "id" || r.attr == "arn" => out.push(c.pick(e)),
            Val::Ref(_) => return Err(c.unknown_of(e)),
            Val::Symbol(_) | Val::Encoded(_) => out.push(c.pick(e)),
            Val::Template(parts) => {
                if parts
                    .iter()
                    .any(|p| p.as_str().is_some_and(|s| !s.is_empty()))
                {
                    out.push(c.pick(e));
                } else {
                    return Err(c.unknown_of(e));
                }
            }
            Val::List(_) | Val::Map(_) => {
                return Err(c.fail("expects a list of strings"));
            }
            Val::Unknown(_) | Val::Choice(_) => return Err(c.unknown_of(e)),
        }
    }
    list_of(c, out)
}

/// Searches `value` in `list`: `Ok(Some(i))` found, `Ok(None)` surely absent, `Err` undecided.
fn find(c: &Cx, l: &[Value], value: &Value) -> Res<Option<usize>> {
    let mut undecided: Option<&Value> = None;
    for (i, e) in l.iter().enumerate() {
        match loose_eq(e, value) {
            Some(true) => {
                return match undecided {
                    Some(u) => Err(c.unknown_of(u)),
                    None => Ok(Some(i)),
                }
            }
            Some(false) => {}
            None => {
                if undecided.is_none() {
                    undecided = Some(if is_primitive(e) { value } else { e });
                }
            }
        }
    }
    match undecided {
        Some(u) => Err(c.unknown_of(u)),
        None => Ok(None),
    }
}

pub fn contains(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let l = c.list(&a[0])?;
    // An element equal to the value makes it true even when other elements are unknown.
    if l.iter().any(|e| loose_eq(e, &a[1]) == Some(true)) {
        return Ok(c.out(Val::Bool(true)));
    }
    let found = find(c, l, &a[1])?;
    Ok(c.out(Val::Bool(found.is_some())))
}

pub fn index(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let l = c.list(&a[0])?;
    match find(c, l, &a[1])? {
        Some(i) => Ok(c.out(Val::Number(i as f64))),
        None => Err(c.fail("item not found")),
    }
}

pub fn one(c: &Cx, a: &[Value]) -> Res<Value> {
    let l = list_arg(c, a)?;
    match l {
        [] => Ok(c.out(Val::Null)),
        [x] => Ok(c.pick(x)),
        _ => Err(c.fail(format!(
            "must be a list with at most one element, got {}",
            l.len()
        ))),
    }
}

/// `coalesce(values...)`: the first that is neither null nor "". An unknown value before it makes
/// the result unknown; a symbol or a template with a non-empty known part is surely not empty.
pub fn coalesce(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, None)?;
    let mixed = {
        let kinds: Vec<u8> = a
            .iter()
            .filter_map(|v| match v.deref().kind {
                Val::Str(_) => Some(0),
                Val::Number(_) => Some(1),
                Val::Bool(_) => Some(2),
                _ => None,
            })
            .collect();
        kinds.windows(2).any(|w| w[0] != w[1])
    };
    for v in a {
        let d = v.deref();
        match &d.kind {
            Val::Null => {}
            Val::Str(s) if s.is_empty() => {}
            Val::Number(_) | Val::Bool(_) if mixed => {
                return Ok(Value::str(c.string(d)?, v.span.or(c.span)))
            }
            Val::Str(_) | Val::Number(_) | Val::Bool(_) | Val::List(_) | Val::Map(_) => {
                return Ok(c.pick(v))
            }
            Val::Symbol(_) | Val::Encoded(_) => return Ok(c.pick(v)),
            Val::Template(parts)
                if parts
                    .iter()
                    .any(|p| p.as_str().is_some_and(|s| !s.is_empty())) =>
            {
                return Ok(c.pick(v))
            }
            _ => return Err(c.unknown_of(d)),
        }
    }
    Err(c.fail("no non-null, non-empty-string arguments"))
}

pub fn coalescelist(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, None)?;
    // A splat of a resource with an unknown number of instances may be empty: it is one
    // alternative, and the next candidates are others (the last one is taken when all the
    // others are empty; if it is empty too, Terraform fails).
    let mut alts: Vec<Value> = Vec::new();
    for v in a {
        if matches!(v.deref().kind, Val::Null) {
            continue;
        }
        if unknown_size(v).is_some() {
            alts.push(c.pick(v));
            continue;
        }
        if !c.list(v)?.is_empty() {
            alts.push(c.pick(v));
            break;
        }
    }
    match alts.len() {
        0 => Err(c.fail("no non-empty list arguments")),
        1 => Ok(alts.remove(0)),
        _ => Ok(c.out(Val::Choice(alts))),
    }
}

fn bools(c: &Cx, a: &[Value], stop_on: bool) -> Res<Value> {
    let l = list_arg(c, a)?;
    let mut unknown: Option<&Value> = None;
    for e in l {
        if !is_primitive(e) {
            unknown.get_or_insert(e);
            continue;
        }
        if c.boolean(e)? == stop_on {
            return Ok(c.out(Val::Bool(stop_on)));
        }
    }
    match unknown {
        Some(u) => Err(c.unknown_of(u)),
        None => Ok(c.out(Val::Bool(!stop_on))),
    }
}

pub fn alltrue(c: &Cx, a: &[Value]) -> Res<Value> {
    bools(c, a, false)
}

pub fn anytrue(c: &Cx, a: &[Value]) -> Res<Value> {
    bools(c, a, true)
}

pub fn chunklist(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let l = c.list(&a[0])?;
    let size = c.int(&a[1])?;
    if size < 0 {
        return Err(c.fail("the size argument must be positive"));
    }
    if size == 0 {
        return list_of(c, vec![c.out(Val::List(l.to_vec()))]);
    }
    let chunks = l
        .chunks(size as usize)
        .map(|ch| c.out(Val::List(ch.to_vec())))
        .collect();
    list_of(c, chunks)
}

pub fn range(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(3))?;
    let nums = a.iter().map(|v| c.number(v)).collect::<Res<Vec<f64>>>()?;
    let (start, limit, step) = match nums[..] {
        [limit] => (0.0, limit, 1.0),
        [start, limit] => (start, limit, if limit >= start { 1.0 } else { -1.0 }),
        [start, limit, step] => (start, limit, step),
        _ => unreachable!("arity checked"),
    };
    if step == 0.0 {
        return Err(c.fail("step must not be zero"));
    }
    if (step > 0.0 && limit < start) || (step < 0.0 && limit > start) {
        return Err(c.fail("step must move from start towards limit"));
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < limit) || (step < 0.0 && x > limit) {
        if out.len() >= 1024 {
            return Err(c.fail("more than 1024 values were generated"));
        }
        out.push(Value::new(Val::Number(x), c.span));
        x += step;
    }
    list_of(c, out)
}

pub fn reverse(c: &Cx, a: &[Value]) -> Res<Value> {
    let l = list_arg(c, a)?;
    list_of(c, l.iter().rev().map(|e| c.pick(e)).collect())
}

pub fn slice(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 3, Some(3))?;
    let l = c.list(&a[0])?;
    let start = c.int(&a[1])?;
    let end = c.int(&a[2])?;
    if start < 0 || end > l.len() as i64 || start > end {
        return Err(c.fail(format!(
            "invalid range {start}..{end} for a list of {} elements",
            l.len()
        )));
    }
    list_of(
        c,
        l[start as usize..end as usize]
            .iter()
            .map(|e| c.pick(e))
            .collect(),
    )
}

/// `sort`: strings in lexicographic (byte) order; numbers are converted to strings first.
pub fn sort(c: &Cx, a: &[Value]) -> Res<Value> {
    let l = list_arg(c, a)?;
    let mut items = Vec::with_capacity(l.len());
    for e in l {
        if matches!(e.deref().kind, Val::Null) {
            return Err(c.fail("given list element must not be null"));
        }
        items.push((c.string(e)?, e.span.or(c.span)));
    }
    items.sort_by(|x, y| x.0.cmp(&y.0));
    list_of(
        c,
        items.into_iter().map(|(s, sp)| Value::str(s, sp)).collect(),
    )
}

/// Converts the primitive elements to strings when their types are mixed (Terraform unifies
/// element types; string is the common type of string, number and bool).
fn unify(items: Vec<Value>) -> Vec<Value> {
    let mut kinds = [false; 3];
    for v in &items {
        match v.deref().kind {
            Val::Str(_) => kinds[0] = true,
            Val::Number(_) => kinds[1] = true,
            Val::Bool(_) => kinds[2] = true,
            _ => {}
        }
    }
    if kinds.iter().filter(|k| **k).count() < 2 {
        return items;
    }
    items
        .into_iter()
        .map(|v| {
            let s = match &v.deref().kind {
                Val::Number(n) => format_number(*n),
                Val::Bool(b) => b.to_string(),
                _ => return v,
            };
            Value::str(s, v.span)
        })
        .collect()
}

fn set_rank(v: &Value) -> u8 {
    match v.deref().kind {
        Val::Str(_) | Val::Number(_) | Val::Bool(_) => 0,
        _ => 1,
    }
}

fn set_cmp(x: &Value, y: &Value) -> Ordering {
    match (&x.deref().kind, &y.deref().kind) {
        (Val::Str(a), Val::Str(b)) => a.cmp(b),
        (Val::Number(a), Val::Number(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        (Val::Bool(a), Val::Bool(b)) => a.cmp(b),
        _ => set_rank(x).cmp(&set_rank(y)),
    }
}

/// A set: unified, deduplicated, sorted. Unknown elements make it unknown (they could equal
/// another element).
fn to_set(c: &Cx, items: &[Value]) -> Res<Vec<Value>> {
    let mut out = dedup(c, unify(items.to_vec()))?;
    out.sort_by(set_cmp);
    Ok(out)
}

pub fn toset(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if matches!(a[0].deref().kind, Val::Null) {
        return Ok(c.out(Val::Null));
    }
    let l = c.list(&a[0])?;
    list_of(c, to_set(c, l)?)
}

fn set_args<'v>(c: &Cx, a: &'v [Value], min: usize) -> Res<Vec<&'v [Value]>> {
    c.arity(a, min, None)?;
    a.iter().map(|v| c.list(v)).collect()
}

pub fn setunion(c: &Cx, a: &[Value]) -> Res<Value> {
    let sets = set_args(c, a, 1)?;
    let all: Vec<Value> = sets.iter().flat_map(|s| s.iter().cloned()).collect();
    list_of(c, to_set(c, &all)?)
}

pub fn setintersection(c: &Cx, a: &[Value]) -> Res<Value> {
    let sets = set_args(c, a, 1)?;
    let sets: Vec<Vec<Value>> = sets.iter().map(|s| to_set(c, s)).collect::<Res<_>>()?;
    let mut out = Vec::new();
    for e in &sets[0] {
        let mut all = true;
        for other in &sets[1..] {
            match find(c, other, e)? {
                Some(_) => {}
                None => all = false,
            }
        }
        if all {
            out.push(e.clone());
        }
    }
    list_of(c, out)
}

pub fn setsubtract(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let x = to_set(c, c.list(&a[0])?)?;
    let y = to_set(c, c.list(&a[1])?)?;
    let mut out = Vec::new();
    for e in x {
        if find(c, &y, &e)?.is_none() {
            out.push(e);
        }
    }
    list_of(c, out)
}

/// `setproduct(lists...)`: every combination, the first list varying slowest.
pub fn setproduct(c: &Cx, a: &[Value]) -> Res<Value> {
    let sets = set_args(c, a, 2)?;
    let total = sets
        .iter()
        .try_fold(1usize, |acc, s| acc.checked_mul(s.len()))
        .unwrap_or(usize::MAX);
    if total > 100_000 {
        return Err(c.limit("the product is too large"));
    }
    // Each element is in `total / len` combinations of its set: a large one is copied as often.
    let size = sets
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            let each: u64 = s
                .iter()
                .map(|e| e.deep_size() + crate::base::value::ELEMENT_SIZE)
                .sum();
            each.saturating_mul((total / s.len()) as u64)
        })
        .fold(0u64, u64::saturating_add);
    c.within(size)?;
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for s in &sets {
        let mut next = Vec::with_capacity(out.len() * s.len());
        for prefix in &out {
            for e in s.iter() {
                let mut p = prefix.clone();
                p.push(c.pick(e));
                next.push(p);
            }
        }
        out = next;
    }
    list_of(c, out.into_iter().map(|l| c.out(Val::List(l))).collect())
}

pub fn transpose(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let m = c.map(&a[0])?;
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for e in sorted_entries(m) {
        for v in c.list(&e.value)? {
            let s = c.string(v)?;
            let key = Value::str(e.key.clone(), e.key_span.or(c.span));
            match out.iter_mut().find(|(k, _)| *k == s) {
                Some((_, l)) => l.push(key),
                None => out.push((s, vec![key])),
            }
        }
    }
    out.sort_by(|x, y| x.0.cmp(&y.0));
    let mut map = Map::new();
    for (k, l) in out {
        map.push(k, None, c.out(Val::List(l)));
    }
    Ok(c.out(Val::Map(map)))
}

pub fn zipmap(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let k = c.list(&a[0])?;
    let v = c.list(&a[1])?;
    if k.len() != v.len() {
        return Err(c.fail(format!(
            "the number of keys ({}) does not match the number of values ({})",
            k.len(),
            v.len()
        )));
    }
    let mut m = Map::new();
    let mut index = std::collections::HashMap::new();
    let mut entries = Vec::with_capacity(k.len());
    for (k, v) in k.iter().zip(v) {
        entries.push((c.string(k)?, k.span, c.pick(v)));
    }
    insert_all(&mut m, &mut index, entries.into_iter());
    Ok(c.out(Val::Map(sorted(m))))
}

pub fn matchkeys(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 3, Some(3))?;
    let values = c.list(&a[0])?;
    let keys = c.list(&a[1])?;
    let search = c.list(&a[2])?;
    if values.len() != keys.len() {
        return Err(c.fail("length of keys and values should be equal"));
    }
    let mut out = Vec::new();
    for (v, k) in values.iter().zip(keys) {
        let mut hit = false;
        let mut undecided: Option<&Value> = None;
        for s in search {
            match loose_eq(k, s) {
                Some(true) => {
                    hit = true;
                    break;
                }
                Some(false) => {}
                None => {
                    undecided.get_or_insert(if is_primitive(k) { s } else { k });
                }
            }
        }
        if hit {
            out.push(c.pick(v));
        } else if let Some(u) = undecided {
            return Err(c.unknown_of(u));
        }
    }
    list_of(c, out)
}

pub fn tostring(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let d = a[0].deref();
    match &d.kind {
        Val::Null => Ok(c.out(Val::Null)),
        Val::Str(_) => Ok(c.pick(&a[0])),
        Val::Number(_) | Val::Bool(_) => Ok(c.out(Val::Str(c.string(d)?))),
        Val::List(_) | Val::Map(_) => Err(c.fail(format!(
            "cannot convert {} to a string",
            super::type_name(d)
        ))),
        _ => Ok(c.pick(&a[0])),
    }
}

pub fn tonumber(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let d = a[0].deref();
    match &d.kind {
        Val::Null => Ok(c.out(Val::Null)),
        Val::Number(_) => Ok(c.pick(&a[0])),
        Val::Str(s) => match parse_number(s) {
            Some(n) => Ok(c.out(Val::Number(n))),
            None => Err(c.fail(format!("cannot convert {} to a number", quote(s)))),
        },
        Val::Bool(_) | Val::List(_) | Val::Map(_) | Val::Encoded(_) => Err(c.fail(format!(
            "cannot convert {} to a number",
            super::type_name(d)
        ))),
        _ => Err(c.unknown_of(d)),
    }
}

pub fn tobool(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    match &a[0].deref().kind {
        Val::Null => Ok(c.out(Val::Null)),
        _ => Ok(c.out(Val::Bool(c.boolean(&a[0])?))),
    }
}

pub fn tolist(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if matches!(a[0].deref().kind, Val::Null) {
        return Ok(c.out(Val::Null));
    }
    let l = c.list(&a[0])?;
    list_of(c, unify(l.iter().map(|e| c.pick(e)).collect()))
}

pub fn tomap(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if matches!(a[0].deref().kind, Val::Null) {
        return Ok(c.out(Val::Null));
    }
    let m = c.map(&a[0])?;
    let entries = sorted_entries(m);
    let values = unify(entries.iter().map(|e| c.pick(&e.value)).collect());
    let mut out = Map::new();
    for (e, v) in entries.iter().zip(values) {
        out.push(e.key.clone(), e.key_span, v);
    }
    Ok(c.out(Val::Map(out)))
}

/// `try(values...)`: the first argument that is not unknown. An argument that failed to evaluate
/// reaches us as `Unknown`, just like an argument that is not known, so an unknown first argument
/// makes the result unknown rather than falling back (which would be a guess).
pub fn try_(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, None)?;
    if is_opaque(&a[0]) && a.len() > 1 {
        return Err(c.unknown_of(&a[0]));
    }
    Ok(c.pick(&a[0]))
}

/// `can(value)`: true for a value that is known (symbols count as known: Terraform knows them at
/// plan time); unknown when something inside is not known until apply (see `try`).
pub fn can(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    if let Some(u) = not_known_before_apply(&a[0], 0) {
        return Err(c.unknown_of(u));
    }
    Ok(c.out(Val::Bool(true)))
}

fn not_known_before_apply(v: &Value, depth: usize) -> Option<&Value> {
    if depth > 64 {
        return Some(v);
    }
    match &v.deref().kind {
        Val::Unknown(_) | Val::Choice(_) | Val::Ref(_) => Some(v),
        Val::List(l) | Val::Template(l) => {
            l.iter().find_map(|e| not_known_before_apply(e, depth + 1))
        }
        Val::Map(m) => m
            .entries
            .iter()
            .find_map(|e| not_known_before_apply(&e.value, depth + 1)),
        Val::Encoded(inner) => not_known_before_apply(inner, depth + 1),
        _ => None,
    }
}
