//! Hostile inputs, kept out for good: mutates the bundled scenarios (bytes,
//! tokens, values, long and odd ids, bad UTF-8, odd files), runs the real
//! binary's commands on each with a timeout, and counts what must never
//! happen: panics, hangs, exit codes outside 0/1/2/3, errors that do not
//! name the file, and `validate`/`check` disagreeing on whether a file is
//! usable. Failures are copied under `target/hostile-failures/` with the
//! command that replays them.
//!
//! `cargo test` runs a bounded sample (a few hundred inputs). A long run:
//!
//! ```text
//! AWSREACH_HOSTILE_INPUTS=100000 cargo test --release -p awsreach --test it hostile -- --nocapture
//! ```
//!
//! `AWSREACH_HOSTILE_SEED` picks the seed (printed either way),
//! `AWSREACH_HOSTILE_BIN` another `awsreach` binary (a release build: the
//! harness itself needs no optimising), `AWSREACH_HOSTILE_LONG_ID` the
//! length of the longest id tried (70,000 in long runs; 2,000 in the bounded
//! run, whose debug binary validates a 70,000-character id too slowly).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::workspace;

/// A small, seedable generator (splitmix64): the harness must replay a
/// failure from its seed and index on any machine, with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every bundled scenario, as bytes.
fn corpus() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "ron") {
                out.push((p.display().to_string(), fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&workspace().join("scenarios"), &mut out);
    out
}

/// The quoted strings of a text (ids, cidrs, codes), for value mutations
/// and for the endpoints of `trace`.
fn quoted(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = text[i..].iter().position(|&b| b == b'"') {
        let start = i + a + 1;
        let Some(len) = text[start..].iter().position(|&b| b == b'"') else {
            break;
        };
        out.push(text[start..start + len].to_vec());
        i = start + len + 1;
    }
    out
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    if from.is_empty() {
        return hay.to_vec();
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Ids people (and importers) will write: long, escaped, unicode, empty.
fn odd_id(rng: &mut Rng, longest: usize) -> Vec<u8> {
    let long = |n: usize| "x".repeat(n).into_bytes();
    match rng.below(9) {
        0 => long(longest),
        1 => long(300),
        2 => br"back\\slash".to_vec(),
        3 => br#"quo\"te"#.to_vec(),
        4 => "ünï-çødé-名前".as_bytes().to_vec(),
        5 => Vec::new(),
        6 => b"with space".to_vec(),
        7 => b"a{b}[c]<d>|e;f".to_vec(),
        _ => b"-".to_vec(),
    }
}

/// One mutation of `text`, named for the report.
fn mutate(rng: &mut Rng, text: &mut Vec<u8>, longest: usize) -> &'static str {
    let len = text.len().max(1);
    match rng.below(14) {
        0 => {
            let at = rng.below(len).min(text.len().saturating_sub(1));
            if !text.is_empty() {
                text[at] ^= 1 << rng.below(8);
            }
            "flip a bit"
        }
        1 => {
            let at = rng.below(len + 1).min(text.len());
            let bytes: &[&[u8]] = &[
                b"(", b")", b"[", b"]", b",", b":", b"\"", b"//", b"/*", b"\\", b"0",
            ];
            let b = rng.pick(bytes);
            text.splice(at..at, b.iter().copied());
            "insert a token byte"
        }
        2 => {
            let at = rng.below(len).min(text.len());
            let n = rng.below(64).min(text.len() - at);
            text.drain(at..at + n);
            "delete a span"
        }
        3 => {
            let at = rng.below(len).min(text.len());
            let n = rng.below(256).min(text.len() - at);
            let span = text[at..at + n].to_vec();
            text.splice(at..at, span);
            "duplicate a span"
        }
        4 => {
            let at = rng.below(len + 1).min(text.len());
            let bad: &[&[u8]] = &[b"\xFF", b"\xC3", b"\xE2\x82", b"\xED\xA0\x80", b"\0"];
            text.splice(at..at, rng.pick(bad).iter().copied());
            "insert invalid UTF-8"
        }
        5 | 6 => {
            let q = quoted(text);
            if q.is_empty() {
                return "no value to rename";
            }
            let from = rng.pick(&q).clone();
            let to = odd_id(rng, longest);
            let mut quoted_from = b"\"".to_vec();
            quoted_from.extend(&from);
            quoted_from.push(b'"');
            let mut quoted_to = b"\"".to_vec();
            quoted_to.extend(&to);
            quoted_to.push(b'"');
            *text = replace_all(text, &quoted_from, &quoted_to);
            "rename a value everywhere to an odd id"
        }
        7 => {
            let q = quoted(text);
            if q.len() < 2 {
                return "no value to swap";
            }
            let (a, b) = (rng.pick(&q).clone(), rng.pick(&q).clone());
            let mut qa = b"\"".to_vec();
            qa.extend(&a);
            qa.push(b'"');
            let mut qb = b"\"".to_vec();
            qb.extend(&b);
            qb.push(b'"');
            // Only the first occurrence: a reference now names something else.
            if let Some(pos) = text.windows(qa.len()).position(|w| w == qa.as_slice()) {
                text.splice(pos..pos + qa.len(), qb);
            }
            "replace one value by another"
        }
        8 => {
            // A number becomes an extreme one.
            let digits: Vec<usize> = text
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if digits.is_empty() {
                return "no number";
            }
            let at = *rng.pick(&digits);
            let big: &[&[u8]] = &[
                b"99999999999999999999",
                b"65536",
                b"-1",
                b"4294967296",
                b"0",
                b"33",
            ];
            text.splice(at..at + 1, rng.pick(big).iter().copied());
            "an extreme number"
        }
        9 => {
            // Deep nesting.
            let at = rng.below(len + 1).min(text.len());
            let n = 1 + rng.below(5000);
            let open = if rng.below(2) == 0 { b'(' } else { b'[' };
            text.splice(at..at, std::iter::repeat_n(open, n));
            "deep nesting"
        }
        10 => {
            // A line repeated, so entities and rules duplicate.
            let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            let k = rng.below(lines.len());
            let times = 1 + rng.below(50);
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                let n = if i == k { times + 1 } else { 1 };
                for _ in 0..n {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                }
            }
            *text = out;
            "repeat a line"
        }
        11 => {
            // Truncated file.
            let at = rng.below(len).min(text.len());
            text.truncate(at);
            "truncate"
        }
        12 => {
            // A whole odd file.
            *text = match rng.below(6) {
                0 => Vec::new(),
                1 => b"\xEF\xBB\xBF()".to_vec(),
                2 => {
                    let mut v = vec![0xFF, 0xFE];
                    for c in "(vpcs: [])".encode_utf16() {
                        v.extend(c.to_le_bytes());
                    }
                    v
                }
                3 => b"   \n\n // only a comment\n".to_vec(),
                4 => vec![b'('; 100_000],
                _ => b"(vpcs: [(id: \"v\", cidr: \"10.0.0.0/16\")], subnets: [(id: \"s\", vpc: \"v\", cidr: \"10.0.0.0/33\")])".to_vec(),
            };
            "an odd file"
        }
        _ => {
            // A CIDR or address made wrong.
            let q = quoted(text);
            let nets: Vec<&Vec<u8>> = q
                .iter()
                .filter(|v| v.contains(&b'.') && v.iter().any(u8::is_ascii_digit))
                .collect();
            if nets.is_empty() {
                return "no address";
            }
            let from = (*rng.pick(&nets)).clone();
            let bad: &[&[u8]] = &[
                b"300.1.1.1/16",
                b"10.0.0.0/33",
                b"10.0.0.1/8",
                b"::/0",
                b"0.0.0.0/0",
                b"fe80::1%eth0",
                b"",
            ];
            let mut qf = b"\"".to_vec();
            qf.extend(&from);
            qf.push(b'"');
            let mut qt = b"\"".to_vec();
            qt.extend(rng.pick(bad).iter());
            qt.push(b'"');
            *text = replace_all(text, &qf, &qt);
            "a bad address"
        }
    }
}

/// What one run of a command did.
struct Ran {
    code: Option<i32>,
    timed_out: bool,
    stderr: String,
}

fn run(bin: &Path, args: &[String], stderr_file: &Path, limit: Duration) -> Ran {
    let err = fs::File::create(stderr_file).unwrap();
    let mut child = Command::new(bin)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    // At most the first MiB: a command must not echo 100 MB either.
    let mut stderr = fs::read(stderr_file).unwrap_or_default();
    stderr.truncate(1 << 20);
    Ran {
        code: status.code(),
        timed_out,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

#[derive(Default)]
struct Counts {
    inputs: usize,
    runs: usize,
    panics: usize,
    hangs: usize,
    bad_exit: usize,
    no_location: usize,
    disagreements: usize,
    long_stderr: usize,
}

/// The commands run on a mutated file `f`, besides validate and check.
fn other_command(rng: &mut Rng, f: &str, text: &[u8], original: &str) -> Vec<String> {
    let ids = quoted(text);
    let id = |rng: &mut Rng| -> String {
        if ids.is_empty() {
            "fn".into()
        } else {
            let v: &Vec<u8> = rng.pick(&ids);
            // A command line cannot carry a NUL byte (the OS's limit, not ours).
            String::from_utf8_lossy(v).replace('\0', "")
        }
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    match rng.below(9) {
        0 => s(&["show", f]),
        1 => s(&["show", f, "--format", "json"]),
        2 => {
            let (a, b) = (id(rng), id(rng));
            s(&["trace", f, &format!("--from={a}"), &format!("--to={b}")])
        }
        3 => {
            let (a, b) = (id(rng), id(rng));
            let (from, to) = (format!("--from={a}"), format!("--to={b}"));
            s(&["trace", f, &from, &to, "--format", "json"])
        }
        4 => s(&["matrix", f]),
        5 => s(&["matrix", f, "--format", "json"]),
        6 => s(&["graph", f]),
        7 => s(&["diff", original, f]),
        _ => s(&["check", f, "--format", "json"]),
    }
}

/// The errors of a run that do not start with the file they are about.
fn unlocated(stderr: &str, f: &str) -> Option<String> {
    stderr
        .lines()
        .find(|l| l.contains("error:") && !l.starts_with(f) && !l.starts_with("  "))
        .map(str::to_string)
}

/// How a run is set up.
struct Setup {
    inputs: usize,
    seed: u64,
    workers: usize,
    limit: Duration,
    longest: usize,
    bin: PathBuf,
}

fn hostile_run(setup: &Setup) -> Counts {
    let Setup {
        inputs,
        seed,
        workers,
        limit,
        longest,
        ref bin,
    } = *setup;
    let corpus = corpus();
    let dir = workspace().join("target/hostile");
    let keep = workspace().join("target/hostile-failures");
    fs::create_dir_all(&dir).unwrap();
    let next = AtomicUsize::new(0);
    let total = Mutex::new(Counts::default());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..workers {
            let (corpus, dir, keep, next, total) = (&corpus, &dir, &keep, &next, &total);
            let bin = bin.as_path();
            scope.spawn(move || {
                let file = dir.join(format!("input-{}-{w}.ron", std::process::id()));
                let errf = dir.join(format!("stderr-{}-{w}.txt", std::process::id()));
                let f = file.display().to_string();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= inputs {
                        break;
                    }
                    let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
                    let (original, base) = rng.pick(corpus);
                    let mut text = base.clone();
                    let mut what = Vec::new();
                    for _ in 0..1 + rng.below(3) {
                        what.push(mutate(&mut rng, &mut text, longest));
                    }
                    fs::write(&file, &text).unwrap();
                    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
                    let commands = [
                        s(&["validate", &f]),
                        s(&["check", &f]),
                        other_command(&mut rng, &f, &text, original),
                    ];
                    let mut c = Counts {
                        inputs: 1,
                        ..Counts::default()
                    };
                    let mut codes = Vec::new();
                    let mut failure = None;
                    for args in &commands {
                        let ran = run(bin, args, &errf, limit);
                        c.runs += 1;
                        codes.push(ran.code);
                        let problem = if ran.timed_out {
                            c.hangs += 1;
                            Some("hang")
                        } else if ran.stderr.contains("panicked") || ran.code == Some(101) {
                            c.panics += 1;
                            Some("panic")
                        } else if !matches!(ran.code, Some(0..=3)) {
                            c.bad_exit += 1;
                            Some("exit")
                        } else if unlocated(&ran.stderr, &f).is_some() {
                            c.no_location += 1;
                            Some("no-location")
                        } else if ran.stderr.len() > 256 * 1024 && text.len() < 200 * 1024 {
                            c.long_stderr += 1;
                            Some("long-stderr")
                        } else {
                            None
                        };
                        if let (Some(kind), None) = (problem, &failure) {
                            let first = unlocated(&ran.stderr, &f)
                                .or_else(|| {
                                    ran.stderr
                                        .lines()
                                        .find(|l| l.contains("panicked"))
                                        .map(str::to_string)
                                })
                                .unwrap_or_default();
                            failure = Some((kind, args.clone(), first));
                        }
                    }
                    // validate says the file is bad exactly when check cannot use it.
                    let validate_bad = codes[0] == Some(2);
                    let check_bad = codes[1] == Some(2);
                    if validate_bad != check_bad && failure.is_none() {
                        c.disagreements += 1;
                        failure = Some((
                            "disagree",
                            commands[1].clone(),
                            format!("validate {:?}, check {:?}", codes[0], codes[1]),
                        ));
                    }
                    if let Some((kind, args, first)) = failure {
                        fs::create_dir_all(keep).unwrap();
                        let saved = keep.join(format!("{kind}-{seed}-{i}.ron"));
                        fs::write(&saved, &text).unwrap();
                        let args: Vec<String> = args
                            .iter()
                            .map(|a| {
                                if *a == f {
                                    saved.display().to_string()
                                } else {
                                    a.clone()
                                }
                            })
                            .collect();
                        eprintln!(
                            "{kind}: input {i} ({original}; {}): awsreach {}\n    {}",
                            what.join(", "),
                            args.iter()
                                .map(|a| if a.len() > 80 {
                                    format!("{}…", &a[..a.floor_char_boundary(80)])
                                } else {
                                    a.clone()
                                })
                                .collect::<Vec<_>>()
                                .join(" "),
                            first.chars().take(200).collect::<String>()
                        );
                    }
                    let mut t = total.lock().unwrap();
                    t.inputs += c.inputs;
                    t.runs += c.runs;
                    t.panics += c.panics;
                    t.hangs += c.hangs;
                    t.bad_exit += c.bad_exit;
                    t.no_location += c.no_location;
                    t.disagreements += c.disagreements;
                    t.long_stderr += c.long_stderr;
                    if t.inputs % 10_000 == 0 {
                        eprintln!(
                            "hostile: {} inputs, {:.0} s",
                            t.inputs,
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
                let _ = fs::remove_file(&file);
                let _ = fs::remove_file(&errf);
            });
        }
    });
    let c = total.into_inner().unwrap();
    println!(
        "hostile inputs (seed {seed}): {} inputs, {} runs in {:.1} s: {} panics, {} hangs, {} exit codes outside 0-3, {} errors without a location, {} validate/check disagreements, {} stderr over 256 KiB",
        c.inputs,
        c.runs,
        started.elapsed().as_secs_f64(),
        c.panics,
        c.hangs,
        c.bad_exit,
        c.no_location,
        c.disagreements,
        c.long_stderr
    );
    c
}

#[test]
fn hostile_inputs_never_panic_hang_or_lose_their_location() {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let inputs = env("AWSREACH_HOSTILE_INPUTS").unwrap_or(200) as usize;
    let bin = std::env::var_os("AWSREACH_HOSTILE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_awsreach")),
        PathBuf::from,
    );
    let setup = Setup {
        inputs,
        seed: env("AWSREACH_HOSTILE_SEED").unwrap_or(16),
        workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
        // A command that takes this long on a scenario of a few KiB hangs.
        limit: Duration::from_secs(30),
        longest: env("AWSREACH_HOSTILE_LONG_ID").map_or(2_000, |n| n as usize),
        bin,
    };
    let c = hostile_run(&setup);
    let inputs = setup.inputs;
    assert_eq!(c.inputs, inputs);
    assert_eq!(
        (c.panics, c.hangs, c.bad_exit, c.no_location, c.long_stderr),
        (0, 0, 0, 0, 0),
        "see the lines above and target/hostile-failures/"
    );
    // A disagreement is reported, and fails the run too.
    assert_eq!(c.disagreements, 0, "validate and check disagree; see above");
}
