//! awsreach views: what a user is shown, built from the checked model once,
//! as typed, versioned documents with serde ([`scenario::ScenarioDoc`], the
//! `show` view; [`trace::TraceDoc`], one trace), and the scenario's [`Topology`] graph with its DOT
//! rendering. The CLI picks a format and writes; the documents are made here.

pub mod dot;
pub mod html;
pub mod mermaid;
pub mod scenario;
pub mod topology;
pub mod trace;

pub use scenario::ScenarioDoc;
pub use topology::Topology;
pub use trace::TraceDoc;
