"""Wall time and peak memory of whatever runs in child processes during a block.

Peak memory is the largest *sum* of the resident set sizes (RSS) of every descendant of this
process (dbt with its DuckDB threads; a pandas or DuckDB helper started with :func:`run_python`),
sampled every ``interval`` seconds with psutil. Sampling can miss a spike shorter than the
interval, so the helpers also report their own high-water mark (``VmHWM``, exact, one process);
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is not used because it is a maximum over every child
ever waited for, which cannot be reset between measurements.

CPU time, by contrast, adds up, so its differences over the block are exact: the CPU time of the
measured processes (this process and the children it waited for during the block, from
``getrusage``) and the CPU time the rest of the machine spent meanwhile (every CPU's busy time
from psutil, minus the measured processes'). The second figure shows a measurement disturbed by
other work on the machine: the 1 M lower bound took 17.0 s beside three ``dbt parse`` and 8 s
alone (pass notes in `git show a1ea8e1:DECISIONLOG.md`, nineteenth pass). It also holds the kernel's own threads, which write the
measured processes' files back to disk, so it is not zero on a quiet machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

MIB = 1024 * 1024


@dataclass
class Measurement:
    wall_seconds: float = 0.0
    peak_rss_mib: float = 0.0  # sum over the process tree, sampled
    samples: int = 0
    cpu_seconds: float = 0.0  # this process and the children it waited for during the block
    other_cpu_seconds: float = 0.0  # every other process and kernel thread meanwhile


def _machine_busy_cpu_seconds() -> float:
    """CPU time every CPU spent busy since boot (guest time is already part of user time)."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def _own_cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for, since it started."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _tree_rss(me: psutil.Process) -> int:
    total = 0
    for child in me.children(recursive=True):
        try:
            total += child.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


@contextmanager
def measured(interval: float = 0.1) -> Iterator[Measurement]:
    """Time the block and sample the RSS of this process's descendants while it runs.

    Writes still pending from the steps before (a new day's raw files, a database copied or just
    built) are flushed to disk first: left to the kernel, they are written back during the block
    and slow it down (pass notes in `git show a1ea8e1:DECISIONLOG.md`, tenth pass: the 1 M daily run took 145-156 s right after a
    4.2 GB copy and 108-110 s after a sync)."""
    os.sync()
    result = Measurement()
    me = psutil.Process()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            result.peak_rss_mib = max(result.peak_rss_mib, _tree_rss(me) / MIB)
            result.samples += 1
            stop.wait(interval)

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    started = time.perf_counter()
    own_before, machine_before = _own_cpu_seconds(), _machine_busy_cpu_seconds()
    sampler.start()
    try:
        yield result
    finally:
        result.wall_seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        result.cpu_seconds = _own_cpu_seconds() - own_before
        # the machine's busy time counts in clock ticks (10 ms per CPU): never below zero
        result.other_cpu_seconds = max(0.0, _machine_busy_cpu_seconds() - machine_before - result.cpu_seconds)


@dataclass
class ChildRun:
    """A helper run in its own Python process (so its memory is measured like dbt's)."""

    measurement: Measurement
    returncode: int
    output: dict[str, Any] = field(default_factory=dict)  # the JSON the helper printed last
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_python(module: str, *args: str, interval: float = 0.1) -> ChildRun:
    """``python -m module args``, measured; the helper prints one JSON object as its last line.

    A helper killed by the kernel's OOM killer returns -9: recorded, not raised."""
    command = [sys.executable, "-m", module, *args]
    with measured(interval) as measurement:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    output: dict[str, Any] = {}
    lines = completed.stdout.strip().splitlines()
    if completed.returncode == 0 and lines:
        output = json.loads(lines[-1])
    return ChildRun(measurement, completed.returncode, output, completed.stderr[-4000:])


def self_maxrss_mib() -> float:
    """This process's own peak RSS, for helpers to print with their result.

    Linux: ``VmHWM`` of /proc/self/status, the high-water mark of this process's own memory.
    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries it over from the parent across
    fork and exec, so a helper started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak / 1024
