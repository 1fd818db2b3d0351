"""What processing an uploaded photo costs the web process: peak memory and time.

    .venv/bin/python bench/image_upload.py [--threads 4] [--implementation PATH]

Each case is a file made here with Pillow (the review's 194 KB PNG of 10000 x 5000 pixels, the
largest PNGs still accepted, camera-sized JPEGs). Each is processed in a fresh Python process
(so one case's memory is not another's), by ``process_upload`` as the desk calls it; the figure
is the growth of the process's peak resident memory (VmHWM in /proc/self/status: Linux; not
``ru_maxrss``, which a process keeps from its parent across exec) over what Django and the
file's bytes already took, and the wall time. ``--threads N`` has N threads process the same
file at once in one process, as N concurrent uploads in one server process would.
``--implementation PATH`` loads ``process_upload`` from another file instead (e.g. an earlier
release's ``masthead/core/images.py``, for a before-and-after).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def gradient(mode: str, size: tuple[int, int]) -> Any:
    from PIL import Image

    ramp = Image.linear_gradient("L").resize(size)
    if mode == "L":
        return ramp
    bands = [ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT), ramp.rotate(180)]
    if mode == "RGBA":
        bands.append(Image.new("L", size, 200))
    return Image.merge(mode, bands)


CASES: dict[str, tuple[str, str, tuple[int, int], dict[str, Any]]] = {
    # name: (format, mode, size, save options)
    "png-10000x5000-review": ("PNG", "RGB", (10_000, 5_000), {"solid": True}),
    "png-6000x4000-rgb": ("PNG", "RGB", (6_000, 4_000), {}),
    "png-4240x2830-rgba": ("PNG", "RGBA", (4_240, 2_830), {}),
    "jpeg-6000x4000": ("JPEG", "RGB", (6_000, 4_000), {"quality": 90}),
    "jpeg-8256x5504": ("JPEG", "RGB", (8_256, 5_504), {"quality": 90}),
}


def make(name: str, folder: Path) -> Path:
    from PIL import Image

    kind, mode, size, options = CASES[name]
    path = folder / f"{name}.{kind.lower()}"
    if not path.exists():
        options = dict(options)
        picture = Image.new(mode, size, "white") if options.pop("solid", False) else None
        (picture or gradient(mode, size)).save(path, kind, **options)
    return path


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM: this benchmark reads Linux's /proc")


def measure_one(path: Path, threads: int, implementation: str) -> dict[str, Any]:
    """In this (fresh) process: process ``path`` in ``threads`` threads at once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings.local")
    os.environ.setdefault("MASTHEAD_VAR", tempfile.mkdtemp(prefix="masthead-bench-images-"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    if implementation:
        spec = importlib.util.spec_from_file_location("images_under_test", implementation)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        from masthead.core import images as module
    data = path.read_bytes()
    outcomes: list[str] = []

    def one() -> None:
        try:
            result = module.process_upload(io.BytesIO(data), name="lead")
            from PIL import Image

            stored = getattr(result, "file", result)
            width, height = Image.open(stored).size
            outcomes.append(f"stored {width}x{height}")
        except ValidationError as error:
            outcomes.append("refused: " + " ".join(error.messages))

    before = peak_kb()
    started = time.perf_counter()
    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    peak = peak_kb()
    return {
        "file_kb": round(len(data) / 1024),
        "peak_growth_mb": round((peak - before) / 1024),
        "seconds": round(elapsed, 2),
        "outcomes": sorted(set(outcomes)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="uploads at once in one process")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--implementation", default="", help="a file defining process_upload")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="default: all")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one file here
    options = parser.parse_args()
    if options.one:
        print(json.dumps(measure_one(Path(options.one), options.threads, options.implementation)))
        return
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.gettempdir()) / "masthead-bench-images"
    folder.mkdir(exist_ok=True)
    print(f"{'case':24} {'file':>8} {'peak growth':>12} {'time':>7}  outcome")
    for name in options.case or list(CASES):
        path = make(name, folder)
        runs = []
        for _ in range(options.repeat):
            command = [sys.executable, __file__, "--one", str(path)]
            command += ["--threads", str(options.threads)]
            if options.implementation:
                command += ["--implementation", options.implementation]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(output.strip().splitlines()[-1]))
        memory = statistics.median(run["peak_growth_mb"] for run in runs)
        seconds = statistics.median(run["seconds"] for run in runs)
        outcome = "; ".join(runs[0]["outcomes"])
        print(f"{name:24} {runs[0]['file_kb']:>6} KB {memory:>9} MB {seconds:>6.2f}s  {outcome}")


if __name__ == "__main__":
    main()
