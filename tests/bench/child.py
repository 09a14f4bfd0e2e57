"""One Lambda container, as the python3.13 runtime starts it (run by the benchmark, not imported).

Started as ``python -I -S -B child.py`` with a JSON spec on stdin, so that nothing of the
development venv is visible: ``sys.path`` is the function directory, the layer's ``python/``
(both read-only copies of ``sam build``'s output), the standard library, then boto3 and its
dependencies (which Lambda's runtime provides). It imports the handler module (INIT), invokes
it once (the first, cold request), and in ``warm`` mode then counts the DynamoDB calls of
each sample request (and records them, for its floor to make) and times its warm
invocations (and the part spent outside DynamoDB), each followed by its floor's when the
sample names one.
One JSON line on stdout is the answer.
"""

import json
import sys
import time
from typing import Any

Event = dict[str, Any]

START = time.perf_counter()


class Context:
    """The parts of Lambda's context object that handlers and Powertools read."""

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:ap-east-1:123456789012:function:{name}"
        self.aws_request_id = "bench"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        """A constant: the benchmark never nears the timeout."""
        return 10_000


def uncompiled(roots: list[str]) -> list[str]:
    """Modules loaded from source under ``roots`` without a .pyc next to them (compiled in memory
    at every cold start, since the read-only copy takes none)."""
    import os

    found = []
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if origin.endswith(".py") and any(origin.startswith(root) for root in roots):
            cached = getattr(spec, "cached", None)
            if not cached or not os.path.exists(cached):
                found.append(name)
    return sorted(found)


class Meter:
    """DynamoDB operations and the time spent in them, at botocore's one entry point."""

    def __init__(self) -> None:
        from botocore.client import BaseClient

        self.made: list[tuple[str, Event]] = []  # (operation, parameters), for the floor to make too
        self.seconds = 0.0
        send = BaseClient._make_api_call  # type: ignore[attr-defined]  # botocore's one entry point

        def metered(client: BaseClient, operation: str, params: Event) -> Any:
            began = time.perf_counter()
            try:
                return send(client, operation, params)
            finally:
                if client.meta.service_model.service_name == "dynamodb":  # a secret's first fetch is not one
                    self.made.append((operation, params))
                    self.seconds += time.perf_counter() - began

        BaseClient._make_api_call = metered  # type: ignore[attr-defined]

    def reset(self) -> None:
        """Start counting afresh."""
        self.made, self.seconds = [], 0.0


def floor_handler(spec: Event, sample: Event, context: Context) -> Any:
    """The sample's floor handler (module ``sample["floor"]`` of ``spec["floor_dir"]``), its
    first call made; None when the sample has none."""
    if not sample.get("floor"):
        return None
    if spec["floor_dir"] not in sys.path:
        sys.path.append(spec["floor_dir"])
    floor = __import__(sample["floor"]).lambda_handler
    floor(sample["timed_events"][0], context)  # its client is made: the warm floor is timed
    return floor


def main() -> None:
    """Read the spec, play the container, print the figures."""
    spec = json.loads(sys.stdin.read())
    sys.path[:0] = [spec["function_dir"], spec["layer_dir"]]
    sys.path.append(spec["runtime_dir"])
    module_name, func_name = spec["handler"].rsplit(".", 1)
    context = Context(spec["name"])

    before_cpu, before_init = time.process_time(), time.perf_counter()
    handler = getattr(__import__(module_name), func_name)
    after_init = time.perf_counter()
    first = handler(spec["cold_event"], context)
    after_invoke, after_cpu = time.perf_counter(), time.process_time()
    result: dict[str, Any] = {
        "startup_ms": (before_init - START) * 1000,
        "init_ms": (after_init - before_init) * 1000,
        "invoke_ms": (after_invoke - after_init) * 1000,
        "cpu_ms": (after_cpu - before_cpu) * 1000,  # this process only: not DynamoDB's work
        "status": first.get("statusCode"),
        "body": first.get("body"),
        "uncompiled": uncompiled([spec["function_dir"], spec["layer_dir"]]),
    }
    if spec.get("warm"):
        meter = Meter()  # installed after the first invoke: INIT and the cold request are not metered
        warm: dict[str, Any] = {}
        for sample in spec["warm"]:
            calls = []
            for event in sample["count_events"]:
                meter.reset()
                handler(event, context)
                calls.append(len(meter.made))
            made = meter.made  # the last counted request's calls
            floor = floor_handler(spec, sample, context)
            statuses: set[int] = set()
            timings: list[float] = []
            outside: list[float] = []
            floor_timings: list[float] = []
            for event in sample["timed_events"]:
                meter.reset()
                began = time.perf_counter()
                statuses.add(handler(event, context).get("statusCode"))
                took = time.perf_counter() - began
                timings.append(took * 1000)
                outside.append((took - meter.seconds) * 1000)
                if floor is not None:  # right after: the same moment, the same table
                    began = time.perf_counter()
                    floor(event, context)
                    floor_timings.append((time.perf_counter() - began) * 1000)
            warm[sample["label"]] = {
                "calls": calls,
                "made": made,
                "timings_ms": timings,
                "outside_dynamodb_ms": outside,
                "floor_timings_ms": floor_timings,
                "statuses": sorted(statuses),
            }
        result["warm"] = warm
        result["uncompiled_after_warm"] = uncompiled([spec["function_dir"], spec["layer_dir"]])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
