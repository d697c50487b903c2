//! The snapshot importer on Amazon MQ brokers (`tests/fixtures/aws/`):
//! `mq list-brokers` and `mq describe-broker` give each event source
//! mapping's broker engine and placement.

use std::path::Path;

use awsreach_import::{EntryKind, InputFile, aws};
use awsreach_model::spec::{MissingKind, MqEngine};
use awsreach_sim::{Engine, Outcome, ProbeOptions};

fn snapshot(name: &str) -> Vec<InputFile> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<InputFile>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(InputFile {
                    path: p.strip_prefix(root).unwrap().display().to_string(),
                    text: std::fs::read_to_string(&p).unwrap(),
                });
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws");
    let mut out = Vec::new();
    walk(&root, &root.join(name), &mut out);
    out
}

/// A VPC with Lambda and Secrets Manager endpoints, no STS: the RabbitMQ
/// broker's poller gets through, the ActiveMQ broker's is blocked (rule
/// 5); a broker whose engine the snapshot does not hold is unknown, not
/// blocked on the ActiveMQ default; a `VIRTUAL_HOST` mapping is RabbitMQ.
#[test]
fn mq_engines_come_from_the_brokers() {
    let mut all = aws::import(&snapshot("mq-engines"), &aws::Options::default()).unwrap();
    assert_eq!(all.len(), 1);
    let imp = all.remove(0);
    let tr = |t: &str| {
        imp.spec
            .triggers
            .iter()
            .find(|x| x.id.as_deref() == Some(t))
            .unwrap_or_else(|| panic!("{t}: {:?}", imp.spec.triggers))
    };
    let missing = |t: &str, what| {
        imp.spec
            .missing
            .iter()
            .any(|m| m.entity == t && m.what == what)
    };
    assert_eq!(tr("esm-rabbit").engine, Some(MqEngine::RabbitMq));
    assert_eq!(tr("esm-active").engine, Some(MqEngine::ActiveMq));
    assert_eq!(tr("esm-listed").engine, None);
    assert_eq!(tr("esm-vhost").engine, Some(MqEngine::RabbitMq));
    // describe-broker's subnets and groups place the pollers.
    assert_eq!(tr("esm-rabbit").subnets, ["subnet-a"]);
    assert_eq!(tr("esm-listed").security_groups, ["sg-mq"]);
    assert!(missing("esm-listed", MissingKind::Engine));
    assert!(!missing("esm-rabbit", MissingKind::Engine));
    assert!(!missing("esm-vhost", MissingKind::Engine));
    assert!(
        missing("esm-vhost", MissingKind::Placement),
        "b-other is not described"
    );
    assert!(
        imp.report
            .entries
            .iter()
            .any(|e| e.kind == EntryKind::Missing
                && e.subject == "esm-listed"
                && e.message.contains("broker engine"))
    );
    let checked = awsreach_model::validate(&imp.spec).unwrap_or_else(|e| panic!("{:#?}", e.errors));
    let e = Engine::new(checked.scenario);
    let out =
        |from: &str, to: &str| e.outcome(&e.probe(from, to, &ProbeOptions::default()).unwrap());
    assert_eq!(out("esm-rabbit", "orders"), Outcome::Reachable);
    assert!(
        matches!(out("esm-active", "audit"), Outcome::Blocked(c) if c.as_str() == "POLLER_NO_PATH")
    );
    assert!(
        matches!(out("esm-listed", "billing"), Outcome::Unknown(c) if c.as_str() == "UNKNOWN_ENGINE")
    );
}
