//! `awsreach services`: the built-in service catalog.

use awsreach_model::catalog::{self, CatalogEntry, Invokes};
use serde::Serialize;

use crate::table::Table;
use crate::{Exit, Format};

const LONG_ABOUT: &str = "\
Print the built-in catalog of regional AWS services.

For each service: its id (what scenarios write, e.g. `service: \"sqs\"` or
`pl:s3`), whether it has a gateway endpoint (only S3 and DynamoDB) and an
interface endpoint (PrivateLink), and how it invokes Lambda functions:

  push      the service calls Invoke through the Lambda service
  poll      a Lambda-managed poller in AWS's network reads the source
  poll-vpc  the poller places network interfaces in the source's VPC
  -         it does not invoke functions

A scenario can override an entry in its `services` section, e.g.
`services: [(id: \"pinpoint\", interface_endpoint: false)]` for a region or
time without a Pinpoint endpoint.";

#[derive(Debug, clap::Args)]
#[command(
    about = "Print the built-in catalog of regional AWS services",
    long_about = LONG_ABOUT,
    after_long_help = "\
Examples:
  awsreach services
  awsreach services --format json

Exit codes:
  0  printed"
)]
pub struct Args {
    /// Output format. JSON: an array of objects with `id`, `name`, `host`,
    /// `endpoint_service`, `gateway_endpoint`, `interface_endpoint`,
    /// `invokes` (none|push|poll|poll-vpc), `principal`, `default_action`
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let entries = catalog::catalog();
    match args.format {
        Format::Text => crate::out::print(&text(entries))?,
        Format::Json => {
            let rows: Vec<ServiceJson> = entries.iter().map(ServiceJson::from).collect();
            crate::out::print(&(serde_json::to_string_pretty(&rows)? + "\n"))?;
        }
    }
    Ok(Exit::Ok)
}

pub use awsreach_view::scenario::invokes_name;

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "-" }
}

fn text(entries: &[CatalogEntry]) -> String {
    let mut t = Table::with_header(&[
        "ID",
        "NAME",
        "GATEWAY ENDPOINT",
        "INTERFACE ENDPOINT",
        "INVOKES LAMBDA",
    ]);
    for e in entries {
        let invokes = match e.invokes {
            Invokes::None => "-",
            other => invokes_name(other),
        };
        t.row([
            e.id.as_str(),
            e.name.as_str(),
            yes_no(e.gateway_endpoint),
            yes_no(e.interface_endpoint),
            invokes,
        ]);
    }
    let mut out = String::new();
    t.render(0, &mut out);
    out
}

#[derive(Serialize)]
struct ServiceJson<'a> {
    id: &'a str,
    name: &'a str,
    host: &'a str,
    endpoint_service: &'a str,
    gateway_endpoint: bool,
    interface_endpoint: bool,
    invokes: &'static str,
    principal: &'a str,
    default_action: &'a str,
}

impl<'a> From<&'a CatalogEntry> for ServiceJson<'a> {
    fn from(e: &'a CatalogEntry) -> Self {
        ServiceJson {
            id: &e.id,
            name: &e.name,
            host: &e.host,
            endpoint_service: e.endpoint_service.as_deref().unwrap_or(&e.id),
            gateway_endpoint: e.gateway_endpoint,
            interface_endpoint: e.interface_endpoint,
            invokes: invokes_name(e.invokes),
            principal: &e.principal,
            default_action: &e.default_action,
        }
    }
}
