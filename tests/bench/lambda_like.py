"""Lambda, as it runs the built functions: ``sam build``'s output, read-only, in fresh processes.

- ``build``: ``sam build`` for the deployed architecture (the sizes) and, on a machine of
  another architecture, once more with the layer's wheels for this machine (the timings);
  the layer is built by the same Makefile target either way.
- ``lambda_copy``: a read-only copy with every file dated 1980, as SAM's zip leaves it.
- ``runtime_copy``: boto3 and its dependencies with their bytecode, as Lambda's runtime has them.
- ``Dynamo``: moto's DynamoDB server on loopback with the template's tables and the seeded
  content, recording the operations it is sent (the cold floor replays a function's first one).
- ``Container``: one fresh interpreter running ``child.py`` on a copy.
"""

import io
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from infra import cfn

WORK = cfn.ROOT / ".aws-sam" / "bench"
CHILD = Path(__file__).with_name("child.py")
SAM = cfn.ROOT / ".sam-venv" / "bin" / "sam"
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z: the date SAM's zip gives every file
REGION = "ap-east-1"
ARCHES = {"arm64": "aarch64", "x86_64": "x86_64"}


def deployed_arch() -> str:
    """The functions' architecture in template.yaml, as ``platform.machine()`` names it."""
    globals_ = cfn.load_template().get("Globals", {}).get("Function", {})
    return ARCHES[globals_.get("Architectures", ["x86_64"])[0]]


def sam_build(arch: str) -> Path:
    """``sam build`` into a directory of its own, the layer's wheels for ``arch``."""
    # A folder of its own per architecture: SAM keeps its build.toml beside the build folder,
    # and a shared one made the second build reuse the first's layer (the wrong wheels).
    build_dir = WORK / arch / "build"
    python_dir = Path(os.path.realpath(sys.executable)).parent  # SAM's makefile build runs python3.13
    env = {**os.environ, "LAYER_ARCH": arch, "SAM_CLI_TELEMETRY": "0", "PATH": f"{python_dir}:{os.environ['PATH']}"}
    print(f"sam build ({arch}) …", flush=True)
    done = subprocess.run(
        [str(SAM), "build", "--build-dir", str(build_dir), "--template", str(cfn.TEMPLATE)],
        cwd=cfn.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"sam build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return build_dir


def builds() -> tuple[Path, Path]:
    """The deployed build (sizes) and the one this machine can run (timings)."""
    deployed, here = deployed_arch(), platform.machine()
    shipped = sam_build(deployed)
    return shipped, (shipped if here == deployed else sam_build(here))


def zipped_size(folder: Path) -> int:
    """Bytes of ``folder`` zipped as SAM zips it (deflate, default level)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return buffer.tell()


def _make_writable(path: Path) -> None:
    for item in [path, *path.rglob("*")]:
        if not item.is_symlink():
            item.chmod(item.stat().st_mode | stat.S_IWUSR)


def remove(path: Path) -> None:
    """Delete a (possibly read-only) copy."""
    if path.exists():
        _make_writable(path)
        shutil.rmtree(path)


def lambda_copy(source: Path | list[Path], target: Path) -> Path:
    """A read-only copy of ``source`` with every date set to 1980, as Lambda unpacks a zip
    (several layers are unpacked into one ``/opt``, in order)."""
    remove(target)
    for folder in source if isinstance(source, list) else [source]:
        shutil.copytree(folder, target, symlinks=True, dirs_exist_ok=True)
    for item in [*sorted(target.rglob("*"), reverse=True), target]:
        os.utime(item, (ZIP_EPOCH, ZIP_EPOCH), follow_symlinks=False)
        if not item.is_symlink():
            item.chmod(0o555 if item.is_dir() else 0o444)
    return target


def _closure(name: str) -> set[str]:
    """The distribution ``name`` and everything it requires (no extras)."""
    seen: set[str] = set()
    queue = [name]
    while queue:
        try:
            dist = metadata.distribution(queue.pop())
        except metadata.PackageNotFoundError:  # a requirement for other Python versions
            continue
        if dist.metadata["Name"].lower() in seen:
            continue
        seen.add(dist.metadata["Name"].lower())
        for requirement in dist.requires or []:
            found = re.match(r"[A-Za-z0-9._-]+", requirement)
            if found and "extra ==" not in requirement:
                queue.append(found.group())
    return seen


def runtime_copy() -> Path:
    """boto3 and its dependencies from the dev venv, with bytecode: what Lambda's runtime provides."""
    version = metadata.version("boto3")
    target = WORK / f"runtime-boto3-{version}"
    if target.exists():
        return target
    staging = target.with_suffix(".tmp")
    remove(staging)
    for name in sorted(_closure("boto3")):
        dist = metadata.distribution(name)
        for file in dist.files or []:
            if "__pycache__" in file.parts or file.parts[0].startswith(".."):
                continue
            destination = staging / file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(str(dist.locate_file(file))), destination)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(staging)],
        check=True,
    )
    staging.rename(target)
    return target


class Dynamo:
    """moto's DynamoDB server on a free loopback port, recording the operations sent to it."""

    def __init__(self) -> None:
        import logging

        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        app = DomainDispatcherApplication(create_backend_app)
        self.recorded: list[tuple[str, dict[str, Any]]] | None = None

        def recording(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            if self.recorded is not None and environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length)
                environ["wsgi.input"] = io.BytesIO(body)
                operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2]
                self.recorded.append((operation, json.loads(body or b"{}")))
            answer: Iterable[bytes] = app(environ, start_response)
            return answer

        self._server = make_server("127.0.0.1", 0, recording, threaded=False)
        threading.Thread(target=self._server.serve_forever, name="dynamodb", daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def prepare(self) -> None:
        """The template's tables, and the content seeded, through the dev venv's clinic package."""
        os.environ.update(
            AWS_ENDPOINT_URL_DYNAMODB=self.url,
            AWS_ENDPOINT_URL=self.url,
            AWS_DEFAULT_REGION=REGION,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_REGION=REGION,
        )
        from infra.local_stack import prepare_tables

        prepare_tables(cfn.local_table_names())

    def stop(self) -> None:
        """Stop the server."""
        self._server.shutdown()


def lambda_environment(function: cfn.Function, dynamo_url: str, task_root: Path) -> dict[str, str]:
    """The environment Lambda gives a function (the template's variables, the runtime's own)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": str(task_root),
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_ENDPOINT_URL_DYNAMODB": dynamo_url,
        "AWS_ENDPOINT_URL": dynamo_url,  # the embedded AWS serves Secrets Manager too
        **function.environment,
        # As the local stack: moto's transactions copy the table, seconds at times once a run
        # has grown it, where DynamoDB takes milliseconds (the floor waits as long as it takes).
        "DYNAMODB_READ_TIMEOUT": "20",
    }


@dataclass(frozen=True)
class Container:
    """A function (or the floor) as Lambda would start it: its copies and its environment."""

    name: str
    function_dir: Path
    layer_dir: Path
    runtime_dir: Path
    handler: str
    environment: dict[str, str]

    def run(
        self, cold_event: dict[str, Any], warm: list[dict[str, Any]] | None = None, floor_dir: Path | None = None
    ) -> dict[str, Any]:
        """Start a fresh interpreter: INIT, the first invoke, then the warm samples if any (with
        their floors' modules from ``floor_dir``)."""
        spec = {
            "floor_dir": str(floor_dir) if floor_dir else None,
            "name": self.name,
            "function_dir": str(self.function_dir),
            "layer_dir": str(self.layer_dir),
            "runtime_dir": str(self.runtime_dir),
            "handler": self.handler,
            "cold_event": cold_event,
            "warm": warm,
        }
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-B", str(CHILD)],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            env=self.environment,
            cwd=self.function_dir,
            timeout=600,
            check=False,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"{self.name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        result: dict[str, Any] = json.loads(lines[-1])  # Powertools logs to stdout before it
        return result


FLOOR_SOURCE = '''"""The floor: the least a Python function behind API Gateway does (boto3, pydantic, its calls)."""

import os

import boto3
from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

CALLS = {calls!r}


class Query(BaseModel):
    q: str | None = Field(default=None, max_length=200)
    lang: str | None = Field(default=None, max_length=8)


_client = None


def lambda_handler(event, context):
    global _client
    if _client is None:
        _client = boto3.client("dynamodb", region_name=os.environ["AWS_REGION"])
    for operation, params in CALLS:
        try:
            getattr(_client, operation)(**params)
        except ClientError:  # a replayed conditional write is refused, after the same work
            pass
    query = Query.model_validate(event.get("queryStringParameters") or {{}})
    return {{"statusCode": 200, "headers": {{"Content-Type": "application/json"}}, "body": query.model_dump_json()}}
'''


def floor_function(name: str, calls: list[tuple[str, dict[str, Any]]], module: str = "app") -> Path:
    """The floor handler's code (``module``.py in the folder ``name``), making ``calls``
    (DynamoDB's operation names, parameters) in order."""
    folder = WORK / "src" / name
    folder.mkdir(parents=True, exist_ok=True)
    snake = [
        ("".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_"), p) for operation, p in calls
    ]
    (folder / f"{module}.py").write_text(FLOOR_SOURCE.format(calls=snake), encoding="utf-8")
    return folder
