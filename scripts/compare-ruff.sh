#!/usr/bin/env bash
# Compares readylint's Python rules with their nearest Ruff rules on real repositories.
#
#   scripts/compare-ruff.sh REPO_DIR [REPO_DIR ...]
#   scripts/compare-ruff.sh --bench          # speed on the generated benchmark tree
#
# Installs Ruff from PyPI into a private virtual environment (RUFF_VERSION pins it),
# builds readylint in release mode, runs both on each repository, and prints, per rule
# pair: the findings of each tool, how many agree (same file, line within 3), and the
# disagreements, so that each can be read and judged. Set SHOW=N to list N
# disagreements per pair and side (default 5). Nothing is written into the repositories.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
work="${COMPARE_WORK:-${TMPDIR:-/tmp}/readylint-compare-ruff}"
ruff_version="${RUFF_VERSION:-0.17.6}"
mkdir -p "$work"

if [ "${1:-}" = "--bench" ]; then
    mode=bench
    shift
else
    mode=compare
fi

if [ "$mode" = compare ] && [ "$#" -eq 0 ]; then
    echo "usage: $0 REPO_DIR [REPO_DIR ...]" >&2
    exit 2
fi

if [ ! -x "$work/venv/bin/ruff" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet "ruff==$ruff_version"
fi
ruff="$work/venv/bin/ruff"
(cd "$here" && cargo build --release --quiet)
readylint="$here/target/release/readylint"

ruff_rules="E722,BLE001,S110,S112,S113,T201,T203,G001,G002,G003,G004,TRY400"
ours="EXC001,EXC002,EXC003,NET001,LOG001,LOG002,LOG003"

if [ "$mode" = bench ]; then
    # The same tree `cargo bench --bench python` times readylint on (it prints its own
    # figures), then both command lines on it, median of five runs each.
    tree="$work/benchtree"
    rm -rf "$tree"
    (cd "$here" && BENCH_DIR="$tree" cargo bench --quiet --bench python)
    python3 - "$tree" "$ruff" "$readylint" "$ruff_rules" "$ours" <<'PY'
import statistics, subprocess, sys, time
tree, ruff, readylint, ruff_rules, ours = sys.argv[1:]
files = sum(1 for _ in __import__("pathlib").Path(tree).rglob("*.py"))
runs = {
    "ruff (compared rules)": [ruff, "check", "--isolated", "--no-cache", "--select", ruff_rules, "--exit-zero", "-q", tree],
    "ruff (default rules)": [ruff, "check", "--isolated", "--no-cache", "--exit-zero", "-q", tree],
    "readylint (compared rules)": [readylint, "check", "--no-config", "--select", ours, "--fail-on", "never", "--format", "concise", tree],
    "readylint (all rules)": [readylint, "check", "--no-config", "--fail-on", "never", "--format", "concise", tree],
}
print(f"{files} Python files")
for name, cmd in runs.items():
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    m = statistics.median(times)
    print(f"{name:28} median {m*1000:7.0f} ms  {files/m:8.0f} files/s  (min {min(times)*1000:.0f} ms)")
PY
    exit 0
fi

for repo in "$@"; do
    name="$(basename "$repo")"
    # --isolated: no project configuration; --ignore-noqa: readylint does not read noqa.
    (cd "$repo" && "$ruff" check --isolated --ignore-noqa --no-cache \
        --select "$ruff_rules" --output-format json --exit-zero . > "$work/$name.ruff.json" 2>/dev/null) || true
    "$readylint" check --no-config --select "$ours" --format json --fail-on never \
        "$repo" -o "$work/$name.readylint.json" || true
done

python3 - "$work" "${SHOW:-5}" "$@" <<'PY'
import json, os, sys
from collections import defaultdict

work, show, repos = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
PAIRS = [
    ("EXC001", ["E722"]),
    ("EXC002", ["BLE001"]),
    ("EXC003", ["S110", "S112"]),
    ("NET001", ["S113"]),
    ("LOG001", ["T201", "T203"]),
    ("LOG002", ["G001", "G002", "G003", "G004"]),
    ("LOG003", ["TRY400"]),
]

def load(repo):
    name = os.path.basename(repo.rstrip("/"))
    root = os.path.abspath(repo)
    ours = defaultdict(list)
    for f in json.load(open(f"{work}/{name}.readylint.json"))["findings"]:
        ours[f["rule"]].append((f["path"], f["line"], f["message"]))
    theirs = defaultdict(list)
    for f in json.load(open(f"{work}/{name}.ruff.json")):
        path = os.path.relpath(f["filename"], root).replace(os.sep, "/")
        theirs[f["code"]].append((path, f["location"]["row"], f["message"]))
    return name, ours, theirs

def match(a, b):
    """Pairs findings of a and b in the same file within 3 lines, closest first."""
    used, agree, only_a = set(), [], []
    for fa in a:
        best = None
        for i, fb in enumerate(b):
            if i in used or fb[0] != fa[0]:
                continue
            d = abs(fb[1] - fa[1])
            if d <= 3 and (best is None or d < best[0]):
                best = (d, i)
        if best is None:
            only_a.append(fa)
        else:
            used.add(best[1])
            agree.append(fa)
    only_b = [fb for i, fb in enumerate(b) if i not in used]
    return agree, only_a, only_b

totals = defaultdict(lambda: [0, 0, 0])
for repo in repos:
    name, ours, theirs = load(repo)
    print(f"\n=== {name}")
    for code, ruff_codes in PAIRS:
        a = ours.get(code, [])
        b = [f for c in ruff_codes for f in theirs.get(c, [])]
        agree, only_a, only_b = match(a, b)
        t = totals[code]
        t[0] += len(a); t[1] += len(b); t[2] += len(agree)
        print(f"{code:7} {len(a):5}   {'+'.join(ruff_codes):20} {len(b):5}   agree {len(agree):5}")
        for f in only_a[:show]:
            print(f"    only readylint  {f[0]}:{f[1]}  {f[2][:90]}")
        for f in only_b[:show]:
            print(f"    only ruff       {f[0]}:{f[1]}  {f[2][:90]}")

print("\n=== total")
print(f"{'rule':7} {'readylint':>9}   {'ruff':20} {'ruff':>5}   agree")
for code, ruff_codes in PAIRS:
    t = totals[code]
    print(f"{code:7} {t[0]:9}   {'+'.join(ruff_codes):20} {t[1]:5}   {t[2]:5}")
PY
