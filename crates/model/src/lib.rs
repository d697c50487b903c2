//! The awsreach scenario model: the RON file format ([`spec`]), its
//! validation into a checked [`Scenario`], and the built-in service
//! [`catalog`]. Pure data: no I/O beyond parsing a string.
//!
//! "Rule N" in comments is rule N of `docs/aws-rules.md` (ARCHITECTURE.md,
//! "Where each rule lives", indexes the code of each rule).

pub mod catalog;
pub mod edit;
pub mod error;
pub mod net;
pub mod probe;
mod ron_error;
pub mod scenario;
pub mod spec;
pub mod validate;

pub use error::{Diagnostic, LoadError, ParseError, Problem, Severity, ValidationErrors};
pub use scenario::*;
pub use spec::ScenarioSpec;
pub use validate::{Checked, validate};

use ron::extensions::Extensions;

fn ron_options() -> ron::Options {
    // `implicit_some` lets users write `public_ip: "1.2.3.4"` instead of `Some("1.2.3.4")`.
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses RON text into the raw spec. Errors carry the 1-based line and
/// column, and a type error names the field's path and the forms it takes.
pub fn parse(src: &str) -> Result<ScenarioSpec, ParseError> {
    let at = |e: ron::error::SpannedError, message: String| {
        let (line, col) = ron_error::skip_blanks(src, e.span.start.line, e.span.start.col);
        ParseError { line, col, message }
    };
    let opts = ron_options();
    let mut de = ron::Deserializer::from_str_with_options(src, &opts)
        .map_err(|e| at(e.clone(), e.code.to_string()))?;
    let spec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let code = e.into_inner();
        let message = ron_error::teach(&path, &code);
        at(de.span_error(code), message)
    })?;
    de.end()
        .map_err(|e| de.span_error(e))
        .map_err(|e| at(e.clone(), e.code.to_string()))?;
    Ok(spec)
}

/// Writes a spec back as pretty RON that [`parse`] reads to the same spec.
pub fn to_ron(spec: &ScenarioSpec) -> String {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .indentor("    ".to_string())
        .extensions(Extensions::IMPLICIT_SOME);
    let mut s = ron_options()
        .to_string_pretty(spec, pretty)
        .expect("a ScenarioSpec always serialises");
    s.push('\n');
    s
}

/// Parses and validates in one step.
pub fn load(src: &str) -> Result<Checked, LoadError> {
    let spec = parse(src)?;
    Ok(validate(&spec)?)
}

/// The longest id a scenario may declare: AWS resource names and ids stay
/// within 255 characters, and longer ones only break tables.
pub const MAX_ID_LEN: usize = 255;

/// How much of an id "did you mean" compares: a typo shows in the first
/// characters, and the string metrics cost the square of the length.
const SCORED_CHARS: usize = 64;

/// `s` cut to its first `n` characters.
pub(crate) fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// The known id closest in spelling to `id`, for "did you mean" hints: a
/// high Jaro-Winkler score, or a small edit distance for short ids. Bounded:
/// only the first 64 characters are compared, and ids of very different
/// lengths (more than three times as long) are skipped without scoring.
pub fn suggest<'k>(id: &str, known: impl Iterator<Item = &'k str>) -> Option<String> {
    let id = prefix(id, SCORED_CHARS);
    let n = id.chars().count();
    known
        .filter(|k| {
            let m = k.len().min(4 * SCORED_CHARS);
            m <= 3 * n + 3 && n <= 3 * m + 3
        })
        .map(|k| {
            let kp = prefix(k, SCORED_CHARS);
            (strsim::jaro_winkler(id, kp), strsim::levenshtein(id, kp), k)
        })
        .filter(|(jw, lev, _)| *jw > 0.8 || *lev <= (n / 3).max(1))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(b.2.cmp(a.2)))
        .map(|(_, _, k)| k.to_string())
}
