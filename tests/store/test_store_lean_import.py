"""The store's sqlite-utils import keeps start-up lean: neither numpy nor dateutil's parser is loaded."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from writer.store import Store
import writer.store.store  # noqa: F401  (imports sqlite-utils)
loaded = [name for name in ("numpy", "dateutil.parser._parser") if name in sys.modules]
from sqlite_utils.recipes import parsedate
from dateutil import parser
print(loaded, parsedate("2020-01-02"), parser.parse("3 March 2021").month)
"""


def test_start_up_does_not_load_what_writer_never_uses_yet_it_all_still_works() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "2020-01-02", "3"]
