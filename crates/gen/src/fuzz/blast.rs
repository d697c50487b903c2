//! The `fix-scoped` invariant: a fix whose blast radius reports no side
//! effect changes exactly the calls it claims. The blast radius comes from
//! the class-based diff; this recomputes every cell one probe at a time.

use std::collections::BTreeSet;

use awsreach_sim::blast::assess;
use awsreach_sim::{Engine, Outcome, ProbeError, Verdict, apply_remedy};

use super::{Checker, Invariant, Pick, Violation, mix, opts};

/// Scenarios with more matrix cells than this are not compared cell by cell.
const MAX_CELLS: usize = 20_000;

impl Checker<'_, '_> {
    pub(super) fn fix_scoped(&mut self, engine: &Engine, outcomes: &[Result<Outcome, ProbeError>]) {
        let (rows, cols) = (engine.sources(), engine.destinations());
        if rows.len() * cols.len() > MAX_CELLS {
            return;
        }
        let mut blocked: Vec<usize> = (0..outcomes.len())
            .filter(|&i| matches!(outcomes[i], Ok(Outcome::Blocked(_))))
            .collect();
        let mut pick = Pick(mix(self.seed, 12));
        for k in (1..blocked.len()).rev() {
            blocked.swap(k, pick.below(k + 1));
        }
        if !self.cfg.exhaustive {
            blocked.truncate(self.cfg.fixes);
        }
        for i in blocked {
            let p = self.probes[i].clone();
            *self.current.borrow_mut() = Some(p.clone());
            let Ok(probe) = engine.probe(&p.from, &p.to, &opts(&p)) else {
                continue;
            };
            let t = engine.trace(&probe);
            if !matches!(t.verdict, Verdict::Blocked(_)) {
                continue;
            }
            for a in assess(self.spec, engine, &probe, &engine.remedies(&t)) {
                if a.invalid.is_some() || a.side_effects() != 0 {
                    continue;
                }
                self.count(Invariant::FixScoped);
                let Ok((_, sc)) = apply_remedy(self.spec, &a.remedy) else {
                    continue;
                };
                let after = Engine::new(sc);
                let claimed: BTreeSet<(String, String)> = a
                    .claimed
                    .iter()
                    .map(|e| (e.from.id.clone(), e.to.id.clone()))
                    .collect();
                let (rb, cb) = (after.sources(), after.destinations());
                let mut changed = BTreeSet::new();
                for r in &rows {
                    let rn = engine.node_name(*r);
                    let Some(r2) = after.node(&rn).ok().filter(|n| rb.contains(n)) else {
                        continue;
                    };
                    for c in &cols {
                        let cn = engine.node_name(*c);
                        let Some(c2) = after.node(&cn).ok().filter(|n| cb.contains(n)) else {
                            continue;
                        };
                        if let (Some(x), Some(y)) = (engine.cell(*r, *c), after.cell(r2, c2))
                            && x != y
                        {
                            changed.insert((rn.clone(), cn));
                        }
                    }
                }
                if changed != claimed {
                    let show = |s: &BTreeSet<(String, String)>| {
                        s.iter()
                            .map(|(a, b)| format!("{a} -> {b}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    self.out.push(Violation {
                        invariant: Invariant::FixScoped,
                        probe: Some(p.clone()),
                        change: None,
                        cell: None,
                        key: "unclaimed".into(),
                        detail: format!(
                            "the fix `{}` is reported without side effects, claiming [{}], but cell by cell it changes [{}]",
                            a.remedy,
                            show(&claimed),
                            show(&changed)
                        ),
                    });
                }
            }
        }
        *self.current.borrow_mut() = None;
    }
}
