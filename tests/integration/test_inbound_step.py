"""One inbound step read in one query: roles fresh every message, one answer per message id."""

from __future__ import annotations

import threading
from enum import StrEnum

import pytest
from sqlalchemy import func, select, text

from bot.app import App
from bot.flows.base import Ctx, Flow, FlowData, State, Step, UserInput
from bot.messages import Channel, Inbound, Reply, Text
from bot.registry import Command
from bot.services import directory
from storage import db
from storage.db import transaction
from storage.models import Conversation, Employee, InboundLedger
from tests.support import Harness, texts

PLAIN = "Irfan Maulana"  # an employee with no role
PLAIN_NIP = "199109092015031021"
REFUSED = "hanya untuk pemegang peran tertentu"


def _employee_id(app: App, name: str) -> int:
    with app.sessions() as session:
        found = session.scalar(select(Employee.id).where(Employee.name == name))
    assert found is not None
    return found


def test_a_role_granted_or_revoked_elsewhere_counts_from_the_next_message(bot: Harness) -> None:
    irfan = _employee_id(bot.app, PLAIN)
    assert REFUSED in texts(bot.say(PLAIN, "/peran"))
    # Another process (an admin in chat, the importer) changes the grant between messages.
    with transaction(bot.app.sessions) as session:
        directory.grant(session, irfan, "admin", None, None, bot.clock())
    assert "Kelola peran: apa yang ingin Anda lakukan?" in texts(bot.say(PLAIN, "/peran"))
    with transaction(bot.app.sessions) as session:
        directory.revoke(session, irfan, "admin", bot.clock())
    assert REFUSED in texts(bot.say(PLAIN, "/peran"))
    assert "Peran: Pegawai" in texts(bot.say(PLAIN, "/profil"))


def test_every_active_grant_is_read_and_revoked_ones_are_not(bot: Harness) -> None:
    irfan = _employee_id(bot.app, PLAIN)
    with transaction(bot.app.sessions) as session:
        for role in ("can", "humas", "cc"):
            directory.grant(session, irfan, role, None, None, bot.clock())
        directory.revoke(session, irfan, "humas", bot.clock())
    profile = texts(bot.say(PLAIN, "/profil"))
    roles_line = next(line for line in profile.splitlines() if line.startswith("Peran:"))
    assert "Humas" not in roles_line
    assert roles_line.count(",") == 1, roles_line  # two roles: CAN and CC


def test_the_first_message_creates_the_conversation_and_its_buttons_answer(
    bot: Harness,
) -> None:
    with bot.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
    assert "Pilih bahasa" in texts(bot.say(PLAIN, "/bahasa"))
    assert "Language changed to English." in texts(bot.say(PLAIN, "2"))
    with bot.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1


def test_one_message_id_delivered_twice_at_once_is_processed_once(app: App, bot: Harness) -> None:
    barrier = threading.Barrier(2)
    results = []

    def deliver() -> None:
        barrier.wait()
        results.append(bot.send(PLAIN, "/profil", message_id="wa:SMrace"))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.duplicate for r in results) == [False, True]
    assert sum("NIP:" in m.text for m in bot.inbox(PLAIN)) == 1
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboundLedger)) == 1


def test_an_unknown_sender_is_answered_once_per_message_id(app: App, bot: Harness) -> None:
    from bot.dispatch import dispatch

    message = Inbound(
        Channel.CONSOLE, "+6289999999999", app.clock(), text="halo", message_id="wa:SMx"
    )
    assert not dispatch(app, message).duplicate
    assert dispatch(app, message).duplicate
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(InboundLedger)) == 1
    assert len([m for m in bot.pending() if m.recipient == "+6289999999999"]) == 1


def test_a_connection_dropped_while_idle_is_replaced_unseen(
    app: App, bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    other = app.engine.connect()
    with app.engine.connect() as conn:
        backend = conn.scalar(text("SELECT pg_backend_pid()"))
    # The server (a restart, an idle timeout) ends the session while it sits in the pool.
    other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    other.close()
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    with app.engine.connect() as conn:  # no retry here: the checkout itself must cope
        assert conn.scalar(text("SELECT pg_backend_pid()")) != backend
    assert "NIP:" in texts(bot.say(PLAIN, "/profil"))


class _TallyState(StrEnum):
    COUNT = "count"


class _TallyData(FlowData):
    n: int = 0


def _tally_flow(barrier: threading.Barrier) -> Flow[_TallyData]:
    """Each message adds one; the first attempt of each waits for the other message."""
    waited: set[str] = set()

    def prompt(_ctx: Ctx, data: _TallyData) -> list[Reply]:
        return [Text(f"n={data.n}")]

    def handle(_ctx: Ctx, data: _TallyData, given: UserInput) -> Step:
        if given.text not in waited:
            waited.add(given.text or "")
            barrier.wait(timeout=20)  # both steps have read the conversation
        return Step("", _TallyData(n=data.n + 1), (Text("+1"),), prompt=False)

    return Flow("tally", _TallyData, {_TallyState.COUNT: State(prompt, handle)}, _TallyState.COUNT)


def test_two_steps_that_read_one_conversation_at_once_both_count(app: App, bot: Harness) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the steps cannot overlap")
    barrier = threading.Barrier(2)
    app.registry.flow(_tally_flow(barrier))
    app.registry.command(Command("tally", "core.cmd_menu", flow="tally"))
    bot.say(PLAIN, "/tally")
    threads = [threading.Thread(target=bot.send, args=(PLAIN, f"m{i}")) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The step that lost the race read a stale version, was refused and ran again.
    with app.sessions() as session:
        conv = session.scalars(select(Conversation)).one()
    assert conv.data == {"n": 2}
    assert sum(m.text == "+1" for m in bot.inbox(PLAIN)) == 2


def test_a_step_of_a_flow_is_a_handful_of_statements(app: App, bot: Harness) -> None:
    from sqlalchemy import event

    bot.say(PLAIN, "/bahasa")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        # ledger; sender, roles and conversation; language; conversation; reply
        bot.send(PLAIN_NIP, "2")
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    assert len([s for s in statements if not s.startswith("BEGIN")]) <= 5, statements
    assert "Language changed to English." in texts(bot.inbox(PLAIN))
