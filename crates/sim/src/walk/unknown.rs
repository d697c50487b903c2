//! Missing data: a hop that would consult data the scenario lists in its
//! `missing` section stops the walk with an `UNKNOWN_*` code, never a
//! guessed blocked or reachable. Each check here is a lookup in the
//! checked scenario's sorted `missing` list (no allocation).

use awsreach_model::spec::{EndpointKind, MissingKind};
use awsreach_model::*;

use super::*;
use crate::code::Code;
use crate::engine::may_hold_public;
use crate::fix::RuleDirection;
use crate::hop::{At, HopKind};
use crate::trace::Decision;

impl<'e, S: Sink> Walk<'e, S> {
    /// The `missing` entry of `what` for `entity`, if the scenario has one.
    #[inline]
    pub(crate) fn lacks(&self, entity: EntityRef, what: MissingKind) -> Option<&'e Missing> {
        if self.sc.missing.is_empty() {
            return None;
        }
        self.sc.missing(entity, what)
    }

    /// Stops the walk at a hop of `kind` that would read `m`; `needed`
    /// says what the hop was deciding ("which route applies to 10.0.1.4").
    pub(crate) fn unknown(
        &mut self,
        code: Code,
        kind: HopKind,
        m: &'e Missing,
        needed: impl FnOnce(&Self) -> String,
    ) -> Block {
        let mut hop = 0;
        if S::ON {
            let dir = self.dir;
            self.sink.push(Hop {
                kind,
                at: At::Missing {
                    entity: m.entity,
                    what: m.what,
                },
                decision: Decision::Unknown,
                direction: dir,
            });
            hop = self.sink.len() - 1;
        }
        if !S::EXPLAIN {
            return Block {
                code,
                hop,
                why: String::new(),
                fixes: Vec::new(),
            };
        }
        let (noun, name) = self.entity_name(m.entity);
        let note = m
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let why = format!(
            "the scenario lacks the {} of {noun} {name}{note}, so {} cannot be told",
            m.what.noun(),
            needed(self)
        );
        Block {
            code,
            hop,
            why,
            fixes: Vec::new(),
        }
    }

    /// The kind of entity in words and its scenario id.
    fn entity_name(&self, e: EntityRef) -> (&'static str, &'e str) {
        let sc = self.sc;
        match e {
            EntityRef::Subnet(x) => ("subnet", &sc.subnets[x.ix()].name),
            EntityRef::RouteTable(x) => ("route table", &sc.route_tables[x.ix()].name),
            EntityRef::SecurityGroup(x) => ("security group", &sc.security_groups[x.ix()].name),
            EntityRef::NetworkAcl(x) => ("network acl", &sc.network_acls[x.ix()].name),
            EntityRef::Resource(x) => ("resource", &sc.resources[x.ix()].name),
            EntityRef::Function(x) => ("function", &sc.functions[x.ix()].name),
            EntityRef::VpcEndpoint(x) => ("vpc endpoint", &sc.endpoints[x.ix()].name),
            EntityRef::TransitGateway(x) => ("transit gateway", &sc.transit_gateways[x.ix()].name),
            EntityRef::Trigger(x) => ("trigger", &sc.triggers[x.ix()].name),
            EntityRef::ExternalHost(x) => ("external host", &sc.external_hosts[x.ix()].name),
        }
    }

    /// The route table of `subnet` for a lookup of `addr`, or unknown when
    /// the subnet's association or the table's routes are missing.
    pub(crate) fn routes_of(
        &mut self,
        subnet: SubnetId,
        addr: Addr,
    ) -> Result<RouteTableId, Block> {
        let table = self.table_of(subnet);
        if let Some(m) = self.lacks(EntityRef::Subnet(subnet), MissingKind::RouteTable) {
            return Err(
                self.unknown(Code::UnknownRouteTable, HopKind::RouteTable, m, |w| {
                    format!("which route applies to {}", addr.show(w.sc))
                }),
            );
        }
        if let Some(m) = self.lacks(EntityRef::RouteTable(table), MissingKind::Routes) {
            return Err(
                self.unknown(Code::UnknownRoutes, HopKind::RouteTable, m, |w| {
                    format!("which route applies to {}", addr.show(w.sc))
                }),
            );
        }
        // Rule 26: a route to a public block other than the default route's
        // target may be the longest match for an address the scenario lacks.
        if let Addr::Unresolved(_) = addr {
            let routes = &self.sc.route_tables[table.ix()].routes;
            let default = self.e.lpm[table.ix()]
                .lookup(addr)
                .map(|i| routes[i as usize].target);
            let decides = routes.iter().any(|r| {
                matches!(r.dest, RouteDest::Cidr(n) if may_hold_public(&n))
                    && Some(r.target) != default
            });
            self.address_known(addr, HopKind::RouteTable, decides)?;
        }
        Ok(table)
    }

    /// Rule 26: stops with `UNKNOWN_ADDRESS` when `decides` (a rule
    /// narrower than `0.0.0.0/0` could decide otherwise) and `addr` is a
    /// host's address the scenario lacks.
    pub(crate) fn address_known(&mut self, addr: Addr, kind: HopKind, decides: bool) -> Step {
        let Addr::Unresolved(h) = addr else {
            return Ok(());
        };
        if !decides {
            return Ok(());
        }
        // Validation lists the address of every host without one.
        let Some(m) = self.lacks(EntityRef::ExternalHost(h), MissingKind::Address) else {
            return Ok(());
        };
        Err(self.unknown(Code::UnknownAddress, kind, m, |w| {
            format!("which rule applies to {}", addr.show(w.sc))
        }))
    }

    /// Rule 26: after no group admitted a packet to or from an address
    /// the scenario lacks, unknown when a rule for a public block could.
    pub(crate) fn sg_address_known(
        &mut self,
        sgs: &[SgId],
        dir: RuleDirection,
        addr: Addr,
    ) -> Step {
        if !matches!(addr, Addr::Unresolved(_)) {
            return Ok(());
        }
        let decides = self
            .sg_rules(sgs, dir)
            .any(|(_, _, r)| matches!(r.peer, SgPeer::Cidr(n) if may_hold_public(&n)));
        self.address_known(addr, HopKind::SecurityGroup, decides)
    }

    /// Unknown when the NACL of `subnet` (its association or its rules) is
    /// missing: rules are ordered, so any missing one may decide.
    pub(crate) fn nacl_known(&mut self, subnet: SubnetId) -> Step {
        if let Some(m) = self.lacks(EntityRef::Subnet(subnet), MissingKind::NetworkAcl) {
            return Err(
                self.unknown(Code::UnknownNetworkAcl, HopKind::NetworkAcl, m, |_| {
                    "whether the subnet boundary admits the packet".to_string()
                }),
            );
        }
        let acl = self.sc.subnets[subnet.ix()].network_acl;
        if let Some(m) = self.lacks(EntityRef::NetworkAcl(acl), MissingKind::Rules) {
            return Err(
                self.unknown(Code::UnknownRules, HopKind::NetworkAcl, m, |_| {
                    "whether the network acl admits the packet".to_string()
                }),
            );
        }
        Ok(())
    }

    /// After no group of `sgs` admitted the packet: unknown when one of
    /// them has missing rules (security groups are a union of allows, so a
    /// known allow decides even when other groups are missing; a known
    /// "no" does not).
    pub(crate) fn sg_known(&mut self, sgs: &'e [SgId]) -> Step {
        let missing = sgs
            .iter()
            .find_map(|g| self.lacks(EntityRef::SecurityGroup(*g), MissingKind::Rules));
        match missing {
            Some(m) => Err(
                self.unknown(Code::UnknownRules, HopKind::SecurityGroup, m, |_| {
                    "whether the security groups admit the packet".to_string()
                }),
            ),
            None => Ok(()),
        }
    }

    /// Rule 5: a VPC poller's ENIs sit in its event source's subnets; when
    /// those (or its groups) are missing, so is every hop of its path.
    pub(crate) fn poller_placement_known(&mut self, t: TriggerId) -> Step {
        match self.lacks(EntityRef::Trigger(t), MissingKind::Placement) {
            Some(m) => Err(
                self.unknown(Code::UnknownPlacement, HopKind::Poller, m, |_| {
                    "where its poller's ENIs sit and what their path allows".to_string()
                }),
            ),
            None => Ok(()),
        }
    }

    /// Rule 13: private DNS answers with the endpoint's ENI addresses, in
    /// its subnets; when those are missing, the path of a call the endpoint
    /// captures cannot be told. An endpoint without private DNS captures
    /// nothing, so it decides nothing.
    /// `list`: the VPC's interface endpoints for `s`, looked up once by the
    /// caller (the lookup hashes on every service call).
    pub(crate) fn endpoint_placement_known(
        &mut self,
        list: Option<&[EndpointId]>,
        s: ServiceId,
    ) -> Step {
        let Some(list) = list else {
            return Ok(());
        };
        let missing = list.iter().find_map(|e| {
            let ep = &self.sc.endpoints[e.ix()];
            if !ep.private_dns {
                return None;
            }
            self.lacks(EntityRef::VpcEndpoint(*e), MissingKind::Placement)
        });
        match missing {
            Some(m) => Err(self.unknown(Code::UnknownPlacement, HopKind::Dns, m, |w| {
                format!(
                    "which address {} resolves to and whether the path to it is open",
                    w.sc.services[s.ix()].hostname
                )
            })),
            None => Ok(()),
        }
    }

    /// An address of `vpc` that no known interface holds may be one of the
    /// ENIs of an entity whose placement is missing: an interface endpoint
    /// of `vpc` (one ENI per subnet, rule 13), or a function placed in
    /// `vpc` or whose placement says nothing of any VPC (one Hyperplane ENI
    /// per subnet, rule 23).
    pub(crate) fn holder_known(&mut self, vpc: VpcId, to: Addr) -> Step {
        let sc = self.sc;
        let missing = sc.missing.iter().find(|m| {
            m.what == MissingKind::Placement
                && match m.entity {
                    EntityRef::VpcEndpoint(e) => {
                        let ep = &sc.endpoints[e.ix()];
                        ep.vpc == vpc && ep.kind == EndpointKind::Interface
                    }
                    EntityRef::Function(f) => sc.functions[f.ix()]
                        .vpc
                        .as_ref()
                        .is_none_or(|v| v.vpc == vpc),
                    _ => false,
                }
        });
        match missing {
            Some(m) => Err(self.unknown(Code::UnknownPlacement, HopKind::Vpc, m, |w| {
                format!(
                    "whether {} is the address of one of its network interfaces",
                    to.show(w.sc)
                )
            })),
            None => Ok(()),
        }
    }

    /// The `missing` entry of the placement of `eni`'s owner, if any.
    pub(crate) fn eni_lacks_placement(&self, eni: EniId) -> Option<&'e Missing> {
        if self.sc.missing.is_empty() {
            return None;
        }
        let entity = match self.sc.enis[eni.ix()].owner {
            EniOwner::Resource(r) => EntityRef::Resource(r),
            EniOwner::Function(f) => EntityRef::Function(f),
            EniOwner::Endpoint(e) => EntityRef::VpcEndpoint(e),
            EniOwner::Nat(_) => return None,
        };
        self.lacks(entity, MissingKind::Placement)
    }

    /// Unknown when a packet reaches an ENI (as its destination, or an
    /// appliance on the way) whose owner's placement is missing: the
    /// subnet and groups that decide from there on are not known.
    pub(crate) fn eni_placement_known(&mut self, eni: EniId) -> Step {
        match self.eni_lacks_placement(eni) {
            Some(m) => Err(self.unknown(Code::UnknownPlacement, HopKind::Eni, m, |_| {
                "which subnet and security groups the packet meets there".to_string()
            })),
            None => Ok(()),
        }
    }

    /// After no outbound rule of `sgs` admitted a packet to `peer`: a rule
    /// for its protocol and port that names a group matches by the peer
    /// ENI's groups (rule 16), not known when its owner's placement is missing.
    pub(crate) fn sg_peer_known(&mut self, sgs: &'e [SgId], peer: Option<EniId>) -> Step {
        let Some((eni, m)) = peer.and_then(|e| Some((e, self.eni_lacks_placement(e)?))) else {
            return Ok(());
        };
        let named = self
            .sg_rules(sgs, RuleDirection::Egress)
            .find_map(|(_, _, r)| match r.peer {
                SgPeer::Sg(x) => Some(x),
                _ => None,
            });
        match named {
            Some(x) => Err(
                self.unknown(Code::UnknownPlacement, HopKind::SecurityGroup, m, |w| {
                    format!(
                        "whether {} is a member of {} (named by an outbound rule of {})",
                        w.sc.eni_owner_name(eni),
                        w.name_of_sg(x),
                        w.sg_names(sgs)
                    )
                }),
            ),
            None => Ok(()),
        }
    }

    /// Unknown when the probe starts from (or flows to) a function or
    /// resource whose placement is missing; an invocation of a function
    /// does not depend on the callee's placement (rule 3).
    pub(crate) fn placement_known(&mut self, node: Node, as_source: bool) -> Step {
        let entity = match node {
            Node::Function(f) | Node::FunctionEni(f, _) if as_source => EntityRef::Function(f),
            Node::Resource(r) => EntityRef::Resource(r),
            _ => return Ok(()),
        };
        match self.lacks(entity, MissingKind::Placement) {
            Some(m) => Err(self.unknown(Code::UnknownPlacement, HopKind::Eni, m, |_| {
                "where its packets leave or arrive".to_string()
            })),
            None => Ok(()),
        }
    }
}
