//! Rules that read Dockerfiles: DKR001–DKR009, RUN001, and the dependency rules about what an
//! image pulls in (DEP005–DEP007). The stage chain and the split `RUN` scripts they
//! share come from the Dockerfile front end.

pub mod add_instead_of_copy;
pub mod dev_server;
pub mod missing_dockerignore;
pub mod missing_healthcheck;
pub mod pipe_without_pipefail;
pub mod root_user;
pub mod secret_in_image;
pub mod shell_form_cmd;
pub mod unpinned_base_image;
pub mod unpinned_os_package;
pub mod unpinned_package_install;

pub use crate::lang::dockerfile::stages::*;
