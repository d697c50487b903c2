//! RON errors that teach: the parser's type errors, rewritten to name the
//! field (with its path in the scenario) and the forms it accepts.
//!
//! ron reports `expected string` at a line and column; a user who wrote
//! `ports: 443` needs to hear that `ports` takes a string such as "443",
//! "80-90" or "all". The path comes from `serde_path_to_error`, which wraps
//! the deserializer; the forms come from [`accepted`], keyed by field name.

use ron::error::Error;

/// What a field accepts, written the way a user types it, or `None` for a
/// field without a known form.
pub fn accepted(field: &str) -> Option<&'static str> {
    Some(match field {
        "ports" => "a string such as \"443\", \"80-90\" or \"all\"",
        "protocol" => "one of Tcp, Udp, Icmp, All",
        "cidr" => "a string such as \"10.0.0.0/16\" (or an IPv6 block such as \"2600:1f18::/56\")",
        "cidrs" | "secondary_cidrs" => {
            "a list of strings such as [\"10.0.0.0/16\", \"10.1.0.0/16\"]"
        }
        "dest" => "a string: a CIDR such as \"0.0.0.0/0\" or a prefix list such as \"pl:s3\"",
        "target" => {
            "one of Local, Blackhole, Igw(\"id\"), Nat(\"id\"), Endpoint(\"id\"), Peering(\"id\"), TransitGateway(\"id\"), EgressOnlyIgw(\"id\"), Eni(\"id\")"
        }
        "listen" => "a list of strings such as [\"tcp/443\", \"udp/53\", \"icmp\"]",
        "expect" => "one of Reachable, Blocked",
        "action" => "one of Allow, Deny",
        "connectivity" => "one of Public, Private",
        "rule" => "a number from 1 to 32766",
        "port" => "a number such as 443",
        "mode" => "one of OnDemand, Provisioned",
        "ipv6_cidr" => "a string such as \"2600:1f18::/56\"",
        "private_ip" | "public_ip" | "elastic_ip" | "ip" => "a string such as \"10.0.1.5\"",
        "ipv6_ip" => "a string such as \"2600:1f18::5\"",
        "dns_support" | "dns_hostnames" | "default" | "main" | "forwarding" | "private_dns"
        | "ipv6_dual_stack" | "gateway_endpoint" | "interface_endpoint" | "invokes_lambda" => {
            "true or false"
        }
        "subnets" | "security_groups" | "route_tables" => {
            "a list of id strings such as [\"app-a\", \"app-b\"]"
        }
        "id" | "vpc" | "subnet" | "service" | "function" | "name" | "from" | "to" | "code"
        | "note" | "description" | "region" => "a string",
        _ => return None,
    })
}

/// The field name at the end of a `serde_path_to_error` path:
/// `security_groups[0].ingress[1].ports` → `ports`.
fn leaf(path: &str) -> Option<&str> {
    let last = path.rsplit('.').next()?;
    let name = last.split('[').next()?;
    (!name.is_empty() && name != "?").then_some(name)
}

/// A type error's message for users: the field, its path, what it takes,
/// and what was found; the parser's own text for other errors.
pub fn teach(path: &str, code: &Error) -> String {
    let raw = code.to_string();
    let Some(field) = leaf(path) else {
        return raw;
    };
    let typeish = matches!(
        code,
        Error::InvalidValueForType { .. }
            | Error::ExpectedString
            | Error::ExpectedStringEnd
            | Error::ExpectedInteger
            | Error::ExpectedBoolean
            | Error::ExpectedArray
            | Error::ExpectedIdentifier
            | Error::ExpectedNamedStructLike(_)
            | Error::ExpectedStructLike
            | Error::ExpectedUnit
            | Error::ExpectedOption
            | Error::NoSuchEnumVariant { .. }
            | Error::InvalidIntegerDigit { .. }
            | Error::IntegerOutOfBounds
            | Error::Message(_)
    );
    let found = lower_first(&raw);
    match accepted(field).filter(|_| typeish) {
        Some(forms) => format!("{path}: `{field}` takes {forms} ({found})"),
        None if path.is_empty() => raw,
        None => format!("{path}: {found}"),
    }
}

/// The position of the first non-blank character at or after `line:col`
/// (1-based): ron reports a value's error at the blank before it.
pub fn skip_blanks(src: &str, line: usize, col: usize) -> (usize, usize) {
    let Some(text) = src.lines().nth(line.wrapping_sub(1)) else {
        return (line, col);
    };
    let rest = text.chars().skip(col.saturating_sub(1));
    let blanks = rest.take_while(|c| *c == ' ' || *c == '\t').count();
    if col.saturating_sub(1) + blanks < text.chars().count() {
        (line, col + blanks)
    } else {
        (line, col)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SG: &str = r#"(
    vpcs: [(id: "vpc", cidr: "10.0.0.0/16")],
    security_groups: [
        (id: "sg", vpc: "vpc", ingress: [(protocol: Tcp, ports: "443", cidr: "0.0.0.0/0")]),
    ],
)"#;

    fn error_of(src: &str) -> crate::ParseError {
        crate::parse(src).expect_err("the text is wrong on purpose")
    }

    #[test]
    fn a_number_for_ports_names_the_field_and_the_forms() {
        let e = error_of(&SG.replace("ports: \"443\"", "ports: 443"));
        assert_eq!((e.line, e.col), (4, 65), "{e}");
        assert!(
            e.message.starts_with(
                "security_groups[0].ingress[0].ports: `ports` takes a string such as \"443\", \"80-90\" or \"all\""
            ),
            "{e}"
        );
    }

    #[test]
    fn a_string_for_protocol_lists_the_variants() {
        let e = error_of(&SG.replace("protocol: Tcp", "protocol: \"tcp\""));
        assert_eq!(e.line, 4, "{e}");
        assert!(
            e.message
                .contains("`protocol` takes one of Tcp, Udp, Icmp, All"),
            "{e}"
        );
        assert!(
            e.message
                .starts_with("security_groups[0].ingress[0].protocol: "),
            "{e}"
        );
    }

    #[test]
    fn other_errors_keep_the_path_and_the_parser_text() {
        let e = error_of(&SG.replace("(id: \"vpc\",", "(id: \"vpc\", bogus: 1,"));
        assert!(
            e.message
                .starts_with("vpcs[0].bogus: unexpected field named `bogus`"),
            "{e}"
        );
        // Syntax errors have no field: the parser's message alone.
        let e = error_of("(vpcs: [(id: \"vpc\" cidr: \"x\")])");
        assert_eq!((e.line, e.message.as_str()), (1, "Expected comma"), "{e}");
        assert!(crate::parse(SG).is_ok());
    }

    #[test]
    fn leaf_is_the_last_field_name() {
        assert_eq!(leaf("security_groups[0].ingress[1].ports"), Some("ports"));
        assert_eq!(leaf("expect[2].protocol"), Some("protocol"));
        assert_eq!(leaf("vpcs"), Some("vpcs"));
        assert_eq!(leaf(""), None);
    }
}
