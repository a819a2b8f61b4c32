//! DPL004 privileged-container.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::compose::{ComposeFile, is_dev_compose};
use crate::lang::kubernetes::KubeFile;
use crate::lang::yaml::{Entry, Node};
use crate::rule::{Context, Rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags containers that are given the host: in Kubernetes manifests,
    /// `privileged: true` and `allowPrivilegeEscalation: true` in a container's
    /// `securityContext` (init and ephemeral containers too), added `SYS_ADMIN`,
    /// `NET_ADMIN` or `ALL` capabilities, `hostNetwork`, `hostPID` or `hostIPC: true`, and
    /// a `hostPath` volume of the container runtime's socket (`/var/run/docker.sock`,
    /// `containerd.sock`, `crio.sock`, `podman.sock`); in Compose files, the same as
    /// `privileged: true`, `cap_add`, `network_mode: host`, `pid: host`, `ipc: host` and a
    /// volume that mounts the runtime's socket.
    ///
    /// ## Why it matters in production
    /// Each of these removes the wall between the container and the node. A privileged
    /// container, or one holding `CAP_SYS_ADMIN`, can mount the host's disks and load
    /// kernel modules; the Docker socket is root on the host to anyone who can reach it
    /// (read-only mounts included: `:ro` does not restrict the API); the host's network
    /// or process namespace exposes every other workload on the node. One remote code
    /// execution bug in the application then becomes a compromise of the machine and
    /// everything it runs.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:1.4
    ///     privileged: true
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Drop the setting, or grant the one narrow capability the process needs
    /// (`NET_BIND_SERVICE`); run containers that must drive Docker against a socket
    /// proxy that allows only the calls they make. Infrastructure that truly needs the
    /// host (a CNI plugin, a node exporter) gets an inline suppression with the reason.
    ///
    /// ## Known limits
    /// Compose files named for development, tests or CI (`docker-compose.dev.yml`,
    /// `compose.override.yaml`, `docker-compose.ci-test.yml`, under `.devcontainer/`) are
    /// not checked: they run on a developer's machine. Helm templates are not read until
    /// rendered. Pod Security admission settings of the namespace are not consulted.
    pub PrivilegedContainer,
    code = "DPL004", name = "privileged-container", category = Container, severity = Error,
    security = true,
    skips = crate::roles::Role::NOT_PRODUCTION,
    default = false,
    reads = [FileKind::Compose, FileKind::Kubernetes],
}

/// Capabilities that give the container the host.
fn dangerous_capability(cap: &str) -> bool {
    let c = cap.trim().to_ascii_uppercase();
    let c = c.strip_prefix("CAP_").unwrap_or(&c);
    matches!(c, "SYS_ADMIN" | "NET_ADMIN" | "ALL")
}

/// A container runtime's socket on the host.
fn runtime_socket(path: &str) -> bool {
    let p = path.trim().trim_end_matches('/');
    ["docker.sock", "containerd.sock", "crio.sock", "podman.sock"]
        .iter()
        .any(|s| p.ends_with(&format!("/{s}")))
}

fn is_true(n: &Node) -> bool {
    n.as_bool() == Some(true) || n.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

fn report(cx: &mut Context<'_>, span: Span, message: String, help: &str) {
    cx.report(&PrivilegedContainer::META, span, message, help);
}

const PRIVILEGED_HELP: &str = "drop it; grant only the capability the process needs, or suppress with the reason for infrastructure that must own the node";
const SOCKET_HELP: &str = "the runtime socket is root on the host; mount a socket proxy that allows only the calls needed, or drop the mount";
const NAMESPACE_HELP: &str = "drop it: keep the container in its own namespace (publish ports rather than sharing the host network)";
const CAP_HELP: &str =
    "add only the narrow capability needed (`NET_BIND_SERVICE`, `CHOWN`), not this one";

impl Rule for PrivilegedContainer {
    fn check_compose(&self, file: &ComposeFile, cx: &mut Context<'_>) {
        if is_dev_compose(cx.source) {
            return;
        }
        for (name, service) in file.service_list() {
            for e in service.entries() {
                let Some(key) = e.key.as_str() else { continue };
                match key {
                    "privileged" if is_true(&e.value) => report(
                        cx,
                        e.key.span.clone(),
                        format!("service `{name}` runs privileged, with root on the host"),
                        PRIVILEGED_HELP,
                    ),
                    "network_mode" | "pid" | "ipc"
                        if e.value.as_str().is_some_and(|v| v == "host") =>
                    {
                        report(
                            cx,
                            e.key.span.clone(),
                            format!(
                                "service `{name}` shares the host's {} namespace (`{key}: host`)",
                                namespace(key)
                            ),
                            NAMESPACE_HELP,
                        )
                    }
                    "cap_add" => capabilities(cx, name, &e.value),
                    "volumes" => {
                        for v in e.value.items() {
                            let source = match v.as_str() {
                                Some(s) => s.split(':').next().map(str::to_string),
                                None => v.get("source").and_then(Node::as_str).map(str::to_string),
                            };
                            if source.as_deref().is_some_and(runtime_socket) {
                                report(
                                    cx,
                                    v.span.clone(),
                                    format!(
                                        "service `{name}` mounts the container runtime's socket, which is root on the host"
                                    ),
                                    SOCKET_HELP,
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn check_kubernetes(&self, file: &KubeFile, cx: &mut Context<'_>) {
        for o in file.objects() {
            let Some(spec) = o.pod_spec() else { continue };
            let what = format!("`{}/{}`", o.kind, o.name());
            for field in ["hostNetwork", "hostPID", "hostIPC"] {
                if let Some(e) = spec.entry(field).filter(|e| is_true(&e.value)) {
                    report(
                        cx,
                        e.key.span.clone(),
                        format!(
                            "{what} shares the host's {} namespace (`{field}: true`)",
                            namespace(field)
                        ),
                        NAMESPACE_HELP,
                    );
                }
            }
            for v in spec.get("volumes").map(Node::items).unwrap_or_default() {
                let Some(path) = v.get("hostPath").and_then(|h| h.entry("path")) else {
                    continue;
                };
                if path.value.as_str().is_some_and(runtime_socket) {
                    report(
                        cx,
                        path.key.span.clone(),
                        format!(
                            "{what} mounts the container runtime's socket from the host, which is root on the host"
                        ),
                        SOCKET_HELP,
                    );
                }
            }
            for c in o.containers() {
                let Some(sc) = c.node.get("securityContext") else {
                    continue;
                };
                let container = format!("container `{}` of {what}", c.name());
                if let Some(e) = true_entry(sc, "privileged") {
                    report(
                        cx,
                        e.key.span.clone(),
                        format!("{container} runs privileged, with root on the host"),
                        PRIVILEGED_HELP,
                    );
                }
                if let Some(e) = true_entry(sc, "allowPrivilegeEscalation") {
                    report(
                        cx,
                        e.key.span.clone(),
                        format!(
                            "{container} allows privilege escalation (setuid binaries gain root)"
                        ),
                        "set `allowPrivilegeEscalation: false`",
                    );
                }
                if let Some(add) = sc.get("capabilities").and_then(|c| c.get("add")) {
                    capabilities(cx, &container, add);
                }
            }
        }
    }
}

fn true_entry<'a>(map: &'a Node, key: &str) -> Option<&'a Entry> {
    map.entry(key).filter(|e| is_true(&e.value))
}

fn namespace(field: &str) -> &'static str {
    match field {
        "network_mode" | "hostNetwork" => "network",
        "pid" | "hostPID" => "process",
        _ => "IPC",
    }
}

/// Reports each dangerous capability in a `cap_add` / `capabilities.add` list.
fn capabilities(cx: &mut Context<'_>, who: &str, list: &Node) {
    for cap in list.items() {
        if let Some(text) = cap.as_str().filter(|c| dangerous_capability(c)) {
            let who = if who.starts_with("container") {
                who.to_string()
            } else {
                format!("service `{who}`")
            };
            report(
                cx,
                cap.span.clone(),
                format!("{who} adds the `{}` capability", text.trim()),
                CAP_HELP,
            );
        }
    }
}
