//! Bounds that keep validation linear and its output usable: ids are at most
//! 255 characters (issue 16.2); a file with thousands of mistakes lists the
//! first 200 and counts the rest, and "did you mean" work is bounded
//! (issue 16.3).

use awsreach_model::validate::MAX_ERRORS;
use awsreach_model::{LoadError, MAX_ID_LEN, load, suggest};

use crate::{check, error};

#[test]
fn an_id_of_255_characters_is_fine_and_256_is_an_error() {
    let ok = "v".repeat(MAX_ID_LEN);
    check(&format!(r#"(vpcs: [(id: "{ok}", cidr: "10.0.0.0/16")])"#));
    let long = "v".repeat(70_000);
    let e = error(&format!(r#"(vpcs: [(id: "{long}", cidr: "10.0.0.0/16")])"#));
    assert!(
        e.contains("is 70000 characters long; ids are at most 255"),
        "{}",
        &e[..e.len().min(400)]
    );
    // The message quotes a prefix, not the whole id.
    assert!(e.len() < 1_000, "{} bytes", e.len());
}

#[test]
fn a_reference_to_a_huge_unknown_id_is_quoted_short() {
    let long = "x".repeat(200_000);
    let e = error(&format!(
        r#"(vpcs: [(id: "v", cidr: "10.0.0.0/16")],
            subnets: [(id: "a", vpc: "{long}", cidr: "10.0.1.0/24")])"#
    ));
    assert!(e.contains("unknown vpc `xxx"), "{}", &e[..300]);
    assert!(e.len() < 1_000, "{} bytes", e.len());
}

/// Thousands of unknown references: the first errors are described (with
/// suggestions and the known ids), the rest counted.
#[test]
fn many_errors_are_listed_up_to_the_cap_and_counted_beyond() {
    let n = 1_000;
    let vpcs: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"(id: "vpc-{i:05}", cidr: "10.{}.{}.0/24")"#,
                i / 250,
                i % 250
            )
        })
        .collect();
    let subnets: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"(id: "sub{i}", vpc: "vpc-{i:05}x", cidr: "10.{}.{}.0/26")"#,
                i / 250,
                i % 250
            )
        })
        .collect();
    let src = format!(
        "(vpcs: [{}], subnets: [{}])",
        vpcs.join(", "),
        subnets.join(", ")
    );
    let Err(LoadError::Invalid(v)) = load(&src) else {
        panic!("expected validation errors")
    };
    assert_eq!(v.errors.len(), MAX_ERRORS);
    let shown: Vec<String> = v.errors.iter().map(|d| d.to_string()).collect();
    let odd: Vec<&String> = shown
        .iter()
        .filter(|e| !e.contains("unknown vpc"))
        .collect();
    assert!(odd.is_empty(), "{odd:#?}");
    assert_eq!(v.errors.len() + v.omitted, n, "{}", v.errors[0]);
    assert_eq!(v.to_string(), format!("{n} error(s) in scenario"));
    let first = v.errors[0].to_string();
    assert!(first.contains("did you mean `vpc-00000`?"), "{first}");
    assert!(first.contains(&format!("and {} more", n - 12)), "{first}");
}

#[test]
fn suggestions_skip_ids_of_very_different_length() {
    let known = ["app", "application-server-in-the-private-subnet"];
    assert_eq!(
        suggest("apq", known.iter().copied()).as_deref(),
        Some("app")
    );
    // A typo deep inside a long id is still found: the first 64 characters
    // are compared.
    let long = format!("{}-a", "n".repeat(80));
    let typo = format!("{}-b", "n".repeat(80));
    assert_eq!(
        suggest(&typo, [long.as_str()].into_iter()).as_deref(),
        Some(long.as_str())
    );
    // A 200 KB id is compared with nothing of ordinary length.
    assert_eq!(suggest(&"x".repeat(200_000), known.iter().copied()), None);
}
