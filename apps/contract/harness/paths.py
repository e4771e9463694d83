"""Where the two services live, and the tools of the virtualenv running the suite."""

import sys
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parents[2]
FLASK_DIR = APPS_DIR / "legacy-flask"
FASTAPI_DIR = APPS_DIR / "fastapi"
# The suite runs in the virtualenv that also holds both services' requirements.
VENV_BIN = Path(sys.executable).parent
