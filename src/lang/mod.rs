//! Front ends: one parser wrapper per input kind, each turning a [`SourceFile`] into the
//! owned, position-carrying model that rules read. Third-party parser types stay inside
//! these modules.
//!
//! [`SourceFile`]: crate::source::SourceFile

pub mod ci;
pub mod dockerfile;
pub mod manifest;
pub mod python;
pub mod rust;
pub mod shell;
pub mod toml;
pub mod yaml;
