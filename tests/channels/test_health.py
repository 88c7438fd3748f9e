"""/healthz, /readyz and /metrics of the running server, on SQLite and PostgreSQL.

The clock fixture drives time: the scheduler's tick and the outbox rows carry it, so a missed
tick or a message left waiting is a clock moved forward, never a sleep.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy import Engine, update
from twilio.request_validator import RequestValidator

from bot.app import App, build_app
from bot.messages import Channel, Text
from bot.outbox import put
from bot.server import Runtime
from scheduler import run_due
from storage.db import make_engine, make_session_factory, transaction
from storage.models import Employee
from storage.seed import seed_demo
from tests.channels.conftest import PUBLIC_BASE_URL
from tests.channels.test_server import _settings
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.twilio_api import FakeTwilioAPI
from tests.support import Clock

IRFAN_PHONE = "+6281200000021"
TOKEN = "scrape-me-" + "7" * 20


class Server:
    """The server's ASGI app with a client, and the runtime behind it."""

    def __init__(self, runtime: Runtime, asgi: Any, twilio: FakeTwilioAPI) -> None:
        self.runtime = runtime
        self.app: App = runtime.app
        self.asgi = asgi
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url=PUBLIC_BASE_URL
        )
        self.twilio = twilio

    async def readyz(self) -> tuple[int, dict[str, Any]]:
        response = await self.http.get("/readyz")
        return response.status_code, response.json()

    async def deliver(self) -> None:
        assert self.runtime.sender is not None
        while await self.runtime.sender.drain_once():
            pass

    async def whatsapp(self, text: str, sid: str) -> None:
        form = self.twilio.incoming(IRFAN_PHONE, text, sid=sid)
        signature = RequestValidator(self.twilio.auth_token).compute_signature(
            f"{PUBLIC_BASE_URL}/whatsapp/inbound", form
        )
        response = await self.http.post(
            "/whatsapp/inbound", data=form, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200


@pytest_asyncio.fixture
async def server(
    tmp_path: Path,
    engine: Engine,
    clock: Clock,
    bot_api: FakeBotAPI,
    twilio_api: FakeTwilioAPI,
) -> AsyncIterator[Server]:
    """Both channels on (fakes), a demo directory, one scheduler tick done and delivered."""
    settings = _settings(tmp_path, bot_api, twilio_api).model_copy(
        update={"metrics_token": SecretStr(TOKEN)}
    )
    app = build_app(settings, engine=engine, clock=clock, run_migrations=False)
    with transaction(app.sessions) as session:
        seed_demo(session, clock())
        # Everyone is on WhatsApp inside the 24-hour window: what the tick queues goes out.
        session.execute(update(Employee).values(wa_last_inbound_at=clock()))
    runtime = Runtime(app)
    asgi = runtime.build()
    await runtime.telegram.initialize()  # type: ignore[attr-defined]
    served = Server(runtime, asgi, twilio_api)
    run_due(app)
    await served.deliver()
    yield served
    await served.http.aclose()
    await runtime.telegram.shutdown()  # type: ignore[attr-defined]


# -- liveness and readiness -------------------------------------------------------------------


async def test_healthz_is_liveness_and_readyz_names_every_check(server: Server) -> None:
    assert (await server.http.get("/healthz")).json() == {"status": "ok"}
    status, body = await server.readyz()
    assert (status, body["status"], body["failed"]) == (200, "ok", [])
    assert sorted(body["checks"]) == ["database", "scheduler", "sender"]
    assert all(check["ok"] for check in body["checks"].values())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_readyz_is_503_naming_the_database_when_it_is_gone(server: Server) -> None:
    app = server.app
    if app.engine.dialect.name == "sqlite":
        # The database file is moved away under the running server.
        path = Path(str(app.engine.url.database))
        path.rename(path.with_name("moved-away.sqlite3"))
    else:
        # The server the bot talks to stops answering: nothing listens on its port any more.
        dead = make_engine(f"postgresql+psycopg://canbot@127.0.0.1:{_free_port()}/canbot")
        app.engine, app.sessions = dead, make_session_factory(dead)
    status, body = await server.readyz()
    assert (status, body["status"], body["failed"]) == (503, "fail", ["database"])
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["detail"].startswith("unreachable")
    assert body["checks"]["scheduler"]["detail"].startswith("not checked")


async def test_readyz_is_503_naming_the_scheduler_after_three_missed_intervals(
    server: Server, clock: Clock
) -> None:
    interval = server.app.settings.scheduler_interval_seconds
    clock.advance(seconds=3 * interval)
    status, _body = await server.readyz()
    assert status == 200  # three intervals exactly: still within the limit
    clock.advance(seconds=1)
    status, body = await server.readyz()
    assert (status, body["failed"]) == (503, ["scheduler"])
    assert (
        body["checks"]["scheduler"]["detail"] == f"last tick {3 * interval + 1} s ago, over 90 s"
    )
    run_due(server.app)  # the scheduler comes back
    assert (await server.readyz())[0] == 200


async def test_readyz_is_503_naming_the_sender_when_a_due_message_waits_over_10_minutes(
    server: Server, clock: Clock
) -> None:
    with transaction(server.app.sessions) as session:
        put(
            session,
            channel=Channel.TELEGRAM,
            recipient="9000",
            replies=[Text("pesan yang menunggu")],
            now=clock(),
            kind="notification",
        )
    clock.advance(minutes=10)
    run_due(server.app)  # the scheduler keeps ticking; only the sender is behind
    status, body = await server.readyz()
    assert (status, body["checks"]["sender"]["detail"]) == (
        200,
        "oldest due message has waited 10 min",
    )
    clock.advance(minutes=1)
    run_due(server.app)
    status, body = await server.readyz()
    assert (status, body["failed"]) == (503, ["sender"])
    assert body["checks"]["sender"]["detail"] == "oldest due message has waited 11 min"
    await server.deliver()
    assert (await server.readyz())[0] == 200


# -- metrics ---------------------------------------------------------------------------------


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_parse_and_the_counters_move_after_a_message(server: Server) -> None:
    before = _samples((await server.http.get("/metrics")).text)
    await server.whatsapp("menu", sid="SM" + "1" * 32)
    queued = _samples((await server.http.get("/metrics")).text)
    await server.deliver()
    response = await server.http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    after = _samples(response.text)

    inbound = ("canbot_inbound_messages_total", (("channel", "whatsapp"),))
    steps = ("canbot_step_seconds_count", (("channel", "whatsapp"),))
    sent = ("canbot_sent_messages_total", (("channel", "whatsapp"),))
    depth = ("canbot_outbox_depth", (("channel", "whatsapp"), ("kind", "reply")))
    assert (before.get(inbound, 0), after[inbound]) == (0, 1)
    assert (before.get(steps, 0), after[steps]) == (0, 1)
    assert after[sent] - before.get(sent, 0) == 1
    assert (before.get(depth, 0), queued[depth], after.get(depth, 0)) == (0, 1, 0)
    assert after[("canbot_reminders_due", ())] == 0
    assert after[("canbot_reminders_late", ())] == 0
    assert after[("canbot_metrics_database_up", ())] == 1


async def test_failed_sends_are_counted_per_channel(server: Server, bot_api: FakeBotAPI) -> None:
    bot_api.blocked_chats.add(9000)
    with transaction(server.app.sessions) as session:
        put(
            session,
            channel=Channel.TELEGRAM,
            recipient="9000",
            replies=[Text("tidak sampai")],
            now=server.app.clock(),
        )
    await server.deliver()
    after = _samples((await server.http.get("/metrics")).text)
    failed = ("canbot_send_failures_total", (("channel", "telegram"), ("permanent", "true")))
    assert after[failed] == 1


async def test_metrics_are_for_loopback_or_the_token_holder_only(server: Server) -> None:
    assert (await server.http.get("/metrics")).status_code == 200  # loopback, direct
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert (await server.http.get("/metrics", headers=proxied)).status_code == 403
    wrong = {**proxied, "Authorization": "Bearer not-the-token"}
    assert (await server.http.get("/metrics", headers=wrong)).status_code == 403
    right = {**proxied, "Authorization": f"Bearer {TOKEN}"}
    assert (await server.http.get("/metrics", headers=right)).status_code == 200
    remote = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=server.asgi, client=("198.51.100.7", 5)),
        base_url=PUBLIC_BASE_URL,
    )
    async with remote:
        assert (await remote.get("/metrics")).status_code == 403
        assert (
            await remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        ).status_code == 200
