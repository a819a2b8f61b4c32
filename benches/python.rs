//! Python scan benchmark: `cargo bench --bench python`.
//!
//! Generates a tree of varied Python modules (services, views, settings, tests; 10,000
//! files by default, `BENCH_FILES` to change it) and times whole runs of the engine over
//! it, printing the median wall time and files per second. With `BENCH_DIR=path` the
//! tree is written there and kept, so that `scripts/compare-ruff.sh --bench` can time
//! Ruff on the very same files.

use std::path::Path;

mod common;

const SERVICE: &str = r#"import logging
import subprocess

import requests
from requests import Session

logger = logging.getLogger(__name__)


class Client:
    """Talks to the upstream API."""

    def __init__(self, base):
        self.base = base
        self.session = Session()

    def fetch(self, path, **kwargs):
        try:
            resp = self.session.get(self.base + path)
            resp.raise_for_status()
            return resp.json()
        except requests.HTTPError as e:
            logger.error(f"upstream failed for {path}: {e}")
        except Exception:
            pass
        return requests.get(self.base + path, timeout=5, **kwargs)

    def run(self, cmd):
        out = subprocess.run(cmd, capture_output=True, check=False)
        print("ran", cmd, out.returncode)
        return out


def compute(values, password=None):
    total = 0
    for v in values:
        if v > 10:
            total += v * 2
        elif v < 0:
            total -= v
        else:
            total += sum(x for x in range(v) if x % 2)
    logger.info("computed %s with %s", total, password)
    return {"total": total, "items": [v for v in values if v]}
"#;

const VIEWS: &str = r#"from django.http import JsonResponse
from django.views import View

from .models import Order


class OrderView(View):
    def get(self, request, pk):
        try:
            order = Order.objects.get(pk=pk)
        except Order.DoesNotExist:
            return JsonResponse({"error": "not found"}, status=404)
        except:
            return JsonResponse({"error": "unknown"}, status=500)
        data = {
            "id": order.id,
            "lines": [{"sku": l.sku, "qty": l.qty, "price": str(l.price)} for l in order.lines.all()],
            "total": str(sum(l.qty * l.price for l in order.lines.all())),
        }
        return JsonResponse(data)


def health(request):
    return JsonResponse({"ok": True})
"#;

const SETTINGS: &str = r#"import os

DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "django-insecure-abcdefghijklmnop1234"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ.get("DB", "app")}}
INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "app"]
"#;

const TEST: &str = r#"import pytest

from app.service import compute


@pytest.mark.parametrize("values,expected", [([1, 2, 3], 6), ([], 0), ([20], 40)])
def test_compute(values, expected):
    print(values)
    assert compute(values)["total"] == expected
"#;

fn generate(root: &Path, files: usize) {
    for i in 0..files {
        let pkg = root.join(format!("svc{:03}/app{}", i / 50, i % 7));
        let (dir, name, text) = match i % 10 {
            0..=4 => (pkg.clone(), format!("service_{i}.py"), SERVICE),
            5..=7 => (pkg.clone(), format!("views_{i}.py"), VIEWS),
            8 => (pkg.join("settings"), format!("prod_{i}.py"), SETTINGS),
            _ => (pkg.join("tests"), format!("test_{i}.py"), TEST),
        };
        std::fs::create_dir_all(&dir).expect("create dir");
        // Vary the size: some modules are long.
        std::fs::write(dir.join(name), text.repeat(1 + i % 5)).expect("write");
    }
}

fn main() {
    let files = common::file_count(10_000);
    let temp = tempfile::tempdir().expect("tempdir");
    let root = common::bench_dir(temp.path());
    generate(&root, files);
    let t = common::time_runs(&root);
    println!(
        "scan/python: {} files, {} findings, {}",
        t.scanned,
        t.findings,
        t.describe(t.scanned, "files")
    );
}
