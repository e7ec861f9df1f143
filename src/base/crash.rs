//! What a crash report says: the panic's message and place, and the file being processed.
//!
//! Stages name what they work on with [`working_on`] (a thread-local, cheap to set); the panic
//! hook ([`hook`]) records the last panic with it. A panic caught per unit of work becomes an
//! `internal-error` diagnostic and the record is never shown; one that reaches `main` is
//! printed from the record ([`report`]).

use std::cell::RefCell;
use std::sync::Mutex;

thread_local! {
    static CURRENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The last panic: message, place and the file being processed then.
static LAST: Mutex<Option<String>> = Mutex::new(None);

/// Restores what was being processed before, when dropped.
pub struct Working(Option<String>);

impl Drop for Working {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Names the file (or unit) this thread processes until the guard is dropped.
#[must_use]
pub fn working_on(what: impl Into<String>) -> Working {
    Working(CURRENT.with(|c| c.borrow_mut().replace(what.into())))
}

/// The panic hook: records the panic (the default hook's output is not shown; see [`report`]).
pub fn hook(info: &std::panic::PanicHookInfo<'_>) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let place = info
        .location()
        .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
    let file = CURRENT.with(|c| c.borrow().clone());
    let mut text = format!("{message}{place}");
    if let Some(f) = file {
        text.push_str(&format!("\nwhile processing: {f}"));
    }
    *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
}

/// The crash report of the last panic, for a panic that reached `main`.
pub fn report() -> String {
    let last = LAST
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| "unknown panic".into());
    let whom = match env!("CARGO_PKG_REPOSITORY") {
        "" => "to the pullpath maintainers (the issue tracker of the repository you installed \
               it from)"
            .to_string(),
        repo => format!("at {repo}/issues"),
    };
    format!(
        "pullpath {}: internal error (a bug in pullpath, not in your files): {last}\n\
         Please report it {whom}, with the command line, this message and, if you can, the \
         file named above (or a smaller one that gives the same error).\n",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_the_file_being_processed() {
        let _hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(hook));
        let r = std::panic::catch_unwind(|| {
            let _w = working_on("envs/prod/main.tf");
            panic!("boom");
        });
        let _ = std::panic::take_hook();
        assert!(r.is_err());
        let text = report();
        assert!(text.contains("boom at src/base/crash.rs:"), "{text}");
        assert!(
            text.contains("while processing: envs/prod/main.tf"),
            "{text}"
        );
        assert!(CURRENT.with(|c| c.borrow().is_none()));
    }
}
