//! Endpoint-policy action patterns: IAM `*` wildcards, matched in linear
//! time (issue 16.8: the recursive matcher was exponential in the stars).

use awsreach_model::action_matches;

#[test]
fn wildcards_match_like_iam() {
    assert!(action_matches("sqs:*", "sqs:SendMessage"));
    assert!(action_matches("*", "s3:GetObject"));
    assert!(action_matches("*", ""));
    assert!(action_matches("S3:Get*", "s3:GetObject"));
    assert!(!action_matches("s3:Put*", "s3:GetObject"));
    assert!(action_matches("s3:*Object", "s3:GetObject"));
    assert!(action_matches("s3:*Obj*t", "s3:GetObject"));
    assert!(!action_matches("s3:*Objects", "s3:GetObject"));
    assert!(action_matches("**:*", "s3:GetObject"));
    assert!(!action_matches("", "x"));
    assert!(action_matches("", ""));
    assert!(!action_matches("s3:GetObject", "s3:GetObjectAcl"));
    assert!(action_matches("a*b*c", "aXbYbZc"));
    assert!(!action_matches("a*b*c", "aXbYbZ"));
    // A star must back off past a partial match of what follows it.
    assert!(action_matches("*aab", "aaaab"));
    assert!(action_matches("*ab*ab", "abaabab"));
}

/// `*s*s*s…*X` against a long run of `s`: every split of the run is a
/// candidate, which took the recursive matcher more than 100 s at 14 stars.
/// The linear matcher answers 200 stars against 10,000 characters at once.
#[test]
fn many_stars_do_not_explode() {
    let pattern = format!("{}X", "*s".repeat(200));
    let action = "s".repeat(10_000);
    assert!(!action_matches(&pattern, &action));
    assert!(action_matches(&pattern, &format!("{action}X")));
    let fourteen = format!("{}X", "*s".repeat(14));
    assert!(!action_matches(&fourteen, &"s".repeat(60)));
}
