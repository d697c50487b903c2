//! The built-in service catalog, shipped as data (`catalog.ron`).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// How a service invokes Lambda functions, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Invokes {
    /// Never invokes functions.
    None,
    /// Calls `Invoke` through the Lambda service (resource-based policy applies).
    Push,
    /// Read by a Lambda-managed poller that runs in AWS's network.
    Poll,
    /// Read by a poller whose ENIs sit in the event source's own VPC.
    PollVpc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub id: String,
    pub name: String,
    /// DNS label of the regional endpoint: `<host>.<region>.amazonaws.com`.
    pub host: String,
    /// Endpoint service suffix when it differs from `id` (`com.amazonaws.<region>.<suffix>`).
    #[serde(default)]
    pub endpoint_service: Option<String>,
    pub gateway_endpoint: bool,
    pub interface_endpoint: bool,
    pub invokes: Invokes,
    /// Service principal used in resource-based policies.
    pub principal: String,
    /// The IAM action a probe uses when none is given (endpoint policies).
    pub default_action: String,
    /// Hostnames besides the regional one (`{region}` stands for the
    /// region, a leading `*.` for any labels), each with whether an
    /// interface endpoint's private DNS answers it (rule 25).
    #[serde(default)]
    pub hostnames: Vec<CatalogHostname>,
}

/// One more DNS name of a catalog service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogHostname {
    pub name: String,
    pub private_dns: bool,
}

impl CatalogEntry {
    pub fn hostname(&self, region: &str) -> String {
        format!("{}.{region}.amazonaws.com", self.host)
    }

    /// Every hostname of the service in `region`, the regional one first
    /// (which private DNS always answers).
    pub fn hostnames(&self, region: &str) -> Vec<crate::scenario::ServiceHostname> {
        let mut v = vec![crate::scenario::ServiceHostname {
            name: self.hostname(region),
            private_dns: true,
        }];
        v.extend(
            self.hostnames
                .iter()
                .map(|h| crate::scenario::ServiceHostname {
                    name: h.name.replace("{region}", region),
                    private_dns: h.private_dns,
                }),
        );
        v
    }

    pub fn endpoint_service_name(&self, region: &str) -> String {
        let suffix = self.endpoint_service.as_deref().unwrap_or(&self.id);
        format!("com.amazonaws.{region}.{suffix}")
    }
}

const CATALOG_RON: &str = include_str!("catalog.ron");

/// Every service the catalog knows, in file order.
pub fn catalog() -> &'static [CatalogEntry] {
    static CATALOG: OnceLock<Vec<CatalogEntry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The catalog is compiled in; a test parses it, so this cannot fail at run time.
        // Same options as scenarios: `endpoint_service: "kinesis-streams"` needs implicit Some.
        crate::ron_options()
            .from_str(CATALOG_RON)
            .expect("built-in catalog.ron parses")
    })
}

pub fn lookup(id: &str) -> Option<&'static CatalogEntry> {
    catalog().iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_and_ids_are_unique() {
        let c = catalog();
        assert!(c.len() >= 20);
        let mut ids: Vec<_> = c.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), c.len());
    }

    #[test]
    fn gateway_endpoints_only_for_s3_and_dynamodb() {
        // Amazon VPC, "Gateway endpoints": only S3 and DynamoDB.
        let gw: Vec<_> = catalog()
            .iter()
            .filter(|e| e.gateway_endpoint)
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(gw, ["s3", "dynamodb"]);
    }

    #[test]
    fn legacy_hostnames_are_not_covered_by_private_dns() {
        // Rule 25: SQS's private DNS answers sqs.<region>.amazonaws.com,
        // not the legacy <region>.queue.amazonaws.com.
        let sqs = lookup("sqs").unwrap().hostnames("eu-west-1");
        assert_eq!(sqs[0].name, "sqs.eu-west-1.amazonaws.com");
        assert!(sqs[0].private_dns);
        let legacy = sqs
            .iter()
            .find(|h| h.name == "eu-west-1.queue.amazonaws.com")
            .expect("legacy name listed");
        assert!(!legacy.private_dns);
        let dkr = lookup("ecr.dkr").unwrap().hostnames("us-east-1");
        assert!(
            dkr.iter()
                .any(|h| h.private_dns && h.matches("123456789012.dkr.ecr.us-east-1.amazonaws.com"))
        );
        assert!(
            !dkr.iter()
                .any(|h| h.matches("dkr.ecr.us-east-2.amazonaws.com"))
        );
        for id in ["ec2", "ecs", "rds"] {
            assert!(lookup(id).is_some_and(|e| e.interface_endpoint), "{id}");
        }
    }

    #[test]
    fn hostnames() {
        assert_eq!(
            lookup("lambda").unwrap().hostname("eu-west-1"),
            "lambda.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            lookup("kinesis")
                .unwrap()
                .endpoint_service_name("us-east-1"),
            "com.amazonaws.us-east-1.kinesis-streams"
        );
    }
}
