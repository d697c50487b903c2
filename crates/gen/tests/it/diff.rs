//! Properties of `awsreach diff` over generated scenarios: a scenario
//! against itself has no difference; `diff A B` and `diff B A` mirror each
//! other; the block-by-block class-based diff equals a cell-by-cell one;
//! and a permissive change never shows a newly blocked call.

use std::collections::HashSet;

use awsreach_gen::fuzz::{Change, Direction};
use awsreach_gen::{GenOptions, Profile, generate};
use awsreach_model::{ScenarioSpec, validate};
use awsreach_sim::diff::{ReachDiff, Side, diff_in_blocks};
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
