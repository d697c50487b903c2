//! The packet walk: one pass over the compiled scenario that both decides
//! and (when asked) records hops as data ([`crate::hop`]). Every AWS rule
//! applied here cites its number in `docs/aws-rules.md`.
//!
//! The walk is generic over a [`Sink`]: with [`NoHops`] no string is ever
//! built, which is the verdict-only fast path. One `impl Walk` is spread
//! over a file per family of hops: [`invoke`] (Lambda invocation, triggers,
//! pollers), [`service`] (service calls, DNS, endpoints), [`flow`] (a
//! packet leaving an ENI: routes, appliances), [`gateways`] (IGW, NAT,
//! peering, transit, delivery, the internet), [`filter`] (security groups,
//! NACLs, the reply). Fixes are synthesised in `crate::remedy`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use awsreach_model::net::{PortRange, Protocol};
use awsreach_model::*;

use crate::code::Code;
use crate::engine::{Addr, Engine, Node, Probe};
use crate::fix::{Remedy, RuleDirection};
use crate::hop::{At, Groups, Hop, HopKind};
use crate::trace::{CallKind, Decision, Direction};

/// Receives hop records; `ON == false` compiles the records away.
/// `EXPLAIN`: build the sentence and the remedies of the stopping hop
/// (the walk [`crate::Engine::explain`] makes on demand).
pub(crate) trait Sink {
    const ON: bool;
    const EXPLAIN: bool = false;
    fn push(&mut self, hop: Hop);
    fn len(&self) -> usize;
}

pub(crate) struct NoHops;

/// Records nothing, explains the stop.
pub(crate) struct Explain;

impl Sink for Explain {
    const ON: bool = false;
    const EXPLAIN: bool = true;
    #[inline]
    fn push(&mut self, _: Hop) {}
    #[inline]
    fn len(&self) -> usize {
        0
    }
}

impl Sink for NoHops {
    const ON: bool = false;
    #[inline]
    fn push(&mut self, _: Hop) {}
    #[inline]
    fn len(&self) -> usize {
        0
    }
}

/// A sub-walk records into its parent's sink.
impl<S: Sink> Sink for &mut S {
    const ON: bool = S::ON;
    const EXPLAIN: bool = S::EXPLAIN;
    #[inline]
    fn push(&mut self, hop: Hop) {
        (**self).push(hop)
    }
    #[inline]
    fn len(&self) -> usize {
        (**self).len()
    }
}

impl Sink for Vec<Hop> {
    const ON: bool = true;
    fn push(&mut self, hop: Hop) {
        Vec::push(self, hop)
    }
    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// Why the walk stopped. `why` and `fixes` are empty unless explaining.
#[derive(Debug)]
pub(crate) struct Block {
    pub code: Code,
    pub hop: usize,
    pub why: String,
    pub fixes: Vec<Remedy>,
}

type Step = Result<(), Block>;

/// A network interface sending a packet: a resource's, a function's, a
/// poller's, or a NAT gateway's after translation.
#[derive(Clone, Copy)]
pub(crate) struct Src<'e> {
    pub(crate) name: &'e str,
    pub(crate) subnet: SubnetId,
    pub(crate) ip: Ipv4Addr,
    pub(crate) ipv6: Option<Ipv6Addr>,
    pub(crate) public_ip: Option<Ipv4Addr>,
    /// None: no security group applies (a NAT gateway).
    pub(crate) sgs: Option<&'e [SgId]>,
    /// Where `sgs` come from, for the hop that names them.
    pub(crate) groups: Option<Groups>,
    pub(crate) what: SrcKind,
}

/// Who sends: a resource, function, poller, NAT gateway or transit gateway.
pub(crate) use crate::hop::Sender as SrcKind;

/// What a leg of a flow ends in: arrival (or the end of the walk), or a
/// forwarder that sends the packet on as a new source.
pub(crate) enum Next<'e> {
    Arrived,
    Forward(Src<'e>),
}

/// Where a packet is going.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dst {
    /// The private address of an ENI (resource or interface endpoint).
    Eni(EniId),
    /// The public address of a resource's ENI.
    PublicIp(EniId),
    /// The IPv6 address of an ENI (global unicast: the same from inside
    /// the VPC and from the internet, rule 24).
    Eni6(EniId),
    Host(HostId),
    /// A service's public endpoint.
    Svc(ServiceId),
    Internet,
    Ip(IpAddr),
}

/// A reply-direction NACL check recorded on the way out (rule 17: NACLs are stateless).
#[derive(Clone, Copy)]
pub(crate) struct Leg {
    subnet: SubnetId,
    /// Direction of the *reply* at this NACL.
    dir: RuleDirection,
    remote: Addr,
}

/// The sender as the receiver sees it: address and security groups (for
/// group references, which only work on private addresses).
#[derive(Clone, Copy)]
pub(crate) struct Seen<'e> {
    pub(crate) addr: Addr,
    pub(crate) sgs: &'e [SgId],
    pub(crate) name: &'e str,
    pub(crate) src_sg_first: Option<SgId>,
}

/// A list that keeps its first `N` items inline and spills the rest to the
/// heap: the walk's lists (reply legs, the senders of a chain) stay
/// allocation-free on ordinary paths and unbounded on long ones.
#[derive(Clone)]
pub(crate) struct Stack<T: Copy, const N: usize> {
    inline: [Option<T>; N],
    len: usize,
    more: Vec<T>,
}

impl<T: Copy, const N: usize> Stack<T, N> {
    pub(crate) fn new() -> Self {
        Stack {
            inline: [None; N],
            len: 0,
            more: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, x: T) {
        if self.len < N {
            self.inline[self.len] = Some(x);
        } else {
            self.more.push(x);
        }
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn get(&self, i: usize) -> T {
        if i < N {
            self.inline[i].expect("pushed")
        } else {
            self.more[i - N]
        }
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
        self.more.clear();
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        if self.len >= N {
            self.more.pop()
        } else {
            self.inline[self.len].take()
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.len).map(|i| self.get(i))
    }
}

pub(crate) struct Walk<'e, S: Sink> {
    pub(crate) e: &'e Engine,
    pub(crate) sc: &'e Scenario,
    pub(crate) sink: S,
    pub(crate) proto: Protocol,
    pub(crate) port: u16,
    pub(crate) action: &'e str,
    /// The reply's NACL checks, in the order the packet crossed them.
    pub(crate) legs: Stack<Leg, 16>,
    /// Who sent the packet of the current flow so far: the source, then
    /// each appliance and NAT gateway that handed it on (loop detection).
    pub(crate) senders: Stack<SrcKind, 8>,
    pub(crate) dir: Direction,
    /// The last transit gateway crossing whose reply is still to be checked.
    pub(crate) tgw_back: Option<transit::TgwBack>,
    /// The probe's source, for fixes that depend on who is calling.
    pub(crate) from: Node,
    /// The flow goes over IPv6 (`--ip-version 6` or an IPv6 end).
    pub(crate) v6: bool,
    /// The hostname a service call uses (index into the service's
    /// `hostnames`; 0 for every call but the probe's own, rule 25).
    pub(crate) host: u16,
    /// A flow to an external host called by its hostname (rule 26).
    pub(crate) by_name: bool,
}

/// Records a hop (`kind`, `decision`, what it concerns); nothing on the
/// verdict-only path.
macro_rules! hop {
    ($w:expr, $kind:expr, $dec:expr, $at:expr) => {
        if S::ON {
            let dir = $w.dir;
            $w.sink.push(Hop {
                kind: $kind,
                at: $at,
                decision: $dec,
                direction: dir,
            });
        }
    };
}

pub(crate) mod filter;
mod flow;
mod gateways;
mod invoke;
mod permission;
mod service;
mod transit;
mod unknown;

pub(crate) fn ports_str(proto: Protocol, port: u16) -> String {
    if proto.has_ports() {
        format!("{proto}/{port}")
    } else {
        proto.to_string()
    }
}

impl<'e, S: Sink> Walk<'e, S> {
    pub(crate) fn new(e: &'e Engine, probe: &'e Probe, sink: S) -> Self {
        let action = match (&probe.action, probe.kind, probe.to) {
            (Some(a), _, _) => a.as_str(),
            (None, CallKind::ServiceCall, Node::Service(s)) => {
                e.sc.services[s.ix()].default_action.as_str()
            }
            _ => "lambda:InvokeFunction",
        };
        let mut w = Walk::fresh(e, probe.from, sink, (probe.protocol, probe.port, action));
        w.v6 = probe.ipv6;
        if probe.kind == CallKind::ServiceCall {
            w.host = probe.host;
        }
        w.by_name = probe.by_name && probe.kind == CallKind::Flow;
        w
    }

    /// A walk from scratch: no reply legs yet, forward direction. The one
    /// constructor of walks, the probe's and the side questions' alike (a
    /// sub-walk with `&mut` of its parent's sink records into the trace).
    pub(crate) fn fresh(
        e: &'e Engine,
        from: Node,
        sink: S,
        (proto, port, action): (Protocol, u16, &'e str),
    ) -> Self {
        Walk {
            e,
            sc: &e.sc,
            sink,
            proto,
            port,
            action,
            legs: Stack::new(),
            senders: Stack::new(),
            dir: Direction::Forward,
            tgw_back: None,
            from,
            v6: false,
            host: 0,
            by_name: false,
        }
    }

    /// The call this walk makes: protocol, port and IAM action.
    pub(crate) fn call(&self) -> (Protocol, u16, &'e str) {
        (self.proto, self.port, self.action)
    }

    /// Records the blocking hop and builds the block (the sentence and
    /// the remedies only when explaining).
    pub(crate) fn block(
        &mut self,
        code: Code,
        kind: HopKind,
        at: At,
        why_fix: impl FnOnce(&Self) -> (String, Vec<Remedy>),
    ) -> Block {
        let mut hop = 0;
        if S::ON {
            let dir = self.dir;
            self.sink.push(Hop {
                kind,
                at,
                decision: Decision::Block,
                direction: dir,
            });
            hop = self.sink.len() - 1;
        }
        let (why, fixes) = if S::EXPLAIN {
            why_fix(self)
        } else {
            (String::new(), Vec::new())
        };
        Block {
            code,
            hop,
            why,
            fixes,
        }
    }

    pub(crate) fn name_of_sg(&self, g: SgId) -> &'e str {
        &self.sc.security_groups[g.ix()].name
    }

    pub(crate) fn subnet_name(&self, s: SubnetId) -> &'e str {
        &self.sc.subnets[s.ix()].name
    }

    pub(crate) fn vpc_name(&self, v: VpcId) -> &'e str {
        &self.sc.vpcs[v.ix()].name
    }

    pub(crate) fn table_of(&self, s: SubnetId) -> RouteTableId {
        self.sc.subnets[s.ix()].route_table
    }

    pub(crate) fn run(&mut self, probe: &Probe) -> Step {
        self.placement_known(probe.from, true)?;
        if probe.kind == CallKind::Flow {
            self.placement_known(probe.to, false)?;
        }
        match probe.kind {
            CallKind::Trigger => self.trigger(probe.from, probe.to),
            CallKind::Invoke => {
                let Node::Function(f) = probe.to else {
                    unreachable!("invoke probes target a function")
                };
                self.invoke(probe.from, f)
            }
            CallKind::ServiceCall => {
                let Node::Service(s) = probe.to else {
                    unreachable!("service calls target a service")
                };
                self.call_from(probe.from, s)
            }
            CallKind::Flow => self.flow_from(probe.from, probe.to),
        }
    }

    /// Runs `body` from each ENI of a VPC function (one per subnet); the
    /// probe is reachable only if every ENI gets through, since Lambda may
    /// use any of them. Records the first failing ENI (or the first ENI).
    pub(crate) fn each_function_eni(
        &mut self,
        f: FunctionId,
        body: &dyn Fn(&mut Walk<'e, NoHops>, Src<'e>) -> Step,
        rec: &dyn Fn(&mut Self, Src<'e>) -> Step,
    ) -> Step {
        let v = self.sc.functions[f.ix()]
            .vpc
            .as_ref()
            .expect("vpc function");
        // A blocked ENI decides (Lambda may use it); an unknown one only
        // when no other ENI is blocked.
        let mut pick = v.enis[0];
        if v.enis.len() > 1 {
            let mut unknown = None;
            for &eni in &v.enis {
                match body(&mut self.shallow(), self.src_of_eni(eni)) {
                    Err(b) if b.code.is_unknown() => {
                        unknown.get_or_insert(eni);
                    }
                    Err(_) => {
                        unknown = Some(eni);
                        break;
                    }
                    Ok(()) => {}
                }
            }
            pick = unknown.unwrap_or(pick);
        }
        rec(self, self.src_of_eni(pick))
    }

    pub(crate) fn src_of_eni(&self, eni: EniId) -> Src<'e> {
        let n = &self.sc.enis[eni.ix()];
        let what = match n.owner {
            EniOwner::Resource(r) => SrcKind::Resource(r),
            EniOwner::Function(f) => SrcKind::Function(f),
            EniOwner::Nat(x) => SrcKind::Nat(x),
            EniOwner::Endpoint(_) => unreachable!("endpoint ENIs never send"),
        };
        Src {
            name: self.sc.eni_owner_name(eni),
            subnet: n.subnet,
            ip: n.private_ip,
            ipv6: n.ipv6,
            public_ip: n.public_ip,
            // Rule 11: a NAT gateway has no security groups (none filter
            // what it sends).
            sgs: (!matches!(what, SrcKind::Nat(_))).then_some(&n.security_groups[..]),
            groups: (!matches!(what, SrcKind::Nat(_))).then_some(Groups::Eni(eni)),
            what,
        }
    }

    pub(crate) fn src_hop(&mut self, src: &Src<'e>) {
        hop!(
            self,
            HopKind::Eni,
            Decision::Info,
            At::Sender {
                sender: src.what,
                ip: self.src_addr(src),
                subnet: src.subnet,
                public_ip: src.public_ip,
            }
        );
    }

    /// A verdict-only copy of this walk's settings, for side questions.
    pub(crate) fn shallow(&self) -> Walk<'e, NoHops> {
        let mut w = Walk::fresh(self.e, self.from, NoHops, self.call());
        w.v6 = self.v6;
        w
    }

    /// The sender's address as receivers see it: its IPv6 address on an
    /// IPv6 flow (checked to exist before the packet leaves), else IPv4.
    pub(crate) fn src_addr(&self, src: &Src<'e>) -> Addr {
        match (self.v6, src.ipv6) {
            (true, Some(a)) => Addr::V6(a),
            _ => Addr::V4(src.ip),
        }
    }
}

pub(crate) fn ports_str_range(proto: Protocol, ports: PortRange) -> String {
    if proto.has_ports() {
        format!("{proto}/{ports}")
    } else {
        proto.to_string()
    }
}
