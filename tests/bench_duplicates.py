"""Does timing tell a stranger whether a phone number has a booking? (``make bench``)

Against the local stack over HTTP, alternating in random order: new registrations (201)
and duplicates of an existing booking (409 ALREADY_REGISTERED), on other branches and
dates. Prints the medians and p90s and their ratio; a ratio near 1 means timing tells
them apart by no more than noise. Every request goes to loopback and the run is bounded.
"""

import random
import statistics
import time
import uuid
from datetime import date, timedelta
from typing import Any

from tests.support import start_local_stack

ROUNDS = 150


def main() -> None:
    """Measure and print."""
    with start_local_stack({"LOCAL_WORKERS": "1"}) as api:
        opts = api.request("GET", "/registration-options").body
        first, closed = date.fromisoformat(opts["min_date"]), set(opts["closed_dates"])
        candidates = [first + timedelta(days=n) for n in range(40)]
        days = [d.isoformat() for d in candidates if d.weekday() != 6 and d.isoformat() not in closed]
        branches = [b["id"] for b in opts["branches"] if b["id"] != "central"]

        def form(phone: int, branch: str, day: str) -> dict[str, Any]:
            return {
                "name": "Bench Person",
                "phone": f"+852 65{phone:06d}",
                "treatment": "acne-treatment",
                "branch": branch,
                "preferred_date": day,
                "agree_terms": True,
            }

        booked = form(0, branches[0], days[0])
        assert api.request("POST", "/registrations", booked).status == 201
        timings: dict[int, list[float]] = {201: [], 409: []}
        kinds = [201, 409] * ROUNDS
        random.shuffle(kinds)
        for n, kind in enumerate(kinds, start=1):
            body = form(n, branches[n % len(branches)], days[n % len(days)])
            if kind == 409:
                body = booked | {"branch": body["branch"], "preferred_date": body["preferred_date"]}
            started = time.perf_counter()
            answer = api.request("POST", "/registrations", body, headers={"Idempotency-Key": str(uuid.uuid4())})
            took = time.perf_counter() - started
            assert answer.status == kind, (answer.status, answer.body)
            timings[kind].append(took * 1000)
    for kind, name in ((201, "new registration"), (409, "duplicate (409)")):
        values = sorted(timings[kind])
        print(f"{name:18s} median {statistics.median(values):6.2f} ms  p90 {values[int(0.9 * len(values))]:6.2f} ms")
    ratio = statistics.median(timings[409]) / statistics.median(timings[201])
    print(f"duplicate / new median ratio: {ratio:.2f} ({ROUNDS} of each, interleaved at random)")


if __name__ == "__main__":
    main()
