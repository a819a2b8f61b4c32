//! NET005 blocking-wait-without-timeout.

use crate::declare_rule;
use crate::lang::FileKind;
use crate::lang::python::{Call, DefKind, PythonFile, Value, ValueKind};
use crate::rule::{Context, Rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags waits on a future, queue, thread, process or pipe that pass no timeout,
    /// when the object waited on is known to be one.
    ///
    /// The waits:
    /// - `.result()` on a future from `executor.submit(..)` of a `ThreadPoolExecutor`
    ///   or `ProcessPoolExecutor` (and `concurrent.futures.wait(fs)` and
    ///   `as_completed(fs)` without `timeout`);
    /// - `.get()` on a `queue.Queue` (`LifoQueue`, `PriorityQueue`, `SimpleQueue`) or a
    ///   `multiprocessing.Queue`/`JoinableQueue`, unless `block=False`;
    /// - `.join()` on a `threading.Thread` or `multiprocessing.Process`;
    /// - `.recv()` on a `multiprocessing.Pipe()` end, unless the same function
    ///   `poll`s it first.
    ///
    /// The object must be created in the same function (`q = queue.Queue()`,
    /// `fut = pool.submit(f)`, `a, b = Pipe()`), at module level, or as an attribute of
    /// the same class (`self.worker = Thread(..)` in `__init__`). `.get()`,
    /// `.join()` and `.result()` on anything else — `dict.get`, `str.join`,
    /// `os.path.join` — are never flagged.
    ///
    /// ## Why it matters in production
    /// A wait without a timeout lasts as long as the slowest thing behind it. A worker
    /// thread stuck on a dead socket, a child process deadlocked on a full pipe, a
    /// producer that crashed before it put anything on the queue: each turns the
    /// waiting request, job or shutdown into a hang that no error, log line or metric
    /// reports, and that only a restart ends.
    ///
    /// ## Example
    /// ```python
    /// future = executor.submit(render_pdf, invoice)
    /// pdf = future.result()
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// future = executor.submit(render_pdf, invoice)
    /// pdf = future.result(timeout=60)  # raises TimeoutError: report it, retry or fail
    /// ```
    /// For a `Pipe`, `if conn.poll(timeout): conn.recv()`.
    ///
    /// ## Known limits
    /// Objects passed in as parameters, kept in lists (`[pool.submit(f) for f in
    /// jobs]`), or of subclasses (`class Worker(Thread)`) are not followed, so those
    /// waits are not flagged. A consumer thread whose loop is meant to wait forever on
    /// its queue is still flagged: say so with a suppression comment, or use
    /// `get(timeout=..)` so that the loop can notice a shutdown request.
    pub BlockingWaitWithoutTimeout,
    code = "NET005", name = "blocking-wait-without-timeout", category = Timeouts, severity = Warning,
    skips = crate::roles::Role::NOT_SERVICE_CODE,
    default = false,
    reads = [FileKind::Python],
}

const QUEUES: &[&str] = &[
    "queue.Queue",
    "queue.LifoQueue",
    "queue.PriorityQueue",
    "queue.SimpleQueue",
    "multiprocessing.Queue",
    "multiprocessing.JoinableQueue",
    "multiprocessing.queues.Queue",
    "multiprocessing.queues.JoinableQueue",
];
const WORKERS: &[&str] = &[
    "threading.Thread",
    "multiprocessing.Process",
    "multiprocessing.context.Process",
];
const PIPES: &[&str] = &["multiprocessing.Pipe", "multiprocessing.connection.Pipe"];
const EXECUTORS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
];

/// What a receiver is known to be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Waitable {
    Future,
    Queue,
    Worker,
    Pipe,
}

impl Rule for BlockingWaitWithoutTimeout {
    fn check_python(&self, file: &PythonFile, cx: &mut Context<'_>) {
        if file.role.is_tooling() {
            return;
        }
        for call in &file.calls {
            if call.star_args || call.star_kwargs {
                continue;
            }
            if let Some(q @ ("concurrent.futures.wait" | "concurrent.futures.as_completed")) =
                call.qualified.as_deref()
            {
                if !has_timeout(call, 1) {
                    let name = q.trim_start_matches("concurrent.futures.");
                    cx.report(
                        &Self::META,
                        call.callee_span(),
                        format!("`{name}` without `timeout` waits as long as the slowest future"),
                        "pass `timeout=` in seconds and handle the futures that are not done",
                    );
                }
                continue;
            }
            let Some(method) = call.method() else {
                continue;
            };
            let wanted = match method {
                "result" => Waitable::Future,
                "get" => Waitable::Queue,
                "join" => Waitable::Worker,
                "recv" => Waitable::Pipe,
                _ => continue,
            };
            let Some(recv) = call.receiver() else {
                continue;
            };
            if what(file, call, &recv, wanted) != Some(wanted) {
                continue;
            }
            let (message, help) = match wanted {
                Waitable::Future => {
                    if has_timeout(call, 0) {
                        continue;
                    }
                    (
                        "`Future.result()` without `timeout` waits for the task however long it takes",
                        "pass `timeout=` in seconds and handle `TimeoutError`",
                    )
                }
                Waitable::Queue => {
                    let non_blocking = call
                        .args
                        .first()
                        .or_else(|| call.keyword("block").map(|k| &k.value))
                        .is_some_and(Value::is_falsy_constant);
                    if non_blocking || has_timeout(call, 1) {
                        continue;
                    }
                    (
                        "`Queue.get()` without `timeout` blocks until something is put, forever if nothing is",
                        "pass `timeout=` in seconds and handle `queue.Empty`, so that the caller can notice a shutdown or a dead producer",
                    )
                }
                Waitable::Worker => {
                    if has_timeout(call, 0) {
                        continue;
                    }
                    (
                        "`join()` without `timeout` waits for the thread or process however long it takes",
                        "pass `timeout=` in seconds and check `is_alive()` afterwards",
                    )
                }
                Waitable::Pipe => {
                    if polls_first(file, call, &recv) {
                        continue;
                    }
                    (
                        "`Connection.recv()` blocks until the other end sends, forever if it never does",
                        "wait with `conn.poll(timeout)` first and treat `False` as a timeout",
                    )
                }
            };
            cx.report(&Self::META, call.callee_span(), message, help);
        }
    }
}

/// Whether `timeout` is given, by keyword or as positional argument `index`, and is
/// not `None`.
fn has_timeout(call: &Call, index: usize) -> bool {
    match call.keyword("timeout") {
        Some(k) => !k.value.is_none(),
        None => call.args.get(index).is_some_and(|v| !v.is_none()),
    }
}

/// What `recv`, the receiver of `call`, is known to be, as far as it can be `wanted`.
fn what(file: &PythonFile, call: &Call, recv: &Value, wanted: Waitable) -> Option<Waitable> {
    // `pool.submit(f).result()`.
    if let ValueKind::Call(_) = recv.kind() {
        return is_submit(file, &recv.span()).then_some(Waitable::Future);
    }
    // Bound to a call the front end resolved (`q = queue.Queue()`, `self.t = Thread()`).
    if let Some(origin) = call.receiver_origin.as_deref() {
        if QUEUES.contains(&origin) {
            return Some(Waitable::Queue);
        }
        if WORKERS.contains(&origin) {
            return Some(Waitable::Worker);
        }
    }
    // Bound here to `pool.submit(..)` or to one end of `Pipe()`: the search for the
    // binding, which every `.get()` of a dictionary would otherwise make, is for those.
    if !matches!(wanted, Waitable::Future | Waitable::Pipe) {
        return None;
    }
    let name = recv.dotted()?;
    let assign = binding(file, &name, call.span.start)?;
    let value = assign.value.as_ref()?;
    match value.kind() {
        ValueKind::Call(c) => {
            if is_submit(file, &value.span()) {
                return Some(Waitable::Future);
            }
            if matches!(assign.target.kind(), ValueKind::Tuple(_))
                && file
                    .resolve(&c.func)
                    .is_some_and(|q| PIPES.contains(&q.as_str()))
            {
                return Some(Waitable::Pipe);
            }
            None
        }
        _ => None,
    }
}

/// Whether the call at `span` is `executor.submit(..)` on a known executor.
fn is_submit(file: &PythonFile, span: &Span) -> bool {
    file.calls.iter().any(|c| {
        c.span == *span
            && c.method() == Some("submit")
            && c.receiver_origin
                .as_deref()
                .is_some_and(|o| EXECUTORS.contains(&o))
    })
}

/// The span of the innermost definition of `kind` around `offset`.
fn enclosing<'f>(file: &'f PythonFile<'_>, kind: DefKind, offset: usize) -> Option<&'f Span> {
    file.enclosing_def(kind, offset).map(|d| &d.span)
}

/// The last assignment to `name` (or to a tuple holding it) that can reach `offset`:
/// in the same function before it; at module level; or, for `self.x`, in any method
/// of the same class.
fn binding<'f, 'a>(
    file: &'f PythonFile<'a>,
    name: &str,
    offset: usize,
) -> Option<&'f crate::lang::python::Assign<'a>> {
    let targets = |t: &Value| match t.kind() {
        ValueKind::Tuple(items) | ValueKind::List(items) => items.iter().any(|i| i.is_dotted(name)),
        _ => t.is_dotted(name),
    };
    let attribute = name.starts_with("self.");
    let function = enclosing(file, DefKind::Function, offset);
    let class = enclosing(file, DefKind::Class, offset);
    file.assigns
        .iter()
        .filter(|a| !a.augmented && targets(&a.target))
        .filter(|a| {
            if attribute {
                class.is_some() && enclosing(file, DefKind::Class, a.span.start) == class
            } else if a.module_level {
                true
            } else {
                a.span.start < offset
                    && function.is_some()
                    && enclosing(file, DefKind::Function, a.span.start) == function
            }
        })
        .max_by_key(|a| (a.span.start < offset, a.span.start))
}

/// Whether the function around `call` polls the same connection (`conn.poll(t)`).
fn polls_first(file: &PythonFile, call: &Call, recv: &Value) -> bool {
    let name = recv.dotted();
    let function = enclosing(file, DefKind::Function, call.span.start);
    file.calls.iter().any(|c| {
        c.method() == Some("poll")
            && c.receiver().and_then(|r| r.dotted()) == name
            && enclosing(file, DefKind::Function, c.span.start) == function
    })
}
