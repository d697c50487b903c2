//! Small accessors over `serde_json::Value`: snapshot files are read
//! loosely, since real dumps, moto and old CLI versions differ in which
//! fields they carry.

use serde_json::Value;

/// A string field.
pub fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// An array field; empty when absent or not an array.
pub fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A boolean field.
pub fn b(v: &Value, key: &str) -> Option<bool> {
    v.get(key).and_then(Value::as_bool)
}

/// An integer field (the CLI prints ports as numbers; some dumps as text).
pub fn i(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A string list field: `["a", "b"]`.
pub fn strs<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    arr(v, key).iter().filter_map(Value::as_str).collect()
}

/// The `field` of every object in the array `key`: `Groups[].GroupId`.
pub fn ids<'a>(v: &'a Value, key: &str, field: &str) -> Vec<&'a str> {
    arr(v, key).iter().filter_map(|x| s(x, field)).collect()
}

/// The resource name of an ARN: `arn:aws:lambda:r:a:function:NAME[:qualifier]`
/// → `NAME`; `arn:aws:sqs:r:a:queue` → `queue`.
pub fn arn_name(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    match parts[2] {
        "lambda" if parts[5] == "function" => parts.get(6).copied(),
        _ => parts.last().copied(),
    }
}

/// The service of an ARN: `arn:aws:sqs:…` → `sqs`.
pub fn arn_service(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next()? == "arn").then_some(())?;
    parts.next()?;
    parts.next()
}

/// The account of an ARN.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|r| !r.is_empty())
}

/// The first `<prefix>-<hex>` token of a file name
/// (`PrefixListId-pl-0123.json` → `pl-0123` for `pl`).
pub fn id_in_name<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let file = path.rsplit(['/', '\\']).next()?;
    let file = file.strip_suffix(".json").unwrap_or(file);
    let want = format!("{prefix}-");
    let mut from = 0;
    while let Some(pos) = file[from..].find(&want) {
        let at = from + pos;
        let ok_start = at == 0 || !file.as_bytes()[at - 1].is_ascii_alphanumeric();
        let rest = &file[at + want.len()..];
        let len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if ok_start && len > 0 {
            return Some(&file[at..at + want.len() + len]);
        }
        from = at + want.len();
    }
    None
}

/// The item name in a per-item call file: `FunctionName-my-fn.json` →
/// `my-fn`, `Rule-nightly.json` → `nightly`, `my-fn.json` → `my-fn`.
pub fn param_in_name<'a>(path: &'a str, param: &str) -> &'a str {
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let file = file.strip_suffix(".json").unwrap_or(file);
    let want = format!("{param}-");
    match file.find(&want) {
        Some(at) => {
            let rest = &file[at + want.len()..];
            // `Attribute-x_VpcId-y`: parameters are joined by `_`... but
            // names may hold `_` too; only cut at a following `_Param-`.
            match rest.find("_").filter(|&u| {
                rest[u + 1..]
                    .split('-')
                    .next()
                    .is_some_and(|p| p.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
            }) {
                Some(u) => &rest[..u],
                None => rest,
            }
        }
        None => file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        let f = "arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod";
        assert_eq!(arn_name(f), Some("my-fn"));
        assert_eq!(arn_service(f), Some("lambda"));
        assert_eq!(arn_account(f), Some("123456789012"));
        assert_eq!(arn_name("arn:aws:sqs:us-east-1:1:orders"), Some("orders"));
        assert_eq!(arn_name("not-an-arn"), None);
    }

    #[test]
    fn names_in_file_names() {
        assert_eq!(
            id_in_name("x/PrefixListId-pl-0a1b.json", "pl"),
            Some("pl-0a1b")
        );
        assert_eq!(
            id_in_name("TransitGatewayRouteTableId-tgw-rtb-09.json", "tgw-rtb"),
            Some("tgw-rtb-09")
        );
        assert_eq!(id_in_name("nothing.json", "pl"), None);
        assert_eq!(
            param_in_name("a/FunctionName-my_fn-2.json", "FunctionName"),
            "my_fn-2"
        );
        assert_eq!(
            param_in_name("a/invpclambda.json", "FunctionName"),
            "invpclambda"
        );
        assert_eq!(
            param_in_name("Attribute-enableDnsSupport_VpcId-vpc-1.json", "Attribute"),
            "enableDnsSupport"
        );
    }
}
