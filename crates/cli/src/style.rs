//! Terminal styles. Printed through `anstream`, which drops them when the
//! output is not a terminal or `NO_COLOR` is set.

use anstyle::{AnsiColor, Style};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const HINT: Style = AnsiColor::Cyan.on_default().bold();
pub const OK: Style = AnsiColor::Green.on_default().bold();
pub const HEADER: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
