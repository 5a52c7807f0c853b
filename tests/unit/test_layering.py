"""The domain packages never import Flask or the web layer (STYLE: one direction only)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_PACKAGES = ["accounts", "portfolio", "assessments"]
FORBIDDEN = ["flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "flask_babel", "app"]


def _modules(package: str) -> list[str]:
    path = ROOT / package
    return [package] + [f"{package}.{info.name}" for info in pkgutil.walk_packages([str(path)])]


@pytest.mark.parametrize("package", [*DOMAIN_PACKAGES, "persistence", "config"])
def test_importing_the_domain_loads_no_web_code(package):
    modules = _modules(package) if (ROOT / package).is_dir() else [package]
    script = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in modules)
        + f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
