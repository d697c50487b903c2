//! Sorting a snapshot's files by what they hold: the top-level key of each
//! call's output decides, not the file's name.

use std::collections::BTreeMap;

use serde_json::Value;

use super::value::{arr, id_in_name, param_in_name, s};
use crate::report::{EntryKind, Report};

/// One item of a call's output, with where it came from
/// (`ec2-describe-vpcs.json#/Vpcs/2`).
#[derive(Debug, Clone)]
pub struct Item {
    pub src: String,
    pub v: Value,
}

/// What the snapshot holds, by call. Lists of items are in file order.
#[derive(Debug, Default)]
pub struct Dump {
    pub lists: BTreeMap<&'static str, Vec<Item>>,
    /// `describe-vpc-attribute`: (vpc, attribute) → value.
    pub vpc_attributes: Vec<(Item, String, &'static str, bool)>,
    /// `get-policy`: the function (from the policy's ARN or the file name)
    /// and the policy document.
    pub policies: Vec<(Item, String, Value)>,
    /// `get-managed-prefix-list-entries`: prefix list id → entries.
    pub prefix_entries: Vec<(Item, String)>,
    /// `events list-targets-by-rule`: the rule (from the file name) → targets.
    pub rule_targets: Vec<(Item, String)>,
    /// `search-transit-gateway-routes`: the route table (from the file
    /// name) → routes.
    pub tgw_routes: Vec<(Item, String)>,
    /// `s3api get-bucket-notification-configuration`: the bucket → lambda targets.
    pub bucket_notifications: Vec<(Item, String)>,
    /// Folders of per-item calls that were collected (`lambda-get-policy`),
    /// so an absent file means "none" rather than "not collected".
    pub collected: std::collections::BTreeSet<String>,
}

/// The list calls, by their top-level key.
const LISTS: &[&str] = &[
    "Vpcs",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "Addresses",
    "VpcEndpoints",
    "PrefixLists",
    "SecurityGroups",
    "SecurityGroupRules",
    "NetworkAcls",
    "NetworkInterfaces",
    "Reservations",
    "VpcPeeringConnections",
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
    "TransitGatewayPropagations",
    "TransitGatewayStaticRoutes",
    "Functions",
    "EventSourceMappings",
    "DBInstances",
    "Rules",
    "Subscriptions",
    "BrokerSummaries",
];

/// Keys of calls awsreach reads but does not model: each non-empty item is
/// reported as skipped with this reason.
const UNMODELLED: &[(&str, &str)] = &[
    ("VpnGateways", "VPN (virtual private) gateway"),
    ("VpnConnections", "Site-to-Site VPN connection"),
    ("CustomerGateways", "customer gateway"),
    ("LoadBalancers", "load balancer"),
    ("LoadBalancerDescriptions", "Classic Load Balancer"),
    ("TargetGroups", "load balancer target group"),
    ("Firewalls", "AWS Network Firewall"),
    ("FirewallPolicies", "AWS Network Firewall policy"),
    ("DomainStatusList", "OpenSearch domain"),
    ("CacheClusters", "ElastiCache cluster (not read yet)"),
    (
        "TransitGatewayConnects",
        "transit gateway Connect attachment",
    ),
    (
        "TransitGatewayPeeringAttachments",
        "transit gateway peering attachment",
    ),
];

/// Keys of calls that hold nothing about reachability; one skipped line per file.
const IRRELEVANT: &[&str] = &[
    "AvailabilityZones",
    "Tags",
    "DhcpOptions",
    "Hosts",
    "PlacementGroups",
    "InstanceStatuses",
    "Instances",
    "MovingAddressStatuses",
    "QueueUrls",
    "LoadBalancerListeners",
    "LoadBalancerTargetHealth",
    "LoadBalancerAttributes",
    "ServiceDetails",
    "ServiceNames",
    "Buckets",
    "Owner",
    "Queues",
    "Topics",
];

/// Keys that accompany a call's output and carry no data.
const NOISE: &[&str] = &[
    "ResponseMetadata",
    "NextToken",
    "Marker",
    "NextMarker",
    "AdditionalRoutesAvailable",
    "RevisionId",
];

/// A per-item call folder (`lambda-get-policy`): (service, verb).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call<'a> {
    pub service: &'a str,
    pub verb: &'a str,
}

/// Recognises `<service>-<verb>-…` folder names of per-item calls.
pub fn call_of(dir: &str) -> Option<Call<'_>> {
    let mut parts = dir.splitn(3, '-');
    let service = parts.next()?;
    let verb = parts.next()?;
    parts.next()?;
    let known_verb = matches!(verb, "describe" | "get" | "list" | "search");
    let known_service = !service.is_empty() && service.chars().all(|c| c.is_ascii_alphanumeric());
    (known_verb && known_service).then_some(Call { service, verb })
}

impl Dump {
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
            && self.vpc_attributes.is_empty()
            && self.policies.is_empty()
            && self.prefix_entries.is_empty()
            && self.rule_targets.is_empty()
            && self.tgw_routes.is_empty()
            && self.bucket_notifications.is_empty()
    }

    pub fn list(&self, key: &str) -> &[Item] {
        self.lists.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when the call behind `key` is in the snapshot (even if empty).
    pub fn has(&self, key: &str) -> bool {
        self.lists.contains_key(key)
    }

    /// The region every subnet's availability zone names, when they agree.
    pub fn region_from_zones(&self) -> Option<String> {
        let mut found: Option<String> = None;
        for it in self.list("Subnets") {
            let az = s(&it.v, "AvailabilityZone")?;
            let r = az.trim_end_matches(|c: char| c.is_ascii_lowercase());
            match &found {
                Some(f) if f != r => return None,
                _ => found = Some(r.to_string()),
            }
        }
        found
    }

    /// Sorts one file's content in.
    pub fn add(&mut self, path: &str, v: Value, report: &mut Report) {
        let dir = path.rsplit(['/', '\\']).nth(1).unwrap_or("");
        if call_of(dir).is_some() {
            self.collected.insert(dir.to_string());
        }
        let Value::Object(map) = &v else {
            report.push(
                EntryKind::Warning,
                path,
                "file",
                "not an AWS CLI output (the top level is not an object); not imported",
            );
            return;
        };
        let item = |pointer: &str, v: &Value| Item {
            src: format!("{path}#{pointer}"),
            v: v.clone(),
        };
        // Single-object calls first: their shape is their fields.
        if map.contains_key("FunctionArn") && map.contains_key("FunctionName") {
            // lambda get-function-configuration
            self.lists
                .entry("Functions")
                .or_default()
                .push(item("", &v));
            return;
        }
        if map.contains_key("BrokerArn") && map.contains_key("EngineType") {
            // mq describe-broker: one broker, with its engine and placement.
            self.lists.entry("Brokers").or_default().push(item("", &v));
            return;
        }
        if let (Some(vpc), true) = (s(&v, "VpcId"), map.len() <= 3) {
            let attrs = [
                ("EnableDnsSupport", "enableDnsSupport"),
                ("EnableDnsHostnames", "enableDnsHostnames"),
            ];
            let mut any = false;
            for (key, name) in attrs {
                if let Some(val) = v
                    .get(key)
                    .and_then(|x| x.get("Value"))
                    .and_then(Value::as_bool)
                {
                    self.vpc_attributes.push((
                        item(&format!("/{key}"), &v),
                        vpc.to_string(),
                        name,
                        val,
                    ));
                    any = true;
                }
            }
            if any {
                return;
            }
        }
        if let Some(p) = map.get("Policy") {
            // lambda get-policy: the policy is a JSON document in a string.
            let doc = match p {
                Value::String(text) => match serde_json::from_str::<Value>(text) {
                    Ok(d) => d,
                    Err(e) => {
                        report.push(
                            EntryKind::Warning,
                            path,
                            "Policy",
                            format!("the policy document is not JSON ({e}); not imported"),
                        );
                        return;
                    }
                },
                other => other.clone(),
            };
            let from_arn = arr(&doc, "Statement")
                .iter()
                .find_map(|st| st.get("Resource").and_then(Value::as_str))
                .and_then(super::value::arn_name)
                .map(str::to_string);
            let name = from_arn.unwrap_or_else(|| param_in_name(path, "FunctionName").to_string());
            self.policies.push((item("/Policy", &v), name, doc));
            return;
        }
        if map.contains_key("LambdaFunctionConfigurations")
            || map.contains_key("QueueConfigurations")
            || map.contains_key("TopicConfigurations")
            || map.contains_key("EventBridgeConfiguration")
            || (map.is_empty() && dir.contains("bucket-notification"))
        {
            let bucket = param_in_name(path, "Bucket").to_string();
            self.bucket_notifications.push((item("", &v), bucket));
            return;
        }
        let mut primary = None;
        for (key, val) in map {
            let k = key.as_str();
            if NOISE.contains(&k) {
                continue;
            }
            if let Some(&known) = LISTS.iter().find(|l| **l == k) {
                let list = self.lists.entry(known).or_default();
                for (n, x) in arr(&v, k).iter().enumerate() {
                    list.push(item(&format!("/{k}/{n}"), x));
                }
                primary = Some(k);
            } else if k == "Entries" {
                let Some(pl) = id_in_name(path, "pl") else {
                    report.push(
                        EntryKind::Warning,
                        path,
                        "Entries",
                        "prefix-list entries without a prefix-list id in the file name \
                         (expected …PrefixListId-pl-….json); not imported",
                    );
                    return;
                };
                self.prefix_entries
                    .push((item("/Entries", val), pl.to_string()));
                primary = Some(k);
            } else if k == "Targets" {
                let rule = param_in_name(path, "Rule").to_string();
                self.rule_targets.push((item("/Targets", val), rule));
                primary = Some(k);
            } else if k == "Routes" {
                let Some(rtb) = id_in_name(path, "tgw-rtb") else {
                    report.push(
                        EntryKind::Warning,
                        path,
                        "Routes",
                        "transit gateway routes without a route-table id in the file name \
                         (expected …TransitGatewayRouteTableId-tgw-rtb-….json); not imported",
                    );
                    return;
                };
                self.tgw_routes
                    .push((item("/Routes", val), rtb.to_string()));
                primary = Some(k);
            } else if let Some((_, what)) = UNMODELLED.iter().find(|(u, _)| *u == k) {
                for (n, x) in arr(&v, k).iter().enumerate() {
                    let id = first_id(x).unwrap_or_else(|| format!("#{n}"));
                    report.push(
                        EntryKind::Skipped,
                        format!("{path}#/{k}/{n}"),
                        id,
                        format!("{what}: not modelled by awsreach"),
                    );
                }
                primary = Some(k);
            } else if IRRELEVANT.contains(&k) {
                report.push(
                    EntryKind::Skipped,
                    path,
                    k,
                    "holds nothing that decides reachability",
                );
                primary = Some(k);
            } else if primary.is_none() && !val.is_array() {
                continue;
            }
        }
        if primary.is_none() {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(6).collect();
            report.push(
                EntryKind::Warning,
                path,
                "file",
                format!(
                    "unknown shape (top-level keys: {}); not imported",
                    if keys.is_empty() {
                        "none".into()
                    } else {
                        keys.join(", ")
                    }
                ),
            );
        }
    }
}

/// The name of a skipped item: its own id or name field (`VpnGatewayId`,
/// `LoadBalancerName`), not one it merely references (`VpcId`).
fn first_id(v: &Value) -> Option<String> {
    let m = v.as_object()?;
    const REFS: &[&str] = &[
        "VpcId",
        "SubnetId",
        "OwnerId",
        "CanonicalHostedZoneNameID",
        "CanonicalHostedZoneId",
    ];
    m.iter()
        .find(|(k, x)| {
            (k.ends_with("Name") || k.ends_with("Arn"))
                && x.is_string()
                && k.starts_with(|c: char| c.is_uppercase())
                && !k.contains("DNS")
        })
        .or_else(|| {
            m.iter()
                .find(|(k, x)| k.ends_with("Id") && x.is_string() && !REFS.contains(&k.as_str()))
        })
        .and_then(|(_, x)| x.as_str())
        .map(str::to_string)
}
