//! The scenario files named on a command line: files as given, folders
//! walked for `*.ron`, and a message for everything that could not be used.
//!
//! Folders are walked with `walkdir`, which follows symbolic links but stops
//! at a link back to one of its own ancestors (a cycle would otherwise run
//! every file dozens of times, or never end). A `*.ron` that is not a
//! regular file (a FIFO would block the read forever, a device never ends)
//! is skipped with a warning; a file reached twice through links is checked
//! once. Nothing is dropped silently: a missing path, an unreadable folder
//! and a folder without any scenario are errors naming the path.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use awsreach_model::Severity;
use walkdir::WalkDir;

use crate::load::Message;

/// What the command-line paths resolve to.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Scenario files to load, in a stable order (the command line's, and
    /// by name inside each folder).
    pub files: Vec<PathBuf>,
    /// Paths that could not be used, each naming the path: bad input.
    pub errors: Vec<Message>,
    /// Entries skipped on purpose (non-regular files, link cycles).
    pub warnings: Vec<Message>,
}

fn message(path: &Path, severity: Severity, text: String, hint: Option<&str>) -> Message {
    Message {
        location: path.display().to_string(),
        severity,
        text,
        hint: hint.map(str::to_string),
    }
}

/// Resolves `paths`: a file is taken as given (even a FIFO or `-`: the user
/// named it), a folder is walked for `*.ron` regular files.
pub fn collect(paths: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs::default();
    // Canonical paths already taken, so links to the same file count once.
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.files.push(path.clone());
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => inputs.errors.push(message(
                path,
                Severity::Error,
                format!("cannot read: {e}"),
                None,
            )),
            // An AWS snapshot is one input, not a folder of scenarios.
            Ok(m) if m.is_dir() && !crate::load::is_snapshot_dir(path) => {
                walk(path, &mut inputs, &mut seen)
            }
            Ok(_) => {
                let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                if seen.insert(key) {
                    inputs.files.push(path.clone());
                }
            }
        }
    }
    inputs
}

fn walk(dir: &Path, inputs: &mut Inputs, seen: &mut HashSet<PathBuf>) {
    let before = inputs.files.len();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().unwrap_or(dir).to_path_buf();
                if let Some(ancestor) = e.loop_ancestor() {
                    inputs.warnings.push(message(
                        &at,
                        Severity::Warning,
                        format!(
                            "skipped: a link back to {}, which is already being checked",
                            ancestor.display()
                        ),
                        None,
                    ));
                } else {
                    let why = e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    inputs.errors.push(message(
                        &at,
                        Severity::Error,
                        format!("cannot read: {why}"),
                        None,
                    ));
                }
                continue;
            }
        };
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_dir() || path.extension().is_none_or(|x| x != "ron") {
            continue;
        }
        if !ft.is_file() {
            inputs.warnings.push(message(
                path,
                Severity::Warning,
                "skipped: not a regular file (a FIFO, socket or device)".into(),
                Some("name it on the command line to read it anyway"),
            ));
            continue;
        }
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if seen.insert(key) {
            inputs.files.push(path.to_path_buf());
        }
    }
    if inputs.files.len() == before {
        inputs.errors.push(message(
            dir,
            Severity::Error,
            "no scenario file (*.ron) in this folder: nothing was checked".into(),
            Some("name the scenario files, or a folder that holds some"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("awsreach-inputs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_empty_folder_is_an_error_not_a_pass() {
        let dir = temp("empty");
        std::fs::write(dir.join("notes.txt"), "not a scenario").unwrap();
        let got = collect(std::slice::from_ref(&dir));
        assert!(got.files.is_empty());
        assert_eq!(got.errors.len(), 1, "{:?}", got.errors);
        assert!(got.errors[0].text.contains("nothing was checked"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_path_is_named() {
        let got = collect(&[PathBuf::from("/nonexistent/awsreach/x.ron")]);
        assert_eq!(got.errors.len(), 1);
        assert_eq!(got.errors[0].location, "/nonexistent/awsreach/x.ron");
        assert!(got.errors[0].text.starts_with("cannot read: "));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_parent_folder_is_walked_once() {
        let dir = temp("cycle");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.ron"), "()").unwrap();
        std::fs::write(dir.join("sub/b.ron"), "()").unwrap();
        std::os::unix::fs::symlink("..", dir.join("sub/up")).unwrap();
        std::os::unix::fs::symlink("a.ron", dir.join("also-a.ron")).unwrap();
        let got = collect(std::slice::from_ref(&dir));
        let names: Vec<_> = got
            .files
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["a.ron", "b.ron"], "{:?}", got.files);
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        assert!(
            got.warnings
                .iter()
                .any(|w| w.text.contains("a link back to")),
            "{:?}",
            got.warnings
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
