//! The matrix text view through the real binary: the legend, ASCII glyphs
//! (asked for, or from a non-UTF-8 locale), ports in headers, and a layout
//! that fits the width.

use std::process::Command;

use super::{awsreach, workspace};

const FULL: &str = "scenarios/example-full.ron";
const P6: &str = "scenarios/seed/p6-private-no-nat-calls-out.ron";

/// The binary under a given locale, every other variable as the harness has it.
fn with_locale(vars: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsreach"));
    cmd.args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env_remove("LANG")
        .env_remove("COLUMNS");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ascii_when_asked_or_when_the_locale_is_not_utf8() {
    let unicode = awsreach(&workspace(), &["matrix", P6, "--from", "fn"]).stdout;
    assert!(
        unicode.contains("✗ NO_ROUTE") && unicode.contains("○ reachable"),
        "{unicode}"
    );
    let ascii = awsreach(&workspace(), &["matrix", P6, "--from", "fn", "--ascii"]).stdout;
    assert!(ascii.is_ascii(), "{ascii}");
    assert!(
        ascii.contains("x NO_ROUTE") && ascii.contains("o reachable"),
        "{ascii}"
    );
    assert_eq!(
        ascii.lines().count(),
        unicode.lines().count(),
        "same table, other glyphs"
    );
    assert_eq!(
        with_locale(&[("LANG", "C")], &["matrix", P6, "--from", "fn"]),
        ascii
    );
    assert_eq!(with_locale(&[], &["matrix", P6, "--from", "fn"]), ascii);
    assert_eq!(
        with_locale(
            &[("LC_ALL", "en_US.UTF-8"), ("LANG", "C")],
            &["matrix", P6, "--from", "fn"]
        ),
        unicode
    );
}

#[test]
fn the_legend_closes_the_table() {
    let run = awsreach(&workspace(), &["matrix", P6, "--from", "fn"]);
    let last = run.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        "○ reachable   ✗ CODE blocked (awsreach explain CODE)   — not a meaningful pair"
    );
    let md = awsreach(&workspace(), &["matrix", P6, "--format", "markdown"]);
    assert!(md.stdout.contains("○ reachable"), "{}", md.stdout);
    // Data formats stay data.
    let csv = awsreach(&workspace(), &["matrix", P6, "--format", "csv"]);
    assert!(!csv.stdout.contains("reachable   "), "{}", csv.stdout);
}

#[test]
fn headers_name_ports_other_than_443() {
    let run = awsreach(&workspace(), &["matrix", FULL, "--width", "400"]);
    let header = run.stdout.lines().next().unwrap();
    assert!(header.contains(" orders-db:5432 "), "{header}");
    assert!(header.contains(" sessions-cache:6379 "), "{header}");
    assert!(header.contains(" web-1:80 "), "{header}");
    assert!(header.contains(" firewall:udp/500 "), "{header}");
    assert!(
        !header.contains("s3:"),
        "services are HTTPS calls: {header}"
    );
}

#[test]
fn a_wide_matrix_wraps_to_the_width_and_keeps_every_cell() {
    let wide = awsreach(&workspace(), &["matrix", FULL, "--width", "1000"]).stdout;
    assert_eq!(
        wide.lines().filter(|l| l.starts_with("from \\ to")).count(),
        1
    );
    let widest = wide.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest > 300, "the full table is wide: {widest}");
    let narrow = awsreach(&workspace(), &["matrix", FULL, "--width", "100"]).stdout;
    let tables = narrow
        .lines()
        .filter(|l| l.starts_with("from \\ to"))
        .count();
    assert!(tables >= 4, "{narrow}");
    for l in narrow.lines() {
        assert!(l.chars().count() <= 100, "too wide: {l}");
    }
    // The same cells, only rearranged.
    let cells = |t: &str| {
        let mut v: Vec<String> = t
            .lines()
            .filter(|l| !l.starts_with("from \\ to"))
            .flat_map(|l| {
                l.split("  ")
                    .skip(1)
                    .map(|c| c.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|c| !c.is_empty())
            .collect();
        v.sort();
        v
    };
    assert_eq!(cells(&wide), cells(&narrow));
}

#[test]
fn long_ids_are_shortened_only_when_they_stay_distinct() {
    let run = awsreach(
        &workspace(),
        &["matrix", FULL, "--width", "40", "--from", "function"],
    );
    assert_eq!(run.code, 0);
    // At 40 columns row labels get a third, 13: `nightly-report` (14) is
    // cut in the middle; the shorter ones stay whole.
    assert!(run.stdout.contains("\nnightl…report "), "{}", run.stdout);
    assert!(!run.stdout.contains("\nnightly-report"), "{}", run.stdout);
    assert!(run.stdout.contains("\norder-worker "), "{}", run.stdout);
}

/// `--ip-version 6` asks every flow over IPv6: an end without an IPv6
/// address is NO_IPV6, a flow IPv4 allows can be blocked, the corner and
/// JSON say which version was asked; `diff --ip-version 6` sees a change
/// that only IPv6 meets (the `::/0` route to the egress-only gateway gone),
/// which the IPv4 diff does not.
#[test]
fn matrix_and_diff_ask_over_ipv6_when_told() {
    const V6: &str = "scenarios/rules/ipv6-fixes.ron";
    let args = ["matrix", V6, "--from", "app", "--to", "old,open,internet"];
    let v4 = awsreach(&workspace(), &args).stdout;
    let v6 = awsreach(&workspace(), &[&args[..], &["--ip-version", "6"]].concat()).stdout;
    let row = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("app"))
            .unwrap()
            .to_string()
    };
    assert!(v4.starts_with("from \\ to  "), "{v4}");
    assert!(v6.starts_with("from \\ to (IPv6)"), "{v6}");
    assert!(
        row(&v4).contains('○') && !row(&v4).contains("NO_IPV6"),
        "{v4}"
    );
    assert!(
        row(&v6).contains("✗ NO_IPV6"),
        "old has no IPv6 address: {v6}"
    );
    let json = awsreach(
        &workspace(),
        &[&args[..], &["--ip-version", "6", "--format", "json"]].concat(),
    )
    .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["ip_version"], 6);
    assert_eq!(v["cells"][0][0]["code"], "NO_IPV6", "{json}");

    let dir = std::env::temp_dir().join(format!("awsreach-v6-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let before = workspace().join(V6);
    let after = dir.join("after.ron");
    let text = std::fs::read_to_string(&before).unwrap();
    let cut = "(dest: \"::/0\", target: EgressOnlyIgw(\"eigw\"))";
    assert!(text.contains(cut));
    std::fs::write(&after, text.replace(cut, "")).unwrap();
    let (b, a) = (before.to_str().unwrap(), after.to_str().unwrap());
    let diff4 = awsreach(&dir, &["diff", b, a]);
    let diff6 = awsreach(&dir, &["diff", b, a, "--ip-version", "6"]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        diff4.stdout.contains("no change in reachability"),
        "{}",
        diff4.stdout
    );
    assert!(
        diff6
            .stdout
            .contains("app -> internet (flow tcp/443): NO_ROUTE"),
        "{}",
        diff6.stdout
    );
}
