//! Built-in rules, one file per rule, grouped by the input they read:
//!
//! - `ci`: GitHub workflows and actions, GitLab CI, the task runners they call (CI001–CI007,
//!   DEP008);
//! - `deps`: dependency manifests and lockfiles (DEP001–DEP004);
//! - `deploy`: Docker Compose files and Kubernetes manifests (DPL001–DPL005, CFG004,
//!   DEP009);
//! - `docker`: Dockerfiles (DKR001–DKR009, DEP005–DEP007);
//! - `docs`: the README (DOC001);
//! - `observability`: the repository's web service, from every source file's service
//!   facts and the dependency manifests (OBS001–OBS003, LOG005);
//! - `python`: Python source (EXC001–EXC003, LOG001–LOG004, NET001–NET002, NET005,
//!   CFG001–CFG003, DOC002);
//! - `rust`: Rust source and the crate model (EXC101–EXC103, LOG101, NET003, RUN002,
//!   DOC003);
//! - `security`: security properties checked across every input kind (NET004);
//! - `readylint`: the engine's own findings (RDY001–RDY003).

pub mod ci;
pub mod deploy;
pub mod deps;
pub mod docker;
pub mod docs;
pub mod observability;
pub mod python;
pub mod readylint;
pub mod rust;
pub mod security;
