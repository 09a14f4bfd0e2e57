"""The local stack's HTTP edges: every method and every malformed request gets a JSON 4xx,
never a 501 page, a dropped connection or a traceback."""

import http.client
import json
from urllib.parse import urlsplit

import pytest

from tests.support import LocalApi

pytestmark = pytest.mark.integration


def raw_request(api: LocalApi, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (methods and headers a client library would refuse)."""
    split = urlsplit(api.base_url)
    connection = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port, timeout=30)
    connection.connect()
    assert connection.sock is not None
    connection.sock.sendall(request)
    response = http.client.HTTPResponse(connection.sock)
    response.begin()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND", "get", "DELETE", "PUT"])
@pytest.mark.parametrize(
    ("path", "allow"), [("/faqs", "GET"), ("/registrations", "POST"), ("/treatments/carbon-laser", "GET")]
)
def test_a_method_a_path_does_not_serve_is_405_with_allow(
    local_stack: LocalApi, method: str, path: str, allow: str
) -> None:
    status, headers, body = raw_request(local_stack, f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 405
    assert headers["allow"] == allow
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_head_answers_as_get_without_a_body(local_stack: LocalApi) -> None:
    split = urlsplit(local_stack.base_url)
    connection = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port, timeout=30)
    connection.request("HEAD", "/faqs")
    response = connection.getresponse()
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > 0
    assert response.read() == b""
    connection.close()


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "١٢"])
def test_a_malformed_content_length_is_400_json(local_stack: LocalApi, length: str) -> None:
    request = f"POST /recommendations HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n{{}}".encode()
    status, headers, body = raw_request(local_stack, request)
    assert status == 400
    assert json.loads(body)["error"]["code"] == "BAD_REQUEST"
    assert headers["content-type"] == "application/json"


def test_an_over_long_request_line_is_414_json(local_stack: LocalApi) -> None:
    status, _, body = raw_request(local_stack, b"GET /faqs?q=" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414
    assert json.loads(body)["error"]["code"] == "URI_TOO_LONG"


def test_a_static_file_refuses_other_methods_with_405(local_stack: LocalApi) -> None:
    answer = local_stack.request("POST", "/openapi.json", body={})
    assert answer.status == 405
    assert answer.headers["allow"] == "GET, HEAD"
