//! Numeric functions.

use crate::base::{Val, Value};

use super::{is_primitive, quote, Cx, Res};

fn num(c: &Cx, n: f64) -> Res<Value> {
    if !n.is_finite() {
        return Err(c.fail("the result is not a finite number"));
    }
    Ok(c.out(Val::Number(n)))
}

fn unary(c: &Cx, a: &[Value], f: fn(f64) -> f64) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    num(c, f(c.number(&a[0])?))
}

pub fn abs(c: &Cx, a: &[Value]) -> Res<Value> {
    unary(c, a, f64::abs)
}

pub fn ceil(c: &Cx, a: &[Value]) -> Res<Value> {
    unary(c, a, f64::ceil)
}

pub fn floor(c: &Cx, a: &[Value]) -> Res<Value> {
    unary(c, a, f64::floor)
}

pub fn signum(c: &Cx, a: &[Value]) -> Res<Value> {
    unary(c, a, |n| if n == 0.0 { 0.0 } else { n.signum() })
}

pub fn pow(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    num(c, c.number(&a[0])?.powf(c.number(&a[1])?))
}

pub fn log(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let (x, base) = (c.number(&a[0])?, c.number(&a[1])?);
    num(c, x.ln() / base.ln())
}

fn extreme(c: &Cx, a: &[Value], pick_max: bool) -> Res<Value> {
    c.arity(a, 1, None)?;
    let mut best: Option<f64> = None;
    let mut unknown: Option<&Value> = None;
    for v in a {
        if !is_primitive(v) {
            unknown.get_or_insert(v);
            continue;
        }
        let n = c.number(v)?;
        best = Some(match best {
            Some(b) if pick_max => b.max(n),
            Some(b) => b.min(n),
            None => n,
        });
    }
    if let Some(u) = unknown {
        return Err(c.unknown_of(u));
    }
    num(c, best.unwrap_or(0.0))
}

pub fn max(c: &Cx, a: &[Value]) -> Res<Value> {
    extreme(c, a, true)
}

pub fn min(c: &Cx, a: &[Value]) -> Res<Value> {
    extreme(c, a, false)
}

pub fn sum(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let l = c.list(&a[0])?;
    if l.is_empty() {
        return Err(c.fail("cannot sum an empty list"));
    }
    let mut total = 0.0;
    for e in l {
        total += c.number(e)?;
    }
    num(c, total)
}

/// `parseint(string, base)`, bases 2 to 62 as Go's `big.Int.SetString` reads them.
pub fn parseint(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let s = c.string(&a[0])?;
    let base = c.int(&a[1])?;
    if !(2..=62).contains(&base) {
        return Err(c.fail("base must be a whole number between 2 and 62 inclusive"));
    }
    let bad = || {
        c.fail(format!(
            "cannot parse {} as a base {base} integer",
            quote(&s)
        ))
    };
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut n: f64 = 0.0;
    for ch in digits.chars() {
        let d = match ch {
            '0'..='9' => ch as i64 - '0' as i64,
            'a'..='z' => ch as i64 - 'a' as i64 + 10,
            'A'..='Z' if base <= 36 => ch as i64 - 'A' as i64 + 10,
            'A'..='Z' => ch as i64 - 'A' as i64 + 36,
            _ => return Err(bad()),
        };
        if d >= base {
            return Err(bad());
        }
        n = n * base as f64 + d as f64;
    }
    num(c, if neg { -n } else { n })
}
