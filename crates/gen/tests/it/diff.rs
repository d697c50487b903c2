//! Properties of `awsreach diff` over generated scenarios: a scenario
//! against itself has no difference; `diff A B` and `diff B A` mirror each
//! other; the block-by-block class-based diff equals a cell-by-cell one;
//! a permissive change never shows a newly blocked call; and the
//! incremental diff (only the rows and columns a change touches) equals the
//! full one.

use std::collections::HashSet;

use awsreach_gen::fuzz::{Change, Direction};
use awsreach_gen::{GenOptions, Profile, generate};
use awsreach_model::{ScenarioSpec, validate};
use awsreach_sim::diff::{ReachDiff, Side, compare, diff_full_in_blocks, diff_in_blocks};
use awsreach_sim::{Engine, Outcome, ProbeOptions};

fn engine(spec: &ScenarioSpec) -> Engine {
    Engine::new(
        validate(spec)
            .expect("generated scenarios validate")
            .scenario,
    )
}

fn run(a: &Engine, b: &Engine, block: usize) -> ReachDiff {
    let (ra, ca, rb, cb) = (a.sources(), a.destinations(), b.sources(), b.destinations());
    diff_in_blocks(
        Side::all(a, &ra, &ca),
        Side::all(b, &rb, &cb),
        &ProbeOptions::default(),
        block,
    )
}

fn cells(d: &ReachDiff) -> HashSet<(String, String, Outcome, Outcome)> {
    d.changes
        .iter()
        .map(|c| {
            let (r, k) = d.keys(c);
            (r.id.clone(), k.id.clone(), c.before, c.after)
        })
        .collect()
}

/// Every changed cell computed one probe at a time, without classes.
fn cell_by_cell(a: &Engine, b: &Engine) -> HashSet<(String, String, Outcome, Outcome)> {
    let mut out = HashSet::new();
    for r in a.sources() {
        let Ok(r2) = b.node(&a.node_name(r)) else {
            continue;
        };
        for c in a.destinations() {
            let Ok(c2) = b.node(&a.node_name(c)) else {
                continue;
            };
            if !b.destinations().contains(&c2) || !b.sources().contains(&r2) {
                continue;
            }
            let x: Option<Outcome> = a.cell(r, c);
            let y = b.cell(r2, c2);
            if let (Some(x), Some(y)) = (x, y)
                && x != y
            {
                out.insert((a.node_name(r), a.node_name(c), x, y));
            }
        }
    }
    out
}

/// The cells both sides have an outcome for, one probe at a time.
fn meaningful_cells(a: &Engine, b: &Engine) -> u64 {
    let mut n = 0;
    for r in a.sources() {
        for c in a.destinations() {
            let (Ok(r2), Ok(c2)) = (b.node(&a.node_name(r)), b.node(&a.node_name(c))) else {
                continue;
            };
            n += u64::from(a.cell(r, c).is_some() && b.cell(r2, c2).is_some());
        }
    }
    n
}

/// One change of each kind that applies, picked by the seed.
fn some_changes(spec: &ScenarioSpec, seed: u64) -> Vec<Change> {
    Change::candidates(spec)
        .into_iter()
        .map(|g| g[(seed as usize * 7919) % g.len()].clone())
        .collect()
}

#[test]
fn diff_of_a_scenario_with_itself_is_empty() {
    for profile in Profile::ALL {
        for seed in 0..8 {
            let spec = generate(&GenOptions::new(profile, seed));
            let (a, b) = (engine(&spec), engine(&spec));
            let d = run(&a, &b, 1 << 20);
            assert!(d.is_empty(), "{profile} seed {seed}: {:?}", d.changes);
            assert!(
                d.compared > 0 || a.sources().is_empty(),
                "{profile} seed {seed}"
            );
        }
    }
}

#[test]
fn diffs_mirror_each_other_and_match_cell_by_cell() {
    let mut changed = 0;
    for profile in Profile::ALL {
        for seed in 0..6 {
            let spec = generate(&GenOptions::new(profile, seed));
            for ch in some_changes(&spec, seed) {
                let mut after = spec.clone();
                if !ch.apply(&mut after) || validate(&after).is_err() {
                    continue;
                }
                let what = format!("{profile} seed {seed}, {ch}");
                let (a, b) = (engine(&spec), engine(&after));
                let ab = run(&a, &b, 1 << 20);
                let ba = run(&b, &a, 1 << 20);
                let mirrored: HashSet<_> = cells(&ba)
                    .into_iter()
                    .map(|(r, c, x, y)| (r, c, y, x))
                    .collect();
                assert_eq!(cells(&ab), mirrored, "{what}");
                assert_eq!(ab.added, ba.removed, "{what}");
                assert_eq!(ab.removed, ba.added, "{what}");
                assert_eq!(ab.compared, ba.compared, "{what}");
                // Small blocks give the same answer as one block.
                assert_eq!(
                    cells(&run(&a, &b, 7)),
                    cells(&ab),
                    "{what}: blocks of 7 cells"
                );
                assert_eq!(cells(&ab), cell_by_cell(&a, &b), "{what}: cell by cell");
                assert_eq!(
                    ab.compared,
                    meaningful_cells(&a, &b),
                    "{what}: cells compared"
                );
                if ch.direction() == Direction::Permissive {
                    assert!(
                        ab.changes.iter().all(|c| c.after == Outcome::Reachable
                            || matches!(c.before, Outcome::Blocked(_))),
                        "{what}: a permissive change blocked a reachable call"
                    );
                }
                changed += usize::from(!ab.changes.is_empty());
            }
        }
    }
    assert!(
        changed > 10,
        "the changes changed something only {changed} times"
    );
}

fn full(a: &Engine, b: &Engine, block: usize) -> ReachDiff {
    let (ra, ca, rb, cb) = (a.sources(), a.destinations(), b.sources(), b.destinations());
    diff_full_in_blocks(
        Side::all(a, &ra, &ca),
        Side::all(b, &rb, &cb),
        &ProbeOptions::default(),
        block,
    )
}

#[test]
fn a_streamed_diff_stops_at_the_first_error_of_its_sink() {
    let spec = generate(&GenOptions::new(Profile::ALL[0], 1));
    let mut after = spec.clone();
    // Every source loses its subnets' routes: many cells change.
    for t in &mut after.route_tables {
        t.routes.clear();
    }
    let (a, b) = (engine(&spec), engine(&after));
    let (ra, ca, rb, cb) = (a.sources(), a.destinations(), b.sources(), b.destinations());
    let cmp = compare(
        Side::all(&a, &ra, &ca),
        Side::all(&b, &rb, &cb),
        &ProbeOptions::default(),
    );
    let total = cmp.collect().changes.len();
    assert!(total > 3, "only {total} changes");
    let cmp = compare(
        Side::all(&a, &ra, &ca),
        Side::all(&b, &rb, &cb),
        &ProbeOptions::default(),
    );
    let mut seen = 0;
    let stopped = cmp.each_change_in_blocks(2, |_| {
        seen += 1;
        if seen == 3 { Err("full") } else { Ok(()) }
    });
    assert_eq!(stopped, Err("full"));
    assert_eq!(seen, 3, "the sink was called after it failed");
}

/// Changes the fuzz changes do not make: an interface's groups, a
/// subnet's table and ACL associations, an address, a group's rules both
/// ways; each keeps every entity (so the diff can stay incremental).
fn own_changes(spec: &ScenarioSpec, seed: u64) -> Vec<(String, ScenarioSpec)> {
    let mut out = Vec::new();
    let pick =
        |n: usize, salt: u64| ((seed.wrapping_mul(6364136223846793005) ^ salt) % n as u64) as usize;
    if !spec.resources.is_empty() {
        let r = pick(spec.resources.len(), 1);
        let vpc = spec
            .subnets
            .iter()
            .find(|s| s.id == spec.resources[r].subnet)
            .map(|s| s.vpc.clone());
        let sgs: Vec<&String> = spec
            .security_groups
            .iter()
            .filter(|g| Some(&g.vpc) == vpc.as_ref())
            .map(|g| &g.id)
            .collect();
        if !sgs.is_empty() {
            let mut s = spec.clone();
            s.resources[r].security_groups = vec![sgs[pick(sgs.len(), 2)].clone()];
            out.push((format!("resource {} groups", spec.resources[r].id), s));
        }
        let mut s = spec.clone();
        s.resources[r].public_ip = match &spec.resources[r].public_ip {
            Some(_) => None,
            None => Some("203.0.113.77".into()),
        };
        out.push((format!("resource {} public ip", spec.resources[r].id), s));
    }
    if !spec.subnets.is_empty() {
        let sn = pick(spec.subnets.len(), 3);
        let vpc = &spec.subnets[sn].vpc;
        let tables: Vec<&String> = spec
            .route_tables
            .iter()
            .filter(|t| &t.vpc == vpc)
            .map(|t| &t.id)
            .collect();
        if !tables.is_empty() {
            let mut s = spec.clone();
            s.subnets[sn].route_table = Some(tables[pick(tables.len(), 4)].clone());
            out.push((format!("subnet {} table", spec.subnets[sn].id), s));
        }
        let mut s = spec.clone();
        s.subnets[sn].network_acl = None;
        out.push((format!("subnet {} default acl", spec.subnets[sn].id), s));
    }
    if !spec.security_groups.is_empty() {
        let g = pick(spec.security_groups.len(), 5);
        let mut s = spec.clone();
        let grp = &mut s.security_groups[g];
        grp.ingress.truncate(grp.ingress.len() / 2);
        if let Some(e) = grp.egress.as_mut() {
            e.truncate(e.len() / 2);
        }
        out.push((format!("group {} halved", spec.security_groups[g].id), s));
    }
    out
}

#[test]
fn incremental_diff_equals_the_full_diff() {
    let (mut pairs, mut narrowed) = (0, 0);
    // More seeds on request (`AWSREACH_DIFF_SEEDS=40`), for a longer search.
    let seeds: u64 = std::env::var("AWSREACH_DIFF_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    for profile in Profile::ALL {
        for seed in 0..seeds {
            let spec = generate(&GenOptions::new(profile, seed));
            let mut afters: Vec<(String, ScenarioSpec)> = Vec::new();
            for group in Change::candidates(&spec) {
                // A few of each kind, picked by the seed.
                for k in 0..group.len().min(3) {
                    let ch = &group[(seed as usize * 7919 + k * 104729) % group.len()];
                    let mut after = spec.clone();
                    if ch.apply(&mut after) {
                        afters.push((ch.to_string(), after));
                    }
                }
            }
            afters.extend(own_changes(&spec, seed));
            let a = engine(&spec);
            for (what, after) in afters {
                if validate(&after).is_err() {
                    continue;
                }
                let what = format!("{profile} seed {seed}, {what}");
                let b = engine(&after);
                let inc = run(&a, &b, 1 << 20);
                let all = full(&a, &b, 1 << 20);
                assert_eq!(cells(&inc), cells(&all), "{what}");
                assert_eq!(inc, all, "{what}");
                // Small blocks give the same incremental answer.
                assert_eq!(run(&a, &b, 5), inc, "{what}: blocks of 5 cells");
                // Streamed one change at a time, in the same order.
                let (ra, ca, rb, cb) =
                    (a.sources(), a.destinations(), b.sources(), b.destinations());
                let cmp = compare(
                    Side::all(&a, &ra, &ca),
                    Side::all(&b, &rb, &cb),
                    &ProbeOptions::default(),
                );
                let mut streamed = Vec::new();
                cmp.each_change_in_blocks(3, |c| {
                    streamed.push(*c);
                    Ok::<(), ()>(())
                })
                .unwrap();
                assert_eq!(
                    streamed, all.changes,
                    "{what}: streamed in blocks of 3 cells"
                );
                pairs += 1;
                narrowed += usize::from(awsreach_sim::diff::is_incremental(&a, &b));
            }
        }
    }
    eprintln!("{narrowed} of {pairs} pairs diffed incrementally");
    assert!(pairs > 100, "only {pairs} pairs compared");
    // Most single-entity changes are narrowed, or the test tests nothing.
    assert!(
        narrowed * 3 > pairs,
        "only {narrowed} of {pairs} pairs were diffed incrementally"
    );
}
