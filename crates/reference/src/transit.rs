//! Transit gateways, plainly (rules 18 and 19): the table associated with
//! the attachment a packet enters by decides by longest prefix; the far
//! VPC delivers, or routes on through its attachment subnet's table; the
//! reply must come back through the replier's VPC table and the table of
//! the attachment it enters on.

use std::net::IpAddr;

use awsreach_model::net::PortRange;
use awsreach_model::{Target, TgwId, TgwRoute};

use crate::{Addr, Cx, Goal, Peer, Sender, Step};

/// A crossing whose reply is still to be checked: (transit gateway,
/// attachment entered from, attachment left by, the source's address, the
/// far attachment's subnet the packet enters by).
pub(crate) type Crossing = (usize, usize, usize, Addr, usize);

impl<'s> Cx<'s> {
    /// The most specific route of a transit gateway table; the first of
    /// equally specific ones (static routes are listed first).
    fn tgw_route(&self, g: usize, table: usize, addr: Addr) -> Option<&'s TgwRoute> {
        let mut best: Option<&'s TgwRoute> = None;
        for r in &self.sc.transit_gateways[g].route_tables[table].routes {
            if !addr.in_cidr(&r.dest) {
                continue;
            }
            if best.is_none_or(|b| r.dest.prefix_len() > b.dest.prefix_len()) {
                best = Some(r);
            }
        }
        best
    }

    /// Rule 19: does attachment `a` have a subnet in the AZ of `subnet`?
    fn attachment_in_az(&self, g: usize, a: usize, subnet: usize) -> Option<usize> {
        let az = &self.sc.subnets[subnet].az;
        self.sc.transit_gateways[g].attachments[a]
            .subnets
            .iter()
            .map(|s| s.ix())
            .find(|s| &self.sc.subnets[*s].az == az)
    }

    pub(crate) fn through_tgw(
        &mut self,
        sender: Sender<'s>,
        me: Peer<'s>,
        goal: Goal,
        addr: Addr,
        g: usize,
        depth: usize,
    ) -> Step {
        let tg = &self.sc.transit_gateways[g];
        let vpc = self.vpc_of_subnet(sender.subnet);
        let Some(x) = tg.attachments.iter().position(|a| a.vpc.ix() == vpc) else {
            return Err("TGW_NOT_ATTACHED");
        };
        let Some(leave) = self.attachment_in_az(g, x, sender.subnet) else {
            return Err("TGW_NO_ATTACHMENT_IN_AZ");
        };
        // Rule 18 (tgw-nacls): the gateway's interface in `leave` is judged by
        // its NACL's inbound rules, shared subnet or not; the reply from the
        // gateway meets its outbound rules, or nothing within one subnet
        // (then the sender's own reply check goes too).
        if !sender.transit {
            self.nacl(leave, true, me.addr, PortRange::single(self.port))?;
            if leave == sender.subnet {
                if self.legs.last().is_some_and(|l| l.0 == leave && l.1) {
                    self.legs.pop();
                }
            } else {
                self.legs.push((leave, false, me.addr));
            }
        }
        let Some(table) = tg.attachments[x].route_table else {
            return Err("TGW_NOT_ASSOCIATED");
        };
        let Some(route) = self.tgw_route(g, table, addr) else {
            return Err("NO_ROUTE");
        };
        let Some(y) = route.target else {
            return Err("BLACKHOLE_ROUTE");
        };
        let far = tg.attachments[y].vpc.ix();
        let entry = match self.attachment_in_az(g, y, sender.subnet) {
            Some(s) => s,
            None => match tg.attachments[y].subnets.first() {
                Some(s) => s.ix(),
                None => return Err("TGW_NO_ATTACHMENT_IN_AZ"),
            },
        };
        // Group references cross only when the transit gateway enables them.
        let me = if tg.sg_referencing {
            me
        } else {
            Peer {
                addr: me.addr,
                groups: &[],
            }
        };
        let inside = match addr {
            Addr::V4(a) => self.sc.vpcs[far].contains(IpAddr::V4(a)),
            Addr::V6(a) => self.sc.vpcs[far].contains(IpAddr::V6(a)),
            _ => false,
        };
        self.pending = Some((g, x, y, me.addr, entry));
        if inside {
            return self.deliver(
                far,
                me,
                goal,
                false,
                Some(Target::TransitGateway(TgwId(g as u32))),
            );
        }
        if self.crossings.contains(&(g, y)) {
            return Err("ROUTING_LOOP");
        }
        self.crossings.push((g, y));
        let ip = match me.addr {
            Addr::V4(a) => a,
            _ => sender.ip,
        };
        let next = Sender {
            subnet: entry,
            ip,
            ipv6: sender.ipv6,
            public_ip: None,
            groups: None,
            nat: None,
            transit: true,
        };
        self.send(next, goal, depth + 1)
    }

    /// The reply of the pending crossing leaves from subnet `replier`.
    pub(crate) fn crossing_replies(&mut self, replier: usize) -> Step {
        let Some((g, x, y, addr, _)) = self.pending.take() else {
            return Ok(());
        };
        let table = self.sc.subnets[replier].route_table.ix();
        let back = self.lookup(table, addr).map(|r| r.target);
        if back != Some(Target::TransitGateway(TgwId(g as u32))) {
            return Err("NO_RETURN_ROUTE");
        }
        if self.attachment_in_az(g, y, replier).is_none() {
            return Err("TGW_NO_ATTACHMENT_IN_AZ");
        }
        let Some(assoc) = self.sc.transit_gateways[g].attachments[y].route_table else {
            return Err("NO_RETURN_ROUTE");
        };
        match self.tgw_route(g, assoc, addr) {
            Some(r) if r.target == Some(x) => Ok(()),
            _ => Err("NO_RETURN_ROUTE"),
        }
    }
}
