"""How long the JSON depth guard takes on 4 MB bodies, beside ``json.loads`` of the same size.

    .venv/bin/python bench/json_depth.py [--repeat 5]

Prints, per body shape, the guard's best time and its ratio to ``json.loads`` of a benign
4 MB array measured in the same run (the guard runs before every JSON request body is
parsed; the target is that it never costs more than parsing the body would).
"""

from __future__ import annotations

import argparse
import json
import time

from saas.web.edge import json_too_deep

SIZE = 4 * 1024 * 1024
BODIES = {
    "4MB of [": b"[" * SIZE,
    "2MB [ then 2MB ]": b"[" * (SIZE // 2) + b"]" * (SIZE // 2),
    "strings holding brackets": b"[" + b'"x\\"[",' * 500_000 + b"1]",
    "60,000 arrays 32 deep": ("[" * 32 + "]" * 32 + ",").encode() * 60_000,
}
BASELINE = b"[" + b"1," * (SIZE // 2 - 1) + b"1]"


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = best(lambda: json.loads(BASELINE), args.repeat)
    print(f"json.loads of a 4 MB array: {base * 1000:.1f} ms (the baseline)")
    for name, body in BODIES.items():
        took = best(lambda body=body: json_too_deep(body), args.repeat)
        print(f"{name:28} {took * 1000:7.1f} ms  ratio to json.loads {took / base:5.2f}")


if __name__ == "__main__":
    main()
