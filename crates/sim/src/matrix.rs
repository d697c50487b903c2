//! All-pairs reachability through equivalence classes.
//!
//! Two sources that share every input the walk reads (subnet, security
//! groups, the address *atom* — which CIDRs of the scenario contain the
//! address —, public-IP presence, IPv6, and the name when a policy names
//! it) get the same outcome against every destination; likewise for
//! destinations. So the matrix is computed once per (row class, column
//! class) and stays exact. `Matrix::get` answers any cell in O(1).

use std::collections::HashMap;
use std::net::Ipv4Addr;

use awsreach_model::net::Protocol;
use awsreach_model::*;
use ipnet::IpNet;
use rayon::prelude::*;

use crate::engine::{Engine, Node, ProbeOptions, natural_kind};
use crate::enis::Split;
use crate::trace::{CallKind, Outcome};

/// The kinds a `--from`/`--to` filter takes besides ids.
pub const FILTER_KINDS: [&str; 5] = ["function", "resource", "service", "host", "internet"];

impl Engine {
    /// The nodes a `--from`/`--to` filter keeps, in their order: those
    /// whose kind or id it names (all of them when the filter is empty).
    /// The filter is resolved once through the engine's index (as `trace`
    /// resolves an id), so a list of 10,000 ids costs a hash lookup per
    /// node, not a scan of the list.
    pub fn select(&self, nodes: Vec<Node>, filter: &[String]) -> Vec<Node> {
        if filter.is_empty() {
            return nodes;
        }
        let kinds: Vec<&str> = filter
            .iter()
            .map(String::as_str)
            .filter(|f| FILTER_KINDS.contains(f))
            .collect();
        let ids: std::collections::HashSet<Node> =
            filter.iter().filter_map(|f| self.lookup(f)).collect();
        nodes
            .into_iter()
            .filter(|n| ids.contains(n) || kinds.contains(&crate::diff::node_kind(*n)))
            .collect()
    }
}

/// Row classes per parallel task and column classes per tile.
const ROW_TILE: usize = 8;
const COL_TILE: usize = 256;

/// The outcome of every (row, column) pair, stored per class pair.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub rows: Vec<Node>,
    pub cols: Vec<Node>,
    row_class: Vec<u32>,
    col_class: Vec<u32>,
    ncol_classes: usize,
    /// Outcome per (row class, column class); `None` when meaningless.
    table: Vec<Option<Outcome>>,
    /// For the class pairs whose source is a function with several ENIs
    /// that do not all give the same verdict: each ENI's outcome, in the
    /// order of the function's ENIs (keyed by position in `table`).
    split: HashMap<usize, Box<[Outcome]>>,
}

impl Matrix {
    /// The cell for `rows[i]` → `cols[j]`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> Option<Outcome> {
        if self.rows[i] == self.cols[j] {
            return None;
        }
        self.table[self.slot(i, j)]
    }

    fn slot(&self, i: usize, j: usize) -> usize {
        self.row_class[i] as usize * self.ncol_classes + self.col_class[j] as usize
    }

    /// When `rows[i]` is a function whose ENIs disagree on `cols[j]` (some
    /// reach, others do not): each ENI's outcome, in the order of the
    /// function's ENIs. `get` gives the function's own verdict (the worst).
    pub fn eni_outcomes(&self, i: usize, j: usize) -> Option<&[Outcome]> {
        if self.rows[i] == self.cols[j] {
            return None;
        }
        self.split.get(&self.slot(i, j)).map(|b| &**b)
    }

    /// [`Matrix::eni_outcomes`] counted: how many of the ENIs reach.
    pub fn split(&self, i: usize, j: usize) -> Option<Split> {
        self.eni_outcomes(i, j).and_then(Split::of)
    }

    /// (row classes, column classes): how much work the matrix really took.
    pub fn classes(&self) -> (usize, usize) {
        (
            self.table.len() / self.ncol_classes.max(1),
            self.ncol_classes,
        )
    }

    pub fn cells(&self) -> usize {
        self.rows.len() * self.cols.len()
    }
}

/// Every IPv4 CIDR boundary of the scenario (and, for a matrix asked over
/// IPv6, every IPv6 one): addresses between two consecutive boundaries are
/// contained in exactly the same CIDRs.
struct Atoms {
    bounds: Vec<u32>,
    /// Empty unless flows are asked over IPv6: an IPv4 matrix reads no
    /// IPv6 address, only whether an ENI has one.
    bounds6: Vec<u128>,
}

impl Atoms {
    fn new(sc: &Scenario, v6: bool) -> Atoms {
        let mut bounds: Vec<u32> = Vec::new();
        let mut bounds6: Vec<u128> = Vec::new();
        let mut add = |n: &IpNet| match n {
            IpNet::V4(n) => {
                bounds.push(u32::from(n.network()));
                if let Some(end) = u32::from(n.broadcast()).checked_add(1) {
                    bounds.push(end);
                }
            }
            IpNet::V6(n) if v6 => {
                bounds6.push(u128::from(n.network()));
                if let Some(end) = u128::from(n.broadcast()).checked_add(1) {
                    bounds6.push(end);
                }
            }
            IpNet::V6(_) => {}
        };
        for rt in &sc.route_tables {
            for r in &rt.routes {
                if let RouteDest::Cidr(c) = &r.dest {
                    add(c);
                }
            }
        }
        for g in &sc.security_groups {
            for r in g.ingress.iter().chain(&g.egress) {
                if let SgPeer::Cidr(c) = &r.peer {
                    add(c);
                }
            }
        }
        for a in &sc.network_acls {
            for r in a.ingress.iter().chain(&a.egress) {
                add(&r.cidr);
            }
        }
        for v in &sc.vpcs {
            for c in &v.cidrs {
                add(&IpNet::V4(*c));
            }
            if let Some(c) = v.ipv6_cidr {
                add(&IpNet::V6(c));
            }
        }
        for t in &sc.transit_gateways {
            for r in t.route_tables.iter().flat_map(|x| &x.routes) {
                add(&r.dest);
            }
        }
        bounds.sort_unstable();
        bounds.dedup();
        bounds6.sort_unstable();
        bounds6.dedup();
        Atoms { bounds, bounds6 }
    }

    fn of(&self, ip: Ipv4Addr) -> u32 {
        self.bounds.partition_point(|b| *b <= u32::from(ip)) as u32
    }

    fn of6(&self, ip: std::net::Ipv6Addr) -> u32 {
        self.bounds6.partition_point(|b| *b <= u128::from(ip)) as u32
    }
}

/// What the walk reads of one ENI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct EniSig {
    subnet: SubnetId,
    sgs: Vec<SgId>,
    private_atom: u32,
    public_atom: Option<u32>,
    /// Its IPv6 address's atom (0 for every address in an IPv4 matrix).
    ipv6: Option<u32>,
}

/// What an invocation reads of a caller (rule 20): its name when some
/// resource-based policy names it, and its IAM identity.
type Who = (Option<String>, awsreach_model::Identity);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// Services, hosts, the internet, IPs: one class each.
    Unique(Node),
    NonVpcFunction {
        principal: Who,
    },
    VpcFunction {
        enis: Vec<EniSig>,
        principal: Who,
    },
    Resource {
        eni: EniSig,
        principal: Who,
        listen: Vec<awsreach_model::net::Listener>,
    },
    /// As a destination, a function is its policy, its account and its triggers.
    Callee {
        policy: Option<Vec<String>>,
        account: Option<awsreach_model::Account>,
        triggers: Vec<TriggerSig>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TriggerSig {
    service: ServiceId,
    source: awsreach_model::spec::TriggerSource,
    subnets: Vec<SubnetId>,
    sgs: Vec<SgId>,
    port: u16,
    provisioned: bool,
    secrets: bool,
    engine: Option<awsreach_model::spec::MqEngine>,
    auth: Option<awsreach_model::spec::UrlAuth>,
}

struct Classifier<'e> {
    e: &'e Engine,
    atoms: Atoms,
    /// Names that appear in some function's resource-based policy.
    principals: std::collections::HashSet<&'e str>,
}

impl<'e> Classifier<'e> {
    fn eni_sig(&self, eni: EniId) -> EniSig {
        let n = &self.e.sc.enis[eni.ix()];
        let mut sgs = n.security_groups.clone();
        sgs.sort_unstable();
        EniSig {
            subnet: n.subnet,
            sgs,
            private_atom: self.atoms.of(n.private_ip),
            public_atom: n.public_ip.map(|p| self.atoms.of(p)),
            ipv6: n.ipv6.map(|a| self.atoms.of6(a)),
        }
    }

    fn principal(&self, name: &str, identity: &awsreach_model::Identity) -> Who {
        (
            self.principals.contains(name).then(|| name.to_string()),
            identity.clone(),
        )
    }

    /// A function or resource with data listed as missing (placement,
    /// policy, or a trigger's poller placement) answers `unknown` where its
    /// peers do not: a class of its own.
    fn lacks_data(&self, n: Node) -> bool {
        let sc = &self.e.sc;
        match n {
            Node::Function(f) => {
                !sc.missing_for(EntityRef::Function(f)).is_empty()
                    || self.e.triggers_by_fn[f.ix()]
                        .iter()
                        .any(|t| !sc.missing_for(EntityRef::Trigger(*t)).is_empty())
            }
            Node::Resource(r) => !sc.missing_for(EntityRef::Resource(r)).is_empty(),
            _ => false,
        }
    }

    fn row_key(&self, n: Node) -> Key {
        let sc = &self.e.sc;
        if self.lacks_data(n) {
            return Key::Unique(n);
        }
        match n {
            Node::Function(f) => {
                let func = &sc.functions[f.ix()];
                let principal = self.principal(&func.name, &func.identity);
                match &func.vpc {
                    None => Key::NonVpcFunction { principal },
                    Some(v) => Key::VpcFunction {
                        enis: v.enis.iter().map(|e| self.eni_sig(*e)).collect(),
                        principal,
                    },
                }
            }
            // A source's listeners are never read: they only answer probes to it.
            Node::Resource(r) => self.resource_key(r, false),
            other => Key::Unique(other),
        }
    }

    fn resource_key(&self, r: ResourceId, listen: bool) -> Key {
        let res = &self.e.sc.resources[r.ix()];
        Key::Resource {
            eni: self.eni_sig(res.eni),
            principal: self.principal(&res.name, &res.identity),
            listen: if listen {
                res.listen.clone()
            } else {
                Vec::new()
            },
        }
    }

    fn col_key(&self, n: Node) -> Key {
        let sc = &self.e.sc;
        if self.lacks_data(n) {
            return Key::Unique(n);
        }
        match n {
            Node::Function(f) => {
                let mut triggers: Vec<TriggerSig> = self.e.triggers_by_fn[f.ix()]
                    .iter()
                    .map(|t| {
                        let t = &sc.triggers[t.ix()];
                        TriggerSig {
                            service: t.service,
                            source: t.source,
                            subnets: t.subnets.clone(),
                            sgs: t.security_groups.clone(),
                            port: t.port,
                            provisioned: t.mode == awsreach_model::spec::PollerMode::Provisioned,
                            secrets: t.secrets_manager,
                            engine: t.engine,
                            auth: t.auth,
                        }
                    })
                    .collect();
                // Trigger order decides which failure is reported; keep it.
                triggers.shrink_to_fit();
                Key::Callee {
                    policy: sc.functions[f.ix()].policy.clone(),
                    account: sc.functions[f.ix()].identity.account.clone(),
                    triggers,
                }
            }
            Node::Resource(r) => self.resource_key(r, true),
            other => Key::Unique(other),
        }
    }
}

fn classify(nodes: &[Node], key: impl Fn(Node) -> Key) -> (Vec<u32>, Vec<Vec<usize>>) {
    let mut ids: HashMap<Key, u32> = HashMap::new();
    let mut class = Vec::with_capacity(nodes.len());
    // The first two members of each class: a representative, and a spare for self-pairs.
    let mut reps: Vec<Vec<usize>> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let next = ids.len() as u32;
        let c = *ids.entry(key(*n)).or_insert(next);
        if c == next {
            reps.push(vec![i]);
        } else if reps[c as usize].len() < 2 {
            reps[c as usize].push(i);
        }
        class.push(c);
    }
    (class, reps)
}

impl Engine {
    /// The outcome of every `rows × cols` pair, computed once per pair of
    /// equivalence classes (in parallel) and exact for every cell.
    pub fn matrix(&self, rows: &[Node], cols: &[Node]) -> Matrix {
        self.matrix_with(rows, cols, &ProbeOptions::default())
    }

    /// [`Engine::matrix`] with probe options for every cell (a port for the
    /// flows, say); a cell whose probe the options make meaningless (an API
    /// call on a port other than 443) is `None`.
    pub fn matrix_with(&self, rows: &[Node], cols: &[Node], opts: &ProbeOptions) -> Matrix {
        let principals = self
            .sc
            .functions
            .iter()
            .filter_map(|f| f.policy.as_ref())
            .flatten()
            .map(|s| s.as_str())
            .collect();
        let cl = Classifier {
            e: self,
            atoms: Atoms::new(&self.sc, opts.ipv6),
            principals,
        };
        let (row_class, row_reps) = classify(rows, |n| cl.row_key(n));
        let (col_class, col_reps) = classify(cols, |n| cl.col_key(n));
        let ncol_classes = col_reps.len();
        // What each column's probes need, looked up once per column class
        // rather than once per cell (at 100k ENIs those lookups miss the cache).
        let col_flow: Vec<(Protocol, u16)> = col_reps
            .iter()
            .map(|reps| self.default_port(CallKind::Flow, cols[reps[0]]))
            .collect();
        type Cell = (Option<Outcome>, Option<Box<[Outcome]>>);
        let pair = |rc: usize, cc: usize| -> Cell {
            // Any member pair that is not a node paired with itself stands for the class pair.
            let Some((i, j)) = row_reps[rc]
                .iter()
                .flat_map(|&i| col_reps[cc].iter().map(move |&j| (i, j)))
                .find(|&(i, j)| rows[i] != cols[j])
            else {
                return (None, None);
            };
            let (from, to) = (rows[i], cols[j]);
            // Meaningless pairs (a service to a resource, say) build no error text.
            if natural_kind(from, to).is_err() {
                return (None, None);
            }
            let Ok(probe) = self.probe_with(from, to, opts, Some(col_flow[cc])) else {
                return (None, None);
            };
            if self.source_enis(&probe).is_empty() {
                return (Some(self.outcome(&probe)), None);
            }
            // A function with several ENIs: each ENI's answer. When they
            // all agree it is the function's (its walk decides by one of
            // them); when they differ the function's own walk says which
            // decides, and the cell keeps every ENI's answer.
            let each = self.outcome_each_eni(&probe);
            if each.windows(2).all(|w| w[0] == w[1]) {
                return (each.first().copied(), None);
            }
            let whole = self.outcome(&probe);
            let split = Split::of(&each).map(|_| each.into_boxed_slice());
            (Some(whole), split)
        };
        // Tiles of a few row classes by a few hundred column classes, so the
        // columns' ENIs, groups and rules stay in cache across the rows of a
        // tile; each parallel task fills its own rows of the table.
        let mut table: Vec<Option<Outcome>> = vec![None; row_reps.len() * ncol_classes];
        let mut split = HashMap::new();
        if ncol_classes > 0 {
            let splits: Vec<Vec<(usize, Box<[Outcome]>)>> = table
                .par_chunks_mut(ncol_classes * ROW_TILE)
                .enumerate()
                .map(|(chunk, out)| {
                    let r0 = chunk * ROW_TILE;
                    let nr = out.len() / ncol_classes;
                    let mut found = Vec::new();
                    for c0 in (0..ncol_classes).step_by(COL_TILE) {
                        let c1 = (c0 + COL_TILE).min(ncol_classes);
                        for r in 0..nr {
                            let line = &mut out[r * ncol_classes..][c0..c1];
                            for (cc, cell) in (c0..c1).zip(line) {
                                let (o, each) = pair(r0 + r, cc);
                                *cell = o;
                                if let Some(each) = each {
                                    found.push(((r0 + r) * ncol_classes + cc, each));
                                }
                            }
                        }
                    }
                    found
                })
                .collect();
            split.extend(splits.into_iter().flatten());
        }
        Matrix {
            rows: rows.to_vec(),
            cols: cols.to_vec(),
            row_class,
            col_class,
            ncol_classes,
            table,
            split,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class-based matrix equals the cell-by-cell one on the bundled example.
    #[test]
    fn classes_are_exact_on_the_example() {
        let src = include_str!("../../../scenarios/example-full.ron");
        let checked = awsreach_model::load(src).expect("example loads");
        let e = Engine::new(checked.scenario);
        let (rows, cols) = (e.sources(), e.destinations());
        let m = e.matrix(&rows, &cols);
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in cols.iter().enumerate() {
                assert_eq!(
                    m.get(i, j),
                    e.cell(*r, *c),
                    "{} -> {}",
                    e.node_name(*r),
                    e.node_name(*c)
                );
            }
        }
    }

    /// A function whose ENIs disagree is marked, with each ENI's answer as
    /// its own probe gives it; agreeing ENIs are not.
    #[test]
    fn disagreeing_enis_are_kept_per_cell() {
        let src = include_str!("../../../scenarios/rules/multi-subnet-function.ron");
        let e = Engine::new(awsreach_model::load(src).expect("loads").scenario);
        let (rows, cols) = (e.sources(), e.destinations());
        let m = e.matrix(&rows, &cols);
        let mut marked = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in cols.iter().enumerate() {
                if r == c {
                    continue;
                }
                let Ok(p) = e.probe_nodes(*r, *c, &ProbeOptions::default()) else {
                    continue;
                };
                let each = e.outcome_each_eni(&p);
                let expected = Split::of(&each).map(|_| each.as_slice());
                assert_eq!(m.eni_outcomes(i, j), expected);
                if m.split(i, j).is_some() {
                    marked.push(format!("{} -> {}", e.node_name(*r), e.node_name(*c)));
                }
            }
        }
        assert_eq!(
            marked,
            [
                "fn-flaky -> fn-good",
                "fn-flaky -> fn-broken",
                "fn-flaky -> sqs",
                "fn-flaky -> internet"
            ]
        );
    }
}
