//! The `missing` section: data the scenario lacks (an importer could not
//! read it). Each entry must name a declared entity of a kind the data
//! belongs to; the checked list is sorted so that [`Scenario::missing`] is a
//! binary search.

use crate::error::Problem;
use crate::scenario::{EntityKind, EntityRef, HostId, Missing, TriggerId};
use crate::spec::MissingKind;

use super::Validator;

/// The kinds of entity a kind of missing data belongs to, and the same in
/// words for messages.
pub(super) fn applies_to(what: MissingKind) -> (&'static [EntityKind], &'static str) {
    use EntityKind as K;
    match what {
        MissingKind::RouteTable => (&[K::Subnet], "a subnet"),
        MissingKind::NetworkAcl => (&[K::Subnet], "a subnet"),
        MissingKind::Routes => (&[K::RouteTable], "a route table"),
        MissingKind::Rules => (
            &[K::SecurityGroup, K::NetworkAcl],
            "a security group or a network acl",
        ),
        MissingKind::Placement => (
            &[K::Function, K::Resource, K::Trigger, K::VpcEndpoint],
            "a function, a resource, a trigger or a vpc endpoint",
        ),
        MissingKind::TgwRoutes => (&[K::TransitGateway], "a transit gateway"),
        MissingKind::Policy => (
            &[K::Function, K::VpcEndpoint],
            "a function or a vpc endpoint",
        ),
        // Said by the host itself: an external host with a `hostname` and
        // no `ip` (validation lists its address as missing).
        MissingKind::Address => (
            &[],
            "an external host written with `hostname` and without `ip`",
        ),
        MissingKind::Engine => (&[K::Trigger], "an AmazonMq trigger"),
    }
}

impl Validator<'_> {
    /// True when the `missing` section says `what` of entity `id` is
    /// unknown: then an empty list where that data belongs (a poller's or an
    /// interface endpoint's subnets) is what the importer could not read,
    /// not a mistake, and verdicts that depend on it are unknown.
    pub(super) fn listed_missing(&self, id: &str, what: MissingKind) -> bool {
        self.spec
            .missing
            .iter()
            .any(|m| m.what == what && m.entity == id)
    }

    pub(super) fn missing(&mut self) {
        let spec = self.spec;
        let mut out: Vec<(Missing, usize)> = Vec::with_capacity(spec.missing.len());
        for (i, m) in spec.missing.iter().enumerate() {
            let at = || format!("missing[{i}].entity");
            let (kinds, applies) = applies_to(m.what);
            let Some(&kind) = self.ids.get(m.entity.as_str()) else {
                self.unknown_id(at(), &m.entity, ("entity", applies), kinds);
                continue;
            };
            // Only an Amazon MQ broker has an engine.
            let not_mq = || {
                self.out
                    .triggers
                    .iter()
                    .find(|t| t.name == m.entity)
                    .is_some_and(|t| t.source != crate::spec::TriggerSource::AmazonMq)
            };
            if !kinds.contains(&kind) || (m.what == MissingKind::Engine && not_mq()) {
                self.err(
                    at(),
                    &m.entity,
                    Problem::MissingNotApplicable {
                        what: m.what.name(),
                        kind: kind.noun(),
                        id: m.entity.clone(),
                        applies,
                    },
                );
                continue;
            }
            let id = m.entity.as_str();
            let entity = match kind {
                EntityKind::Subnet => self.subnet.get(id).map(|x| EntityRef::Subnet(*x)),
                EntityKind::RouteTable => self.rt.get(id).map(|x| EntityRef::RouteTable(*x)),
                EntityKind::SecurityGroup => self.sg.get(id).map(|x| EntityRef::SecurityGroup(*x)),
                EntityKind::NetworkAcl => self.nacl.get(id).map(|x| EntityRef::NetworkAcl(*x)),
                EntityKind::Resource => self.resource.get(id).map(|x| EntityRef::Resource(*x)),
                EntityKind::Function => self.function.get(id).map(|x| EntityRef::Function(*x)),
                EntityKind::VpcEndpoint => self.vpce.get(id).map(|x| EntityRef::VpcEndpoint(*x)),
                EntityKind::TransitGateway => {
                    self.tgw.get(id).map(|x| EntityRef::TransitGateway(*x))
                }
                EntityKind::Trigger => self
                    .out
                    .triggers
                    .iter()
                    .position(|t| t.name == id)
                    .map(|i| EntityRef::Trigger(TriggerId(i as u32))),
                _ => None,
            };
            // Declared but not built (its own errors are reported): nothing
            // more to say here.
            let Some(entity) = entity else { continue };
            out.push((
                Missing {
                    entity,
                    what: m.what,
                    note: m.note.clone(),
                },
                i,
            ));
        }
        out.sort_by_key(|(m, i)| (m.entity, m.what, *i));
        let mut kept: Vec<Missing> = Vec::with_capacity(out.len());
        for (m, i) in out {
            if kept
                .last()
                .is_some_and(|k| (k.entity, k.what) == (m.entity, m.what))
            {
                let id = spec.missing[i].entity.clone();
                self.err(
                    format!("missing[{i}]"),
                    &id,
                    Problem::DuplicateMissing {
                        what: m.what.name(),
                        id: id.clone(),
                    },
                );
                continue;
            }
            kept.push(m);
        }
        // A host known by its hostname only lacks its address.
        for (i, h) in self.out.external_hosts.iter().enumerate() {
            if h.ip.is_none() {
                kept.push(Missing {
                    entity: EntityRef::ExternalHost(HostId(i as u32)),
                    what: MissingKind::Address,
                    note: Some("known by its hostname only".into()),
                });
            }
        }
        kept.sort_by_key(|m| (m.entity, m.what));
        self.out.missing = kept;
    }
}
