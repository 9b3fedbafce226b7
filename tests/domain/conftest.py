"""Make the checkout importable when the package is not installed into the venv.

The project-wide fix is ``pythonpath = ["."]`` under ``[tool.pytest.ini_options]`` (or an editable
install); until then the domain tests add the repository root themselves.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
