"""Run an ASGI app with uvicorn in a background thread on 127.0.0.1 and a free port."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.requests import Request
from starlette.types import ASGIApp


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Failure:
    """An injected failure: an HTTP error, or a delay (or a hold) before answering."""

    status: int | None = None
    description: str | None = None
    retry_after: float | None = None
    delay: float = 0.0
    hold: threading.Event | None = None  # answer only once the test sets it
    code: int | None = None  # provider error code (Twilio)
    times: int = 1


@dataclass
class FailureQueue:
    """Failures waiting to be applied, per method name ("*" matches any)."""

    items: dict[str, list[Failure]] = field(default_factory=dict)

    def add(self, method: str, failure: Failure) -> None:
        self.items.setdefault(method, []).append(failure)

    def take(self, method: str) -> Failure | None:
        for key in (method, "*"):
            queue = self.items.get(key)
            if queue:
                failure = queue[0]
                failure.times -= 1
                if failure.times <= 0:
                    queue.pop(0)
                return failure
        return None

    def clear(self) -> None:
        self.items.clear()


@dataclass
class RateEnforcer:
    """Flood limits: token bucket of `overall_per_second`, and a minimum gap per chat."""

    overall_per_second: float = 30.0
    per_chat_interval: float = 1.0
    slack: float = 0.1
    tokens: float = field(init=False)
    refilled_at: float = field(default_factory=time.monotonic)
    last_by_chat: dict[Any, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tokens = self.overall_per_second

    def check(self, chat_id: Any) -> float | None:
        """Consume one send; return seconds to wait when over a limit (nothing consumed)."""
        now = time.monotonic()
        self.tokens = min(
            self.overall_per_second,
            self.tokens + (now - self.refilled_at) * self.overall_per_second,
        )
        self.refilled_at = now
        last = self.last_by_chat.get(chat_id)
        if last is not None and now - last < self.per_chat_interval - self.slack:
            return self.per_chat_interval - (now - last)
        # Arrivals jitter against the client's own pacing: tolerate `slack` seconds' worth.
        if self.tokens < 1 - self.slack * self.overall_per_second:
            return (1 - self.tokens) / self.overall_per_second
        self.tokens -= 1
        self.last_by_chat[chat_id] = now
        return None


class ThreadedServer:
    """uvicorn serving `app` in a daemon thread; use as a context manager or start()/stop()."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL of the running server, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Bind a free port and serve until stop()."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> ThreadedServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def read_params(request: Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Query string, then urlencoded, JSON or multipart body, as (fields, files)."""
    params: dict[str, Any] = dict(request.query_params)
    files: dict[str, UploadedFile] = {}
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if not body:
        return params, files
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if isinstance(data, dict):
            params.update(data)
    elif content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            data_bytes = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = UploadedFile(filename, part.get_content_type(), data_bytes)
            else:
                params[name] = data_bytes.decode("utf-8")
    else:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params, files


def form_multi(body: bytes) -> dict[str, list[str]]:
    """An urlencoded body as name -> all values (Twilio repeats MediaUrl)."""
    result: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        result.setdefault(key, []).append(value)
    return result


async def wait_until(predicate: Any, timeout: float = 30.0, interval: float = 0.01) -> None:
    """Poll `predicate()` until true; raise AssertionError after `timeout` seconds.

    The timeout only bounds a failing wait (a passing one returns as soon as the condition
    holds), so it is generous: a loaded machine must not turn a slow step into a failure.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)
