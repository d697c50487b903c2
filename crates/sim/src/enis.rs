//! A function in several subnets, one answer per ENI. Lambda gives a VPC
//! function one Hyperplane ENI per subnet and may send a call from any of
//! them (rule 23), so the probe from the function is reachable only when
//! every ENI gets through; these are the probes and answers of each ENI
//! (`fn@subnet`), so a user sees which ENIs work, which do not, and why.

use awsreach_model::EniId;

use crate::engine::{Engine, Node, Probe};
use crate::trace::{CallKind, Outcome, Trace};

/// How the ENIs of a function answer one probe when they do not all give
/// the same verdict: some reach and others do not (or some are blocked and
/// others unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    /// ENIs that reach the destination.
    pub reach: u32,
    /// The function's ENIs (one per subnet).
    pub of: u32,
}

impl Split {
    /// The split of these per-ENI outcomes, or `None` when every ENI gives
    /// the same verdict (reachable, blocked or unknown).
    pub fn of(outcomes: &[Outcome]) -> Option<Split> {
        let first = outcomes.first()?.word();
        if outcomes.iter().all(|o| o.word() == first) {
            return None;
        }
        Some(Split {
            reach: outcomes
                .iter()
                .filter(|o| **o == Outcome::Reachable)
                .count() as u32,
            of: outcomes.len() as u32,
        })
    }
}

impl Engine {
    /// The ENIs a probe's source may send from when there is a choice: a
    /// VPC function with more than one (in the order of its subnets). Empty
    /// for every other source, whose one answer is the whole answer.
    pub fn source_enis(&self, probe: &Probe) -> &[EniId] {
        match probe.from {
            Node::Function(f) if probe.kind != CallKind::Trigger => self.sc.functions[f.ix()]
                .vpc
                .as_ref()
                .map(|v| v.enis.as_slice())
                .filter(|e| e.len() > 1)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The same probe sent from one ENI of its source function: what
    /// `--from fn@subnet` asks.
    pub fn probe_from_eni(&self, probe: &Probe, eni: EniId) -> Option<Probe> {
        let Node::Function(f) = probe.from else {
            return None;
        };
        let owns = self.sc.functions[f.ix()]
            .vpc
            .as_ref()
            .is_some_and(|v| v.enis.contains(&eni));
        owns.then(|| Probe {
            from: Node::FunctionEni(f, eni),
            named_from: Node::FunctionEni(f, eni),
            ..probe.clone()
        })
    }

    /// The trace from each ENI of the probe's source function, in the
    /// order of [`Engine::source_enis`] (empty when there is no choice).
    /// The probe's own trace is that of the ENI that decides: the first
    /// blocked one, else the first unknown one, else any (all reach).
    pub fn trace_each_eni(&self, probe: &Probe) -> Vec<Trace> {
        self.source_enis(probe)
            .iter()
            .filter_map(|&e| self.probe_from_eni(probe, e))
            .map(|p| self.trace(&p))
            .collect()
    }

    /// [`Engine::trace_each_eni`], verdicts only.
    pub fn outcome_each_eni(&self, probe: &Probe) -> Vec<Outcome> {
        self.source_enis(probe)
            .iter()
            .filter_map(|&e| self.probe_from_eni(probe, e))
            .map(|p| self.outcome(&p))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    fn engine() -> Engine {
        let src = include_str!("../../../scenarios/rules/multi-subnet-function.ron");
        Engine::new(awsreach_model::load(src).expect("loads").scenario)
    }

    /// fn-flaky's ENI in private-c has no route out, the one in private-a
    /// goes through the NAT gateway: one answer each, and the function's
    /// own verdict is the blocked one's.
    #[test]
    fn each_eni_answers_for_itself() {
        let e = engine();
        let p = e
            .probe("fn-flaky", "sqs", &Default::default())
            .expect("probe");
        let each = e.trace_each_eni(&p);
        let names: Vec<&str> = each.iter().map(|t| t.from.as_str()).collect();
        assert_eq!(names, ["fn-flaky@private-a", "fn-flaky@private-c"]);
        assert!(each[0].verdict.is_reachable());
        assert_eq!(each[1].verdict.code(), Some(Code::NoRoute));
        let whole = e.trace(&p);
        assert_eq!(whole.hops, each[1].hops, "the deciding ENI's hops");
        let outcomes = e.outcome_each_eni(&p);
        assert_eq!(
            outcomes,
            each.iter().map(Trace::outcome).collect::<Vec<_>>()
        );
        assert_eq!(Split::of(&outcomes), Some(Split { reach: 1, of: 2 }));
    }

    #[test]
    fn agreeing_enis_and_single_sources_have_no_split() {
        let e = engine();
        let p = e
            .probe("fn-good", "sqs", &Default::default())
            .expect("probe");
        let outcomes = e.outcome_each_eni(&p);
        assert_eq!(outcomes, [Outcome::Reachable, Outcome::Reachable]);
        assert_eq!(Split::of(&outcomes), None);
        let one = e
            .probe("fn-flaky@private-a", "sqs", &Default::default())
            .expect("probe");
        assert!(e.source_enis(&one).is_empty());
        assert!(e.trace_each_eni(&one).is_empty());
    }
}
