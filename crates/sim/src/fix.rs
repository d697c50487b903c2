//! Fixes as data: the types and their application live with the model
//! (`awsreach_model::edit`), so the simulator, the importers and `diff` share
//! one definition; the simulator only decides which fix to propose.

pub use awsreach_model::edit::{Fix, Peer, Remedy, RuleDirection};
