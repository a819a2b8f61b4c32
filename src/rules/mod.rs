//! Built-in rules, one file per rule, grouped by the input they read.

pub mod ci;
pub mod deps;
pub mod docker;
pub mod docs;
pub mod python;
pub mod readylint;
pub mod rust;
