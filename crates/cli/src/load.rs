//! Reading scenario files and turning model errors into messages people can
//! act on, compiler style:
//!
//! ```text
//! shop.ron:3:18: error: expected comma
//! shop.ron:12: error: subnets["app"].cidr: subnet cidr 10.2.0.0/24 is outside vpc `shop` (10.0.0.0/16)
//!   hint: pick a subnet cidr inside one of the vpc's cidr blocks
//! ```
//!
//! The model knows nothing of files; the line of a semantic error is found
//! here by locating the entity's `id: "<entity>"` in the source text.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

use awsreach_model::{
    Checked, Diagnostic, ParseError, Problem, Scenario, ScenarioSpec, Severity, parse, validate,
};

use crate::style;

mod input;

pub use input::*;

/// A scenario file's name (as the user typed it) and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    /// Reads any input a command accepts (see [`InputKind`]): a RON
    /// scenario (`-` is standard input), or an input an importer turns into
    /// one (an AWS snapshot directory, ...). An imported scenario's text is
    /// the RON `awsreach import` would write, and a one-line summary of the
    /// import report goes to standard error.
    pub fn read(path: &Path) -> anyhow::Result<Source> {
        match InputKind::detect(path) {
            InputKind::Ron => Ok(Source::read_ron(path)?),
            kind => {
                let imported = import(kind, path, region_arg().as_deref())?;
                let one = pick(path, imported)?;
                anstream::eprintln!("{}", summary(path, &one));
                Ok(Source {
                    name: path.display().to_string(),
                    text: awsreach_model::to_ron(&one.spec),
                })
            }
        }
    }

    /// Reads a RON scenario file, or standard input for `-`. A file that
    /// cannot be read or is not UTF-8 is a [`Message`] naming it (with the
    /// position of the first bad byte); `main` prints it as such.
    pub fn read_ron(path: &Path) -> Result<Source, Message> {
        let name = display_name(path);
        let bytes = if path.as_os_str() == "-" {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).map(|_| b)
        } else {
            std::fs::read(path)
        };
        let bytes = bytes.map_err(|e| Message {
            location: name.clone(),
            severity: Severity::Error,
            text: format!("cannot read: {e}"),
            hint: None,
        })?;
        let text = decode(&name, bytes)?;
        Ok(Source { name, text })
    }
}

/// How messages name `path`: as given, `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// The text of a scenario file: UTF-8 (a leading byte order mark is
/// dropped: editors on Windows write one). Anything else is an error at the
/// first bad byte, `file:line:col`, with its byte offset and a hint for the
/// usual cause (UTF-16, Latin-1).
pub fn decode(name: &str, mut bytes: Vec<u8>) -> Result<String, Message> {
    let error = |bytes: &[u8], at: usize, text: String, hint: &str| Message {
        location: format!("{name}:{}", line_col(bytes, at)),
        severity: Severity::Error,
        text,
        hint: Some(hint.to_string()),
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(error(
            &bytes,
            0,
            "the file is UTF-16 (it starts with a UTF-16 byte order mark); scenario files are UTF-8".into(),
            "save the file as UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)",
        ));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // NUL is valid UTF-8 but never in a scenario: UTF-16 without a byte
    // order mark, or a binary file.
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(error(
            &bytes,
            at,
            format!("a NUL byte at byte offset {at}: not a text file, or UTF-16"),
            "save the file as UTF-8",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        error(
            bytes,
            at,
            format!(
                "invalid UTF-8: byte 0x{:02X} at byte offset {at}; scenario files are UTF-8",
                bytes[at]
            ),
            "save the file as UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`)",
        )
    })
}

/// `line:col` (1-based, the column in characters) of byte `at`, which
/// follows a valid UTF-8 prefix.
fn line_col(bytes: &[u8], at: usize) -> String {
    let before = String::from_utf8_lossy(&bytes[..at]);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{col}")
}

/// One message for the user: where, how bad, what, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `file:line:col`, `file:line` or `file`.
    pub location: String,
    pub severity: Severity,
    /// `path: message` for semantic problems, the parser's text otherwise.
    pub text: String,
    pub hint: Option<String>,
}

impl Message {
    /// Prints to standard error, coloured on a terminal.
    pub fn eprint(&self) {
        let (st, word) = match self.severity {
            Severity::Error => (style::ERROR, "error"),
            Severity::Warning => (style::WARNING, "warning"),
        };
        let text = clip_words(&self.text);
        anstream::eprintln!("{}: {st}{word}:{st:#} {text}", self.location);
        if let Some(h) = &self.hint {
            let h = clip_words(h);
            anstream::eprintln!("  {h_st}hint:{h_st:#} {h}", h_st = style::HINT);
        }
    }
}

// A message is also an error, so commands can pass it up with `?`; `main`
// prints it as [`Message::eprint`] does.
impl std::error::Error for Message {}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {word}: {}", self.location, clip_words(&self.text))?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {}", clip_words(h))?;
        }
        Ok(())
    }
}

/// Longest run of non-space characters a message shows whole.
const MAX_WORD: usize = 255;

/// `text` with every run of more than [`MAX_WORD`] non-space characters cut
/// short with `…`: a message quotes what the user wrote, and a 70,000-character
/// value echoed by each of 200 diagnostics would flood the terminal.
fn clip_words(text: &str) -> std::borrow::Cow<'_, str> {
    let too_long = |w: &str| w.chars().count() > MAX_WORD;
    if !text.split_whitespace().any(too_long) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4096));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if too_long(word) {
            out.extend(word.chars().take(MAX_WORD));
            out.push('…');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    std::borrow::Cow::Owned(out)
}

/// The result of parsing and validating one source.
#[derive(Debug)]
pub enum Outcome {
    Valid {
        spec: Box<ScenarioSpec>,
        checked: Box<Checked>,
        warnings: Vec<Message>,
    },
    Invalid {
        errors: Vec<Message>,
        warnings: Vec<Message>,
    },
}

/// Parses and validates, rendering every problem as a [`Message`].
pub fn check(src: &Source) -> Outcome {
    let spec = match parse(&src.text) {
        Ok(s) => s,
        Err(e) => {
            return Outcome::Invalid {
                errors: vec![parse_message(&src.name, &e)],
                warnings: Vec::new(),
            };
        }
    };
    match validate(&spec) {
        Ok(checked) => Outcome::Valid {
            warnings: messages(src, &checked.warnings),
            spec: Box::new(spec),
            checked: Box::new(checked),
        },
        Err(v) => {
            let mut errors = messages(src, &v.errors);
            // Past the first errors, validation only counts (issue 16.3).
            if v.omitted > 0 {
                errors.push(Message {
                    location: src.name.clone(),
                    severity: Severity::Error,
                    text: format!(
                        "{} more error{} not shown",
                        v.omitted,
                        if v.omitted == 1 { "" } else { "s" }
                    ),
                    hint: Some("fix the errors above and validate again".into()),
                });
            }
            Outcome::Invalid {
                errors,
                warnings: messages(src, &v.warnings),
            }
        }
    }
}

/// `file:line:col: error: message`, with the parser's message lower-cased
/// like every other message.
pub fn parse_message(file: &str, e: &ParseError) -> Message {
    let mut chars = e.message.chars();
    let text = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    Message {
        location: format!("{file}:{}:{}", e.line, e.col),
        severity: Severity::Error,
        text,
        hint: None,
    }
}

/// Renders diagnostics, locating each entity's line in the source.
pub fn messages(src: &Source, diags: &[Diagnostic]) -> Vec<Message> {
    // One pass over the text for all diagnostics: a large scenario has
    // thousands of warnings, and a scan per warning made loading quadratic.
    let lines = if diags.is_empty() {
        HashMap::new()
    } else {
        id_lines(&src.text)
    };
    // The n-th duplicate of an id is reported at its n-th declaration.
    let mut dup_seen: HashMap<&str, usize> = HashMap::new();
    // `expect[i]` entries have no id: they are found by position, scanned
    // once if any diagnostic needs it.
    let mut expect_lines: Option<Vec<usize>> = None;
    diags
        .iter()
        .map(|d| {
            let entry = d
                .path
                .strip_prefix("expect[")
                .and_then(|p| p.split(']').next())
                .and_then(|i| i.parse::<usize>().ok());
            if let Some(i) = entry {
                let all = expect_lines
                    .get_or_insert_with(|| crate::expectations::expect_lines(&src.text));
                if let Some(l) = all.get(i) {
                    return Message {
                        location: format!("{}:{l}", src.name),
                        severity: d.severity(),
                        text: format!("{}: {}", d.path, d.problem),
                        hint: d.problem.hint(),
                    };
                }
            }
            let nth = match &d.problem {
                Problem::DuplicateId { id, other } => {
                    let seen = dup_seen.entry(id.as_str()).or_insert(0);
                    *seen += 1;
                    // A clash with a catalog service is at the first declaration.
                    if other.starts_with("the catalog") {
                        *seen
                    } else {
                        *seen + 1
                    }
                }
                _ => 1,
            };
            let line = d
                .entity
                .as_deref()
                .and_then(|id| lines.get(id))
                .and_then(|found| found.get(nth - 1).or(found.first()).copied());
            Message {
                location: match line {
                    Some(l) => format!("{}:{l}", src.name),
                    None => src.name.clone(),
                },
                severity: d.severity(),
                text: format!("{}: {}", d.path, d.problem),
                hint: d.problem.hint(),
            }
        })
        .collect()
}

/// The 1-based line of the `nth` (1-based) `id: "<id>"` in `text`, outside
/// `//` comments; the first one when there are fewer than `nth`.
pub fn locate(text: &str, id: &str, nth: usize) -> Option<usize> {
    let needle = format!("\"{id}\"");
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.find("//").map_or(line, |c| &line[..c]);
        let mut from = 0;
        while let Some(pos) = code[from..].find(&needle) {
            let at = from + pos;
            if is_id_field(&code[..at]) {
                found.push(i + 1);
            }
            from = at + needle.len();
        }
    }
    found.get(nth - 1).or(found.first()).copied()
}

/// Every `id: "<id>"` of `text`, outside `//` comments: id → its 1-based
/// lines in order. `locate(text, id, n)` is the n-th of `id`'s lines (or
/// its first).
fn id_lines(text: &str) -> HashMap<&str, Vec<usize>> {
    let mut found: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.find("//").map_or(line, |c| &line[..c]);
        let mut from = 0;
        while let Some(pos) = code[from..].find('"') {
            let at = from + pos;
            let Some(len) = code[at + 1..].find('"') else {
                break;
            };
            if is_id_field(&code[..at]) {
                found
                    .entry(&code[at + 1..at + 1 + len])
                    .or_default()
                    .push(i + 1);
                from = at + len + 2;
            } else {
                from = at + 1;
            }
        }
    }
    found
}

/// True when `before` ends with `id:` (spaces allowed around the colon),
/// where `id` is a whole word.
fn is_id_field(before: &str) -> bool {
    let Some(rest) = before.trim_end().strip_suffix(':') else {
        return false;
    };
    let Some(rest) = rest.trim_end().strip_suffix("id") else {
        return false;
    };
    !rest
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// The input was bad and the user has been told why; exit with 2.
#[derive(Debug)]
pub struct Reported;

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid input (already reported)")
    }
}

impl std::error::Error for Reported {}

/// A valid scenario, ready for a command.
#[derive(Debug)]
pub struct Loaded {
    pub source: Source,
    pub spec: ScenarioSpec,
    pub scenario: Scenario,
    pub warnings: Vec<Message>,
}

/// Reads and validates a scenario for a command. Warnings go to standard
/// error; errors too, followed by `Err(Reported)` (exit code 2).
pub fn scenario(path: &Path) -> anyhow::Result<Loaded> {
    match load(path) {
        Ok(loaded) => {
            loaded.warnings.iter().for_each(Message::eprint);
            Ok(loaded)
        }
        Err(failed) => {
            failed.eprint();
            Err(Reported.into())
        }
    }
}

/// A scenario that did not load: unreadable, not UTF-8, malformed or invalid.
#[derive(Debug)]
pub struct Failed {
    /// The file's name, as the messages give it.
    pub name: String,
    pub errors: Vec<Message>,
    pub warnings: Vec<Message>,
}

impl Failed {
    /// Every message on standard error, then the counts.
    pub fn eprint(&self) {
        self.errors
            .iter()
            .chain(&self.warnings)
            .for_each(Message::eprint);
        if self.errors.is_empty() {
            return; // reported by the importer already
        }
        anstream::eprintln!(
            "{}: {}",
            self.name,
            counts(self.errors.len(), self.warnings.len())
        );
    }
}

/// Why [`Source::read`] failed, as a message naming the input; `None`
/// when the importer has already reported it.
pub fn read_failure(path: &Path, err: anyhow::Error) -> Option<Message> {
    if err.downcast_ref::<Reported>().is_some() {
        return None;
    }
    Some(match err.downcast::<Message>() {
        Ok(m) => m,
        Err(other) => Message {
            location: display_name(path),
            severity: Severity::Error,
            text: format!("{other:#}"),
            hint: None,
        },
    })
}

/// Reads and validates a scenario, printing nothing: for commands that
/// report failures their own way (`check --format json`).
pub fn load(path: &Path) -> Result<Loaded, Failed> {
    let source = Source::read(path).map_err(|e| Failed {
        name: display_name(path),
        errors: read_failure(path, e).into_iter().collect(),
        warnings: Vec::new(),
    })?;
    match check(&source) {
        Outcome::Valid {
            spec,
            checked,
            warnings,
        } => Ok(Loaded {
            source,
            spec: *spec,
            scenario: checked.scenario,
            warnings,
        }),
        Outcome::Invalid { errors, warnings } => Err(Failed {
            name: source.name,
            errors,
            warnings,
        }),
    }
}

/// `3 errors`, `1 error, 2 warnings`.
pub fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cut_overlong_words_and_keep_the_rest() {
        let long = "x".repeat(70_000);
        let m = Message {
            location: "f.ron:3".into(),
            severity: Severity::Error,
            text: format!("invalid cidr `{long}` here"),
            hint: Some(format!("try {long}")),
        };
        let shown = m.to_string();
        assert!(shown.len() < 1_000, "{} bytes", shown.len());
        assert!(
            shown.starts_with("f.ron:3: error: invalid cidr `xxx"),
            "{shown}"
        );
        assert!(shown.contains("… here"), "{shown}");
        assert_eq!(clip_words("short words stay"), "short words stay");
    }

    #[test]
    fn locate_finds_id_fields_only() {
        let text = "(\n  vpcs: [(id: \"v\", cidr: \"x\")],\n  // (id: \"app\")\n  subnets: [\n    (vpc: \"app\", id : \"app\"),\n    (id: \"app\"),\n    (vpc_id: \"app\"),\n  ],\n)";
        assert_eq!(locate(text, "v", 1), Some(2));
        assert_eq!(locate(text, "app", 1), Some(5));
        assert_eq!(locate(text, "app", 2), Some(6));
        assert_eq!(locate(text, "app", 3), Some(5), "falls back to the first");
        assert_eq!(locate(text, "nope", 1), None);
        let index = id_lines(text);
        assert_eq!(index["v"], [2]);
        assert_eq!(index["app"], [5, 6]);
        assert!(!index.contains_key("nope"));
    }

    #[test]
    fn invalid_utf8_is_reported_at_its_line_column_and_byte() {
        let mut bytes = b"(\n  vpcs: [],\n  // caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"\n)");
        let m = decode("f.ron", bytes).unwrap_err();
        assert_eq!(m.location, "f.ron:3:9");
        assert!(m.text.contains("0xE9 at byte offset 22"), "{}", m.text);
        let utf16 = decode("u.ron", vec![0xFF, 0xFE, b'(', 0, b')', 0]).unwrap_err();
        assert_eq!(utf16.location, "u.ron:1:1");
        assert!(utf16.text.contains("UTF-16"), "{}", utf16.text);
        let nul = decode("n.ron", b"(\0)".to_vec()).unwrap_err();
        assert_eq!(nul.location, "n.ron:1:2");
        assert_eq!(decode("bom.ron", b"\xEF\xBB\xBF()".to_vec()).unwrap(), "()");
    }

    #[test]
    fn counts_reads_well() {
        assert_eq!(counts(1, 0), "1 error");
        assert_eq!(counts(3, 0), "3 errors");
        assert_eq!(counts(0, 2), "2 warnings");
        assert_eq!(counts(2, 1), "2 errors, 1 warning");
    }
}
