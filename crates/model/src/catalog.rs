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
}

impl CatalogEntry {
    pub fn hostname(&self, region: &str) -> String {
        format!("{}.{region}.amazonaws.com", self.host)
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
