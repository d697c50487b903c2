//! Edits of transit gateways: static routes, associations, propagations
//! and attachment subnets, in the file's simple or full form.

use std::fmt;

use super::Fix;
use crate::spec::{ScenarioSpec, TgwAttachmentSpec, TgwRouteSpec, TransitGatewaySpec};

/// The one table of the simple form (see `validate::transit`).
const DEFAULT_TABLE: &str = "default";

pub(super) fn describe(fix: &Fix, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match fix {
        Fix::AddTgwRoute {
            tgw,
            table,
            dest,
            vpc,
        } => write!(
            f,
            "add route {dest} -> attachment of {vpc} to route table {table} of transit gateway {tgw}"
        ),
        Fix::AssociateTgwRouteTable { tgw, vpc, table } => write!(
            f,
            "associate the attachment of {vpc} with route table {table} of transit gateway {tgw}"
        ),
        Fix::PropagateTgwRoutes { tgw, vpc, table } => write!(
            f,
            "propagate the attachment of {vpc} to route table {table} of transit gateway {tgw}"
        ),
        Fix::AddTgwAttachmentSubnet { tgw, vpc, subnet } => write!(
            f,
            "add subnet {subnet} to the attachment of {vpc} to transit gateway {tgw}"
        ),
        _ => unreachable!("only transit gateway edits are described here"),
    }
}

/// The tables an attachment propagates to when it says nothing, made
/// explicit, so that a change elsewhere (a first static route in the simple
/// form) does not change them.
fn pin_propagation(t: &mut TransitGatewaySpec) {
    let simple = t.route_tables.is_empty();
    let implied: Vec<String> = if simple {
        if t.routes.is_empty() {
            vec![DEFAULT_TABLE.into()]
        } else {
            Vec::new()
        }
    } else {
        t.default_route_table.iter().cloned().collect()
    };
    for a in &mut t.attachments {
        a.propagate.get_or_insert_with(|| implied.clone());
    }
}

fn attachment<'s>(t: &'s mut TransitGatewaySpec, vpc: &str) -> Option<&'s mut TgwAttachmentSpec> {
    t.attachments.iter_mut().find(|a| a.vpc == vpc)
}

pub(super) fn apply(fix: &Fix, spec: &mut ScenarioSpec) {
    let tgw = match fix {
        Fix::AddTgwRoute { tgw, .. }
        | Fix::AssociateTgwRouteTable { tgw, .. }
        | Fix::PropagateTgwRoutes { tgw, .. }
        | Fix::AddTgwAttachmentSubnet { tgw, .. } => tgw,
        _ => return,
    };
    let Some(t) = spec.transit_gateways.iter_mut().find(|t| &t.id == tgw) else {
        return;
    };
    match fix {
        Fix::AddTgwRoute {
            table, dest, vpc, ..
        } => {
            let route = TgwRouteSpec {
                dest: dest.clone(),
                vpc: Some(vpc.clone()),
            };
            let routes = if t.route_tables.is_empty() && table == DEFAULT_TABLE {
                pin_propagation(t);
                &mut t.routes
            } else if let Some(rt) = t.route_tables.iter_mut().find(|r| &r.id == table) {
                &mut rt.routes
            } else {
                return;
            };
            // Replaces a route to the same destination (e.g. a blackhole).
            routes.retain(|r| &r.dest != dest);
            routes.push(route);
        }
        Fix::AssociateTgwRouteTable { vpc, table, .. } => {
            if let Some(a) = attachment(t, vpc) {
                a.route_table = Some(table.clone());
            }
        }
        Fix::PropagateTgwRoutes { vpc, table, .. } => {
            pin_propagation(t);
            if let Some(a) = attachment(t, vpc) {
                let list = a.propagate.get_or_insert_with(Vec::new);
                if !list.contains(table) {
                    list.push(table.clone());
                }
            }
        }
        Fix::AddTgwAttachmentSubnet { vpc, subnet, .. } => match attachment(t, vpc) {
            Some(a) => {
                if !a.subnets.contains(subnet) {
                    a.subnets.push(subnet.clone());
                }
            }
            None => t.attachments.push(TgwAttachmentSpec {
                vpc: vpc.clone(),
                subnets: vec![subnet.clone()],
                ..Default::default()
            }),
        },
        _ => {}
    }
}
