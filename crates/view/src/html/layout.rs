//! The nested-box picture of one trace, as inline SVG: the region, its
//! VPCs, their availability zones and subnets, with the entities the probe
//! touches plus one ring of their neighbours; gateways, gateway endpoints
//! and route tables in a band at the top of their VPC; services, AWS-managed
//! segments, peering and transit gateways in a column of the region; the
//! internet and external hosts outside. The path is drawn hop by hop over
//! it, numbered like the text trace. The layout is ours (boxes in rows and
//! columns, sizes from their contents): a network nests, so no graph
//! layout crate is needed, and the picture stays the same for the same
//! scenario.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use awsreach_model::{Scenario, SubnetId, VpcId};

use super::esc;
use crate::topology::{self, Item, Mark, Nest, Part, PathHop, Spot, Topology};

const ITEM_W: f32 = 160.0;
const ITEM_H: f32 = 40.0;
const GAP: f32 = 12.0;
const PAD: f32 = 12.0;
const HEAD: f32 = 24.0;
/// The kind of the box of a transit gateway route table.
const TGW_TABLE: &str = "TGW route table";

#[derive(Debug, Clone, Copy, Default)]
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Rect {
    fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }
    fn cy(&self) -> f32 {
        self.y + self.h / 2.0
    }
}

/// A box the picture draws: an item of the scenario or an AWS-managed
/// segment (named by the hop's component).
struct Boxed {
    rect: Rect,
    name: String,
    note: String,
    kind: String,
    part: Option<Part>,
}

/// At most this many neighbours of one touched part are drawn: the ring is
/// context, and in a large scenario a service or a route table has
/// hundreds.
const RING: usize = 12;

/// The parts a trace touches, plus one ring of neighbours (functions
/// outside any VPC are no neighbours of the internet they sit in).
fn shown(t: &Topology<'_>, hops: &[PathHop], from: &str, to: &str) -> BTreeSet<PartKey> {
    let sc = t.scenario();
    let mut touched: Vec<Part> = Vec::new();
    for id in hops.iter().map(|h| h.component.as_str()).chain([from, to]) {
        let id = id.split('@').next().unwrap_or(id);
        if let Some(p) = topology::part_named(sc, id)
            && !touched.contains(&p)
        {
            touched.push(p);
        }
    }
    let mut out: BTreeSet<PartKey> = touched.iter().map(|p| PartKey(*p)).collect();
    for p in &touched {
        let mut ring: Vec<Part> = t
            .neighbours(*p)
            .into_iter()
            .filter(|n| !matches!(n, Part::Vpc(_) | Part::Subnet(_)))
            .filter(|n| !(*p == Part::Internet && matches!(n, Part::Function(_))))
            .collect();
        ring.sort_by_key(|n| PartKey(*n));
        ring.dedup();
        out.extend(ring.into_iter().take(RING).map(PartKey));
    }
    out
}

/// `Part` ordered by its debug form (a stable order for a set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PartKey(Part);

impl PartialOrd for PartKey {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for PartKey {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        format!("{:?}", self.0).cmp(&format!("{:?}", o.0))
    }
}

/// Lays out boxes in rows of at most `per_row`, from (x, y); returns the
/// size used.
fn grid(rects: &mut [Rect], x: f32, y: f32, per_row: usize) -> (f32, f32) {
    let mut w: f32 = 0.0;
    let mut h: f32 = 0.0;
    for (i, r) in rects.iter_mut().enumerate() {
        let (col, row) = (i % per_row, i / per_row);
        r.x = x + col as f32 * (ITEM_W + GAP);
        r.y = y + row as f32 * (ITEM_H + GAP);
        r.w = ITEM_W;
        r.h = ITEM_H;
        w = w.max((col + 1) as f32 * (ITEM_W + GAP) - GAP);
        h = h.max((row + 1) as f32 * (ITEM_H + GAP) - GAP);
    }
    (w, h)
}

/// What every picture of a page draws from, built once per page (a report
/// of a large scenario draws hundreds of traces on the same network).
pub(crate) struct Canvas<'s> {
    sc: &'s Scenario,
    topo: Topology<'s>,
    items: Vec<Item>,
}

impl<'s> Canvas<'s> {
    pub(crate) fn new(sc: &'s Scenario) -> Canvas<'s> {
        Canvas {
            sc,
            topo: Topology::build(sc),
            items: topology::items(sc),
        }
    }
}

/// The SVG of one trace on its part of the network. `id` prefixes the
/// element ids (several pictures share a page).
pub(crate) fn svg(c: &Canvas<'_>, hops: &[PathHop], from: &str, to: &str, id: &str) -> String {
    let sc = c.sc;
    let keep = shown(&c.topo, hops, from, to);
    let items: Vec<Item> = c
        .items
        .iter()
        .filter(|i| keep.contains(&PartKey(i.part)))
        .cloned()
        .collect();
    let subnets: BTreeSet<SubnetId> = items
        .iter()
        .filter_map(|i| match i.spot {
            Spot::Subnet(s) => Some(s),
            _ => None,
        })
        .collect();
    let vpcs: BTreeSet<VpcId> = items
        .iter()
        .filter_map(|i| match i.spot {
            Spot::Subnet(s) => Some(sc.subnets[s.ix()].vpc),
            Spot::Vpc(v) => Some(v),
            _ => None,
        })
        .collect();
    let nest = Nest::of(sc, |v| vpcs.contains(&v), |s| subnets.contains(&s));

    let mut boxes: Vec<Boxed> = Vec::new();
    let mut frames = String::new(); // region, VPC, AZ, subnet rectangles, drawn first
    let mut item_box: HashMap<usize, usize> = HashMap::new();
    let mut subnet_rect: HashMap<SubnetId, Rect> = HashMap::new();
    let mut box_subnet: HashMap<usize, SubnetId> = HashMap::new();
    let boxed = |it: &Item| Boxed {
        rect: Rect::default(),
        name: it.name.clone(),
        note: it.note.clone(),
        kind: topology::kind_word(sc, it.part).to_string(),
        part: Some(it.part),
    };

    // Region: VPCs stacked, then a column of services and AWS-managed segments.
    let (rx, ry) = (10.0, 10.0);
    let mut y = ry + HEAD + PAD;
    let mut vpc_w: f32 = 0.0;
    for (vpc, azs) in &nest.vpcs {
        let v = &sc.vpcs[vpc.ix()];
        let vx = rx + PAD;
        let vy = y;
        // The VPC-level band: gateways, gateway endpoints, route tables.
        let band: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].spot == Spot::Vpc(*vpc))
            .collect();
        let mut inner_y = vy + HEAD + PAD;
        // AZs side by side, subnets stacked inside.
        let mut ax = vx + PAD;
        let az_top = inner_y
            + if band.is_empty() {
                0.0
            } else {
                ((band.len().div_ceil(4)) as f32) * (ITEM_H + GAP) + GAP
            };
        let mut az_bottom = az_top;
        let mut az_frames = String::new();
        let mut az_boxes = String::new();
        for (az, subs) in azs {
            let mut sy = az_top + HEAD;
            let mut az_w: f32 = 0.0;
            for s in subs {
                let inside: Vec<usize> = (0..items.len())
                    .filter(|&i| items[i].spot == Spot::Subnet(*s))
                    .collect();
                let mut rects = vec![Rect::default(); inside.len()];
                let (w, h) = grid(&mut rects, ax + 2.0 * PAD, sy + HEAD + 4.0, 2);
                let sw = w.max(ITEM_W) + 2.0 * PAD;
                let sh = HEAD + 4.0 + h + PAD;
                for (k, i) in inside.iter().enumerate() {
                    let mut b = boxed(&items[*i]);
                    b.rect = rects[k];
                    item_box.insert(*i, boxes.len());
                    box_subnet.insert(boxes.len(), *s);
                    boxes.push(b);
                }
                let sn = &sc.subnets[s.ix()];
                let r = Rect {
                    x: ax + PAD,
                    y: sy,
                    w: sw,
                    h: sh,
                };
                subnet_rect.insert(*s, r);
                let _ = write!(
                    az_frames,
                    "<g class=\"subnet\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/><text x=\"{}\" y=\"{}\">subnet {} <tspan class=\"dim\">{}</tspan></text><title>subnet {} {} (route table {}, network ACL {})</title></g>",
                    r.x,
                    r.y,
                    r.w,
                    r.h,
                    r.x + 8.0,
                    r.y + 16.0,
                    esc(&short(&sn.name, 14)),
                    sn.cidr,
                    esc(&sn.name),
                    sn.cidr,
                    esc(&sc.route_tables[sn.route_table.ix()].name),
                    esc(&sc.network_acls[sn.network_acl.ix()].name)
                );
                az_w = az_w.max(sw);
                sy += sh + GAP;
            }
            let aw = az_w + 2.0 * PAD;
            let ah = sy - az_top;
            let _ = write!(
                az_boxes,
                "<g class=\"az\"><rect x=\"{ax}\" y=\"{az_top}\" width=\"{aw}\" height=\"{ah}\" rx=\"4\"/><text x=\"{}\" y=\"{}\">AZ {}</text></g>",
                ax + 8.0,
                az_top + 16.0,
                esc(az)
            );
            az_bottom = az_bottom.max(az_top + ah);
            ax += aw + GAP;
        }
        let mut rects = vec![Rect::default(); band.len()];
        let (bw, _) = grid(&mut rects, vx + PAD, inner_y, 4);
        for (k, i) in band.iter().enumerate() {
            let mut b = boxed(&items[*i]);
            b.rect = rects[k];
            item_box.insert(*i, boxes.len());
            boxes.push(b);
        }
        inner_y = az_bottom;
        let vw = (ax - vx).max(bw + 2.0 * PAD).max(260.0);
        let vh = inner_y - vy + PAD;
        let cidrs: Vec<String> = v.cidrs.iter().map(ToString::to_string).collect();
        let _ = write!(
            frames,
            "<g class=\"vpc\"><rect x=\"{vx}\" y=\"{vy}\" width=\"{vw}\" height=\"{vh}\" rx=\"8\"/><text x=\"{}\" y=\"{}\">VPC {} <tspan class=\"dim\">{}</tspan></text></g>",
            vx + 10.0,
            vy + 17.0,
            esc(&short(&v.name, 30)),
            esc(&cidrs.join(", "))
        );
        frames.push_str(&az_boxes);
        frames.push_str(&az_frames);
        vpc_w = vpc_w.max(vw);
        y = vy + vh + GAP;
    }
    // The region column: Lambda-managed functions, services, peering, TGW,
    // then the AWS-managed segments the hops name that are no item.
    let col_x = rx + PAD + if vpc_w > 0.0 { vpc_w + 2.0 * GAP } else { 0.0 };
    // Each item of the column, and under a transit gateway the route
    // tables of it that the trace's hops name (the tables that decided).
    let mut col: Vec<Boxed> = Vec::new();
    let mut col_items: Vec<Option<usize>> = Vec::new();
    let mut tgw_tables: Vec<(String, String, usize)> = Vec::new(); // (tgw, table, column index)
    for i in (0..items.len()).filter(|&i| items[i].spot == Spot::Region) {
        col.push(boxed(&items[i]));
        col_items.push(Some(i));
        if let Part::Tgw(_) = items[i].part {
            let tgw = &items[i].name;
            for h in hops.iter().filter(|h| &h.component == tgw) {
                let Some(table) = &h.tgw_table else { continue };
                if tgw_tables.iter().any(|(g, t, _)| g == tgw && t == table) {
                    continue;
                }
                tgw_tables.push((tgw.clone(), table.clone(), col.len()));
                col.push(Boxed {
                    rect: Rect::default(),
                    name: table.clone(),
                    note: String::new(),
                    kind: TGW_TABLE.into(),
                    part: None,
                });
                col_items.push(None);
            }
        }
    }
    let located = topology::locate(sc, &items, hops);
    let mut extra: Vec<String> = Vec::new();
    let mut outside_extra: Vec<String> = Vec::new();
    for (h, at) in hops.iter().zip(&located) {
        if at.is_some() || matches!(h.kind.as_str(), "security-group" | "network-acl") {
            continue;
        }
        let list = if h.kind == "internet" || h.component.parse::<std::net::IpAddr>().is_ok() {
            &mut outside_extra
        } else {
            &mut extra
        };
        if !list.contains(&h.component) && topology::part_named(sc, &h.component).is_none() {
            list.push(h.component.clone());
        }
    }
    for c in &extra {
        col.push(Boxed {
            rect: Rect::default(),
            name: c.clone(),
            note: String::new(),
            kind: "AWS-managed segment".into(),
            part: None,
        });
    }
    let mut rects = vec![Rect::default(); col.len()];
    let (cw, ch) = grid(&mut rects, col_x, ry + HEAD + PAD, 1);
    let base = boxes.len();
    let mut hangs = String::new(); // a TGW table hangs under its gateway
    for (k, (mut b, mut r)) in col.into_iter().zip(rects).enumerate() {
        if b.kind == TGW_TABLE {
            r.x += 16.0;
            r.w -= 16.0;
            let _ = write!(
                hangs,
                "<line class=\"hang\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                r.x - 8.0,
                r.y - GAP,
                r.x - 8.0,
                r.cy()
            );
            let _ = write!(
                hangs,
                "<line class=\"hang\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                r.x - 8.0,
                r.cy(),
                r.x,
                r.cy()
            );
        }
        b.rect = r;
        if let Some(Some(i)) = col_items.get(k) {
            item_box.insert(*i, base + k);
        }
        boxes.push(b);
    }
    let tgw_table_box = |tgw: &str, table: &str| {
        tgw_tables
            .iter()
            .find(|(g, t, _)| g == tgw && t == table)
            .map(|(_, _, k)| base + k)
    };
    let region_w = (col_x + cw + PAD - rx).max(300.0);
    let region_h = (y.max(ry + HEAD + PAD + ch + GAP) - ry).max(80.0);
    let region = format!(
        "<g class=\"region\"><rect x=\"{rx}\" y=\"{ry}\" width=\"{region_w}\" height=\"{region_h}\" rx=\"10\"/><text x=\"{}\" y=\"{}\">region {}</text></g>",
        rx + 10.0,
        ry + 17.0,
        esc(&sc.region)
    );
    // Outside: the internet, external hosts, bare addresses.
    let ox = rx + region_w + 2.0 * GAP;
    let mut out_boxes: Vec<(Option<usize>, Boxed)> = (0..items.len())
        .filter(|&i| items[i].spot == Spot::Outside)
        .map(|i| (Some(i), boxed(&items[i])))
        .collect();
    for c in &outside_extra {
        out_boxes.push((
            None,
            Boxed {
                rect: Rect::default(),
                name: c.clone(),
                note: String::new(),
                kind: if c == "internet" {
                    "internet"
                } else {
                    "address"
                }
                .into(),
                part: None,
            },
        ));
    }
    let mut rects = vec![Rect::default(); out_boxes.len()];
    let (ow, oh) = grid(&mut rects, ox, ry + HEAD + PAD, 1);
    for ((i, mut b), r) in out_boxes.into_iter().zip(rects) {
        b.rect = r;
        if let Some(i) = i {
            item_box.insert(i, boxes.len());
        }
        boxes.push(b);
    }
    let width = if ow > 0.0 {
        ox + ow + 10.0
    } else {
        rx + region_w + 10.0
    };
    let height = (ry + region_h).max(ry + HEAD + PAD + oh) + 10.0;

    // Each hop's point on the picture.
    let by_name = |name: &str| {
        boxes
            .iter()
            .position(|b| b.part.is_none() && b.kind != TGW_TABLE && b.name == name)
    };
    let mut points: Vec<(f32, f32, Option<usize>)> = Vec::new();
    // A box a hop marks besides its own: the gateway of a TGW table.
    let mut also: Vec<Option<usize>> = Vec::new();
    for (k, h) in hops.iter().enumerate() {
        let near = |dir: i64| -> Option<usize> {
            let mut j = k as i64 + dir;
            while j >= 0 && (j as usize) < hops.len() {
                if let Some(i) = located[j as usize] {
                    let b = item_box.get(&i).copied()?;
                    if matches!(
                        boxes[b].part,
                        Some(
                            Part::Function(_)
                                | Part::Resource(_)
                                | Part::Endpoint(_)
                                | Part::Nat(_)
                                | Part::Poller(_)
                        )
                    ) {
                        return Some(b);
                    }
                }
                j += dir;
            }
            None
        };
        let own = located[k].and_then(|i| item_box.get(&i).copied());
        let table = h
            .tgw_table
            .as_deref()
            .and_then(|t| tgw_table_box(&h.component, t));
        also.push(table.and(own));
        let p = if let Some(b) = table.or(own) {
            let r = boxes[b].rect;
            Some((r.cx(), r.cy(), Some(b)))
        } else if h.kind == "security-group" {
            // An inbound check is at the interface the packet comes to.
            let b = if h.reply || h.detail.starts_with("inbound") {
                near(1).or(near(-1))
            } else {
                near(-1).or(near(1))
            };
            b.map(|b| {
                let r = boxes[b].rect;
                (r.x + r.w - 10.0, r.y, Some(b))
            })
        } else if h.kind == "network-acl" {
            let b = if h.reply {
                near(1).or(near(-1))
            } else {
                near(-1).or(near(1))
            };
            // The subnet the hop names ("... at subnet public"), else the
            // subnet of the nearest interface on the path.
            let named = subnet_rect.iter().find(|(s, _)| {
                h.detail
                    .ends_with(&format!("at subnet {}", sc.subnets[s.ix()].name))
            });
            if let Some((_, r)) = named {
                Some((r.x + r.w, r.cy(), None))
            } else {
                b.and_then(|b| {
                    let r = subnet_rect.get(box_subnet.get(&b)?)?;
                    Some((r.x + r.w, boxes[b].rect.cy(), None))
                })
            }
        } else {
            by_name(&h.component).map(|b| {
                let r = boxes[b].rect;
                (r.cx(), r.cy(), Some(b))
            })
        };
        let p = p
            .or_else(|| points.last().copied())
            .unwrap_or((20.0, 20.0, None));
        points.push(p);
    }

    // Which boxes the path marks: the worst decision of a hop at them.
    let mut box_mark: HashMap<usize, Mark> = HashMap::new();
    for ((h, p), a) in hops.iter().zip(&points).zip(&also) {
        for b in [p.2, *a].into_iter().flatten() {
            let m = box_mark.entry(b).or_insert(Mark::Pass);
            if h.mark == Mark::Block || (h.mark == Mark::Unknown && *m != Mark::Block) {
                *m = h.mark;
            }
        }
    }

    let mut svg = format!(
        "<svg class=\"net\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"the path of {} to {} on the network\">",
        esc(from),
        esc(to)
    );
    svg.push_str("<defs>");
    for (name, colour) in [
        ("pass", "#1a7f37"),
        ("block", "#cf222e"),
        ("unknown", "#bf8700"),
    ] {
        let _ = write!(
            svg,
            "<marker id=\"{id}-arrow-{name}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    svg.push_str("</defs>");
    svg.push_str(&region);
    svg.push_str(&frames);
    svg.push_str(&hangs);
    for (k, b) in boxes.iter().enumerate() {
        let class = match box_mark.get(&k) {
            Some(Mark::Block) => " blocked",
            Some(Mark::Unknown) => " unknown",
            Some(_) => " on-path",
            None => "",
        };
        let kind_class = match b.part {
            Some(Part::Function(_)) => "function",
            Some(Part::Resource(_)) => "resource",
            Some(Part::RouteTable(_)) => "route-table",
            Some(Part::Igw(_) | Part::Eigw(_) | Part::Nat(_) | Part::Peering(_) | Part::Tgw(_)) => {
                "gateway"
            }
            Some(Part::Endpoint(_)) => "endpoint",
            Some(Part::Service(_)) => "service",
            Some(Part::Poller(_)) => "poller",
            None if b.kind == TGW_TABLE => "route-table tgw-table",
            Some(Part::Internet | Part::Host(_)) | None if b.kind != "AWS-managed segment" => {
                "outside"
            }
            _ => "managed",
        };
        let r = b.rect;
        let _ = write!(
            svg,
            "<g class=\"entity {kind_class}{class}\"><title>{} {}{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\"/><text x=\"{}\" y=\"{}\" class=\"name\">{}</text><text x=\"{}\" y=\"{}\" class=\"note\">{}</text></g>",
            esc(&b.kind),
            esc(&b.name),
            if b.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", esc(&b.note))
            },
            r.x,
            r.y,
            r.w,
            r.h,
            r.x + 8.0,
            r.y + 16.0,
            esc(&short(&b.name, 21)),
            r.x + 8.0,
            r.y + 31.0,
            esc(&short(format!("{} {}", b.kind, b.note).trim(), 26)),
        );
    }

    // The path: a segment into each hop, then its numbered mark.
    let mut seen: HashMap<(i32, i32), usize> = HashMap::new();
    let mut marks = String::new();
    let mut prev: Option<(f32, f32)> = None;
    for (h, p) in hops.iter().zip(&points) {
        let key = (p.0.round() as i32, p.1.round() as i32);
        let n = seen.entry(key).or_insert(0);
        let (x, y) = (
            p.0 + *n as f32 * 17.0 - 8.0,
            p.1 - 18.0 - if h.reply { -36.0 } else { 0.0 },
        );
        *n += 1;
        let cls = match h.mark {
            Mark::Pass => "pass",
            Mark::Info => "info",
            Mark::Block => "block",
            Mark::Unknown => "unknown",
        };
        let line = match h.mark {
            Mark::Block => "block",
            Mark::Unknown => "unknown",
            _ => "pass",
        };
        if let Some((px, py)) = prev
            && ((px - x).abs() > 1.0 || (py - y).abs() > 1.0)
        {
            let _ = write!(
                svg,
                "<line class=\"leg {line}{}\" x1=\"{px}\" y1=\"{py}\" x2=\"{x}\" y2=\"{y}\" marker-end=\"url(#{id}-arrow-{line})\"/>",
                if h.reply { " reply" } else { "" }
            );
        }
        prev = Some((x, y));
        let rule = h
            .rule
            .as_ref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        let _ = write!(
            marks,
            "<g class=\"hop {cls}{}\" id=\"{id}-hop-{}\" data-step=\"{}\"><title>{} {} {} {}: {}{}</title><circle cx=\"{x}\" cy=\"{y}\" r=\"9\"/><text x=\"{x}\" y=\"{}\">{}</text></g>",
            if h.reply { " reply" } else { "" },
            h.step,
            h.step,
            h.step,
            h.mark.symbol(),
            esc(&h.kind),
            esc(&h.component),
            esc(&h.detail),
            esc(&rule),
            y + 3.5,
            h.step
        );
    }
    svg.push_str(&marks);
    svg.push_str("</svg>");
    svg
}

/// At most `n` characters, with `…` when cut.
pub(crate) fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
