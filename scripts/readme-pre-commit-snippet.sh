#!/usr/bin/env bash
# Prints the README's `.pre-commit-config.yaml` example: the first ```yaml block whose
# first line is `# .pre-commit-config.yaml` (tests/distribution.rs finds it the same way).
set -euo pipefail
cd "$(dirname "$0")/.."
awk '
  !inside && /^```yaml[[:space:]]*$/ { inside = 1; first = 1; n = 0; next }
  inside && first { first = 0; if ($0 != "# .pre-commit-config.yaml") { inside = 0; next } }
  inside && /^```[[:space:]]*$/ { found = 1; exit }
  inside { lines[n++] = $0 }
  END {
    if (!found) { print "no ```yaml block starting with # .pre-commit-config.yaml in README.md" > "/dev/stderr"; exit 1 }
    for (i = 0; i < n; i++) print lines[i]
  }
' README.md
