"""The whole API on this machine, shaped like ``sam local start-api`` (no Docker needed).

- DynamoDB: moto's server over HTTP on a free loopback port, one request at a time (the
  real service applies each write and transaction atomically; a single-threaded server
  does the same), with the tables of template.yaml and the seeded knowledge base.
- Functions: routes and environment read from template.yaml; each function runs in its
  own worker processes (like Lambda containers: one event at a time each, several in
  parallel), invoked with an API Gateway REST proxy event of the same shape as sam local's.
- Also served: ``/openapi.json`` (the merged spec) and the demo page and widgets of ``web/``.
- Staff: the template's user pool on moto's cognito-idp (same server), the Cognito
  authorizer's token check in front of every route that has it (401 ``UNAUTHORIZED``
  otherwise, the claims in ``requestContext.authorizer.claims``), the console at
  ``/staff/`` and, locally only, ``POST /_local/staff-token`` (see infra/local_cognito.py).

Run with ``make run`` (``PORT``, default 3000; ``LOCAL_WORKERS`` per function, default 2).
"""

import base64
import json
import logging
import mimetypes
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from infra import cfn, demo_page, local_cognito, local_pipeline

WEB_DIR = cfn.ROOT / "web"
STAGE = "Prod"
NOT_FOUND = {"error": {"code": "NOT_FOUND", "message": "Nothing was found here."}}
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit


# --- DynamoDB ---------------------------------------------------------------------------


def start_dynamodb(host: str = "127.0.0.1") -> tuple[str, Any]:
    """Start moto's DynamoDB server on a free port; returns its URL and the server."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per DynamoDB call

    app = DomainDispatcherApplication(create_backend_app)

    def one_at_a_time(environ: dict[str, Any], start_response: Any) -> Any:
        with local_pipeline.EMBEDDED_AWS:  # the pipeline reads the stream between requests
            return app(environ, start_response)

    server = make_server(host, 0, one_at_a_time, threaded=False)
    threading.Thread(target=server.serve_forever, name="dynamodb", daemon=True).start()
    return f"http://{host}:{server.server_port}", server


def prepare_tables(table_names: dict[str, str]) -> None:
    """Create the template's tables and seed the knowledge base into the content table."""
    sys.path.insert(0, str(cfn.ROOT / "shared"))
    from clinic.aws import dynamodb
    from clinic.content_store import DynamoContent
    from clinic.knowledge import read_content_files

    cfn.create_tables(dynamodb(), table_names)
    import boto3

    cfn.create_secrets(boto3.client("secretsmanager"), cfn.local_secret_names())
    report = DynamoContent(table_names["ContentTable"]).seed(read_content_files())
    print(f"seeded content version {report.version}: {len(report.written)} entries", flush=True)


# --- functions ----------------------------------------------------------------------------

_handler: Any = None


class LocalContext:
    """The parts of the Lambda context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_s: int = 10) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:ap-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the (local) timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _load_function(code_dir: str, handler: str, environment: dict[str, str]) -> None:
    """Worker initialiser: this process becomes one container of one function."""
    global _handler  # noqa: PLW0603 - the worker process's one handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent stops us
    os.environ.update(environment)
    sys.path[:0] = [code_dir, str(cfn.ROOT / "shared")]
    module_name, func_name = handler.rsplit(".", 1)
    module: ModuleType = __import__(module_name)
    _handler = getattr(module, func_name)


def _invoke(function_name: str, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = _handler(event, LocalContext(function_name))
    return result


class FunctionPool:
    """Worker processes for one function; each handles one event at a time."""

    def __init__(self, function: cfn.Function, workers: int) -> None:
        self.name = function.name
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_load_function,
            initargs=(str(function.code_dir), function.handler, function.environment),
        )
        # Start every worker now, so the first request does not pay the imports.
        list(self._pool.map(_warm, range(workers)))

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        """Run the function on ``event`` and return its proxy response."""
        return self._pool.submit(_invoke, self.name, event).result()

    def close(self, wait: bool = True) -> None:
        """Stop the workers (``wait=False`` only asks them to stop, so that every pool can
        wind down at once)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _warm(_: int) -> bool:
    return _handler is not None


# --- staff user pool ----------------------------------------------------------------------

STAFF_TOKEN_PATH = "/_local/staff-token"  # noqa: S105 - a path, not a password
# The body of the template's UNAUTHORIZED gateway response, which API Gateway sends itself.
UNAUTHORIZED = cfn.load_template()["Resources"]["ClinicApi"]["Properties"]["GatewayResponses"]["UNAUTHORIZED"][
    "ResponseTemplates"
]["application/json"].encode()


# --- HTTP ---------------------------------------------------------------------------------


def build_event(
    route: cfn.Route,
    method: str,
    raw_path: str,
    headers: dict[str, list[str]],
    body: bytes,
    client_ip: str,
    host: str,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event as ``sam local start-api`` builds it (with the
    authorizer's ``claims`` where API Gateway puts them, when the route has an authorizer)."""
    split = urlsplit(raw_path)
    path = unquote(split.path)
    match = route.pattern.match(path)
    path_params = match.groupdict() if match else {}
    query = parse_qs(split.query, keep_blank_values=True)
    if body:
        try:
            body_text, is_base64 = body.decode("utf-8"), False
        except UnicodeDecodeError:
            body_text, is_base64 = base64.b64encode(body).decode("ascii"), True
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "resource": route.path,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in headers.items()},
        "multiValueHeaders": headers,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "123456",
            "resourcePath": route.path,
            "httpMethod": method,
            "extendedRequestId": None,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": host.split(":", maxsplit=1)[0],
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "accessKey": None,
                "sourceIp": client_ip,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": headers.get("User-Agent", ["Custom User Agent String"])[-1],
                "user": None,
            },
            "domainName": host,
            "apiId": "1234567890",
        },
        "body": body_text if body else None,
        "isBase64Encoded": is_base64 if body else False,
        "version": "1.0",
    }
    if claims is not None:
        event["requestContext"]["authorizer"] = {"claims": claims}
    return event


class LocalApi(ThreadingHTTPServer):
    """The HTTP front: routes from template.yaml, the spec, and the demo page."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], pools: dict[str, FunctionPool], spec: bytes) -> None:
        super().__init__(address, _RequestHandler)
        self.pools = pools
        self.spec = spec
        self.pipeline: local_pipeline.Pipeline | None = None
        self.routes = cfn.routes()
        self.staff: local_cognito.StaffPool | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser dropping a kept-alive connection is normal; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
            return
        super().handle_error(request, client_address)

    def match(self, method: str, path: str) -> cfn.Route | None:
        """The route serving ``method`` on ``path``, if any (a specific method before ANY)."""
        candidates = [route for route in self.routes if route.pattern.match(path)]
        for route in candidates:
            if route.method == method:
                return route
        return next((route for route in candidates if route.method == "ANY"), None)


def _web_file(path: str) -> Path | None:
    """The file of ``web/`` a request path names, if there is one (nothing outside it)."""
    try:
        target = (WEB_DIR / (path.lstrip("/") or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        inside = target.is_relative_to(WEB_DIR.resolve()) and target.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte
        return None
    return target if inside else None


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalApi
    protocol_version = "HTTP/1.1"

    timeout = 30  # a client that stops sending mid-request frees its thread

    def __getattr__(self, name: str) -> Any:
        # http.server answers 501 (HTML) for a method without a do_ method: every method,
        # TRACE, QUERY, PROPFIND and lowercase ones included, goes to the routes instead,
        # which answer 405 with Allow as API Gateway's ANY integration and the functions do.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, 414, 431) in the contract's JSON shape."""
        codes = {400: "BAD_REQUEST", 413: "PAYLOAD_TOO_LARGE", 414: "URI_TOO_LONG", 431: "HEADERS_TOO_LARGE"}
        body = {"error": {"code": codes.get(code, "BAD_REQUEST"), "message": message or "Bad request."}}
        self.close_connection = True
        self._send(code, {"Content-Type": "application/json", "Connection": "close"}, json.dumps(body).encode())

    def _body(self) -> bytes | None:
        """The request body, or None after answering a bad or oversized Content-Length."""
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isascii() or not declared.isdigit():
            self.send_error(400, "Content-Length must be a whole number of bytes.")
            return None
        if int(declared) > MAX_REQUEST_BYTES:
            self.send_error(413, "The request body is too large.")
            return None
        return self.rfile.read(int(declared)) if int(declared) else b""

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/_local/") and self._local(path):
            return
        route = self.server.match(self.command, unquote(path))
        if route is None and path == STAFF_TOKEN_PATH and self.command == "POST":
            body = self._body()
            if body is not None:
                self._staff_token(body)
            return
        if route is None:
            self._static(path)
            return
        body = self._body()  # read in any case, so the connection stays in step
        if body is None:
            return
        claims = None
        if route.authorizer:  # as API Gateway's Cognito authorizer: before the function, 401 without a token
            claims = (
                self.server.staff.authorizer.claims(self.headers.get("Authorization")) if self.server.staff else None
            )
            if claims is None:
                self._send(401, {"Content-Type": "application/json"}, UNAUTHORIZED)
                return
        headers: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name, []).append(value)
        event = build_event(
            route,
            self.command,
            self.path,
            headers,
            body,
            self.client_address[0],
            self.headers.get("Host", ""),
            claims,
        )
        try:
            response = self.server.pools[route.function].invoke(event)
        except Exception as error:
            print(
                f"function {route.function} failed: {type(error).__name__}",
                file=sys.stderr,
                flush=True,
            )
            self._send(502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}')
            return
        out_headers: dict[str, Any] = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = values
        raw = response.get("body") or ""
        payload = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
        self._send(int(response.get("statusCode", 200)), out_headers, payload)

    def _staff_token(self, body: bytes) -> None:
        """``POST /_local/staff-token {"username"}`` → an ID token of the local pool (local only)."""
        try:
            username = json.loads(body or b"{}").get("username")
        except (ValueError, AttributeError):
            username = None
        issued = self.server.staff.token(username) if self.server.staff and isinstance(username, str) else None
        if issued is None:
            self._send(401, {"Content-Type": "application/json"}, UNAUTHORIZED)
            return
        token, expires_in = issued
        answer = json.dumps({"token": token, "expires_in": expires_in}).encode()
        self._send(200, {"Content-Type": "application/json", "Cache-Control": "no-store"}, answer)

    def _local(self, path: str) -> bool:
        """The pipeline's local-only routes (``infra.local_pipeline.local_route``); False for others."""
        if self.server.pipeline is None:
            return False
        length = int(self.headers.get("Content-Length") or 0)
        answer = local_pipeline.local_route(
            self.server.pipeline, self.command, self.path, lambda: self.rfile.read(length) if length else b""
        )
        if answer is not None:
            self._send(*answer)
        return answer is not None

    def _static(self, path: str) -> None:
        if self.command not in {"GET", "HEAD"}:
            if path in {"/openapi.json", "/", "/zh-HK/"} or _web_file(path):
                body = {"error": {"code": "METHOD_NOT_ALLOWED", "message": "Allowed: GET, HEAD."}}
                self._send(405, {"Content-Type": "application/json", "Allow": "GET, HEAD"}, json.dumps(body).encode())
            else:
                self._send(404, {"Content-Type": "application/json"}, json.dumps(NOT_FOUND).encode())
            return
        if path == "/openapi.json":
            self._send(200, {"Content-Type": "application/json"}, self.server.spec)
            return
        if path in {"/", "/zh-HK/"}:
            page = demo_page.render("en" if path == "/" else "zh-HK").encode()
            self._send(200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}, page)
            return
        target = _web_file(path)
        if target is None:
            self._send(404, {"Content-Type": "application/json"}, json.dumps(NOT_FOUND).encode())
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(200, {"Content-Type": content_type, "Cache-Control": "no-cache"}, target.read_bytes())

    def _send(self, status: int, headers: dict[str, Any], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            for item in value if isinstance(value, list) else [value]:
                self.send_header(name, str(item))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        # Method, path without the query string, status: the query may carry search words.
        # http.server may log before it has parsed a request line (a 414, for instance).
        path = urlsplit(getattr(self, "path", "") or "").path[:200]
        print(f"{self.command or '-'} {path} {args[1] if len(args) > 1 else ''}", flush=True)


# --- main ---------------------------------------------------------------------------------


def main() -> None:
    """Start DynamoDB, the functions and the HTTP front; serve until Ctrl-C."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "3000"))
    workers = int(os.environ.get("LOCAL_WORKERS", "2"))
    for key, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": "ap-east-1",
        "AWS_DEFAULT_REGION": "ap-east-1",  # Lambda sets both; boto3 reads only this one
        "DYNAMODB_READ_TIMEOUT": "20",  # one moto server answers every function, one call at a time
    }.items():
        os.environ.setdefault(key, value)

    endpoint, dynamodb_server = start_dynamodb(host)
    # One embedded AWS for every service the functions call (DynamoDB, Secrets Manager, …).
    os.environ["AWS_ENDPOINT_URL"] = os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    tables = cfn.local_table_names()
    prepare_tables(tables)

    api = LocalApi((host, port), {}, b"")
    api.staff = local_cognito.StaffPool(endpoint, os.environ["AWS_REGION"])
    port = api.server_port
    origins = os.environ.get("ALLOWED_ORIGINS", f"http://127.0.0.1:{port},http://localhost:{port}")
    refs = {**cfn.local_refs(), "AllowedOrigins": origins, **local_pipeline.local_refs(f"http://{host}:{port}")}
    local_pipeline.create_resources(refs)
    shared_env = {
        key: os.environ[key]
        for key in (
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "DYNAMODB_READ_TIMEOUT",
        )
    }
    shared_env["AWS_ENDPOINT_URL"] = shared_env["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    functions = cfn.functions(refs, overrides=os.environ)  # DAILY_CAPACITY=5 make run …
    api.pools = {
        name: FunctionPool(
            cfn.Function(f.name, f.code_dir, f.handler, {**f.environment, **shared_env}),
            1 if name in local_pipeline.FUNCTIONS else workers,  # the pipeline invokes them one at a time
        )
        for name, f in functions.items()
    }
    from infra.openapi import merged_spec_json

    api.spec = merged_spec_json().encode()
    api.pipeline = local_pipeline.Pipeline(api.pools, refs, os.environ["AWS_REGION"])
    api.pipeline.start()

    print(
        f"Clinic API (local stack) ready on http://{host}:{port}\n"
        f"  functions : {', '.join(f'{n} x{1 if n in local_pipeline.FUNCTIONS else workers}' for n in api.pools)}\n"
        f"  routes    : {len(api.routes)} from template.yaml; spec at /openapi.json; demo page at /\n"
        f"  DynamoDB  : {endpoint} (moto server) tables {', '.join(tables.values())}\n"
        f"  CORS      : {origins}\n"
        f"  staff     : console at http://{host}:{port}/staff/ - sign in as "
        f"{' or '.join(local_cognito.DEMO_USERS)} (no password locally)\n"
        f'              API: POST {STAFF_TOKEN_PATH} {{"username": "manager"}}, then Authorization: Bearer <token>\n'
        f"              CLI: python -m infra.staff --endpoint {endpoint} today --branch causeway-bay\n"
        "  messages  : stream → events → bus → queue → messages on moto; GET /_local/messages?to=, "
        "POST /_local/clock\n"
        "Ctrl-C stops it.",
        flush=True,
    )

    def stop(*_: Any) -> None:
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM):  # SIGINT too: a shell may start us with it ignored
        signal.signal(signum, stop)
    try:
        api.serve_forever()
    except KeyboardInterrupt:
        print("stopping…", flush=True)
    finally:
        api.server_close()
        if api.pipeline:
            api.pipeline.stop()
        for pool in api.pools.values():
            pool.close(wait=False)
        for pool in api.pools.values():
            pool.close()
        dynamodb_server.shutdown()


if __name__ == "__main__":
    main()
