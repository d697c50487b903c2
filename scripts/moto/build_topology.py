#!/usr/bin/env python3
"""Build a small AWS network in a moto server, for awsreach's CI.

Run against moto only (it refuses any endpoint that is not 127.0.0.1 or
localhost): it CREATES resources. The topology, in us-east-1:

  VPC app 10.0.0.0/16 (DNS support and hostnames on)
    public   10.0.0.0/24  route 0.0.0.0/0 -> igw; NAT gateway (Elastic IP)
    private  10.0.1.0/24  route 0.0.0.0/0 -> NAT, 10.1.0.0/16 -> peering,
                          10.2.0.0/16 -> transit gateway
    isolated 10.0.2.0/24  no default route; S3 gateway endpoint; SQS
                          interface endpoint (private DNS); custom NACL
                          that denies tcp/5432 to 10.1.0.0/16
  VPC data 10.1.0.0/16, peered with app: instance `db-host` admitting
           tcp/5432 from 10.0.0.0/16
  VPC shared 10.2.0.0/16, attached to a transit gateway with app: instance
           `shared-host` admitting tcp/443 from 10.0.0.0/16
  Lambda: nat-fn (private subnet), iso-fn (isolated subnet), edge-fn (no
          VPC); an SQS event source mapping to iso-fn; an invoke permission
          for EventBridge on nat-fn.

scripts/moto/expect.txt lists the verdicts awsreach must give on it.
"""

import io
import json
import os
import sys
import zipfile
from urllib.parse import urlparse

import boto3

ENDPOINT = os.environ.get("AWS_ENDPOINT_URL", "")
if urlparse(ENDPOINT).hostname not in ("127.0.0.1", "localhost"):
    sys.exit("build_topology.py creates resources: point AWS_ENDPOINT_URL at a local moto server")

R = "us-east-1"
kw = {"region_name": R, "endpoint_url": ENDPOINT}
ec2 = boto3.client("ec2", **kw)
lam = boto3.client("lambda", **kw)
iam = boto3.client("iam", **kw)
sqs = boto3.client("sqs", **kw)
mq = boto3.client("mq", **kw)


def tag(name):
    return [{"ResourceType": "x", "Tags": [{"Key": "Name", "Value": name}]}]


def name(resource_id, value):
    ec2.create_tags(Resources=[resource_id], Tags=[{"Key": "Name", "Value": value}])


def vpc(cidr, label):
    v = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    name(v, label)
    ec2.modify_vpc_attribute(VpcId=v, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=v, EnableDnsHostnames={"Value": True})
    return v


def subnet(v, cidr, label):
    s = ec2.create_subnet(VpcId=v, CidrBlock=cidr, AvailabilityZone=R + "a")["Subnet"]["SubnetId"]
    name(s, label)
    return s


def table(v, s, label):
    t = ec2.create_route_table(VpcId=v)["RouteTable"]["RouteTableId"]
    name(t, label)
    ec2.associate_route_table(RouteTableId=t, SubnetId=s)
    return t


def group(v, label, ingress):
    g = ec2.create_security_group(GroupName=label, Description=label, VpcId=v)["GroupId"]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=ingress)
    return g


def tcp(port, cidr=None, sg=None):
    p = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        p["IpRanges"] = [{"CidrIp": cidr}]
    if sg:
        p["UserIdGroupPairs"] = [{"GroupId": sg}]
    return p


app = vpc("10.0.0.0/16", "app")
data = vpc("10.1.0.0/16", "data")
shared = vpc("10.2.0.0/16", "shared")
public = subnet(app, "10.0.0.0/24", "public")
private = subnet(app, "10.0.1.0/24", "private")
isolated = subnet(app, "10.0.2.0/24", "isolated")
data_sn = subnet(data, "10.1.0.0/24", "data")
shared_sn = subnet(shared, "10.2.0.0/24", "shared")

igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=app)
rt_public = table(app, public, "public")
ec2.create_route(RouteTableId=rt_public, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)

eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
rt_private = table(app, private, "private")
ec2.create_route(RouteTableId=rt_private, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)

# Peering app <-> data, routes both ways.
pcx = ec2.create_vpc_peering_connection(VpcId=app, PeerVpcId=data)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
rt_data = table(data, data_sn, "data")
ec2.create_route(RouteTableId=rt_data, DestinationCidrBlock="10.0.0.0/16", VpcPeeringConnectionId=pcx)
ec2.create_route(RouteTableId=rt_private, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)

# The isolated subnet: S3 gateway endpoint, SQS interface endpoint, peering.
rt_isolated = table(app, isolated, "isolated")
ec2.create_route(RouteTableId=rt_isolated, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
ec2.create_vpc_endpoint(VpcId=app, ServiceName=f"com.amazonaws.{R}.s3", VpcEndpointType="Gateway",
                        RouteTableIds=[rt_isolated])
fn_sg = group(app, "functions", [])
ep_sg = group(app, "endpoints", [tcp(443, sg=fn_sg)])
ec2.create_vpc_endpoint(VpcId=app, ServiceName=f"com.amazonaws.{R}.sqs", VpcEndpointType="Interface",
                        SubnetIds=[isolated], SecurityGroupIds=[ep_sg], PrivateDnsEnabled=True)
acl = ec2.create_network_acl(VpcId=app)["NetworkAcl"]["NetworkAclId"]
for egress in (False, True):
    if egress:
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=50, Protocol="6", RuleAction="deny",
                                     Egress=True, CidrBlock="10.1.0.0/16", PortRange={"From": 5432, "To": 5432})
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                 Egress=egress, CidrBlock="0.0.0.0/0")
assoc = [a for a in ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [isolated]}])
         ["NetworkAcls"][0]["Associations"] if a["SubnetId"] == isolated][0]
ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl)

# Transit gateway app <-> shared.
tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
att_app = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=app, SubnetIds=[private])[
    "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
att_shared = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=shared, SubnetIds=[shared_sn])[
    "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
# moto does not propagate attachments into the default table: static routes.
tgw_rtb = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]["Options"][
    "AssociationDefaultRouteTableId"]
ec2.create_transit_gateway_route(DestinationCidrBlock="10.0.0.0/16", TransitGatewayRouteTableId=tgw_rtb,
                                 TransitGatewayAttachmentId=att_app)
ec2.create_transit_gateway_route(DestinationCidrBlock="10.2.0.0/16", TransitGatewayRouteTableId=tgw_rtb,
                                 TransitGatewayAttachmentId=att_shared)
ec2.create_route(RouteTableId=rt_private, DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw)
rt_shared = table(shared, shared_sn, "shared")
ec2.create_route(RouteTableId=rt_shared, DestinationCidrBlock="10.0.0.0/16", TransitGatewayId=tgw)

# Instances.
ami = ec2.describe_images()["Images"][0]["ImageId"]
db_sg = group(data, "db", [tcp(5432, cidr="10.0.0.0/16")])
ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=data_sn, SecurityGroupIds=[db_sg],
                  PrivateIpAddress="10.1.0.10")
shared_sg = group(shared, "shared", [tcp(443, cidr="10.0.0.0/16")])
ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=shared_sn, SecurityGroupIds=[shared_sg],
                  PrivateIpAddress="10.2.0.10")

# Lambda: moto needs a role and a zip.
role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")
code = {"ZipFile": buf.getvalue()}


def function(fname, subnets):
    extra = {"VpcConfig": {"SubnetIds": subnets, "SecurityGroupIds": [fn_sg]}} if subnets else {}
    return lam.create_function(FunctionName=fname, Runtime="python3.12", Role=role, Handler="index.handler",
                               Code=code, **extra)["FunctionArn"]


function("nat-fn", [private])
iso = function("iso-fn", [isolated])
function("edge-fn", None)
queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="iso-fn")
lam.add_permission(FunctionName="nat-fn", StatementId="events", Action="lambda:InvokeFunction",
                   Principal="events.amazonaws.com")
# An Amazon MQ broker: collected with mq list-brokers / describe-broker (its
# engine decides whether a poller needs STS). moto refuses an event source
# mapping for it, so only the import of the broker itself is checked.
mq_sg = group(data, "mq", [tcp(5671, cidr="10.1.0.0/16")])
mq.create_broker(BrokerName="orders", EngineType="RABBITMQ", EngineVersion="3.13",
                 HostInstanceType="mq.t3.micro", DeploymentMode="SINGLE_INSTANCE", PubliclyAccessible=False,
                 AutoMinorVersionUpgrade=True, SubnetIds=[data_sn], SecurityGroups=[mq_sg],
                 Users=[{"Username": "app", "Password": "moto-only-password"}])
print("build_topology: done", file=sys.stderr)
