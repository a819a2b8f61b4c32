//! The Python front end: parses a file once with Ruff's parser and turns it, in one
//! walk, into the small model the Python rules read — calls with their resolved names,
//! `except` handlers with what their bodies do, assignments, definitions with their
//! docstrings, comments, and the file's role. The model borrows the syntax tree: an
//! expression ([`Value`]) is summarised only when a rule reads it, and names are not
//! copied. Both live while the file's rules run ([`PythonFile::with`]).
//!
//! Ruff's crates (`ruff_python_parser`, `ruff_python_ast`, `ruff_text_size`) are internal
//! components with no stable API, so every use of them stays inside this folder: rules
//! see only the types below, with byte spans into the [`SourceFile`].
//!
//! What is computed once per file, so that rules never walk the tree themselves:
//! - import and alias resolution (`import requests as r`, `from requests import get`,
//!   `from urllib import request`), applied to every call ([`Call::qualified`]);
//! - what a call's receiver was bound to in the same scope (`s = requests.Session()`,
//!   `with httpx.Client() as c`, `self.log = logging.getLogger()` in a method);
//! - the enclosing `try` and `except` of every call, assignment and `raise`
//!   ([`Ctx`]), and whether it is inside `if __name__ == "__main__":`;
//! - the file's [`Role`] (test, script, CLI module, settings module, …).
//!
//! Deep input: a linear pre-scan turns away files whose nesting would make the parser
//! recurse more than `prescan::MAX_NESTING` levels (Ruff's parser grows its stack on the
//! heap, so depth costs memory); the walk here grows its stack the same way and stops
//! at [`MAX_DEPTH`]; a deep tree is dropped on a stack sized for it. No input can
//! overflow the thread's stack or take memory out of proportion to its size.
//!
//! [`SourceFile`]: crate::source::SourceFile

pub mod facts;
mod prescan;
mod role;
pub mod service;
mod visit;

pub use role::Role;
pub use visit::is_verify_setting;

use crate::lang::{FileKind, FrontEnd, Output, Sink};
use crate::source::{SourceFile, Span};
use crate::suppress::Comment;
use std::borrow::Cow;

/// Syntax trees deeper than this are reported (CPython itself refuses far less: 200
/// nested brackets) and not checked below that depth.
pub const MAX_DEPTH: usize = 1_000;

/// A parsed Python file, as the rules see it.
#[derive(Debug, Default)]
pub struct PythonFile<'a> {
    pub role: Role,
    /// Syntax errors, in the parser's words; the rest of the file was still read.
    pub syntax_errors: Vec<SyntaxError>,
    /// Every comment, and whether it stands alone on its line.
    pub comments: Vec<(Span, bool)>,
    /// Local name → fully qualified name, from every `import` in the file.
    pub imports: Vec<Import>,
    /// `from X import *` modules as written (relative ones keep their dots).
    pub star_imports: Vec<String>,
    /// `assert not DEBUG` outside functions (in any branch).
    pub asserts_not_debug: bool,
    pub calls: Vec<Call<'a>>,
    pub handlers: Vec<Handler<'a>>,
    pub assigns: Vec<Assign<'a>>,
    pub defs: Vec<Def<'a>>,
    /// Whether the module starts with a docstring.
    pub module_docstring: bool,
    /// Whether the module has any statement at all.
    pub module_has_code: bool,
    /// Where the tree became deeper than [`MAX_DEPTH`], if it did.
    pub too_deep: Option<usize>,
    /// The file was too deeply nested to parse at all (see `prescan`).
    pub not_parsed: bool,
    /// [`PythonFile::main_only_functions`], worked out once, when first asked.
    main_only: std::cell::OnceCell<Vec<std::ops::Range<usize>>>,
}

/// A syntax error reported by the parser.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// One imported name.
#[derive(Debug, Clone)]
pub struct Import {
    /// The name the module binds (`r` in `import requests as r`).
    pub local: String,
    /// What it refers to (`requests`; `requests.get` for `from requests import get`).
    pub qualified: String,
    pub span: Span,
}

/// Where a node sits.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ctx {
    /// The innermost enclosing `except` handler (index into [`PythonFile::handlers`]),
    /// not counting handlers outside the enclosing function.
    pub handler: Option<usize>,
    /// Inside the body of a `try` statement (not its handlers).
    pub in_try: bool,
    /// Inside an `if __name__ == "__main__":` block.
    pub in_main: bool,
    /// Inside `if <something about debug or a development mode>:` (`if settings.DEBUG:`,
    /// `if app.debug:`, `if args.dev:`).
    pub in_debug_guard: bool,
    /// In any branch of an `if` whose test names a TLS-verification setting
    /// (`if not config.verify_ssl:`, `if insecure:`, the `else:` of `if verify_tls:`): code
    /// that runs only as the setting says.
    pub in_verify_guard: bool,
    /// Inside `with contextlib.redirect_stdout(...)` (or `redirect_stderr`).
    pub redirected: bool,
    /// Inside a branch of an `if` statement (at any depth): code that runs only as its
    /// test says.
    pub in_if: bool,
    /// Inside a function (at any depth).
    pub in_function: bool,
    /// Inside a command-line command: a function decorated as a `click` or `typer`
    /// command or group (`@click.command()`, `@cli.command()`, `@app.command()` with
    /// `click` or `typer` imported, Flask's `@app.cli.command()`), or a method of an
    /// interactive shell (a subclass of `cmd.Cmd`): a person runs it and watches it.
    pub in_cli_command: bool,
    /// Inside the body of a `for`/`while` loop of the enclosing function (not its
    /// `else`; a function defined in a loop is not in it).
    pub in_loop: bool,
    /// Directly in a class body (not in its methods).
    pub in_class_body: bool,
    /// Start of the enclosing statement.
    pub statement: usize,
}

/// An expression, summarised when a rule reads it: one level at a time, to the depth
/// the rules need (see [`ValueKind::Deep`]). It borrows the syntax tree, so taking one
/// copies nothing.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    expr: &'a ruff_python_ast::Expr,
    /// Levels left to summarise, this one included.
    depth: u8,
}

/// Binary operators the rules care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Mod,
    Other,
}

/// One level of a [`Value`].
#[derive(Debug, Clone)]
pub enum ValueKind<'a> {
    None,
    Bool(bool),
    Number,
    /// A string literal (implicitly concatenated parts joined).
    Str(&'a str),
    Bytes,
    /// An f-string and the expressions interpolated into it.
    FString(Vec<Value<'a>>),
    Name(&'a str),
    Attribute(Value<'a>, &'a str),
    Subscript(Value<'a>, Value<'a>),
    Slice,
    Call(CallValue<'a>),
    BinOp(BinOp, Value<'a>, Value<'a>),
    Dict(Vec<(Option<Value<'a>>, Value<'a>)>),
    List(Vec<Value<'a>>),
    Tuple(Vec<Value<'a>>),
    Set(Vec<Value<'a>>),
    /// `*x` in a list, tuple or call.
    Starred(Value<'a>),
    /// `a == b`.
    Equals(Value<'a>, Value<'a>),
    /// Anything else (comprehensions, lambdas, comparisons, …).
    Other,
    /// Not summarised: nested deeper than the summary goes.
    Deep,
}

/// A call inside a [`Value`].
#[derive(Debug, Clone)]
pub struct CallValue<'a> {
    pub func: Value<'a>,
    pub args: Vec<Value<'a>>,
    pub keywords: Vec<Keyword<'a>>,
}

/// A keyword argument; `name` is `None` for `**kwargs`.
#[derive(Debug, Clone)]
pub struct Keyword<'a> {
    pub name: Option<&'a str>,
    pub value: Value<'a>,
    pub span: Span,
}

impl<'a> Value<'a> {
    /// `a.b.c` for a chain of names and attributes.
    pub fn dotted(&self) -> Option<String> {
        let mut out = String::new();
        self.head_name()?;
        self.push_attributes(&mut out, true);
        Some(out)
    }

    /// Whether the value is the chain of names and attributes `name` (`a.b.c`): what
    /// `dotted() == Some(name)` says, without building the string.
    pub fn is_dotted(&self, name: &str) -> bool {
        if let Some(n) = self.as_name() {
            return n == name;
        }
        self.as_attribute().is_some_and(|(v, attr)| {
            name.strip_suffix(attr)
                .and_then(|rest| rest.strip_suffix('.'))
                .is_some_and(|rest| v.is_dotted(rest))
        })
    }

    /// The name at the start of a chain of names and attributes (`a` in `a.b.c`).
    fn head_name(&self) -> Option<&'a str> {
        let mut v = *self;
        loop {
            if let Some(n) = v.as_name() {
                return Some(n);
            }
            v = v.as_attribute()?.0;
        }
    }

    /// Appends `.b.c` of `a.b.c` to `out` (with `a` too when `head`), for a chain that
    /// starts with a name.
    fn push_attributes(&self, out: &mut String, head: bool) {
        if let Some(n) = self.as_name() {
            if head {
                out.push_str(n);
            }
        } else if let Some((v, attr)) = self.as_attribute() {
            v.push_attributes(out, head);
            out.push('.');
            out.push_str(attr);
        }
    }

    /// The last name of a name or attribute (`c` in `a.b.c`).
    pub fn last_name(&self) -> Option<&'a str> {
        self.as_name()
            .or_else(|| self.as_attribute().map(|(_, attr)| attr))
    }

    pub fn is_none(&self) -> bool {
        matches!(self.shallow(), Some(ValueKind::None))
    }

    pub fn is_true(&self) -> bool {
        matches!(self.shallow(), Some(ValueKind::Bool(true)))
    }

    /// Whether the value is a constant that is false: `False`, `None`, `""`.
    pub fn is_falsy_constant(&self) -> bool {
        match self.shallow() {
            Some(ValueKind::Bool(false) | ValueKind::None) => true,
            Some(ValueKind::Str(s)) => s.is_empty(),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Value")
            .field("span", &self.span())
            .field("kind", &self.kind())
            .finish()
    }
}

/// A call expression, anywhere in the file.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub span: Span,
    pub func: Value<'a>,
    pub args: Vec<Value<'a>>,
    pub keywords: Vec<Keyword<'a>>,
    /// A `*args` argument is present.
    pub star_args: bool,
    /// A `**kwargs` argument is present.
    pub star_kwargs: bool,
    /// The callee's qualified name through the imports (`requests.get`), or the name
    /// itself for a name that is neither imported nor defined in the file (`print`).
    pub qualified: Option<Cow<'a, str>>,
    /// For `x.method(...)`: the qualified name of the call that bound `x` in this scope
    /// (`requests.Session` after `x = requests.Session()`), or that `x` is.
    pub receiver_origin: Option<String>,
    /// The call is a decorator's whole expression (`@app.get("/health")`).
    pub decorator: bool,
    pub ctx: Ctx,
}

impl<'a> Call<'a> {
    /// The keyword argument `name`.
    pub fn keyword(&self, name: &str) -> Option<&Keyword<'a>> {
        self.keywords.iter().find(|k| k.name == Some(name))
    }

    /// The method name of `x.method(...)`.
    pub fn method(&self) -> Option<&'a str> {
        self.func.as_attribute().map(|(_, attr)| attr)
    }

    /// The receiver `x` of `x.method(...)`.
    pub fn receiver(&self) -> Option<Value<'a>> {
        self.func.as_attribute().map(|(v, _)| v)
    }

    /// The span of the callee (`requests.get` in `requests.get(url)`).
    pub fn callee_span(&self) -> Span {
        self.func.span()
    }
}

/// What an `except` body consists of, when it does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trivial {
    Pass,
    Ellipsis,
    Continue,
}

/// One `except` clause.
#[derive(Debug, Clone)]
pub struct Handler<'a> {
    /// The whole clause.
    pub span: Span,
    /// The `except` keyword.
    pub keyword_span: Span,
    /// The caught type expression; `None` for a bare `except:`.
    pub type_: Option<Value<'a>>,
    /// Each caught type (the tuple's elements), resolved through the imports.
    pub caught: Vec<(String, Span)>,
    /// The `as` name.
    pub name: Option<&'a str>,
    /// `Some` when every statement of the body is `pass`, `...` or `continue`.
    pub trivial: Option<Trivial>,
    /// `raise` statements whose innermost handler this is (outside nested functions).
    pub raises: Vec<Raise<'a>>,
    /// The only call of a `try` body of one statement (index into
    /// [`PythonFile::calls`]): `try: os.remove(path)`.
    pub guards: Option<usize>,
    pub ctx: Ctx,
}

/// A `raise` statement.
#[derive(Debug, Clone)]
pub struct Raise<'a> {
    pub span: Span,
    pub exc: Option<Value<'a>>,
    pub cause: Option<Value<'a>>,
}

/// An assignment statement (`=`, `+=`, annotated), one per target.
#[derive(Debug, Clone)]
pub struct Assign<'a> {
    pub span: Span,
    pub target: Value<'a>,
    pub value: Option<Value<'a>>,
    /// An augmented assignment (`+=`).
    pub augmented: bool,
    /// An annotated assignment (`name: str = ...`).
    pub annotated: bool,
    /// At module level (not in a function or class).
    pub module_level: bool,
    pub ctx: Ctx,
}

/// A function or class definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    Function,
    Class,
}

#[derive(Debug, Clone)]
pub struct Def<'a> {
    pub kind: DefKind,
    pub name: &'a str,
    pub name_span: Span,
    /// The whole definition, decorators excluded.
    pub span: Span,
    /// Defined at module level.
    pub module_level: bool,
    /// Has decorators (a route, a task, a receiver: registered by them, not by name).
    pub decorated: bool,
    /// A function annotated `-> NoReturn`/`-> Never`, or whose body raises on every path.
    pub never_returns: bool,
    pub has_docstring: bool,
    /// A class's bases, as written.
    pub bases: Vec<Value<'a>>,
    /// Part of the public API: a public name at module level, or a public method or
    /// nested class of a public class (dunder methods and `@overload`s are not).
    pub public: bool,
}

impl<'a> PythonFile<'a> {
    /// Whether byte `offset` is in the script's entry point: the `if __name__ ==
    /// "__main__":` block (`in_main`, from the node's [`Ctx`]), or a function that only
    /// that block calls ([`PythonFile::main_only_functions`]).
    pub fn in_entry_point(&self, in_main: bool, offset: usize) -> bool {
        in_main
            || self
                .main_only_functions()
                .iter()
                .any(|d| d.contains(&offset))
    }

    /// Where the module-level functions called only from the `if __name__ ==
    /// "__main__":` block are (and at least once from there): part of the script's
    /// entry point, as the block itself is. Worked out once per file.
    pub fn main_only_functions(&self) -> &[std::ops::Range<usize>] {
        self.main_only
            .get_or_init(|| self.find_main_only_functions())
    }

    fn find_main_only_functions(&self) -> Vec<std::ops::Range<usize>> {
        let called = |in_main: bool| {
            self.calls
                .iter()
                .filter(move |c| c.ctx.in_main == in_main)
                .filter_map(|c| c.func.as_name())
        };
        let from_main: std::collections::BTreeSet<&str> = called(true).collect();
        if from_main.is_empty() {
            return Vec::new();
        }
        let elsewhere: std::collections::BTreeSet<&str> =
            called(false).filter(|n| from_main.contains(n)).collect();
        self.defs
            .iter()
            .filter(|d| d.module_level && d.kind == DefKind::Function)
            .filter(|d| from_main.contains(d.name) && !elsewhere.contains(d.name))
            .map(|d| d.span.clone())
            .collect()
    }

    /// The innermost definition of `kind` (a function, a class) around byte `offset`.
    pub fn enclosing_def(&self, kind: DefKind, offset: usize) -> Option<&Def<'a>> {
        self.defs
            .iter()
            .filter(|d| d.kind == kind && d.span.start <= offset && offset < d.span.end)
            .min_by_key(|d| d.span.end - d.span.start)
    }

    /// Parses `source` once, builds the model and hands it to `f`; the model borrows
    /// the syntax tree, which is let go when `f` returns.
    pub fn with<R>(source: &SourceFile, f: impl FnOnce(&PythonFile<'_>) -> R) -> R {
        Self::with_walk(source, true, f)
    }

    /// As [`PythonFile::with`]; with `walk` false, the model holds only the syntax
    /// errors and the comments (for a file no rule checks: [`Sink::syntax_only`]).
    pub fn with_walk<R>(
        source: &SourceFile,
        walk: bool,
        f: impl FnOnce(&PythonFile<'_>) -> R,
    ) -> R {
        let stub = source.rel_path.ends_with(".pyi");
        visit::with(&source.text, stub, walk, |mut file| {
            file.role = Role::of(source, &file);
            f(&file)
        })
    }

    /// The qualified name a local name was imported as.
    pub fn imported(&self, local: &str) -> Option<&str> {
        self.imports
            .iter()
            .rev()
            .find(|i| i.local == local)
            .map(|i| i.qualified.as_str())
    }

    /// Whether the file imports `module` or anything from it.
    pub fn imports_module(&self, module: &str) -> bool {
        self.imports.iter().any(|i| {
            i.qualified == module
                || i.qualified
                    .strip_prefix(module)
                    .is_some_and(|r| r.starts_with('.'))
        })
    }

    /// The qualified name of a name or attribute chain through the imports.
    pub fn resolve(&self, v: &Value<'_>) -> Option<String> {
        let base = self.imported(v.head_name()?)?;
        let mut out = base.to_string();
        v.push_attributes(&mut out, false);
        Some(out)
    }
}

/// The Python front end.
pub struct PythonFrontEnd;

/// Whether a line starts with a whole Jinja or Go template tag (`{% for d in domains %}`,
/// `{{ end }}`): no Python line does.
fn template_tags(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        (l.starts_with("{%") && l.contains("%}")) || (l.starts_with("{{") && l.contains("}}"))
    })
}

/// Why a Python template is left unchecked, and what to do.
const PYTHON_TEMPLATE_SKIPPED: (&str, &str) = (
    "a template (Jinja or Go templating: a line starts with `{%` or `{{`) that is Python only once rendered",
    "check the file rendered from it, or name the template `*.py.j2` so that it is not taken for Python",
);

/// Why a Python 2 file is left unchecked, and what to do.
pub const PYTHON2_SKIPPED: (&str, &str) = (
    "Python 2 code (a `print` statement, `except E, e:`, `raise E, \"message\"` or `exec \"code\"`, `lambda (a, b):`), which the Python 3 parser does not read",
    "port it to Python 3 (Python 2 has had no fixes since 2020), or exclude it if nothing runs it",
);

/// Whether a line the parser stopped at is a statement only Python 2 has: `print x`
/// (not `print(x)`, nor `print` used as a name), `exec "code"`, `except E, e:`, `raise
/// E, "message"`, a tuple parameter (`lambda (a, b): a`).
fn python2_statement(line: &str) -> bool {
    let line = line.trim();
    if line.contains("lambda (") {
        return true;
    }
    let after = |keyword: &str| {
        line.strip_prefix(keyword)
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map(str::trim_start)
    };
    if let Some(rest) = after("print") {
        let next = rest.chars().next();
        return next
            .is_some_and(|c| c == '"' || c == '\'' || c == '>' || c.is_alphanumeric() || c == '_')
            && !rest.starts_with("in ")
            && !rest.starts_with("if ")
            && !rest.starts_with("for ")
            && !rest.starts_with("and ")
            && !rest.starts_with("or ")
            && !rest.starts_with("is ");
    }
    if let Some(rest) = after("exec") {
        return rest.starts_with(['"', '\'']);
    }
    if let Some(rest) = after("except") {
        // `except ValueError, e:` (not `except (A, B) as e:`).
        return !rest.starts_with('(')
            && rest.split_once(',').is_some_and(|(_, name)| {
                name.trim()
                    .trim_end_matches(':')
                    .trim()
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_')
            });
    }
    if let Some(rest) = after("raise") {
        // `raise ValueError, "message"`.
        return rest.split_once(',').is_some_and(|(exc, _)| {
            !exc.contains('(')
                && exc
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        });
    }
    false
}

impl FrontEnd for PythonFrontEnd {
    fn claim(&self, rel_path: &str) -> Option<FileKind> {
        let py = |suffix| crate::source::ends_with_ignore_case(rel_path, suffix);
        (py(".py") || py(".pyi")).then_some(FileKind::Python)
    }

    fn handles(&self, kind: FileKind) -> bool {
        kind == FileKind::Python
    }

    fn read(
        &self,
        source: &SourceFile,
        _: FileKind,
        sink: &mut (dyn Sink + Send),
        out: &mut Output,
    ) {
        if shell_script(&source.text) {
            return;
        }
        PythonFile::with_walk(source, !sink.syntax_only(), |py| {
            // Python 2 code is valid code in a language the parser does not read: left
            // unchecked, said as a note, not reported as broken.
            if py
                .syntax_errors
                .first()
                .is_some_and(|e| python2_statement(source.line_text(source.line_of(e.span.start))))
            {
                out.skipped = Some(PYTHON2_SKIPPED);
                return;
            }
            // A template that is Python only once rendered (an Ansible `settings.py.j2`
            // kept as `production.py`, with `{% for %}` blocks): not broken Python.
            // (One under a templates folder is left unchecked by its path already.)
            if !py.syntax_errors.is_empty()
                && template_tags(&source.text)
                && !crate::roles::Roles::of_path(&source.rel_path).has(crate::roles::Role::Template)
            {
                out.skipped = Some(PYTHON_TEMPLATE_SKIPPED);
                return;
            }
            const HELP: &str = "fix the syntax; the code that parsed was still checked";
            for e in &py.syntax_errors {
                out.error(e.span.clone(), "Python file", lower_first(&e.message), HELP);
            }
            if let Some(at) = py.too_deep {
                let message = if py.not_parsed {
                    "code nested too deeply to parse safely; this file was not checked".to_string()
                } else {
                    format!(
                        "code nested more than {MAX_DEPTH} levels deep; not checked below that depth"
                    )
                };
                out.error(
                    at..at,
                    "Python file",
                    message,
                    "flatten the expression; Python itself rejects code nested this deep",
                );
            }
            sink.python(py);
            out.comments = py
                .comments
                .iter()
                .map(|(span, own_line)| Comment {
                    span: span.clone(),
                    own_line: *own_line,
                })
                .collect();
            out.facts.python = facts::of(source, py).map(Box::new);
            if sink.wants_service_facts() {
                out.facts.service = service::of(source, py).map(Box::new);
            }
        });
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a `.py` file is a shell script by its first line (`#!/bin/bash`,
/// `#!/usr/bin/env sh`): it is not Python, and not read as such.
fn shell_script(text: &str) -> bool {
    let Some(line) = text.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return false;
    };
    let mut words = line.split_whitespace();
    let mut program = words.next().unwrap_or("").rsplit('/').next().unwrap_or("");
    if program == "env" {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    matches!(program, "sh" | "bash" | "dash" | "zsh" | "ksh" | "ash")
}

#[cfg(test)]
mod python2_tests {
    use super::python2_statement;

    #[test]
    fn python2_statements_are_told_from_syntax_errors() {
        for line in [
            "print \"hello\"",
            "    print x, y",
            "print >>sys.stderr, 'no'",
            "except ValueError, e:",
            "raise KeyError, \"missing\"",
            "exec \"x = 1\"",
            "key=lambda (name, field): field",
        ] {
            assert!(python2_statement(line), "{line}");
        }
        for line in [
            "print(x))",
            "print",
            "print in rows and (",
            "except (A, B) as e:",
            "raise ValueError(\"a, b\"",
            "def broken(:",
        ] {
            assert!(!python2_statement(line), "{line}");
        }
    }
}
