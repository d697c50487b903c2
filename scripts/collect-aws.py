#!/usr/bin/env python3
"""Collect an AWS account snapshot for awsreach, read-only.

Writes the JSON output of read-only AWS API calls, one file per call, in
the layout `awsreach import aws` reads (docs/snapshot-format.md):

    OUT/<account>/<region>/ec2-describe-vpcs.json
    OUT/<account>/<region>/lambda-get-policy/FunctionName-<name>.json
    ...

Only describe/list/get/search calls are made: the script never writes to
the account. A call that fails (not authorised, not available in the
region) is reported on standard error and skipped; awsreach then reports
what it lacks as missing instead of guessing.

Usage:
    scripts/collect-aws.py --out ./snapshot [--region us-east-1 ...] [--profile NAME]
                           [--endpoint-url URL]

AWS_ENDPOINT_URL (or --endpoint-url) points every client at another
endpoint, e.g. a moto server. Needs boto3 (`pip install boto3`).
"""

import argparse
import datetime
import json
import os
import re
import sys

try:
    import boto3
    import botocore.exceptions
except ImportError:  # pragma: no cover - a clear message instead of a trace
    sys.exit("collect-aws.py needs boto3: pip install boto3")

# The list calls: (service, operation, file name, top-level key).
LIST_CALLS = [
    ("ec2", "describe_vpcs", "ec2-describe-vpcs", "Vpcs"),
    ("ec2", "describe_subnets", "ec2-describe-subnets", "Subnets"),
    ("ec2", "describe_route_tables", "ec2-describe-route-tables", "RouteTables"),
    ("ec2", "describe_internet_gateways", "ec2-describe-internet-gateways", "InternetGateways"),
    ("ec2", "describe_egress_only_internet_gateways", "ec2-describe-egress-only-internet-gateways", "EgressOnlyInternetGateways"),
    ("ec2", "describe_nat_gateways", "ec2-describe-nat-gateways", "NatGateways"),
    ("ec2", "describe_addresses", "ec2-describe-addresses", "Addresses"),
    ("ec2", "describe_vpc_endpoints", "ec2-describe-vpc-endpoints", "VpcEndpoints"),
    ("ec2", "describe_prefix_lists", "ec2-describe-prefix-lists", "PrefixLists"),
    ("ec2", "describe_managed_prefix_lists", "ec2-describe-managed-prefix-lists", "PrefixLists"),
    ("ec2", "describe_security_groups", "ec2-describe-security-groups", "SecurityGroups"),
    ("ec2", "describe_security_group_rules", "ec2-describe-security-group-rules", "SecurityGroupRules"),
    ("ec2", "describe_network_acls", "ec2-describe-network-acls", "NetworkAcls"),
    ("ec2", "describe_network_interfaces", "ec2-describe-network-interfaces", "NetworkInterfaces"),
    ("ec2", "describe_instances", "ec2-describe-instances", "Reservations"),
    ("ec2", "describe_vpc_peering_connections", "ec2-describe-vpc-peering-connections", "VpcPeeringConnections"),
    ("ec2", "describe_transit_gateways", "ec2-describe-transit-gateways", "TransitGateways"),
    ("ec2", "describe_transit_gateway_attachments", "ec2-describe-transit-gateway-attachments", "TransitGatewayAttachments"),
    ("ec2", "describe_transit_gateway_vpc_attachments", "ec2-describe-transit-gateway-vpc-attachments", "TransitGatewayVpcAttachments"),
    ("ec2", "describe_transit_gateway_route_tables", "ec2-describe-transit-gateway-route-tables", "TransitGatewayRouteTables"),
    ("lambda", "list_functions", "lambda-list-functions", "Functions"),
    ("lambda", "list_event_source_mappings", "lambda-list-event-source-mappings", "EventSourceMappings"),
    ("rds", "describe_db_instances", "rds-describe-db-instances", "DBInstances"),
    ("events", "list_rules", "events-list-rules", "Rules"),
    ("sns", "list_subscriptions", "sns-list-subscriptions", "Subscriptions"),
    ("mq", "list_brokers", "mq-list-brokers", "BrokerSummaries"),
]

READ_ONLY = re.compile(r"^(describe|list|get|search)_")


def safe(name):
    """A file-name-safe form of an item name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


class Collector:
    def __init__(self, session, region, out, endpoint):
        self.session = session
        self.region = region
        self.out = out
        self.endpoint = endpoint
        self.clients = {}
        self.failed = 0

    def client(self, service):
        if service not in self.clients:
            kw = {"region_name": self.region}
            if self.endpoint:
                kw["endpoint_url"] = self.endpoint
            self.clients[service] = self.session.client(service, **kw)
        return self.clients[service]

    def call(self, service, op, key=None, **params):
        """One read-only call, every page merged; None when it failed."""
        assert READ_ONLY.match(op), f"{op} is not a read-only call"
        c = self.client(service)
        try:
            if key and c.can_paginate(op):
                merged = {key: []}
                for page in c.get_paginator(op).paginate(**params):
                    merged[key].extend(page.get(key, []))
                return merged
            result = getattr(c, op)(**params)
            result.pop("ResponseMetadata", None)
            return result
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            code = getattr(e, "response", {}).get("Error", {}).get("Code", "")
            if code in ("ResourceNotFoundException",):
                return None  # e.g. get-policy of a function without a policy
            print(f"collect-aws: {self.region}: {service} {op}: {e}", file=sys.stderr)
            self.failed += 1
            return None

    def write(self, name, data, sub=None):
        folder = os.path.join(self.out, sub) if sub else self.out
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name + ".json"), "w") as f:
            json.dump(data, f, indent=2, sort_keys=True, default=str)
            f.write("\n")

    def run(self):
        got = {}
        for service, op, name, key in LIST_CALLS:
            data = self.call(service, op, key)
            if data is not None:
                self.write(name, data)
                got[name] = data
        for vpc in got.get("ec2-describe-vpcs", {}).get("Vpcs", []):
            for attr in ("enableDnsSupport", "enableDnsHostnames"):
                data = self.call("ec2", "describe_vpc_attribute", Attribute=attr, VpcId=vpc["VpcId"])
                if data is not None:
                    self.write(f"Attribute-{attr}_VpcId-{vpc['VpcId']}", data, "ec2-describe-vpc-attribute")
        for pl in got.get("ec2-describe-managed-prefix-lists", {}).get("PrefixLists", []):
            if pl.get("OwnerId") == "AWS":
                continue  # AWS-managed lists stand for their service
            data = self.call("ec2", "get_managed_prefix_list_entries", "Entries", PrefixListId=pl["PrefixListId"])
            if data is not None:
                self.write(f"PrefixListId-{pl['PrefixListId']}", data, "ec2-get-managed-prefix-list-entries")
        for rt in got.get("ec2-describe-transit-gateway-route-tables", {}).get("TransitGatewayRouteTables", []):
            rid = rt["TransitGatewayRouteTableId"]
            data = self.call(
                "ec2",
                "search_transit_gateway_routes",
                TransitGatewayRouteTableId=rid,
                Filters=[{"Name": "state", "Values": ["active", "blackhole"]}],
            )
            if data is not None:
                self.write(f"TransitGatewayRouteTableId-{rid}", data, "ec2-search-transit-gateway-routes")
        for fn in got.get("lambda-list-functions", {}).get("Functions", []):
            name = fn["FunctionName"]
            data = self.call("lambda", "get_function_configuration", FunctionName=name)
            if data is not None:
                self.write(f"FunctionName-{safe(name)}", data, "lambda-get-function-configuration")
            data = self.call("lambda", "get_policy", FunctionName=name)
            if data is not None:
                self.write(f"FunctionName-{safe(name)}", data, "lambda-get-policy")
        # Amazon MQ: the engine decides whether a poller needs STS, and the
        # broker's subnets and groups are where the poller's ENIs sit.
        for b in got.get("mq-list-brokers", {}).get("BrokerSummaries", []):
            data = self.call("mq", "describe_broker", BrokerId=b["BrokerId"])
            if data is not None:
                self.write(f"BrokerId-{safe(b['BrokerId'])}", data, "mq-describe-broker")
        for rule in got.get("events-list-rules", {}).get("Rules", []):
            data = self.call("events", "list_targets_by_rule", "Targets", Rule=rule["Name"])
            if data is not None:
                self.write(f"Rule-{safe(rule['Name'])}", data, "events-list-targets-by-rule")
        buckets = self.call("s3", "list_buckets")
        for b in (buckets or {}).get("Buckets", []):
            loc = self.call("s3", "get_bucket_location", Bucket=b["Name"]) or {}
            where = loc.get("LocationConstraint") or "us-east-1"
            if where != self.region:
                continue
            data = self.call("s3", "get_bucket_notification_configuration", Bucket=b["Name"])
            if data is not None:
                self.write(f"Bucket-{safe(b['Name'])}", data, "s3api-get-bucket-notification-configuration")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="directory to write the snapshot into")
    ap.add_argument("--region", action="append", help="region to collect (repeatable; default: the profile's)")
    ap.add_argument("--profile", help="AWS profile to use")
    ap.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"),
                    help="send every call here (default: $AWS_ENDPOINT_URL)")
    args = ap.parse_args()
    session = boto3.Session(profile_name=args.profile)
    regions = args.region or [session.region_name or "us-east-1"]
    sts_kw = {"region_name": regions[0]}
    if args.endpoint_url:
        sts_kw["endpoint_url"] = args.endpoint_url
    account = session.client("sts", **sts_kw).get_caller_identity()["Account"]
    failed = 0
    for region in regions:
        out = os.path.join(args.out, account, region)
        c = Collector(session, region, out, args.endpoint_url)
        c.run()
        failed += c.failed
        print(f"collect-aws: {account}/{region} written to {out}"
              + (f" ({c.failed} calls failed)" if c.failed else ""), file=sys.stderr)
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    print(f"collect-aws: done at {stamp}; now: awsreach import aws {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
