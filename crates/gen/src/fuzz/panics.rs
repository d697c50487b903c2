//! Panics as values: a hook that records a panic's message and location
//! inside [`catching`], and the key a smaller scenario must share.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A panic's location (`file:line`), which a smaller scenario must share.
pub(super) fn panic_key(msg: &str) -> String {
    msg.rsplit_once(" at ")
        .map(|(_, at)| at.to_string())
        .unwrap_or_else(|| msg.to_string())
}

// -------------------------------------------------------------- panics

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that, inside [`catching`], records the
/// message and location instead of printing them; elsewhere the previous
/// hook runs as before.
pub(super) fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
                let msg = payload_text(info.payload());
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_else(|| "unknown location".into());
                LAST_PANIC.with(|l| *l.borrow_mut() = Some(format!("{msg} at {at}")));
            } else {
                previous(info);
            }
        }));
    });
}

pub(super) fn payload_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Runs `f`, turning a panic into `Err("message at file:line")`.
pub fn catching<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let outer = QUIET.with(|q| q.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(outer));
    r.map_err(|payload| {
        LAST_PANIC
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| payload_text(&*payload))
    })
}
