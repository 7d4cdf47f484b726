"""The frozen application's entry point (PyInstaller runs this script; `pip install` uses the package's own).

It differs from `python -m fairfields_desktop` in two things only a frozen build needs:
- `multiprocessing.freeze_support()` first: the review-pack batch runs in a *spawned* process, which a
  frozen app starts by running this same executable again; this call turns that run into the worker
  instead of a second window or command line;
- the windowed Windows executable has no standard streams (`sys.stdout`/`sys.stderr` are None there):
  they go to the null device, so nothing that writes to them can fail (the log file is unaffected).
"""

import multiprocessing
import os
import sys


def _main() -> int:
    multiprocessing.freeze_support()
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)
    from fairfields_desktop.__main__ import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
