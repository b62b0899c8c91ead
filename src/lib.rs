//! chiso reads Vietnamese reports and news about local Party-building work and turns them
//! into a table of common indicators, each figure with its value, unit, qualifier, period,
//! locality and the exact words it came from.
//!
//! The modules follow the flow of a document:
//! [`document`] (bytes in, normalised text) → [`plugin`] (which plugins apply) →
//! [`rule`] and [`script`] (find candidates) → [`extract`] (settle them, attach
//! [`context`]) → [`record`] → [`output`]. [`ruleset`] loads everything once;
//! [`engine`] runs a corpus in parallel with deterministic output.

pub mod budget;
pub mod catalog;
pub mod check;
pub mod context;
pub mod diagnostic;
pub mod document;
pub mod encoding;
pub mod engine;
pub mod eval;
pub mod explain;
pub mod extract;
pub mod fixtures;
pub mod formats;
pub mod gazetteer;
pub mod normalize;
pub mod number;
pub mod output;
pub mod phrasebook;
pub mod plugin;
pub mod reading;
pub mod record;
pub mod report;
pub mod resume;
pub mod rule;
pub mod ruleset;
pub mod scaffold;
pub mod script;

pub use document::Document;
pub use extract::extract;
pub use record::Record;
pub use ruleset::{LoadOptions, Ruleset};
