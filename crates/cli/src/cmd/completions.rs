//! `awsreach completions SHELL`, `awsreach man` and the hidden
//! `awsreach complete-ids FILE`: shell completion scripts and the man page,
//! generated from the clap definition so they never drift from it.
//!
//! clap_complete's own dynamic completion sits behind its `unstable-dynamic`
//! feature, so scenario ids for `--from`/`--to` are completed another way:
//! the bash, zsh and fish scripts call `awsreach complete-ids FILE` (the
//! scenario file already typed on the command line) and offer its ids.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use clap::{CommandFactory, ValueEnum};

use crate::cli::{Cli, Exit};

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Prints a completion script for the shell; scenario ids after `--from` and `--to` of
`trace` and `matrix` are completed from the scenario file on the command line (bash,
zsh and fish), subcommands and options everywhere.

Examples:
  awsreach completions bash > ~/.local/share/bash-completion/completions/awsreach
  awsreach completions zsh > ~/.zfunc/_awsreach      # with fpath+=(~/.zfunc) before compinit
  awsreach completions fish > ~/.config/fish/completions/awsreach.fish
  awsreach completions powershell >> $PROFILE

Exit codes:
  0  printed
  2  an unknown shell")]
pub struct Args {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells a completion script is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Prints the man page (roff) of awsreach, with every subcommand and option.

Examples:
  awsreach man > ~/.local/share/man/man1/awsreach.1 && man awsreach
  awsreach man | man -l -
  awsreach man | grep -A3 'AWSREACH TRACE'

Exit codes:
  0  printed")]
pub struct ManArgs {}

#[derive(Debug, clap::Args)]
pub struct IdsArgs {
    /// Scenario file (RON).
    pub file: PathBuf,
}

pub fn run(args: Args) -> Result<Exit> {
    crate::out::print(&script(args.shell))?;
    Ok(Exit::Ok)
}

/// The completion script of `shell`, with the scenario-id completion added.
pub fn script(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    let name = "awsreach";
    use clap_complete::shells;
    match shell {
        Shell::Bash => clap_complete::generate(shells::Bash, &mut cmd, name, &mut buf),
        Shell::Zsh => clap_complete::generate(shells::Zsh, &mut cmd, name, &mut buf),
        Shell::Fish => clap_complete::generate(shells::Fish, &mut cmd, name, &mut buf),
        Shell::Powershell => clap_complete::generate(shells::PowerShell, &mut cmd, name, &mut buf),
    }
    let text = String::from_utf8(buf).expect("clap_complete writes UTF-8");
    match shell {
        Shell::Bash => format!("{text}{BASH_IDS}"),
        Shell::Zsh => zsh_with_ids(&text),
        Shell::Fish => format!("{text}{FISH_IDS}"),
        Shell::Powershell => text,
    }
}

/// Wraps clap's `_awsreach` so that `--from`/`--to` of `trace` and `matrix`
/// complete scenario ids (after the last comma for matrix filters).
const BASH_IDS: &str = r#"
# Scenario ids for --from/--to, from the scenario file already on the line.
_awsreach_ids() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    if [[ "$prev" == "--from" || "$prev" == "--to" ]]; then
        local sub="" file="" i w
        for ((i = 1; i < COMP_CWORD; i++)); do
            w="${COMP_WORDS[i]}"
            if [[ -z "$sub" ]]; then
                [[ "$w" != -* ]] && sub="$w"
            elif [[ -z "$file" && "$w" != -* && -f "$w" ]]; then
                file="$w"
            fi
        done
        if [[ ( "$sub" == "trace" || "$sub" == "matrix" ) && -n "$file" ]]; then
            local ids head=""
            ids="$(awsreach complete-ids "$file" 2>/dev/null)"
            if [[ "$sub" == "matrix" ]]; then
                ids+=$'\nfunction\nresource\nservice\nhost'
                [[ "$cur" == *,* ]] && head="${cur%,*},"
            fi
            local IFS=$'\n'
            COMPREPLY=($(compgen -P "$head" -W "$ids" -- "${cur##*,}"))
            [[ "$sub" == "matrix" ]] && compopt -o nospace 2>/dev/null
            return 0
        fi
    fi
    _awsreach "$@"
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _awsreach_ids -o nosort -o bashdefault -o default awsreach
else
    complete -F _awsreach_ids -o bashdefault -o default awsreach
fi
"#;

/// The zsh action that offers scenario ids: the first existing file after
/// the subcommand is the scenario.
const ZSH_IDS: &str = r#"
# Scenario ids for --from/--to, from the scenario file already on the line.
(( $+functions[_awsreach_scenario_ids] )) ||
_awsreach_scenario_ids() {
    # Inside a subcommand, zsh's `words` starts at it: (trace FILE --from ...).
    local sub="" file="" w
    for w in "${words[@]}"; do
        if [[ -z "$sub" ]]; then
            [[ "$w" == trace || "$w" == matrix ]] && sub="$w"
        elif [[ "$w" != -* && -f "$w" ]]; then
            file="$w"; break
        fi
    done
    [[ -z "$file" ]] && return 1
    local -a ids
    ids=(${(f)"$(awsreach complete-ids "$file" 2>/dev/null)"})
    if [[ "$sub" == matrix ]]; then
        ids+=(function resource service host)
        _sequence compadd -a ids
    else
        compadd -a ids
    fi
}
"#;

/// Points clap's `--from`/`--to` actions (value name `ID`/`ID_OR_KIND`) at
/// `_awsreach_scenario_ids`, and defines it before the script's last line.
fn zsh_with_ids(text: &str) -> String {
    let text = text
        .replace(":ID:_default'", ":ID:_awsreach_scenario_ids'")
        .replace(
            ":ID_OR_KIND:_default'",
            ":ID_OR_KIND:_awsreach_scenario_ids'",
        );
    // clap ends the script by calling or registering `_awsreach`; the helper
    // must be defined before that call runs.
    match text.rfind("\nif [ \"$funcstack[1]\" = \"_awsreach\" ]") {
        Some(at) => format!("{}{ZSH_IDS}{}", &text[..at + 1], &text[at + 1..]),
        None => format!("{text}{ZSH_IDS}"),
    }
}

/// Fish completes `--from`/`--to` from `awsreach complete-ids` of the first
/// file argument of `trace` or `matrix`.
const FISH_IDS: &str = r#"
# Scenario ids for --from/--to, from the scenario file already on the line.
function __awsreach_scenario_ids
    set -l words (commandline -opc)
    for w in $words[3..-1]
        if not string match -q -- '-*' $w; and test -f $w
            awsreach complete-ids $w 2>/dev/null
            if test "$words[2]" = matrix
                printf '%s\n' function resource service host
            end
            return
        end
    end
end
complete -c awsreach -n "__fish_seen_subcommand_from trace matrix" -l from -f -r -a "(__awsreach_scenario_ids)"
complete -c awsreach -n "__fish_seen_subcommand_from trace matrix" -l to -f -r -a "(__awsreach_scenario_ids)"
"#;

pub fn man(_args: ManArgs) -> Result<Exit> {
    crate::out::print(&String::from_utf8(man_page()?)?)?;
    Ok(Exit::Ok)
}

/// The roff man page of the whole command, subcommands included.
pub fn man_page() -> Result<Vec<u8>> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    // clap_mangen's subcommand section lists names only; each subcommand's
    // options, examples and exit status follow, as `awsreach CMD --help` shows them.
    man.render_subcommands_section(&mut buf)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub = sub.clone().bin_name(format!("awsreach {}", sub.get_name()));
        let help = sub.render_long_help().to_string();
        writeln!(buf, ".SH \"AWSREACH {}\"", sub.get_name().to_uppercase())?;
        writeln!(buf, ".nf")?;
        for line in help.lines() {
            writeln!(buf, "{}", roff_line(line))?;
        }
        writeln!(buf, ".fi")?;
    }
    man.render_extra_section(&mut buf)?;
    man.render_version_section(&mut buf)?;
    Ok(buf)
}

/// One line of preformatted text, escaped for roff: backslashes doubled and
/// a leading `.` or `'` (a request) neutralised.
fn roff_line(line: &str) -> String {
    let s = line.replace('\\', "\\e");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// Prints the ids `--from`/`--to` accept in a scenario, one a line, for the
/// completion scripts; prints nothing (exit 0) when the file does not load,
/// since a completion must never spill errors into the user's prompt.
pub fn ids(args: IdsArgs) -> Result<Exit> {
    let Ok(source) = crate::load::Source::read(&args.file) else {
        return Ok(Exit::Ok);
    };
    let crate::load::Outcome::Valid { checked, .. } = crate::load::check(&source) else {
        return Ok(Exit::Ok);
    };
    let sc = &checked.scenario;
    let mut out = crate::out::Out::stdout();
    let names = sc
        .functions
        .iter()
        .map(|x| &x.name)
        .chain(sc.resources.iter().map(|x| &x.name))
        .chain(sc.external_hosts.iter().map(|x| &x.name))
        .chain(sc.triggers.iter().map(|x| &x.name))
        .chain(sc.services.iter().map(|x| &x.id));
    let internet = "internet".to_string();
    let mut seen = std::collections::HashSet::new();
    for n in names.chain(std::iter::once(&internet)) {
        if seen.insert(n.clone()) {
            writeln!(out, "{n}")?;
        }
    }
    out.finish()?;
    Ok(Exit::Ok)
}
