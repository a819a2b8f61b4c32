//! Rules about security properties that cut across inputs: one rule reads Python, Rust,
//! Dockerfiles and CI configuration when the property it guards is the same in each
//! (NET004).

pub mod tls_verification_disabled;
