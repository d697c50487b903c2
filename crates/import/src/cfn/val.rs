//! Evaluated values: what a property is once its intrinsic functions ran.
//! `Unknown` carries why (a parameter without a value, `Fn::ImportValue`,
//! an attribute only known after deployment) and spreads through every
//! function that uses it, so a consumer can say exactly what is missing.

/// One evaluated value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    /// Strings and numbers (CloudFormation hands numbers to resources as text).
    Str(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
    /// `AWS::NoValue`: the property is removed.
    NoValue,
    /// Not known before deployment, or not known to this import; the text says why.
    Unknown(String),
}

impl Val {
    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar as text; `None` for lists, maps, null and unknowns.
    pub fn text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn unknown(&self) -> Option<&str> {
        match self {
            Val::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// A boolean property (`true`, `"true"`, `"True"`).
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The first unknown inside this value, if any.
    pub fn first_unknown(&self) -> Option<&str> {
        match self {
            Val::Unknown(r) => Some(r),
            Val::List(l) => l.iter().find_map(Val::first_unknown),
            Val::Map(m) => m.iter().find_map(|(_, v)| v.first_unknown()),
            _ => None,
        }
    }
}

/// Standard base64 (RFC 4648) for `Fn::Base64`.
pub fn base64(input: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = input.as_bytes();
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | (u32::from(c) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i), o);
        }
    }
}
