//! The results of `awsreach check` as data ([`Row`]), and their three
//! views: text for people (a failure says where, what, why and how to rerun
//! it), JSON for scripts and JUnit XML for CI dashboards.
//!
//! A failure must be fixable from its message alone, so every row carries
//! the `file:line` of its `expect` entry, the expected and actual verdict
//! and code, the blocking hop and the sentence saying why, and the `trace`
//! command that reruns just that probe.

use std::fmt::Write as _;

use awsreach_model::net::Protocol;
use awsreach_model::spec::Expect;
use awsreach_sim::{Engine, ExpectationResult, Outcome, ProbeOptions, Verdict};
use serde_json::{Value, json};

use crate::render::paint;
use crate::style::{DIM, ERROR as RED, HINT, OK as GREEN};

/// A verdict and, when blocked, its reason code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// `reachable` or `blocked`.
    pub verdict: &'static str,
    pub code: Option<String>,
}

impl Judged {
    fn of(o: &Outcome) -> Judged {
        match o {
            Outcome::Reachable => Judged {
                verdict: "reachable",
                code: None,
            },
            Outcome::Blocked(c) => Judged {
                verdict: "blocked",
                code: Some(c.as_str().to_string()),
            },
            Outcome::Unknown(c) => Judged {
                verdict: "unknown",
                code: Some(c.as_str().to_string()),
            },
        }
    }

    fn text(&self) -> String {
        match &self.code {
            Some(c) => format!("{} {c}", self.verdict),
            None => self.verdict.to_string(),
        }
    }

    fn json(&self) -> Value {
        json!({ "verdict": self.verdict, "code": self.code })
    }
}

/// The hop that blocked the actual trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingHop {
    /// 1-based, as `trace` numbers hops.
    pub step: usize,
    pub kind: String,
    pub component: String,
    pub detail: String,
    pub why: String,
}

/// One `expect` entry and what happened to it.
#[derive(Debug, Clone)]
pub struct Row {
    pub file: String,
    /// The line of the entry in the file, when found.
    pub line: Option<usize>,
    pub from: String,
    pub to: String,
    pub port: Option<u16>,
    pub protocol: Option<Protocol>,
    /// Asked over IPv6 (`ip_version: 6`).
    pub ipv6: bool,
    /// The hostname a service call uses (`host:`), when given.
    pub host: Option<String>,
    pub expected: Judged,
    /// The actual verdict, or why the probe could not be made.
    pub actual: Result<Judged, String>,
    pub passed: bool,
    pub note: Option<String>,
    /// For a failure whose trace blocked: where and why.
    pub blocking: Option<BlockingHop>,
}

impl Row {
    /// Builds the row of one result; a failure is traced again in full to
    /// name its blocking hop.
    pub fn new(file: &str, line: Option<usize>, engine: &Engine, r: &ExpectationResult) -> Row {
        let e = &r.expectation;
        let blocking = if r.passed {
            None
        } else {
            let opts = ProbeOptions {
                port: e.port,
                protocol: e.protocol,
                ipv6: e.ip_version == Some(6),
                host: e.host.clone(),
                ..ProbeOptions::default()
            };
            engine.probe(&e.from, &e.to, &opts).ok().and_then(|p| {
                let t = engine.trace(&p);
                match &t.verdict {
                    Verdict::Blocked(b) => t.hops.get(b.hop).map(|h| {
                        let shown = t.show(h, engine.scenario());
                        BlockingHop {
                            step: b.hop + 1,
                            kind: h.kind.to_string(),
                            component: shown.component().to_string(),
                            detail: shown.detail().to_string(),
                            why: engine.why(&t).unwrap_or_default(),
                        }
                    }),
                    _ => None,
                }
            })
        };
        Row {
            file: file.to_string(),
            line,
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port,
            protocol: e.protocol,
            ipv6: e.ip_version == Some(6),
            host: e.host.clone(),
            expected: Judged {
                verdict: match e.expect {
                    Expect::Reachable => "reachable",
                    Expect::Blocked => "blocked",
                    Expect::Unknown => "unknown",
                },
                code: e.code.clone(),
            },
            actual: r.actual.as_ref().map(Judged::of).map_err(|e| {
                let hint = e.hint().map(|h| format!(" ({h})")).unwrap_or_default();
                format!("{e}{hint}")
            }),
            passed: r.passed,
            note: e.note.clone(),
            blocking,
        }
    }

    /// `file:line`, or the file alone.
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }

    /// `fn -> db:5432/udp`: the probe as the expectation wrote it.
    pub fn probe(&self) -> String {
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        let proto = self
            .protocol
            .map(|p| format!("/{}", protocol_arg(p)))
            .unwrap_or_default();
        format!("{} -> {}{port}{proto}", self.from, self.to)
    }

    /// The command that traces just this probe.
    pub fn rerun(&self) -> String {
        let mut cmd = format!(
            "awsreach trace {} --from {} --to {}",
            shell_quote(&self.file),
            shell_quote(&self.from),
            shell_quote(&self.to)
        );
        if let Some(p) = self.port {
            let _ = write!(cmd, " --port {p}");
        }
        if let Some(p) = self.protocol {
            let _ = write!(cmd, " --protocol {}", protocol_arg(p));
        }
        if self.ipv6 {
            cmd.push_str(" --ip-version 6");
        }
        if let Some(h) = &self.host {
            let _ = write!(cmd, " --host {}", shell_quote(h));
        }
        cmd
    }

    /// A probe that could not be made (an unknown id, say) is bad input.
    pub fn is_error(&self) -> bool {
        self.actual.is_err()
    }

    /// `expected X, got Y`.
    pub fn mismatch(&self) -> String {
        match &self.actual {
            Ok(a) => format!("expected {}, got {}", self.expected.text(), a.text()),
            Err(e) => format!("expected {}, but {e}", self.expected.text()),
        }
    }

    /// The indented lines under a failure: expected, actual, where, why, how to rerun.
    fn failure_details(&self, styled: bool) -> Vec<String> {
        let label = |s: &str| {
            if styled {
                paint(HINT, s)
            } else {
                s.to_string()
            }
        };
        let mut v = vec![format!("{} {}", label("expected:"), self.expected.text())];
        match &self.actual {
            Ok(a) => v.push(format!("{}   {}", label("actual:"), a.text())),
            Err(e) => v.push(format!("{}    {e}", label("error:"))),
        }
        if let Some(b) = &self.blocking {
            v.push(format!(
                "{}  hop {} {} {}: {}",
                label("blocked:"),
                b.step,
                b.kind,
                b.component,
                b.detail
            ));
            v.push(format!("{}      {}", label("why:"), b.why));
        } else if matches!(&self.actual, Ok(a) if a.verdict == "reachable") {
            v.push(format!(
                "{}      every hop passes, so nothing blocks this probe",
                label("why:")
            ));
        }
        if let Some(n) = &self.note {
            v.push(format!("{}     {n}", label("note:")));
        }
        v.push(format!("{}    {}", label("rerun:"), self.rerun()));
        v
    }

    /// The text view: one line for a pass, a block for a failure.
    pub fn text(&self) -> String {
        if self.passed {
            let actual = self.actual.as_ref().map(Judged::text).unwrap_or_default();
            return format!(
                "{} {}  {}  {}\n",
                paint(GREEN, "✔"),
                paint(DIM, self.location()),
                self.probe(),
                paint(DIM, actual)
            );
        }
        let mut s = format!(
            "{} {}  {}  {}\n",
            paint(RED, "✘"),
            self.location(),
            self.probe(),
            self.mismatch()
        );
        for l in self.failure_details(true) {
            let _ = writeln!(s, "    {l}");
        }
        s
    }

    pub fn json(&self) -> Value {
        let (actual, error) = match &self.actual {
            Ok(a) => (a.json(), Value::Null),
            Err(e) => (Value::Null, Value::String(e.clone())),
        };
        json!({
            "line": self.line,
            "from": self.from,
            "to": self.to,
            "port": self.port,
            "protocol": self.protocol.map(protocol_arg),
            "expected": self.expected.json(),
            "actual": actual,
            "error": error,
            "passed": self.passed,
            "note": self.note,
            "blocking_hop": self.blocking.as_ref().map(|b| json!({
                "step": b.step, "kind": b.kind, "component": b.component, "detail": b.detail,
            })),
            "why": self.blocking.as_ref().map(|b| &b.why),
            "rerun": self.rerun(),
        })
    }
}

/// A file's results, or the messages saying why it did not load.
#[derive(Debug, Clone)]
pub struct FileResult {
    pub file: String,
    pub outcome: Result<Vec<Row>, Vec<String>>,
}

/// Pass, fail and bad-input counts over every file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    /// Files that did not load plus probes that could not be made.
    pub bad: usize,
    /// Expectations whose actual verdict is unknown (it depends on data the
    /// scenario lists as missing) while they expect reachable or blocked:
    /// neither confirmed nor contradicted.
    pub unknown: usize,
}

impl Tally {
    pub fn of(files: &[FileResult]) -> Tally {
        let mut t = Tally::default();
        for f in files {
            match &f.outcome {
                Err(_) => t.bad += 1,
                Ok(rows) => {
                    for r in rows {
                        if r.passed {
                            t.passed += 1;
                        } else if r.is_error() {
                            t.bad += 1;
                        } else if r.actual.as_ref().is_ok_and(|a| a.verdict == "unknown") {
                            t.unknown += 1;
                        } else {
                            t.failed += 1;
                        }
                    }
                }
            }
        }
        t
    }

    /// The closing line: `N passed, M failed`.
    pub fn summary(&self) -> String {
        let unknown = if self.unknown > 0 {
            format!(", {} unknown", self.unknown)
        } else {
            String::new()
        };
        format!("{} passed, {} failed{unknown}", self.passed, self.failed)
    }
}

pub fn json(files: &[FileResult]) -> Value {
    let t = Tally::of(files);
    let files: Vec<Value> = files
        .iter()
        .map(|f| match &f.outcome {
            Ok(rows) => json!({
                "file": f.file,
                "loaded": true,
                "expectations": rows.iter().map(Row::json).collect::<Vec<_>>(),
            }),
            Err(msgs) => {
                json!({ "file": f.file, "loaded": false, "errors": msgs, "expectations": [] })
            }
        })
        .collect();
    json!({ "passed": t.passed, "failed": t.failed, "unknown": t.unknown, "bad_input": t.bad, "files": files })
}

/// JUnit XML: one `<testsuite>` per file, one `<testcase>` per expectation;
/// a file that does not load is one test case in error.
pub fn junit(files: &[FileResult], failures_only: bool) -> String {
    let t = Tally::of(files);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"awsreach check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        t.passed + t.failed + t.bad,
        t.failed,
        t.bad
    );
    for f in files {
        let ft = Tally::of(std::slice::from_ref(f));
        let file = xml(&f.file);
        let _ = writeln!(
            s,
            "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            ft.passed + ft.failed + ft.bad,
            ft.failed,
            ft.bad
        );
        match &f.outcome {
            Err(msgs) => {
                let _ = writeln!(
                    s,
                    "    <testcase name=\"load\" classname=\"{file}\" file=\"{file}\">\n      <error message=\"the scenario does not load\">{}</error>\n    </testcase>",
                    xml(&msgs.join("\n"))
                );
            }
            Ok(rows) => {
                for r in rows.iter().filter(|r| !failures_only || !r.passed) {
                    let line = r.line.map(|l| format!(" line=\"{l}\"")).unwrap_or_default();
                    let _ = write!(
                        s,
                        "    <testcase name=\"{}\" classname=\"{file}\" file=\"{file}\"{line}",
                        xml(&format!("{}: {}", r.probe(), r.expected.text()))
                    );
                    if r.passed {
                        s.push_str("/>\n");
                        continue;
                    }
                    let tag = if r.is_error() { "error" } else { "failure" };
                    let body = format!("{}\n{}", r.location(), r.failure_details(false).join("\n"));
                    let _ = writeln!(
                        s,
                        ">\n      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n    </testcase>",
                        xml(&r.mismatch()),
                        if r.is_error() {
                            "bad-input"
                        } else {
                            "unexpected-verdict"
                        },
                        xml(&body)
                    );
                }
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

/// Text escaped for an XML attribute or element: the five markup
/// characters as entities, and characters XML 1.0 forbids (C0 controls
/// other than tab, newline, carriage return; U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn xml(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' | '\n' | '\r' => s.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => s.push('\u{FFFD}'),
            c => s.push(c),
        }
    }
    s
}

fn protocol_arg(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::All => "all",
    }
}

/// `s` as one shell word: bare when it is plain, single-quoted otherwise.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,=@+%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The 1-based line of each entry of the scenario's top-level
/// `expect: [...]` list, in order. A small scanner over the RON text that
/// skips strings and comments and tracks bracket depth, since the parser
/// keeps no positions for values.
pub fn expect_lines(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let (mut i, mut line, mut depth) = (0usize, 1usize, 0usize);
    // The depth of the `expect` list's brackets once inside it.
    let mut list_depth: Option<usize> = None;
    let mut want_list = false;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    line += usize::from(b[i] == b'\n');
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    line += usize::from(b[i] == b'\n');
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if want_list && c == b'[' {
                    list_depth = Some(depth);
                    want_list = false;
                } else if list_depth.is_some_and(|d| depth == d + 1) {
                    out.push(line);
                }
            }
            b')' | b']' | b'}' => {
                if list_depth == Some(depth) {
                    list_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                // The scenario's own field: depth 1, inside its outer parentheses.
                if depth == 1 && &text[start..i] == "expect" {
                    let rest = text[i..].trim_start();
                    want_list = rest.starts_with(':');
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expect_lines_finds_each_entry_of_the_top_level_list() {
        let text = r#"// expect: [ (not this) ]
(
    name: "expect: [(\"no\")]",
    functions: [(id: "fn", expect: "x")],
    /* expect: [ ( ) ] */
    expect: [
        (from: "fn", to: "s3", expect: Blocked, code: "NO_ROUTE"),
        // (from: "a", to: "b")
        (
            from: "fn",
            to: "sqs", expect: Reachable,
        ), (from: "x", to: "y", expect: Reachable),
    ],
    services: [(id: "s3")],
)"#;
        assert_eq!(expect_lines(text), [7, 9, 12]);
        assert_eq!(expect_lines("(name: \"x\")"), Vec::<usize>::new());
    }

    #[test]
    fn xml_escapes_markup_and_forbidden_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\n"
        );
    }

    #[test]
    fn shell_quote_keeps_plain_words_and_quotes_the_rest() {
        assert_eq!(shell_quote("scenarios/a-b.ron"), "scenarios/a-b.ron");
        assert_eq!(shell_quote("my file.ron"), "'my file.ron'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
