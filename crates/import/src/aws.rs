//! AWS account snapshots: a directory of `aws <service> <call> --output
//! json` files, dispatched on their top-level key.
