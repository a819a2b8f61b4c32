//! Dockerfile rules (DKR001–DKR009). The stage chain and the split `RUN` scripts they
//! share come from the Dockerfile front end.

pub mod add_instead_of_copy;
pub mod missing_dockerignore;
pub mod missing_healthcheck;
pub mod pipe_without_pipefail;
pub mod root_user;
pub mod secret_in_image;
pub mod shell_form_cmd;

pub use crate::lang::dockerfile::stages::*;
