//! Built-in rules, one file per rule, grouped by the input they read.

pub mod docker;
pub mod python;
pub mod readylint;
