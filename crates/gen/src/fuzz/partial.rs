//! No guessing (invariant `no-guess`): hide part of a scenario the way an
//! importer loses it — list it under `missing` and drop some of what it
//! covers — then every answer the engine still gives must be the answer on
//! the whole scenario. A verdict is a claim about AWS: with data missing the
//! engine says `unknown`, naming what is missing, or what it says holds
//! whatever the missing data was (docs/scenario-format.md, `missing`).
//!
//! What is hidden is chosen per entity from the seed and the entity's id,
//! so a shrunk scenario hides the same pieces of what it keeps.

use awsreach_model::spec::{EndpointKind, MissingKind, MissingSpec, TriggerSource};
use awsreach_model::{ScenarioSpec, validate};
use awsreach_sim::{Code, Engine, Outcome, ProbeError, ProbeOptions};

use super::checker::{Checker, opts, several_enis, show_outcome, trace_shape};
use super::{Invariant, Pick, mix};

/// One in `ODDS[seed % 3]` of the pieces that can be missing is hidden:
/// many, so that most paths meet one, or few, so that answers past them
/// are compared too.
const ODDS: [u64; 3] = [6, 14, 40];

/// A number from the seed and a name: the same for the same entity however
/// the scenario around it changes.
fn roll(seed: u64, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    mix(seed, h)
}

/// Drops about half of a hidden list: "its rules, or some of them".
fn thin<T>(list: &mut Vec<T>, seed: u64, id: &str, what: &str) {
    let mut i = 0;
    list.retain(|_| {
        i += 1;
        roll(seed, &[what, id, &i.to_string()]).is_multiple_of(2)
    });
}

/// The scenario with some data hidden (listed in `missing`, some of it
/// dropped); None when nothing was chosen.
pub(super) fn hide(spec: &ScenarioSpec, seed: u64) -> Option<ScenarioSpec> {
    let odds = ODDS[(seed % 3) as usize];
    let mut s = spec.clone();
    let listed = spec.missing.clone();
    let mut added = Vec::new();
    let mut lack = |id: &str, what: MissingKind| {
        let already = listed.iter().any(|m| m.entity == id && m.what == what);
        let hit = !already && roll(seed, &[what.name(), id]).is_multiple_of(odds);
        if hit {
            added.push(MissingSpec {
                entity: id.to_string(),
                what,
                note: Some("hidden by the fuzz harness".to_string()),
            });
        }
        hit
    };
    for sub in &mut s.subnets {
        if lack(&sub.id, MissingKind::RouteTable) {
            sub.route_table = None;
        }
        if lack(&sub.id, MissingKind::NetworkAcl) {
            // Either side may name the association: drop both.
            sub.network_acl = None;
            for a in &mut s.network_acls {
                a.subnets.retain(|x| *x != sub.id);
            }
        }
    }
    for t in &mut s.route_tables {
        if lack(&t.id, MissingKind::Routes) {
            thin(&mut t.routes, seed, &t.id, "routes");
        }
    }
    for g in &mut s.security_groups {
        if lack(&g.id, MissingKind::Rules) {
            thin(&mut g.ingress, seed, &g.id, "ingress");
            match &mut g.egress {
                Some(e) => thin(e, seed, &g.id, "egress"),
                // The default allow-all egress rule is one of the missing.
                None if roll(seed, &["default egress", &g.id]).is_multiple_of(2) => {
                    g.egress = Some(Vec::new())
                }
                None => {}
            }
        }
    }
    for a in &mut s.network_acls {
        if lack(&a.id, MissingKind::Rules) {
            thin(&mut a.ingress, seed, &a.id, "ingress");
            thin(&mut a.egress, seed, &a.id, "egress");
        }
    }
    // Placement: the groups are thinned; subnets only where no address
    // assigned after the ENI's would shift (a probe to a literal address
    // would then ask about another ENI): a function's subnets that no
    // later function lists (functions' ENIs are assigned last).
    let mut later: Vec<String> = Vec::new();
    for f in s.functions.iter_mut().rev() {
        let hidden = lack(&f.id, MissingKind::Placement);
        let Some(v) = &mut f.vpc else { continue };
        if hidden {
            thin(&mut v.security_groups, seed, &f.id, "groups");
            let first = v.subnets.first().cloned();
            let mut i = 0;
            v.subnets.retain(|x| {
                i += 1;
                Some(x) == first.as_ref()
                    || later.contains(x)
                    || roll(seed, &["subnets", &f.id, &i.to_string()]).is_multiple_of(2)
            });
        }
        later.extend(v.subnets.iter().cloned());
    }
    for f in &mut s.functions {
        if lack(&f.id, MissingKind::Policy)
            && let Some(p) = &mut f.policy
        {
            thin(&mut p.allow, seed, &f.id, "allow");
        }
    }
    for r in &mut s.resources {
        if lack(&r.id, MissingKind::Placement) {
            thin(&mut r.security_groups, seed, &r.id, "groups");
        }
    }
    for e in &mut s.vpc_endpoints {
        if e.kind == EndpointKind::Interface && lack(&e.id, MissingKind::Placement) {
            thin(&mut e.security_groups, seed, &e.id, "groups");
        }
        if lack(&e.id, MissingKind::Policy)
            && let Some(p) = &mut e.policy
        {
            if let Some(allow) = &mut p.allow {
                thin(allow, seed, &e.id, "allow");
            }
            thin(&mut p.deny, seed, &e.id, "deny");
        }
    }
    for t in &mut s.triggers {
        let Some(id) = t.id.clone() else { continue };
        if t.source.polls_in_vpc() && lack(&id, MissingKind::Placement) {
            thin(&mut t.security_groups, seed, &id, "groups");
        }
        if matches!(t.source, TriggerSource::AmazonMq) && lack(&id, MissingKind::Engine) {
            t.engine = None;
        }
    }
    for g in &mut s.transit_gateways {
        if lack(&g.id, MissingKind::TgwRoutes) {
            thin(&mut g.routes, seed, &g.id, "routes");
            for rt in &mut g.route_tables {
                thin(&mut rt.routes, seed, &rt.id, "routes");
            }
            for (i, a) in g.attachments.iter_mut().enumerate() {
                if let Some(p) = &mut a.propagate {
                    thin(p, seed, &g.id, &format!("propagate {i}"));
                }
            }
        }
    }
    if added.is_empty() {
        return None;
    }
    s.missing.extend(added);
    Some(s)
}

/// The kind of missing data an `UNKNOWN_*` code names.
fn kind_of(c: Code) -> Option<MissingKind> {
    Some(match c {
        Code::UnknownRouteTable => MissingKind::RouteTable,
        Code::UnknownRoutes => MissingKind::Routes,
        Code::UnknownNetworkAcl => MissingKind::NetworkAcl,
        Code::UnknownRules => MissingKind::Rules,
        Code::UnknownPlacement => MissingKind::Placement,
        Code::UnknownTgwRoutes => MissingKind::TgwRoutes,
        Code::UnknownPolicy => MissingKind::Policy,
        Code::UnknownAddress => MissingKind::Address,
        Code::UnknownEngine => MissingKind::Engine,
        _ => return None,
    })
}

impl Checker<'_, '_> {
    /// Hides data from the scenario and asks every probe and a sample of
    /// matrix cells again: each answer is `unknown` with a code naming a
    /// kind of data that is missing, or the whole scenario's answer.
    /// `whole`: the answers on the whole scenario, probe by probe.
    pub(super) fn no_guess(&mut self, engine: &Engine, whole: &[Result<Outcome, ProbeError>]) {
        let Some(partial) = hide(self.spec, self.seed) else {
            return;
        };
        let hidden: Vec<String> = partial.missing[self.spec.missing.len()..]
            .iter()
            .map(|m| format!("{} of {}", m.what.name(), m.entity))
            .collect();
        let hidden = hidden.join(", ");
        let checked = match validate(&partial) {
            Ok(c) => c,
            Err(e) => {
                let first = e.errors.first().map(|d| d.to_string()).unwrap_or_default();
                self.report(
                    Invariant::NoGuess,
                    None,
                    format!("with {hidden} hidden the scenario does not validate: {first}"),
                );
                return;
            }
        };
        // A host known by its hostname only lacks its address (rule 26).
        let by_name = partial.external_hosts.iter().any(|h| h.ip.is_none());
        let kinds: Vec<MissingKind> = partial
            .missing
            .iter()
            .map(|m| m.what)
            .chain(by_name.then_some(MissingKind::Address))
            .collect();
        let lacks = |c: Code| kind_of(c).is_some_and(|k| kinds.contains(&k));
        let pe = Engine::new(checked.scenario);
        for (p, whole) in self.probes.iter().zip(whole) {
            let Ok(whole) = *whole else { continue };
            *self.current.borrow_mut() = Some(p.clone());
            self.count(Invariant::NoGuess);
            let whole_each = engine
                .probe(&p.from, &p.to, &opts(p))
                .map(|q| engine.outcome_each_eni(&q))
                .unwrap_or_default();
            let said = pe.probe(&p.from, &p.to, &opts(p)).map(|q| {
                let t = pe.trace(&q);
                let shape = trace_shape(&pe, &t, p);
                (t.outcome(), pe.outcome(&q), pe.outcome_each_eni(&q), shape)
            });
            let detail = match said {
                Err(e) => Some(format!("with {hidden} hidden the engine refuses it: {e}")),
                Ok((t, o, _, _)) if t != o => Some(format!(
                    "with {hidden} hidden the trace says {}, the outcome {}",
                    show_outcome(&Ok(t)),
                    show_outcome(&Ok(o))
                )),
                Ok((_, _, _, Some(shape))) => Some(format!("with {hidden} hidden: {shape}")),
                // A function's first blocked ENI gives its code: with one
                // ENI's answer hidden another may give it, so the ENIs are
                // compared one by one and the function's verdict by word.
                Ok((_, o, each, None)) => each
                    .iter()
                    .zip(&whole_each)
                    .find_map(|(&o, &w)| self.partial_answer(o, w, true, &lacks, &hidden))
                    .or_else(|| self.partial_answer(o, whole, each.is_empty(), &lacks, &hidden)),
            };
            if let Some(d) = detail {
                self.report(Invariant::NoGuess, Some(p), d);
            }
        }
        *self.current.borrow_mut() = None;
        self.no_guess_matrix(engine, &pe, &lacks, &hidden);
    }

    /// One answer on the partial scenario against the whole one's; counts
    /// the unknown codes (proof that hiding reached the walk).
    /// `exact`: the codes must agree too, not just the verdicts.
    fn partial_answer(
        &mut self,
        o: Outcome,
        whole: Outcome,
        exact: bool,
        lacks: &dyn Fn(Code) -> bool,
        hidden: &str,
    ) -> Option<String> {
        match o {
            Outcome::Unknown(c) if o == whole || lacks(c) => {
                if o != whole {
                    *self.hidden.entry(c.as_str()).or_default() += 1;
                }
                None
            }
            Outcome::Unknown(c) => Some(format!(
                "with {hidden} hidden the engine answers unknown {c}, which names nothing missing"
            )),
            _ if o == whole || (!exact && o.word() == whole.word()) => None,
            _ => Some(format!(
                "with {hidden} hidden the engine guesses {}; the whole scenario says {}",
                show_outcome(&Ok(o)),
                show_outcome(&Ok(whole))
            )),
        }
    }

    /// A sample of matrix cells: the partial matrix against its own cells,
    /// and each cell against the whole scenario's.
    fn no_guess_matrix(
        &mut self,
        engine: &Engine,
        pe: &Engine,
        lacks: &dyn Fn(Code) -> bool,
        hidden: &str,
    ) {
        let (rows, cols) = (pe.sources(), pe.destinations());
        if rows.is_empty() || cols.is_empty() || rows != engine.sources() {
            return;
        }
        // IPv4, and IPv6 too where a VPC is dual-stack (`--ip-version 6`).
        let v6 = pe.scenario().vpcs.iter().any(|v| v.ipv6_cidr.is_some());
        let mut reported = 0;
        for ipv6 in [false, true].into_iter().take(1 + v6 as usize) {
            let opts = ProbeOptions {
                ipv6,
                ..ProbeOptions::default()
            };
            let m = pe.matrix_with(&rows, &cols, &opts);
            let cell = |e: &Engine, i: usize, j: usize| match ipv6 {
                false => e.cell(rows[i], cols[j]),
                true => (rows[i] != cols[j])
                    .then(|| e.probe_nodes(rows[i], cols[j], &opts).ok())
                    .flatten()
                    .map(|p| e.outcome(&p)),
            };
            let mut pick = Pick(mix(self.seed, 91 + ipv6 as u64));
            for _ in 0..self.cfg.matrix_cells.min(rows.len() * cols.len()) {
                let (i, j) = (pick.below(rows.len()), pick.below(cols.len()));
                let (got, whole) = (cell(pe, i, j), cell(engine, i, j));
                self.count(Invariant::NoGuess);
                let over = if ipv6 { " over IPv6" } else { "" };
                let detail = if m.get(i, j) != got && (!ipv6 || rows[i] != cols[j]) {
                    Some(format!(
                        "with {hidden} hidden{over} the matrix says {:?}, the cell alone {got:?}",
                        m.get(i, j)
                    ))
                } else {
                    match (got, whole) {
                        (Some(o), Some(w)) => {
                            self.partial_answer(o, w, !several_enis(pe, rows[i]), lacks, hidden)
                        }
                        (None, None) => None,
                        _ => Some(format!(
                            "with {hidden} hidden{over} the cell is {got:?}, on the whole scenario {whole:?}"
                        )),
                    }
                };
                if let Some(d) = detail
                    && reported < 3
                {
                    reported += 1;
                    let (r, c) = (pe.node_name(rows[i]), pe.node_name(cols[j]));
                    self.out.push(super::Violation {
                        invariant: Invariant::NoGuess,
                        probe: None,
                        change: None,
                        cell: Some((r, c)),
                        key: String::new(),
                        detail: d,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_entity_is_hidden_whatever_surrounds_it() {
        let opts = crate::GenOptions::new(crate::Profile::Realistic, 3);
        let spec = crate::generate(&opts);
        let seed = (0..64)
            .find(|&s| hide(&spec, s).is_some())
            .expect("some seed hides something");
        let partial = hide(&spec, seed).unwrap();
        let added = &partial.missing[spec.missing.len()..];
        assert!(!added.is_empty());
        // Without the first subnet (and what names it) the remaining
        // entities are hidden exactly as before.
        let mut smaller = spec.clone();
        let gone = smaller.subnets.remove(0).id;
        let again = hide(&smaller, seed).map(|s| s.missing).unwrap_or_default();
        for m in added.iter().filter(|m| m.entity != gone) {
            assert!(
                again.contains(m),
                "{} of {} no longer hidden",
                m.what.name(),
                m.entity
            );
        }
        // Hidden lists lose some items, never gain any.
        for (a, b) in spec.route_tables.iter().zip(&partial.route_tables) {
            assert!(b.routes.iter().all(|r| a.routes.contains(r)));
        }
    }
}
