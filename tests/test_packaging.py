"""The lock file a fresh clone installs from."""

import re
from pathlib import Path

LOCK = Path(__file__).resolve().parents[1] / "requirements.lock"


def test_the_lock_pins_only_registry_releases():
    # A line such as `prodops-maturity @ file:///home/me/checkout` (what pip-compile writes for a
    # project that names itself in its extras) installs nowhere but on the machine that wrote it.
    pins = [line for line in LOCK.read_text().splitlines() if line and not line.lstrip().startswith("#")]
    assert pins
    odd = [line for line in pins if not re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line)]
    assert odd == []
