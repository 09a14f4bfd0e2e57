"""A bounded load run against the local stack: concurrent clients on loopback, a fixed mix.

Bounded in count (clients x requests each) and in time (a deadline after which no request
starts). An error is a failed connection or any status other than the one the request
should get: a 409 DATE_FULL would be one too, so every new registration takes its own slot.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra import cfn
from tests.bench.samples import QUESTIONNAIRE, Form, Request
from tests.support import LocalApi

CLIENTS = 8
REQUESTS_EACH = 25
DEADLINE_S = 90.0


class LocalStack:
    """``python -m infra.local_stack`` on a free loopback port, started and stopped here."""

    def __init__(self) -> None:
        env = {**os.environ, "PORT": "0", "HOST": "127.0.0.1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "infra.local_stack"],
            cwd=cfn.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = ""
        for line in self._process.stdout:
            if "ready on " in line:
                self.url = line.split("ready on ", 1)[1].split()[0]
                break
        if not self.url:
            raise RuntimeError("the local stack did not start")
        # Keep reading its request log, so that it never blocks on a full pipe.
        threading.Thread(target=self._process.stdout.read, daemon=True).start()

    def stop(self) -> None:
        """Stop it (it shuts its workers down on SIGTERM)."""
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def run(clients: int = CLIENTS, each: int = REQUESTS_EACH, deadline_s: float = DEADLINE_S) -> dict[str, Any]:
    """Concurrent clients against a fresh local stack: latencies, errors, throughput."""
    stack = LocalStack()
    try:
        api = LocalApi(stack.url)
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
    finally:
        stack.stop()
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
