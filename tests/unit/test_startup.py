"""The cold start's pause of the garbage collector ends with the first invocation."""

import subprocess
import sys

from infra import cfn

# A fresh interpreter: the pause starts when clinic.startup is first imported.
_PROBE = """
import gc, sys
sys.path.insert(0, "shared")
from clinic.startup import cold_start
assert not gc.isenabled()

calls = []
def handler(event, context):
    calls.append(event)
    if event == "fails":
        raise RuntimeError("the first request failed")
    return {"statusCode": 200}

wrapped = cold_start(handler)
try:
    wrapped("fails", None)
except RuntimeError:
    pass
assert gc.isenabled(), "a failed first invocation resumes collecting too"
assert gc.get_freeze_count() > 0, "what the cold start made is frozen"
assert wrapped("second", None) == {"statusCode": 200} and gc.isenabled()
assert calls == ["fails", "second"] and wrapped.__name__ == "handler"
print("ok")
"""


def test_collecting_resumes_after_the_first_invocation_even_a_failed_one() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=cfn.ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
