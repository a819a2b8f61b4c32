//! Built-in rules, one file per rule, grouped by the input they read.

pub mod deps;
pub mod docker;
pub mod readylint;
