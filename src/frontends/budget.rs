//! Evaluation budgets (issue 9): what evaluating one unit (a Terraform root with its modules, a
//! CloudFormation template with its nested stacks) may cost, so that no small input makes an
//! evaluator use unbounded time or memory (a chain of locals that doubles a string, `for` over
//! `range(1024)` three deep, nested stacks that fan out).
//!
//! Three limits, all settable on the command line (`0` means no limit):
//! - `--max-eval-steps`: evaluation steps of one unit (an expression, an iteration of a `for` or
//!   a `%{for}`, a template element, an intrinsic function, a nested stack...);
//! - `--max-value-size`: the size of any one value, its text in bytes plus [`ELEMENT_SIZE`] for
//!   each element of a list or map, all the way down ([`Value::deep_size`]: what walking it
//!   costs; values are shared, not copied, so a small input can hold a huge one);
//! - `--max-eval-memory`: what one unit's evaluation allocates for the values it makes (their
//!   top level: what they share with other values is not counted again), added up.
//!
//! A value over a budget, and every value evaluated once the steps or memory of the unit are
//! spent, is `Unknown` with a reason naming the expression and the limit. Each budget is reported
//! once per file as an input diagnostic (`budget`), with how many more values it made unknown.
//! Accounting is counters: a value's top level is read when it is made, and its deep size is
//! computed once per shared map.

use std::cell::{Cell, RefCell};

use crate::base::{Diagnostic, FileId, Span, Val, Value};

pub use crate::base::value::ELEMENT_SIZE;
/// Default `--max-eval-steps`. The largest unit of our corpus takes under 1% of it.
pub const DEFAULT_MAX_EVAL_STEPS: u64 = 20_000_000;
/// Default `--max-value-size`: 16 MiB, as `--max-file-size` (a `file()` of any file read is a
/// value).
pub const DEFAULT_MAX_VALUE_SIZE: u64 = 16 * 1024 * 1024;
/// Default `--max-eval-memory`: 512 MiB of values made per unit.
pub const DEFAULT_MAX_EVAL_MEMORY: u64 = 512 * 1024 * 1024;
/// The code of the diagnostics.
pub const CODE: &str = "budget";

/// The limits, from the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_steps: u64,
    pub max_value_size: u64,
    pub max_memory: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: DEFAULT_MAX_EVAL_STEPS,
            max_value_size: DEFAULT_MAX_VALUE_SIZE,
            max_memory: DEFAULT_MAX_EVAL_MEMORY,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Steps,
    ValueSize,
    Memory,
}

/// The budget of one unit: the limits and what was spent.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    steps: Cell<u64>,
    memory: Cell<u64>,
    /// Set once the steps or the memory are spent: every evaluation after is unknown.
    spent: Cell<Option<Kind>>,
    /// The first time each budget was exceeded in each file, and how many more times.
    reports: RefCell<Vec<Report>>,
}

/// A budget exceeded in a file: the diagnostic of the first time, and how many times after.
type Report = (Kind, Option<FileId>, Diagnostic, usize);

/// `n` bytes in words (`16 MiB`, `300 bytes`).
pub fn bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    match n {
        _ if n >= KIB * KIB * KIB && n.is_multiple_of(KIB * KIB * KIB) => {
            format!("{} GiB", n >> 30)
        }
        _ if n >= KIB * KIB && n.is_multiple_of(KIB * KIB) => format!("{} MiB", n >> 20),
        _ if n >= KIB * KIB => format!("{:.1} MiB", n as f64 / (KIB * KIB) as f64),
        _ if n >= KIB => format!("{:.1} KiB", n as f64 / KIB as f64),
        _ => format!("{n} bytes"),
    }
}

/// What making a value allocates, as the memory budget counts it: its own text and elements
/// (one level).
pub fn size_of(v: &Value) -> u64 {
    match &v.kind {
        Val::Str(s) => s.len() as u64,
        Val::List(l) | Val::Choice(l) => ELEMENT_SIZE * l.len() as u64,
        Val::Template(parts) => parts
            .iter()
            .map(|p| match &p.kind {
                Val::Str(s) => s.len() as u64 + ELEMENT_SIZE,
                _ => ELEMENT_SIZE,
            })
            .sum(),
        Val::Map(m) => ELEMENT_SIZE * m.len() as u64,
        _ => 0,
    }
}

fn limit(n: u64) -> u64 {
    if n == 0 {
        u64::MAX
    } else {
        n
    }
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            steps: Cell::new(0),
            memory: Cell::new(0),
            spent: Cell::new(None),
            reports: RefCell::default(),
        }
    }

    /// Counts `n` steps at `span`; `false` once the steps or the memory of the unit are spent
    /// (the caller then stops and returns [`Budget::spent_value`]).
    #[inline]
    pub fn steps(&self, n: u64, span: Option<Span>) -> bool {
        if self.spent.get().is_some() {
            return false;
        }
        let s = self.steps.get() + n;
        self.steps.set(s);
        if s > limit(self.limits.max_steps) {
            self.spend(Kind::Steps, span);
            return false;
        }
        true
    }

    /// [`Budget::steps`] for one step.
    #[inline]
    pub fn step(&self, span: Option<Span>) -> bool {
        self.steps(1, span)
    }

    /// Whether the steps or memory of the unit are spent.
    pub fn is_spent(&self) -> bool {
        self.spent.get().is_some()
    }

    /// The steps taken so far.
    pub fn steps_taken(&self) -> u64 {
        self.steps.get()
    }

    /// The bytes of values made so far.
    pub fn memory_used(&self) -> u64 {
        self.memory.get()
    }

    /// What a value is once the unit's steps or memory are spent.
    pub fn spent_value(&self, span: Option<Span>) -> Value {
        let reason = match self.spent.get() {
            Some(Kind::Memory) => format!(
                "not evaluated: this unit's evaluation made more than {} of values (--max-eval-memory)",
                bytes(self.limits.max_memory)
            ),
            _ => format!(
                "not evaluated: this unit's evaluation took more than {} steps (--max-eval-steps)",
                self.limits.max_steps
            ),
        };
        Value::unknown(reason, span)
    }

    /// A value just made by `what` (an expression, a function): unknown when it is larger than
    /// `--max-value-size`, else counted in the unit's memory (unknown when that is spent).
    /// `what` names the expression for the reason; it is called only when over a budget.
    pub fn made(&self, v: Value, what: impl FnOnce() -> String) -> Value {
        let size = size_of(&v);
        if size == 0 {
            return v;
        }
        let deep = v.deep_size();
        if self.too_large(deep) {
            return self.over_size(what(), deep, v.span);
        }
        self.copied(v, size)
    }

    /// Whether a value of `size` bytes is over `--max-value-size`.
    pub fn too_large(&self, size: u64) -> bool {
        size > limit(self.limits.max_value_size)
    }

    /// The Unknown that stands for the value `what` makes, of `size` bytes, over
    /// `--max-value-size` (reported).
    pub fn over_size(&self, what: String, size: u64, span: Option<Span>) -> Value {
        let why = format!(
            "{what} is larger than the value budget: {size} bytes, the limit is {} \
             (--max-value-size)",
            bytes(self.limits.max_value_size)
        );
        self.note(Kind::ValueSize, span, Some(&why));
        Value::unknown(why, span)
    }

    /// A value copied (`size` bytes) from one already made, as a reference reads it: counted in
    /// the unit's memory (unknown when that is spent), not checked again against the value size.
    pub fn copied(&self, v: Value, size: u64) -> Value {
        let m = self.memory.get() + size;
        self.memory.set(m);
        if m > limit(self.limits.max_memory) && self.spent.get().is_none() {
            self.spend(Kind::Memory, v.span);
            return self.spent_value(v.span);
        }
        v
    }

    fn spend(&self, kind: Kind, span: Option<Span>) {
        self.spent.set(Some(kind));
        self.note(kind, span, None);
    }

    /// Records that `kind` was exceeded at `span`: a diagnostic the first time in each file,
    /// a count after.
    fn note(&self, kind: Kind, span: Option<Span>, why: Option<&str>) {
        let file = span.map(|s| s.file);
        let mut reports = self.reports.borrow_mut();
        if let Some(r) = reports.iter_mut().find(|r| r.0 == kind && r.1 == file) {
            r.3 += 1;
            return;
        }
        let message = match kind {
            Kind::ValueSize => format!(
                "{}; it is unknown, and what depends on it is not checked",
                why.unwrap_or("a value is larger than the value budget (--max-value-size)")
            ),
            Kind::Steps => format!(
                "evaluation stopped here: it took more than {} steps (--max-eval-steps); \
                 what was not evaluated is unknown and not checked",
                self.limits.max_steps
            ),
            Kind::Memory => format!(
                "evaluation stopped here: it made more than {} of values (--max-eval-memory); \
                 what was not evaluated is unknown and not checked",
                bytes(self.limits.max_memory)
            ),
        };
        let mut d = Diagnostic::warning(CODE, message);
        d.span = span;
        reports.push((kind, file, d, 0));
    }

    /// The diagnostics: one per budget and file, in the order they were first exceeded.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.reports
            .borrow()
            .iter()
            .map(|(kind, _, d, more)| {
                let mut d = d.clone();
                if *more > 0 && *kind == Kind::ValueSize {
                    d.message.push_str(&format!(
                        " ({more} more value{} of this file over the budget)",
                        if *more == 1 { "" } else { "s" }
                    ));
                }
                d
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(file: u32) -> Option<Span> {
        Some(Span::new(FileId(file), 0..1))
    }

    #[test]
    fn value_over_the_size_is_unknown_and_reported_once_per_file() {
        let b = Budget::new(Limits {
            max_value_size: 10,
            ..Limits::default()
        });
        let small = b.made(Value::str("0123456789", span(0)), || "`x`".into());
        assert_eq!(small.as_str(), Some("0123456789"));
        let big = b.made(Value::str("0123456789!", span(0)), || "`local.big`".into());
        let Val::Unknown(r) = &big.kind else {
            panic!("not unknown: {big:?}")
        };
        assert!(r.0.contains("`local.big`"), "{r}");
        assert!(r.0.contains("--max-value-size"), "{r}");
        b.made(Value::str("0123456789!", span(0)), || "`y`".into());
        b.made(Value::str("0123456789!", span(1)), || "`z`".into());
        let d = b.diagnostics();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("1 more value"), "{}", d[0].message);
        assert_eq!(d[0].code, CODE);
    }

    #[test]
    fn spent_steps_stop_everything_after() {
        let b = Budget::new(Limits {
            max_steps: 3,
            ..Limits::default()
        });
        assert!(b.step(span(0)) && b.step(span(0)) && b.step(span(0)));
        assert!(!b.step(span(0)));
        assert!(!b.step(span(0)));
        assert!(b.is_spent());
        assert!(b.spent_value(span(0)).is_unknown());
        assert_eq!(b.diagnostics().len(), 1);
        assert!(b.diagnostics()[0].message.contains("--max-eval-steps"));
    }

    #[test]
    fn memory_adds_up() {
        let b = Budget::new(Limits {
            max_memory: 25,
            ..Limits::default()
        });
        for _ in 0..2 {
            assert!(!b
                .made(Value::str("0123456789", None), String::new)
                .is_unknown());
        }
        assert!(b
            .made(Value::str("0123456789", None), String::new)
            .is_unknown());
        assert!(!b.step(None));
        assert!(b.diagnostics()[0].message.contains("--max-eval-memory"));
    }

    #[test]
    fn zero_is_no_limit() {
        let b = Budget::new(Limits {
            max_steps: 0,
            max_value_size: 0,
            max_memory: 0,
        });
        assert!(b.steps(u64::MAX / 2, None));
        assert!(!b
            .made(Value::str("x".repeat(100), None), String::new)
            .is_unknown());
    }
}
