//! The AWS rules are findable: every rule of `docs/aws-rules.md` has a row in
//! ARCHITECTURE.md's "Where each rule lives" index (same number, same title),
//! every file and function that index names exists, and every rule (or
//! "cause") a code comment cites is in both. A renamed function, a new rule
//! or a citation of a rule that does not exist fails here, naming what to fix.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::workspace;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `### Rule N: title` headings of docs/aws-rules.md.
fn doc_rules(text: &str) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("### Rule ") else {
            continue;
        };
        let (n, title) = rest
            .split_once(": ")
            .unwrap_or_else(|| panic!("docs/aws-rules.md: heading without a title: {line}"));
        let n: u32 = n
            .parse()
            .unwrap_or_else(|_| panic!("docs/aws-rules.md: heading without a number: {line}"));
        assert!(
            out.insert(n, title.to_string()).is_none(),
            "docs/aws-rules.md: rule {n} appears twice"
        );
    }
    out
}

/// The numbered causes ("cause N") of the rules page's list of usual causes.
fn doc_causes(text: &str) -> Vec<u32> {
    let Some(start) = text.find("the usual causes") else {
        return Vec::new();
    };
    let section = &text[start..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |e| e + 1)];
    section
        .lines()
        .filter_map(|l| l.split_once(". ").and_then(|(n, _)| n.parse().ok()))
        .collect()
}

/// The index rows: rule number → (title, where-cell, line).
fn index_rows(text: &str) -> BTreeMap<u32, (String, String)> {
    let start = text
        .find("## Where each rule lives")
        .expect("ARCHITECTURE.md has a \"## Where each rule lives\" section");
    let section = &text[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut out = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            continue;
        }
        let Ok(n) = cells[1].parse::<u32>() else {
            continue;
        };
        assert!(
            out.insert(n, (cells[2].to_string(), cells[3].to_string()))
                .is_none(),
            "ARCHITECTURE.md: rule {n} has two rows in the index"
        );
    }
    out
}

/// `file::function` references (in backticks) of an index cell.
fn code_refs(cell: &str) -> Vec<(String, Option<String>)> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.contains(".rs") || t.ends_with(".ron"))
        .map(|t| match t.split_once("::") {
            Some((file, f)) => (file.to_string(), Some(f.to_string())),
            None => (t.to_string(), None),
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The comment text of a line, if it has a comment outside a string.
fn comment(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.starts_with("//") {
        return Some(t);
    }
    let at = line.find(" // ")?;
    // A `//` inside a string literal (a URL) is not a comment.
    line[..at]
        .matches('"')
        .count()
        .is_multiple_of(2)
        .then(|| &line[at..])
}

/// The numbers cited after each "rule"/"rules" (or `word`) of a comment:
/// "rule 9", "rules 12, 13, 14", "rules 1 and 10", "Rules 4-6". A NACL's
/// own rule numbers ("NACL rule 100") are not citations.
fn cited(text: &str, word: &str) -> Vec<u32> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(word) {
        let at = from + i;
        from = at + word.len();
        let before = lower[..at].trim_end();
        if before.ends_with("acl") || lower[..at].ends_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let mut rest = &lower[from..];
        rest = rest.strip_prefix('s').unwrap_or(rest);
        let Some(mut rest) = rest.strip_prefix(' ') else {
            continue;
        };
        let mut last = None;
        loop {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                break;
            }
            let n: u32 = rest[..digits].parse().unwrap();
            rest = &rest[digits..];
            match last {
                Some(lo) if lo < n => out.extend(lo + 1..=n),
                _ => out.push(n),
            }
            last = None;
            if let Some(r) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('–')) {
                last = out.last().copied();
                rest = r;
            } else if let Some(r) = rest
                .strip_prefix(", ")
                .or_else(|| rest.strip_prefix(" and "))
            {
                rest = r;
            } else {
                break;
            }
        }
    }
    out
}

#[test]
fn cited_finds_the_forms_the_code_uses() {
    assert_eq!(cited("// Rule 9: longest prefix", "rule"), [9]);
    assert_eq!(cited("(rules 12, 13, 14)", "rule"), [12, 13, 14]);
    assert_eq!(cited("rules 1 and 10; seed", "rule"), [1, 10]);
    assert_eq!(cited("/// Rules 4-6: which", "rule"), [4, 5, 6]);
    assert_eq!(cited("NACL rule 101 for ::/0", "rule"), Vec::<u32>::new());
    assert_eq!(cited("Rule number 1 allowing", "rule"), Vec::<u32>::new());
    assert_eq!(cited("(aws-rules.md cause 2)", "cause"), [2]);
}

#[test]
fn every_rule_is_indexed_and_every_citation_exists() {
    let root = workspace();
    let docs = read(&root.join("docs/aws-rules.md"));
    let rules = doc_rules(&docs);
    let causes = doc_causes(&docs);
    assert!(
        rules.len() >= 22,
        "docs/aws-rules.md lists {} rules",
        rules.len()
    );
    assert!(
        causes.len() >= 7,
        "docs/aws-rules.md lists {} causes",
        causes.len()
    );
    let arch = read(&root.join("ARCHITECTURE.md"));
    let index = index_rows(&arch);
    let mut problems = Vec::new();

    for (n, title) in &rules {
        match index.get(n) {
            None => problems.push(format!(
                "rule {n} ({title}) has no row in ARCHITECTURE.md's \"Where each rule lives\""
            )),
            Some((t, _)) if t != title => problems.push(format!(
                "ARCHITECTURE.md's index calls rule {n} \"{t}\", docs/aws-rules.md \"{title}\""
            )),
            Some(_) => {}
        }
    }
    for (n, (_, cell)) in &index {
        if !rules.contains_key(n) {
            problems.push(format!(
                "ARCHITECTURE.md's index has rule {n}, docs/aws-rules.md does not"
            ));
        }
        let refs = code_refs(cell);
        if refs.is_empty() {
            problems.push(format!(
                "ARCHITECTURE.md's index names no code for rule {n}"
            ));
        }
        for (file, f) in refs {
            let path = root.join("crates").join(&file);
            let Ok(src) = fs::read_to_string(&path) else {
                problems.push(format!(
                    "ARCHITECTURE.md's index, rule {n}: crates/{file} does not exist"
                ));
                continue;
            };
            if let Some(f) = f
                && !src.contains(&format!("fn {f}("))
                && !src.contains(&format!("fn {f}<"))
            {
                problems.push(format!(
                    "ARCHITECTURE.md's index, rule {n}: crates/{file} has no function `{f}`"
                ));
            }
        }
    }

    let mut files = Vec::new();
    for krate in fs::read_dir(root.join("crates")).unwrap().flatten() {
        rust_files(&krate.path().join("src"), &mut files);
        rust_files(&krate.path().join("tests"), &mut files);
    }
    files.sort();
    let this = Path::new(file!()).file_name().unwrap();
    let mut citations = 0;
    for path in &files {
        if path.file_name() == Some(this) {
            continue;
        }
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        for (i, line) in read(path).lines().enumerate() {
            if line.contains("shared/spec") {
                problems.push(format!(
                    "{shown}:{}: cites shared/spec, which the repository does not have; cite docs/aws-rules.md",
                    i + 1
                ));
            }
            let Some(c) = comment(line) else { continue };
            for n in cited(c, "rule") {
                citations += 1;
                if !rules.contains_key(&n) {
                    problems.push(format!(
                        "{shown}:{}: cites rule {n}, which docs/aws-rules.md does not have",
                        i + 1
                    ));
                } else if !index.contains_key(&n) {
                    problems.push(format!(
                        "{shown}:{}: cites rule {n}, which ARCHITECTURE.md's index does not have",
                        i + 1
                    ));
                }
            }
            if c.contains("aws-rules") {
                for n in cited(c, "cause") {
                    if !causes.contains(&n) {
                        problems.push(format!(
                            "{shown}:{}: cites cause {n}, which docs/aws-rules.md does not list",
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    // Guard against a vacuous pass (a scan that finds no comments).
    assert!(
        citations > 50,
        "only {citations} rule citations found in crates/"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
