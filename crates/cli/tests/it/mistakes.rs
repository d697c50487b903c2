//! `validate` warns about the classic mistakes (issue 9): a function whose
//! subnets leave differently, a network ACL without a reply allowance, a
//! NAT gateway serving another availability zone. Each warning names the
//! ids, has a hint, and keeps the file valid (exit 0).

use crate::{awsreach, data};

#[test]
fn classic_mistakes_are_warnings_with_ids_and_hints() {
    let run = awsreach(&data(), &["validate", "classic-mistakes.ron"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "classic-mistakes.ron: ok (3 warnings)\n");
    let err = &run.stderr;
    for (line, text) in [
        (
            "classic-mistakes.ron:27: warning: functions[\"worker\"].vpc.subnets: function `worker` has subnets with different ways out: `app-a` sends 0.0.0.0/0 to a NAT gateway, `app-b` to nothing (no 0.0.0.0/0 route)",
            "hint: Lambda sends from whichever of worker's interfaces it picks",
        ),
        (
            "classic-mistakes.ron:22: warning: network_acls[\"web-acl\"].egress: network acl `web-acl` admits inbound tcp/443 from 0.0.0.0/0 (rule 100) but its outbound rules deny the replies to 0.0.0.0/0 on ports 1024-65535",
            "hint: network ACLs are stateless: add an outbound allow rule for the replies to 0.0.0.0/0 on ports 1024-65535",
        ),
        (
            "classic-mistakes.ron:12: warning: subnets[\"app-c\"].route_table: subnet `app-c` (us-east-1b) sends 0.0.0.0/0 to nat gateway `nat-a` in another availability zone (us-east-1a)",
            "hint: this works, but an outage of us-east-1a cuts `app-c` off the internet",
        ),
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
        assert!(err.contains(text), "missing {text:?} in:\n{err}");
    }
}

#[test]
fn fixing_the_mistakes_silences_the_warnings() {
    let src = std::fs::read_to_string(data().join("classic-mistakes.ron")).unwrap();
    let fixed = src
        .replace(
            r#"(id: "rt-none", vpc: "v"),"#,
            r#"(id: "rt-none", vpc: "v", routes: [(dest: "0.0.0.0/0", target: Nat("nat-b"))]),"#,
        )
        .replace(
            r#"(id: "app-c", vpc: "v", cidr: "10.0.3.0/24", az: "b", route_table: "rt-nat"),"#,
            r#"(id: "app-c", vpc: "v", cidr: "10.0.3.0/24", az: "b", route_table: "rt-none"),
        (id: "public-b", vpc: "v", cidr: "10.0.5.0/24", az: "b", route_table: "rt-public"),"#,
        )
        .replace(
            r#"nat_gateways: [(id: "nat-a", subnet: "public-a", elastic_ip: "54.0.0.1")],"#,
            r#"nat_gateways: [(id: "nat-a", subnet: "public-a", elastic_ip: "54.0.0.1"), (id: "nat-b", subnet: "public-b", elastic_ip: "54.0.0.3")],"#,
        )
        .replace(
            r#"egress: [(rule: 100, action: Allow, protocol: Tcp, ports: "443", cidr: "0.0.0.0/0")]"#,
            r#"egress: [(rule: 100, action: Allow, protocol: Tcp, ports: "1024-65535", cidr: "0.0.0.0/0")]"#,
        );
    let dir = std::env::temp_dir().join(format!("awsreach-mistakes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fixed.ron"), fixed).unwrap();
    let run = awsreach(&dir, &["validate", "fixed.ron"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "fixed.ron: ok\n", "{}", run.stderr);
}
