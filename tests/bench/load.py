"""A bounded load run against the local stack: concurrent clients on loopback, a fixed mix.

Bounded in count (clients x requests each) and in time (a deadline after which no request
starts). An error is a failed connection or any status other than the one the request
should get: a 409 DATE_FULL would be one too, so every new registration takes its own slot.
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.bench.samples import QUESTIONNAIRE, Form, Request
from tests.support import start_local_stack

CLIENTS = 8
REQUESTS_EACH = 25
DEADLINE_S = 90.0


def run(clients: int = CLIENTS, each: int = REQUESTS_EACH, deadline_s: float = DEADLINE_S) -> dict[str, Any]:
    """Concurrent clients against a fresh local stack: latencies, errors, throughput."""
    with start_local_stack() as api:
        options = api.request("GET", "/registration-options?treatment=acne-treatment&lang=en")
        form = Form(options.body)
        lock = threading.Lock()
        mix: list[tuple[Any, tuple[int, ...]]] = [
            (lambda _: Request("GET", "/faqs?q=does%20it%20hurt&lang=en"), (200,)),
            (lambda _: Request("GET", "/registration-options?treatment=acne-treatment&lang=en"), (200,)),
            (form.new, (201,)),
            (lambda _: Request("POST", "/recommendations", QUESTIONNAIRE), (200,)),
            (lambda _: Request("GET", "/treatments?lang=en"), (200,)),
        ]
        timings: list[float] = []
        errors: list[str] = []
        stop_at = time.monotonic() + deadline_s
        slots = iter(range(clients * each))

        def client(number: int) -> None:
            for n in range(each):
                if time.monotonic() > stop_at:
                    return
                make, expect = mix[(number + n) % len(mix)]
                with lock:
                    request = make(next(slots))
                began = time.perf_counter()
                try:
                    answer = api.request(request.method, request.target, request.body, request.headers)
                    status = answer.status
                except OSError as error:
                    status, detail = 0, type(error).__name__
                took = (time.perf_counter() - began) * 1000
                with lock:
                    timings.append(took)
                    if status not in expect:
                        errors.append(f"{request.method} {request.target.split('?')[0]} -> {status or detail}")

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(client, range(clients)))
        elapsed = time.perf_counter() - began
    timings.sort()
    return {
        "clients": clients,
        "requests": len(timings),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": statistics.median(timings) if timings else None,
        "p99_ms": timings[max(0, int(len(timings) * 0.99) - 1)] if timings else None,
        "per_second": len(timings) / elapsed if elapsed else None,
    }
