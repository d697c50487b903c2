//! Integration tests of the importers: small templates of our own, one per
//! rule, and the real third-party data under `../shared/fixtures/real`.

mod aws_mq;
mod cfn;
mod cfn_real;
mod support;
