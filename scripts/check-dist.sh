#!/usr/bin/env bash
# Checks the Python distribution and the pre-commit artefacts as users meet them:
#   1. builds the wheel with maturin (one release build, sharing target/release with
#      `cargo build --release`), checks that it holds the binary and its metadata
#      only, installs it into a fresh virtual environment and runs it;
#   2. validates the README's `.pre-commit-config.yaml` snippet and
#      `.pre-commit-hooks.yaml` with pre-commit itself.
# maturin and pre-commit install from PyPI into target/dist/venv, pinned. Tools that
# cannot be installed are reported and skipped (the registry can be down); anything
# else that goes wrong fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

MATURIN_VERSION=1.16.0
PRE_COMMIT_VERSION=4.7.0

dist="$PWD/target/dist"
venv="$dist/venv"
mkdir -p "$dist"

if [ ! -x "$venv/bin/maturin" ] || [ ! -x "$venv/bin/pre-commit" ] \
  || [ "$("$venv/bin/maturin" --version 2>/dev/null)" != "maturin $MATURIN_VERSION" ]; then
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" \
    && timeout 600 "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "maturin==$MATURIN_VERSION" "pre-commit==$PRE_COMMIT_VERSION"; } >"$dist/install.log" 2>&1; then
    echo "check-dist: SKIPPED: maturin and pre-commit could not be installed:" >&2
    tail -5 "$dist/install.log" >&2
    exit 0
  fi
fi

# 1. The wheel.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
wheels="$dist/wheels"
rm -rf "$wheels"
start=$SECONDS
"$venv/bin/maturin" build --release --locked --quiet --out "$wheels"
echo "check-dist: wheel built in $((SECONDS - start)) s"
shopt -s nullglob
built=("$wheels"/readylint-"$version"-*.whl)
shopt -u nullglob
if [ "${#built[@]}" -ne 1 ]; then
  echo "check-dist: expected one wheel of readylint $version in $wheels, found:" >&2
  ls -l "$wheels" >&2
  exit 1
fi
wheel=${built[0]}
# Nothing but the binary and the metadata.
"$venv/bin/python" - "$wheel" "$version" <<'PY'
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = sorted(zipfile.ZipFile(wheel).namelist())
expected = sorted([
    f"readylint-{version}.data/scripts/readylint",
    f"readylint-{version}.dist-info/METADATA",
    f"readylint-{version}.dist-info/WHEEL",
    f"readylint-{version}.dist-info/RECORD",
])
if names != expected:
    sys.exit(f"check-dist: the wheel holds {names}, expected {expected}")
PY

try="$dist/try"
rm -rf "$try"
python3 -m venv "$try"
"$try/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
got=$("$try/bin/readylint" --version)
if [ "$got" != "readylint $version" ]; then
  echo "check-dist: the installed readylint says '$got', expected 'readylint $version'" >&2
  exit 1
fi
"$try/bin/readylint" check --no-cache --format concise --quiet .
sample=$(mktemp -d)
trap 'rm -rf "$sample"' EXIT
printf 'FROM python:3.12\nCMD python app.py\n' >"$sample/Dockerfile"
set +e
out=$("$try/bin/readylint" check --no-cache --no-config --format concise "$sample")
code=$?
set -e
if [ "$code" != 1 ] || ! grep -q DKR004 <<<"$out"; then
  echo "check-dist: the installed readylint exited $code on a Dockerfile with findings, expected 1 and DKR004:" >&2
  printf '%s\n' "$out" >&2
  exit 1
fi
echo "check-dist: wheel $(basename "$wheel"): binary and metadata only; installs and runs"

# 2. pre-commit: the README's configuration snippet and the hooks manifest.
snippet="$dist/pre-commit-config.yaml"
bash scripts/readme-pre-commit-snippet.sh >"$snippet"
"$venv/bin/pre-commit" validate-config "$snippet"
"$venv/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml
echo "check-dist: pre-commit validate-config (README snippet) and validate-manifest: clean"
