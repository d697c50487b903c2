//! Invariants that change the scenario and compare: monotonicity, callee
//! placement, and following recommended fixes.

use awsreach_model::spec::FunctionVpcSpec;
use awsreach_model::{ScenarioSpec, validate};
use awsreach_sim::{Engine, Outcome, ProbeError, ProbeOptions, Verdict, apply_remedy};

use crate::ProbeSpec;

use super::{Change, Direction, EXHAUSTIVE_CAP, Invariant, Pick, Violation, mix};
use super::{Checker, opts, show_outcome};

impl Checker<'_, '_> {
    /// The scenario after `change`, compiled; None when the change does not
    /// apply or makes the scenario invalid (not the engine's fault).
    pub(super) fn changed(&self, change: &Change) -> Option<(ScenarioSpec, Engine)> {
        let mut spec = self.spec.clone();
        if !change.apply(&mut spec) {
            return None;
        }
        let checked = validate(&spec).ok()?;
        Some((spec, Engine::new(checked.scenario)))
    }

    pub(super) fn monotonic(&mut self, before: &[Result<Outcome, ProbeError>]) {
        let chosen: Vec<Change> = match self.focus.change {
            Some(c) => vec![c.clone()],
            None if self.cfg.exhaustive => Change::candidates(self.spec)
                .into_iter()
                .flatten()
                .take(EXHAUSTIVE_CAP)
                .collect(),
            None => {
                let groups = Change::candidates(self.spec);
                if groups.is_empty() {
                    return;
                }
                let mut pick = Pick(mix(self.seed, 1));
                (0..self.cfg.changes)
                    .map(|_| {
                        let g = &groups[pick.below(groups.len())];
                        g[pick.below(g.len())].clone()
                    })
                    .collect()
            }
        };
        for change in chosen {
            let dir = change.direction();
            let Some((_, after)) = self.changed(&change) else {
                continue;
            };
            for (p, was) in self.probes.iter().zip(before) {
                *self.current.borrow_mut() = Some(p.clone());
                let Ok(was) = was else { continue };
                self.count(Invariant::Monotonic);
                let now = after
                    .probe(&p.from, &p.to, &opts(p))
                    .map(|q| after.outcome(&q));
                let broken = matches!(
                    (dir, was, &now),
                    (
                        Direction::Permissive,
                        Outcome::Reachable,
                        Ok(Outcome::Blocked(_))
                    ) | (
                        Direction::Restrictive,
                        Outcome::Blocked(_),
                        Ok(Outcome::Reachable)
                    ) | (_, _, Err(_))
                );
                if broken {
                    self.out.push(Violation {
                        invariant: Invariant::Monotonic,
                        probe: Some(p.clone()),
                        change: Some(change.clone()),
                        cell: None,
                        key: String::new(),
                        detail: format!(
                            "a {} change turned {} into {}",
                            if dir == Direction::Permissive {
                                "permissive"
                            } else {
                                "restrictive"
                            },
                            show_outcome(&Ok(*was)),
                            show_outcome(&now)
                        ),
                    });
                    // One probe per change is enough to shrink on.
                    break;
                }
            }
            *self.current.borrow_mut() = None;
        }
    }

    /// Seed principles 1 and 3: move a function (keeping it last, so no
    /// other interface's address moves) and ask every caller again.
    pub(super) fn callee_placement(&mut self, engine: &Engine) {
        let sc = engine.scenario();
        let spec = self.spec;
        let moves: Vec<Change> = match self.focus.change {
            Some(c @ Change::Place { .. }) => vec![c.clone()],
            Some(_) => return,
            None if self.cfg.exhaustive => {
                let mut all = Vec::new();
                for f in &spec.functions {
                    if f.vpc.is_some() {
                        all.push(Change::Place {
                            function: f.id.clone(),
                            vpc: None,
                        });
                    }
                    for s in &spec.subnets {
                        all.push(Change::Place {
                            function: f.id.clone(),
                            vpc: Some(FunctionVpcSpec {
                                subnets: vec![s.id.clone()],
                                security_groups: Vec::new(),
                                ipv6_dual_stack: false,
                            }),
                        });
                    }
                }
                all.truncate(EXHAUSTIVE_CAP);
                all
            }
            None => {
                if spec.functions.is_empty() {
                    return;
                }
                let mut pick = Pick(mix(self.seed, 2));
                (0..self.cfg.placements)
                    .map(|_| {
                        let f = &spec.functions[pick.below(spec.functions.len())];
                        let vpc =
                            if f.vpc.is_some() && pick.below(2) == 0 || spec.subnets.is_empty() {
                                None
                            } else {
                                let s = &spec.subnets[pick.below(spec.subnets.len())];
                                let same: Vec<&str> = spec
                                    .subnets
                                    .iter()
                                    .filter(|t| t.vpc == s.vpc)
                                    .map(|t| t.id.as_str())
                                    .collect();
                                let mut subnets = vec![s.id.clone()];
                                let other = same[pick.below(same.len())];
                                if other != s.id {
                                    subnets.push(other.to_string());
                                }
                                Some(FunctionVpcSpec {
                                    subnets,
                                    security_groups: Vec::new(),
                                    ipv6_dual_stack: false,
                                })
                            };
                        Change::Place {
                            function: f.id.clone(),
                            vpc,
                        }
                    })
                    .collect()
            }
        };
        for mv in moves {
            let Change::Place { function, .. } = &mv else {
                continue;
            };
            let Some(f) = spec.functions.iter().find(|f| &f.id == function) else {
                continue;
            };
            // The same function, last in the list, where it was.
            let stay = Change::Place {
                function: function.clone(),
                vpc: f.vpc.clone(),
            };
            let (Some((_, a)), Some((_, b))) = (self.changed(&stay), self.changed(&mv)) else {
                continue;
            };
            let mut callers: Vec<String> = vec!["internet".into()];
            callers.extend(
                sc.functions
                    .iter()
                    .map(|g| g.name.clone())
                    .filter(|g| g != function),
            );
            callers.extend(sc.resources.iter().map(|r| r.name.clone()));
            callers.extend(sc.external_hosts.iter().map(|h| h.name.clone()));
            let mut managed = Vec::new();
            for t in &sc.triggers {
                if sc.functions[t.function.ix()].name == *function {
                    callers.push(t.name.clone());
                    callers.push(sc.services[t.service.ix()].id.clone());
                    if t.source.polls_in_aws() {
                        managed.push(t.name.clone());
                    }
                }
            }
            callers.dedup();
            if let Some(p) = self.probes.first().filter(|_| self.focus.change.is_some()) {
                // Shrinking: only the caller that showed the problem.
                callers.retain(|c| *c == p.from);
            }
            for caller in callers {
                let p = ProbeSpec {
                    from: caller.clone(),
                    to: function.clone(),
                    port: None,
                    protocol: None,
                    ipv6: false,
                };
                *self.current.borrow_mut() = Some(p.clone());
                self.count(Invariant::CalleePlacement);
                let oa = a
                    .probe(&caller, function, &ProbeOptions::default())
                    .map(|q| a.outcome(&q));
                let ob = b
                    .probe(&caller, function, &ProbeOptions::default())
                    .map(|q| b.outcome(&q));
                let detail = if oa != ob {
                    Some(format!(
                        "invoking gives {} before the move and {} after",
                        show_outcome(&oa),
                        show_outcome(&ob)
                    ))
                } else if managed.contains(&caller) && ob != Ok(Outcome::Reachable) {
                    Some(format!(
                        "a Lambda-managed poller does not deliver: {}",
                        show_outcome(&ob)
                    ))
                } else {
                    None
                };
                if let Some(d) = detail {
                    self.out.push(Violation {
                        invariant: Invariant::CalleePlacement,
                        probe: Some(p),
                        change: Some(mv.clone()),
                        cell: None,
                        key: String::new(),
                        detail: d,
                    });
                    break;
                }
            }
            *self.current.borrow_mut() = None;
        }
    }

    /// Applies the first remedy of a few blocked traces (different codes first).
    pub(super) fn fix_sound(&mut self, engine: &Engine, outcomes: &[Result<Outcome, ProbeError>]) {
        let mut blocked: Vec<(usize, awsreach_sim::Code)> = outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                Ok(Outcome::Blocked(c)) => Some((i, *c)),
                _ => None,
            })
            .collect();
        // One per code first, in a seeded order.
        let mut pick = Pick(mix(self.seed, 3));
        for k in (1..blocked.len()).rev() {
            blocked.swap(k, pick.below(k + 1));
        }
        let mut seen = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        for &(i, c) in &blocked {
            if !seen.contains(&c) {
                seen.push(c);
                order.push(i);
            }
        }
        for &(i, _) in &blocked {
            if !order.contains(&i) {
                order.push(i);
            }
        }
        if !self.cfg.exhaustive {
            order.truncate(self.cfg.fixes);
        }
        for i in order {
            let p = self.probes[i].clone();
            *self.current.borrow_mut() = Some(p.clone());
            if let Some(d) = self.fix_chain(engine, &p) {
                // The kind of failure is what a smaller scenario must show.
                let key = ["invalid", "refused", "circles", "still blocked"]
                    .into_iter()
                    .find(|k| d.contains(k))
                    .unwrap_or("")
                    .to_string();
                self.out.push(Violation {
                    invariant: Invariant::FixSound,
                    probe: Some(p.clone()),
                    change: None,
                    cell: None,
                    key,
                    detail: d,
                });
            }
        }
        *self.current.borrow_mut() = None;
    }

    /// Follows the recommended fixes of a blocked probe, up to
    /// [`FIX_ROUNDS`] of them. Each must give a valid scenario; the first
    /// must get the probe further (reachable, another code, or a block at
    /// another hop or for another reason, or from another ENI of a function
    /// in several subnets, where the fix cleared the ENI that decided: hop
    /// indices are no measure, a fix can shorten the path before the
    /// block); and no fix may bring the
    /// scenario back to one seen before, which would send a user who
    /// follows the advice in circles. Long chains are no violation: a
    /// generated scenario can have many independent problems.
    pub(super) fn fix_chain(&mut self, engine: &Engine, p: &ProbeSpec) -> Option<String> {
        // (code, the blocking hop's component and detail, why, the sending
        // ENI's hop: a function's ENIs decide one after another).
        type State = (
            awsreach_sim::Code,
            Option<(String, String)>,
            String,
            Option<String>,
        );
        let state =
            |e: &Engine, t: &awsreach_sim::Trace| -> Option<(State, Vec<awsreach_sim::Remedy>)> {
                match &t.verdict {
                    Verdict::Reachable | Verdict::Unknown(_) => None,
                    Verdict::Blocked(b) => {
                        let ex = e.explain(t)?;
                        Some((
                            (
                                b.code,
                                t.hops.get(b.hop).map(|h| {
                                    let s = t.show(h, e.scenario());
                                    (s.component().to_string(), s.detail().to_string())
                                }),
                                ex.why,
                                t.hops
                                    .first()
                                    .map(|h| t.show(h, e.scenario()).detail().to_string()),
                            ),
                            ex.fixes,
                        ))
                    }
                }
            };
        let probe = engine.probe(&p.from, &p.to, &opts(p)).ok()?;
        let (mut now, mut fixes) = state(engine, &engine.trace(&probe))?;
        let mut visited: Vec<ScenarioSpec> = vec![self.spec.clone()];
        let mut applied: Vec<String> = Vec::new();
        for round in 0..FIX_ROUNDS {
            let remedy = fixes.first()?.clone();
            if round == 0 {
                self.count(Invariant::FixSound);
            }
            let current = visited.last().expect("the original spec").clone();
            let (fixed, sc) = match apply_remedy(&current, &remedy) {
                Ok(x) => x,
                Err(e) => {
                    return Some(format!(
                        "the fix `{remedy}` for {} makes the scenario invalid: {}",
                        now.0,
                        e.errors.first().map(|d| d.to_string()).unwrap_or_default()
                    ));
                }
            };
            applied.push(format!("{} -> `{remedy}`", now.0));
            if visited.contains(&fixed) {
                return Some(format!(
                    "the recommended fixes go in circles (the scenario comes back to an earlier state): {}",
                    applied.join(", then ")
                ));
            }
            visited.push(fixed);
            let e2 = Engine::new(sc);
            let q = match e2.probe(&p.from, &p.to, &opts(p)) {
                Ok(q) => q,
                Err(e) => {
                    return Some(format!(
                        "after the fix `{remedy}` the probe is refused: {e}"
                    ));
                }
            };
            let (next, next_fixes) = state(&e2, &e2.trace(&q))?;
            if round == 0 && next == now {
                return Some(format!(
                    "after the fix `{remedy}` the probe is still blocked with {} at the same hop ({})",
                    next.0, next.2
                ));
            }
            (now, fixes) = (next, next_fixes);
        }
        None
    }
}

/// How many recommended fixes in a row `fix-sound` follows.
const FIX_ROUNDS: usize = 12;

/// The variant name of a validation problem, e.g. `DuplicateIp`.
pub(super) fn problem_kind(p: &awsreach_model::Problem) -> String {
    let d = format!("{p:?}");
    d.split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_string()
}
