//! Standard output for every command: one buffered writer whose failures
//! are errors, never panics.
//!
//! `println!` panics when stdout is a closed pipe (`awsreach show F | head`)
//! or a full disk. Commands write through [`Out`] instead and propagate
//! [`OutputError`] with `?`; `main` turns a broken pipe into a quiet success
//! (the reader has what it wanted, as ripgrep does) and any other failed
//! write into an error naming the output, exit 2.
//!
//! `write!`/`writeln!` work on [`Out`] because they only call a
//! `write_fmt` method, which here returns [`OutputError`].

use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write as _};

use anstream::AutoStream;

/// Buffered, colour-aware (styles are stripped off a terminal) standard output.
pub struct Out {
    w: BufWriter<AutoStream<StdoutLock<'static>>>,
}

impl fmt::Debug for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Out(<stdout>)")
    }
}

/// Writing to standard output failed.
#[derive(Debug)]
pub struct OutputError {
    /// What was being written, e.g. `standard output`.
    pub target: &'static str,
    pub source: io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write to {}: {}", self.target, self.source)
    }
}

// No `source()`: the message already ends with the I/O error, and
// `{:#}` would print it twice.
impl std::error::Error for OutputError {}

impl OutputError {
    /// The reader went away (`| head`): not a failure of ours.
    pub fn is_broken_pipe(&self) -> bool {
        self.source.kind() == io::ErrorKind::BrokenPipe
    }
}

/// The [`OutputError`] somewhere in an error's chain, if any.
pub fn output_error(err: &anyhow::Error) -> Option<&OutputError> {
    err.chain().find_map(|e| e.downcast_ref::<OutputError>())
}

impl Out {
    /// Standard output, locked for the life of the writer.
    pub fn stdout() -> Out {
        Out {
            w: BufWriter::with_capacity(64 * 1024, anstream::stdout().lock()),
        }
    }

    fn fail(source: io::Error) -> OutputError {
        OutputError {
            target: "standard output",
            source,
        }
    }

    /// What `write!` and `writeln!` call.
    pub fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> Result<(), OutputError> {
        self.w.write_fmt(args).map_err(Out::fail)
    }

    pub fn write_str(&mut self, s: &str) -> Result<(), OutputError> {
        self.w.write_all(s.as_bytes()).map_err(Out::fail)
    }

    /// Sends what is buffered, so standard output keeps its order with
    /// messages on standard error (one file's verdict before the next's errors).
    pub fn flush(&mut self) -> Result<(), OutputError> {
        self.w.flush().map_err(Out::fail)
    }

    /// Flushes what is buffered; every command ends with it, because a
    /// buffer dropped unflushed would hide the error of its last write.
    pub fn finish(mut self) -> Result<(), OutputError> {
        self.w.flush().map_err(Out::fail)
    }
}

/// Prints `text` on standard output and flushes: the whole output of a
/// command that renders into a string first.
pub fn print(text: &str) -> Result<(), OutputError> {
    let mut out = Out::stdout();
    out.write_str(text)?;
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_names_the_output_and_knows_a_broken_pipe() {
        let e = Out::fail(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(e.is_broken_pipe());
        assert!(
            e.to_string()
                .starts_with("cannot write to standard output: ")
        );
        let full = Out::fail(io::Error::from_raw_os_error(28));
        assert!(!full.is_broken_pipe());
        let wrapped = anyhow::Error::new(full).context("while printing");
        assert!(output_error(&wrapped).is_some());
        assert!(output_error(&anyhow::anyhow!("bad input")).is_none());
    }
}
