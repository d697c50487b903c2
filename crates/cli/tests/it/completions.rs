//! `completions`, `man` and `complete-ids` through the real binary: every
//! script is generated, and the bash, zsh and fish scripts really complete
//! scenario ids when those shells are installed (skipped with a message
//! otherwise).

use std::path::Path;
use std::process::Command;

use super::{awsreach, workspace};

const P4: &str = "scenarios/seed/p4-public-subnet-calls-out.ron";

/// A shell's path, or a printed skip message.
fn shell(name: &str) -> Option<String> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!("SKIP: {name} is not installed; its completion script is not exercised");
    }
    found.map(|p| p.display().to_string())
}

/// Runs `shell -c script` in the workspace with the binary first on PATH.
fn run_in(shell: &str, args: &[&str], script: &str) -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_awsreach")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = Command::new(shell)
        .args(args)
        .arg(script)
        .current_dir(workspace())
        .env("PATH", path)
        .output()
        .expect("the shell runs");
    assert!(
        out.status.success(),
        "{shell} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn script(shell: &str) -> String {
    let run = awsreach(&workspace(), &["completions", shell]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    run.stdout
}

#[test]
fn every_shell_gets_a_script_with_every_subcommand() {
    for sh in ["bash", "zsh", "fish", "powershell"] {
        let s = script(sh);
        for sub in ["trace", "check", "matrix", "explain", "completions", "man"] {
            assert!(s.contains(sub), "{sh} script lacks `{sub}`");
        }
        assert!(s.contains("format"), "{sh} script lacks options");
    }
    for sh in ["bash", "zsh", "fish"] {
        assert!(
            script(sh).contains("awsreach complete-ids"),
            "{sh} script completes no scenario ids"
        );
    }
    // Every `--from`/`--to` of trace, matrix and report is pointed at the id helper in zsh.
    let zsh = script("zsh");
    assert_eq!(zsh.matches(":_awsreach_scenario_ids'").count(), 6, "{zsh}");
    assert!(!zsh.contains(":ID:_default"));
    let bad = awsreach(&workspace(), &["completions", "tcsh"]);
    assert_eq!(bad.code, 2, "{}", bad.transcript());
}

#[test]
fn complete_ids_lists_the_scenario_ids_and_is_silent_on_bad_files() {
    let run = awsreach(&workspace(), &["complete-ids", P4]);
    assert_eq!(run.code, 0);
    let ids: Vec<&str> = run.stdout.lines().collect();
    for id in ["fn", "fn-private", "s3", "sqs", "internet"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no id twice");
    let bad = awsreach(&workspace(), &["complete-ids", "no-such-file.ron"]);
    assert_eq!(
        (bad.code, bad.stdout.as_str(), bad.stderr.as_str()),
        (0, "", "")
    );
    // Hidden: not offered to users in the help or the completions.
    let help = awsreach(&workspace(), &["--help"]);
    assert!(!help.stdout.contains("complete-ids"));
}

#[test]
fn bash_completes_ids_after_from_and_to() {
    let Some(bash) = shell("bash") else { return };
    let s = script("bash");
    let dir = std::env::temp_dir().join(format!("awsreach-compl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("awsreach.bash");
    std::fs::write(&file, s).unwrap();
    let out = run_in(
        &bash,
        &["--norc", "-c"],
        &format!(
            r#"source '{f}'
COMP_WORDS=(awsreach trace {P4} --from f); COMP_CWORD=4; _awsreach_ids
echo "trace: ${{COMPREPLY[*]}}"
COMP_WORDS=(awsreach matrix {P4} --to fn,s3,i); COMP_CWORD=4; _awsreach_ids
echo "matrix: ${{COMPREPLY[*]}}"
COMP_WORDS=(awsreach tra); COMP_CWORD=1; _awsreach_ids awsreach tra awsreach
echo "sub: ${{COMPREPLY[*]}}""#,
            f = file.display()
        ),
    );
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.contains("trace: fn fn-private\n"), "{out}");
    assert!(out.contains("matrix: fn,s3,internet\n"), "{out}");
    assert!(out.contains("sub: trace\n"), "{out}");
}

#[test]
fn zsh_completes_ids_after_from_and_to() {
    let Some(zsh) = shell("zsh") else { return };
    let dir = std::env::temp_dir().join(format!("awsreach-zsh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_awsreach"), script("zsh")).unwrap();
    // compadd is a completion builtin: outside a completion it is stubbed to
    // print the candidates it was handed.
    let out = run_in(
        &zsh,
        &["-f", "-c"],
        &format!(
            r#"autoload -U compinit; compinit -u -d '{d}/zcompdump'
source '{d}/_awsreach'
compadd() {{ [[ $1 == -a ]] && print -l -- ${{(P)2}} }}
words=(trace {P4} --from f); _awsreach_scenario_ids"#,
            d = dir.display()
        ),
    );
    std::fs::remove_dir_all(&dir).ok();
    let ids: Vec<&str> = out.lines().collect();
    assert!(ids.contains(&"fn") && ids.contains(&"fn-private"), "{out}");
}

#[test]
fn fish_completes_ids_after_from_and_to() {
    let Some(fish) = shell("fish") else { return };
    let dir = std::env::temp_dir().join(format!("awsreach-fish-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("awsreach.fish");
    std::fs::write(&file, script("fish")).unwrap();
    let out = run_in(
        &fish,
        &["--no-config", "-c"],
        &format!(
            "source '{}'; complete -C 'awsreach trace {P4} --from f'",
            file.display()
        ),
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out, "fn\nfn-private\n");
}

#[test]
fn man_page_has_every_subcommand_with_its_examples() {
    let run = awsreach(&workspace(), &["man"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.starts_with(".ie") || run.stdout.starts_with(".TH"));
    assert!(run.stdout.contains(".TH awsreach 1"));
    for sub in ["TRACE", "CHECK", "MATRIX", "COMPLETIONS"] {
        assert!(
            run.stdout.contains(&format!(".SH \"AWSREACH {sub}\"")),
            "no section for {sub}"
        );
    }
    assert!(
        run.stdout
            .contains("awsreach trace scenarios/seed/p4-public-subnet-calls-out.ron")
    );
    assert!(
        !run.stdout.contains("COMPLETE-IDS"),
        "hidden command stays hidden"
    );
}
