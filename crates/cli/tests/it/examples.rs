//! Examples can never rot: every command line shown in `awsreach --help`,
//! in each subcommand's `--help`, and in README.md's code blocks is run
//! against the real binary and must not end in bad input (exit 2) or a
//! panic. Every subcommand's help must show an example and its exit codes.
//!
//! Shell syntax is handled the way a reader would run the line: `&&` runs
//! the next awsreach command, a pipe or a redirection only sends stdout
//! elsewhere (the test keeps it), `# ...` is a comment, `*` globs a
//! directory. Paths under `scenarios/` are the bundled scenarios; files an
//! example writes land in a scratch directory. Benchmark sizes above 2,000
//! ENIs run at 2,000 (see `shrink_sizes`).

use std::path::{Path, PathBuf};
use std::process::Command;

use awsreach_cli::Cli;
use clap::CommandFactory;

use super::workspace;

/// The example lines of a help text: indented lines that start with
/// `awsreach ` (prose about awsreach starts at the margin), with lines
/// ending in ` \` continued on the next.
fn examples_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(l) = lines.next() {
        let t = l.trim();
        if !l.starts_with("  ") || !t.starts_with("awsreach ") {
            continue;
        }
        let mut cmd = t.to_string();
        while let Some(head) = cmd.strip_suffix(" \\") {
            cmd = format!("{head} {}", lines.next().unwrap_or_default().trim());
        }
        out.push(cmd);
    }
    out
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_awsreach"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?} --help fails");
    String::from_utf8(out.stdout).unwrap()
}

/// The commands shown in README.md's fenced code blocks, `$ ` prompts and
/// `cargo run -p awsreach --` spelled as the binary.
fn readme_examples() -> Vec<String> {
    let text = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let mut in_block = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        let l = line.trim().trim_start_matches("$ ");
        if let Some(rest) = l.strip_prefix("cargo run --release -p awsreach -- ") {
            out.push(format!("awsreach {rest}"));
        } else if l.starts_with("awsreach ") {
            out.push(l.to_string());
        }
    }
    out
}

/// Splits a command into words, honouring single and double quotes.
fn words(cmd: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in cmd.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `dir/prefix*suffix` expanded to the sorted matching paths.
fn glob(pattern: &str) -> Vec<String> {
    let path = Path::new(pattern);
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let (pre, suf) = name.split_once('*').unwrap();
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{pattern}: {e}"))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(pre) && n.ends_with(suf) && n.len() >= pre.len() + suf.len())
        .map(|n| dir.join(n).display().to_string())
        .collect();
    found.sort();
    assert!(!found.is_empty(), "{pattern} matches nothing");
    found
}

/// The argument lists of the awsreach commands of one example line.
fn invocations(line: &str) -> Vec<Vec<String>> {
    let line = line.split(" #").next().unwrap();
    let mut runs = Vec::new();
    for part in line.split("&&") {
        let part = part.split(" | ").next().unwrap();
        let mut args = Vec::new();
        let mut skip_next = false;
        for w in words(part) {
            if skip_next {
                skip_next = false;
            } else if matches!(w.as_str(), ">" | ">>" | "2>" | "<") {
                skip_next = true;
            } else if w.starts_with('>') {
                // `>file`: the output goes to the test instead.
            } else if w.contains('*') {
                let abs = workspace().join(&w).display().to_string();
                args.extend(glob(&abs));
            } else if w.starts_with("scenarios/") {
                args.push(workspace().join(&w).display().to_string());
            } else if w == "template.yaml" {
                // A user's own CloudFormation/SAM template: the bundled one.
                args.push(
                    workspace()
                        .join("scenarios/templates/sam-private-function.yaml")
                        .display()
                        .to_string(),
                );
            } else if w == "./snapshot" {
                // The directory a user's own AWS snapshot is in: the test's one.
                args.push(super::data().join("snapshot").display().to_string());
            } else if w == "plan.json" {
                // A user's `terraform show -json` output: the test's one.
                args.push(
                    super::data()
                        .join("terraform/plan.json")
                        .display()
                        .to_string(),
                );
            } else {
                args.push(w);
            }
        }
        if args.first().is_some_and(|a| a == "awsreach") {
            args.remove(0);
            runs.push(args);
        }
    }
    runs
}

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("awsreach-examples-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The README times 100k-ENI topologies in release builds; here the same
/// commands write 2,000 ENIs, which exercises them in seconds in a debug build.
fn shrink_sizes(args: &mut [String]) {
    for i in 1..args.len() {
        if matches!(args[i - 1].as_str(), "--size" | "--enis")
            && args[i].parse::<u64>().is_ok_and(|n| n > 2000)
        {
            args[i] = "2000".into();
        }
    }
}

/// Runs one example line; panics with the line when it ends in 2 or a panic.
fn run_example(origin: &str, line: &str, dir: &Path) {
    let runs = invocations(line);
    assert!(
        !runs.is_empty(),
        "{origin}: `{line}` runs no awsreach command"
    );
    for mut args in runs {
        shrink_sizes(&mut args);
        let out = Command::new(env!("CARGO_BIN_EXE_awsreach"))
            .args(&args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(code, Some(0 | 1 | 3)) && !stderr.contains("panicked"),
            "{origin}: `{line}` exited {code:?}\n{stderr}"
        );
    }
}

/// Every command a user runs: the subcommands without subcommands of
/// their own (`import aws`, not `import`), as argument paths.
fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        if sub.has_subcommands() {
            leaves(sub, p, out);
        } else {
            out.push((p, sub.clone()));
        }
    }
}

fn all_leaves() -> Vec<(Vec<String>, clap::Command)> {
    let mut out = Vec::new();
    leaves(&Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn every_subcommand_help_shows_examples_and_exit_codes() {
    let all = all_leaves();
    assert!(all.len() >= 14, "{}", all.len());
    for (path, sub) in all {
        let name = path.join(" ");
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let text = help(&args);
        let ex = examples_in(&text);
        assert!(!ex.is_empty(), "`awsreach {name} --help` shows no example");
        assert!(
            ex.iter()
                .any(|e| e.starts_with(&format!("awsreach {name}"))),
            "{name}: {ex:?}"
        );
        assert!(
            text.contains("Exit codes:\n  0  "),
            "`awsreach {name} --help` lists no exit codes"
        );
        // A command that reads a scenario shows one of the bundled ones.
        let takes_scenario = sub
            .get_positionals()
            .any(|a| ["file", "files", "paths", "before"].contains(&a.get_id().as_str()));
        if takes_scenario {
            assert!(
                ex.iter().any(|e| e.contains("scenarios/")),
                "{name}: no example on a bundled scenario"
            );
        }
    }
    let top = help(&["--help"]);
    assert!(top.contains("  3  unknown"), "{top}");
}

#[test]
fn every_example_in_help_and_readme_runs() {
    let dir = scratch();
    let mut lines: Vec<(String, String)> = examples_in(&help(&["--help"]))
        .into_iter()
        .map(|l| ("awsreach --help".to_string(), l))
        .collect();
    for (path, _) in all_leaves() {
        let origin = format!("awsreach {} --help", path.join(" "));
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        lines.extend(
            examples_in(&help(&args))
                .into_iter()
                .map(|l| (origin.clone(), l)),
        );
    }
    let readme = readme_examples();
    assert!(readme.len() >= 5, "README shows its commands: {readme:?}");
    lines.extend(readme.into_iter().map(|l| ("README.md".to_string(), l)));
    // Lines are independent (each writes its own files): four at a time.
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    while let Some((origin, line)) =
                        lines.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        run_example(origin, line, &dir);
                    }
                })
            })
            .collect();
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    std::fs::remove_dir_all(&dir).ok();
    eprintln!("{} examples ran", lines.len());
}

#[test]
fn the_example_parser_reads_shell_lines_as_a_reader_would() {
    let runs = invocations(
        "awsreach gen --seed 7 -o 'my net.ron' && awsreach matrix net.ron | head > x # note",
    );
    assert_eq!(
        runs,
        [
            vec!["gen", "--seed", "7", "-o", "my net.ron"],
            vec!["matrix", "net.ron"]
        ]
    );
    let runs = invocations("awsreach man > ~/.local/share/man/man1/awsreach.1 && man awsreach");
    assert_eq!(runs, [vec!["man"]]);
    let shown = examples_in(
        "Examples:\n  awsreach diff a.ron \\\n      b.ron --to service\nawsreach is prose\n",
    );
    assert_eq!(shown, ["awsreach diff a.ron b.ron --to service"]);
    let runs = invocations("awsreach validate scenarios/seed/p1*.ron");
    assert_eq!(runs[0].len(), 2);
    assert!(runs[0][1].ends_with("p1-outside-vpc-calls-out.ron"));
}
