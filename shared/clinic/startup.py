"""Cold start: Python's garbage collector paused from INIT to the end of the first invocation.

A cold start creates about a hundred thousand objects the collector tracks (modules,
classes, pydantic validators, botocore's service model), and nearly all of them live as
long as the container: the collector traverses them again and again while they are made
and finds nothing to free. Measured with ``make bench``'s machinery (two builds, same run),
that was 7 to 10 % of a cold start. Each handler module
imports this module before anything else (the import pauses the collector) and wraps its
handler in :func:`cold_start`; after the first invocation, what exists is moved out of the
collector's generations (``gc.freeze``, so later collections skip it too) and collecting
resumes. The cyclic garbage of INIT and one request is all that waits meanwhile.
"""

import gc
from collections.abc import Callable
from functools import wraps
from typing import Any

gc.disable()

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def resume_collection() -> None:
    """Freeze what the cold start made and collect again (nothing to do once resumed)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def cold_start(handler: Handler) -> Handler:
    """``handler``, resuming garbage collection at the end of its first invocation."""

    @wraps(handler)
    def invoke(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return handler(event, context)
        finally:
            resume_collection()

    return invoke
