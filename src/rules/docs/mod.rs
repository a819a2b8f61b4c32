//! Documentation rules.

pub mod missing_readme;
