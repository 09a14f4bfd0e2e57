"""``make bench``: every figure beside a floor measured in the same run, and the targets.

1. ``sam build`` (see ``lambda_like``); sizes of the layer and functions, zipped as SAM does.
2. Cold starts: each function of template.yaml in a fresh interpreter from a read-only,
   1980-dated copy of the build (INIT plus the first invoke against a local DynamoDB), and
   beside it the floor: a hand-written boto3 + pydantic handler making the function's first
   DynamoDB call, from the same layer copy. ``BENCH_ROUNDS`` (default 15: one cold start
   here varies by 20 % and more) alternating rounds; the median of the rounds' ratios.
3. Warm requests: every sample of every function (``samples``), p50/p99, each against its
   own floor: the same hand-written handler making the DynamoDB calls that request makes (a
   request that makes none: one GetItem), timed right after it in the same process; and
   the DynamoDB calls per request.
4. The FAQ search at 500 entries; 5. a bounded load run against the local stack.

Prints a table, writes ``test-artifacts/bench.json`` and says met / missed per target.
"""

import json
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

from infra import cfn

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
WARM = int(os.environ.get("BENCH_WARM", "200"))
OUTPUT = cfn.ROOT / "test-artifacts" / "bench.json"
TARGETS = {"cold": 1.2, "warm": 1.5, "faq_p50_ms": 1.0, "layer_bytes": 6_000_000}


def machine() -> str:
    """CPU model, cores and Python: what the figures were measured on."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return f"{model}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99 + 0.5) - 1)]


def measure() -> dict[str, Any]:
    """Build, run everything, return the figures."""
    from tests.bench import engine, load
    from tests.bench.lambda_like import (
        WORK,
        Container,
        Dynamo,
        builds,
        floor_function,
        lambda_copy,
        lambda_environment,
        remove,
        runtime_copy,
        zipped_size,
    )
    from tests.bench.samples import Form, cold_sample, samples_of

    shipped, runnable = builds()
    layers = list(cfn.resources("AWS::Serverless::LayerVersion"))
    # The functions behind the API; the stream- and queue-fed ones (events, messages) have no
    # request to send yet, and are left out of the timings (their sizes are still listed).
    every_function = cfn.functions(cfn.local_refs())
    served = {route.function for route in cfn.routes()}
    functions = {name: function for name, function in every_function.items() if name in served}
    sizes = {name: zipped_size(shipped / name) for name in [*layers, *every_function]}
    runtime = runtime_copy()
    layer_dir = lambda_copy([runnable / name for name in layers], WORK / "run" / "opt") / "python"

    dynamo = Dynamo()
    dynamo.prepare()
    from clinic.aws import dynamodb

    content = functions[next(iter(functions))].environment["CONTENT_TABLE"]
    item = dynamodb().scan(TableName=content, Limit=1)["Items"][0]
    fallback_call = ("GetItem", {"TableName": content, "Key": {k: item[k] for k in ("pk", "sk")}})

    def container(name: str, source: Path, function: cfn.Function) -> Container:
        code = lambda_copy(source, WORK / "run" / name)
        env = lambda_environment(function, dynamo.url, code)
        return Container(name, code, layer_dir, runtime, function.handler, env)

    # A first cold run of each function records its first DynamoDB call, which its floor makes.
    pairs: dict[str, tuple[Container, Container]] = {}
    first_calls: dict[str, tuple[str, dict[str, Any]]] = {}
    form: Form | None = None
    for name, function in functions.items():
        real = container(name, runnable / name, function)
        dynamo.recorded = []
        first = real.run(cold_sample(name, None).make(0).event())
        first_calls[name] = dynamo.recorded[0] if dynamo.recorded else fallback_call
        dynamo.recorded = None
        body = json.loads(first.get("body") or "null")
        if isinstance(body, dict) and "min_date" in body and "branches" in body:
            form = Form(body)
        floor = container(f"floor-{name}", floor_function(f"floor-{name}", [first_calls[name]]), function)
        pairs[name] = (real, floor)

    cold: dict[str, dict[str, Any]] = {}
    for name, (real, floor) in pairs.items():
        runs: dict[str, list[dict[str, Any]]] = {"function": [], "floor": []}
        event = cold_sample(name, form).make(0).event()
        for round_ in range(ROUNDS):
            order = [("function", real), ("floor", floor)]
            for kind, box in order if round_ % 2 == 0 else reversed(order):
                runs[kind].append(box.run(event))
        wall = {k: [r["init_ms"] + r["invoke_ms"] for r in v] for k, v in runs.items()}
        cpu = {k: [r["cpu_ms"] for r in v] for k, v in runs.items()}
        cold[name] = {
            "request": cold_sample(name, form).label,
            "ms": statistics.median(wall["function"]),
            "floor_ms": statistics.median(wall["floor"]),
            # Each round's function and floor ran back to back, under the same load: the median
            # of the rounds' ratios holds up better on a busy machine than a ratio of medians.
            "ratio": statistics.median(f / g for f, g in zip(wall["function"], wall["floor"], strict=True)),
            "cpu_ms": statistics.median(cpu["function"]),
            "floor_cpu_ms": statistics.median(cpu["floor"]),
            "cpu_ratio": statistics.median(f / g for f, g in zip(cpu["function"], cpu["floor"], strict=True)),
            "init_ms": statistics.median(r["init_ms"] for r in runs["function"]),
            "first_invoke_ms": statistics.median(r["invoke_ms"] for r in runs["function"]),
            "status": runs["function"][-1]["status"],
            "uncompiled": runs["function"][-1]["uncompiled"],
        }

    warm: dict[str, dict[str, Any]] = {}
    for name, (real, _) in pairs.items():
        cold_event = cold_sample(name, form).make(0).event()
        samples = samples_of(name, form)
        # A counting pass: the DynamoDB calls of each request, which its floor then makes.
        counted = real.run(
            cold_event,
            [
                {
                    "label": s.label,
                    "count_events": [e.event() for e in ([s.count_first(0)] if s.count_first else []) + [s.make(0)]],
                    "timed_events": [],
                }
                for s in samples
            ],
        )["warm"]
        floors = WORK / "src" / f"floor-warm-{name}"
        remove(floors)
        spec = []
        for n, s in enumerate(samples):
            calls = [(operation, params) for operation, params in counted[s.label]["made"]] or [fallback_call]
            floor_function(floors.name, calls, module=f"floor_{n}")
            timed = [s.make(i).event() for i in range(1, WARM + 1)]
            spec.append({"label": s.label, "count_events": [], "timed_events": timed, "floor": f"floor_{n}"})
        # Each request is followed by its floor's, in the same process: both meet the same
        # machine load and the same table (moto slows down as the function's writes grow it).
        result = real.run(cold_event, spec, lambda_copy(floors, WORK / "run" / floors.name))
        for s in samples:
            figures = result["warm"][s.label]
            floor_timings = figures["floor_timings_ms"]
            p50, floor_p50 = statistics.median(figures["timings_ms"]), statistics.median(floor_timings)
            warm[s.label] = {
                "function": name,
                "p50_ms": p50,
                "outside_dynamodb_p50_ms": statistics.median(figures["outside_dynamodb_ms"]),
                "p99_ms": p99(figures["timings_ms"]),
                "floor_p50_ms": floor_p50,
                "floor_p99_ms": p99(floor_timings),
                "floor_calls": len(counted[s.label]["made"]) or 1,
                "ratio": p50 / floor_p50,
                "calls": counted[s.label]["calls"][-1],
                "expected_calls": s.calls,
                "statuses": figures["statuses"],
                "expected_statuses": list(s.expect),
            }
        cold[name]["uncompiled_after_warm"] = result["uncompiled_after_warm"]
    dynamo.stop()
    return {
        "machine": machine(),
        "rounds": ROUNDS,
        "warm_requests": WARM,
        "sizes_zipped": sizes,
        "cold": cold,
        "warm": warm,
        "faq_search": engine.faq_search(),
        "load": load.run(),
    }


def verdicts(figures: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """(target, met, the figure) for every target."""
    found = []
    for name, c in figures["cold"].items():
        found.append(
            (f"cold start {name} <= {TARGETS['cold']}x floor", c["ratio"] <= TARGETS["cold"], f"{c['ratio']:.2f}x")
        )
    for label, w in figures["warm"].items():
        found.append(
            (f"warm p50 {label} <= {TARGETS['warm']}x floor", w["ratio"] <= TARGETS["warm"], f"{w['ratio']:.2f}x")
        )
        if w["expected_calls"] is not None:
            found.append(
                (f"DynamoDB calls {label} = {w['expected_calls']}", w["calls"] == w["expected_calls"], str(w["calls"]))
            )
        if set(w["statuses"]) - set(w["expected_statuses"]):
            found.append((f"statuses {label}", False, str(w["statuses"])))
    faq = figures["faq_search"]
    found.append(
        (
            f"FAQ search p50 at {faq['entries']} entries < 1 ms",
            faq["p50_ms"] < TARGETS["faq_p50_ms"],
            f"{faq['p50_ms']:.3f} ms",
        )
    )
    layer_sizes = {
        k: v for k, v in figures["sizes_zipped"].items() if k in cfn.resources("AWS::Serverless::LayerVersion")
    }
    for name, size in layer_sizes.items():
        found.append((f"{name} < 6 MB zipped", size < TARGETS["layer_bytes"], f"{size / 1e6:.2f} MB"))
    found.append(("zero errors under load", figures["load"]["errors"] == 0, str(figures["load"]["errors"])))
    return found


def report(figures: dict[str, Any]) -> str:
    """The table, as printed and as the README carries it."""
    lines = [
        f"Measured on: {figures['machine']}; {figures['rounds']} rounds, {figures['warm_requests']} warm requests each",
        "",
    ]
    lines += [
        "| Cold start (INIT + first invoke) | ms | floor ms | ratio | of which INIT ms "
        "| CPU ms | floor CPU ms | CPU ratio | modules loaded without bytecode (cold or warm) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, c in figures["cold"].items():
        lines.append(
            f"| {name} ({c['request']}) | {c['ms']:.0f} | {c['floor_ms']:.0f} | {c['ratio']:.2f} | "
            f"{c['init_ms']:.0f} | {c['cpu_ms']:.0f} | {c['floor_cpu_ms']:.0f} | {c['cpu_ratio']:.2f} "
            f"| {', '.join(sorted(set(c['uncompiled']) | set(c['uncompiled_after_warm']))) or '-'} |"
        )
    lines += [
        "",
        "| Warm request | p50 ms | p99 ms | floor p50 ms (its calls) | ratio p50 | p50 outside DynamoDB "
        "| DynamoDB calls |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, w in figures["warm"].items():
        lines.append(
            f"| {label} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {w['floor_p50_ms']:.2f} ({w['floor_calls']}) "
            f"| {w['ratio']:.2f} | {w['outside_dynamodb_p50_ms']:.2f} | {w['calls']} |"
        )
    faq, load_ = figures["faq_search"], figures["load"]
    lines += [
        "",
        f"FAQ search, {faq['entries']} entries: p50 {faq['p50_ms']:.3f} ms, p99 {faq['p99_ms']:.3f} ms",
        "Zipped: " + ", ".join(f"{k} {_size(v)}" for k, v in figures["sizes_zipped"].items()),
        f"Load (local stack, {load_['clients']} clients): {load_['requests']} requests, {load_['errors']} errors, "
        f"p50 {load_['p50_ms']:.0f} ms, p99 {load_['p99_ms']:.0f} ms, {load_['per_second']:.0f}/s",
        "",
    ]
    lines += [f"{'met   ' if met else 'MISSED'} {target}: {value}" for target, met, value in verdicts(figures)]
    return "\n".join(lines)


def _size(size: int) -> str:
    return f"{size / 1e6:.2f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def main() -> int:
    """Run the benchmark, print and save the figures."""
    sys.path.insert(0, str(cfn.ROOT / "shared"))
    figures = measure()
    figures["targets"] = [{"target": t, "met": m, "value": v} for t, m, v in verdicts(figures)]
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(figures))
    print(f"\n(written to {OUTPUT.relative_to(cfn.ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
