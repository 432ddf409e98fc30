"""Run a command; write its seconds from spawn to exit and its peak resident memory as JSON.

Usage: python bench/peak_rss.py <figures.json> <command> [args...]

The bench itself cannot ask the kernel for a child's peak memory: a child spawned from a
large process starts with that process's high-water mark (Linux carries it over ``exec``),
so the bench's own hundreds of MB would be reported. Spawned from this small process, the
command's ``ru_maxrss`` is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    """Run the command; its exit status is ours."""
    figures, command = Path(sys.argv[1]), sys.argv[2:]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    figures.write_text(json.dumps({"seconds": seconds, "peak_rss_kb": usage.ru_maxrss}))
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
