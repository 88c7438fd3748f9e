"""Buttons are re-checked: the wrong person, a closed request, a second press, two at once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.payload import encode
from storage.event_team import RoleAssignment
from tests.event_team.helpers import (
    CC,
    EVERYONE,
    LEAD,
    MEMBERS,
    SM,
    grant,
    inboxes,
    only,
    request_in_chat,
    serving,
    the_request,
)
from tests.support import Harness, texts

NOT_ALLOWED = "hanya untuk pemegang peran tertentu"


def _active_count(bot: Harness) -> int:
    with bot.app.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(RoleAssignment)
                .where(RoleAssignment.status == "active")
            )
            or 0
        )


def _requested(bot: Harness) -> str:
    """A request made and the lead's notification read; the lead's assign payload."""
    request_in_chat(bot)
    inboxes(bot)
    return encode("et", "assign", 1)


def test_presses_by_the_wrong_person_are_refused_and_change_nothing(bot: Harness) -> None:
    assign = _requested(bot)
    for who in (MEMBERS[0], SM, CC):
        assert NOT_ALLOWED in texts(bot.say(who, payload=assign))
    bot.press(LEAD, "Bagi peran")
    bot.press(LEAD, "Tetapkan")
    inboxes(bot)
    team = serving(bot.app)
    member, other = next(iter(team)), next(m for m in MEMBERS if m not in team)
    ids = _assignment_ids(bot)
    crafted = [
        (other, encode("et", "decline", ids[member])),  # someone else's assignment
        (LEAD, encode("et", "eval", 1)),  # the SM's form
        (member, encode("et", "internal", 1)),  # the lead's evaluation
        (member, encode("et", "resched", 1)),  # the SM's request
        (SM, encode("et", "doc", 1)),  # documentation of an event they did not serve
    ]
    for who, payload in crafted:
        got = texts(bot.say(who, payload=payload))
        assert NOT_ALLOWED in got or "tidak dapat diubah" in got or "Dokumentasi hanya" in got, got
    assert "tidak berlaku" in texts(bot.say(LEAD, payload=encode("et", "assign", 999)))
    assert "tidak dikenal" in texts(bot.say(LEAD, payload=encode("et", "nonsense", 1)))
    assert "tidak dikenal" in texts(bot.say(LEAD, payload="et:assign:-1"))
    assert serving(bot.app) == team
    assert the_request(bot.app).status == "assigned"
    only(inboxes(bot), {})


def _assignment_ids(bot: Harness) -> dict[str, int]:
    from storage.models import Employee

    with bot.app.sessions() as session:
        rows = session.execute(
            select(Employee.name, RoleAssignment.id).join(
                RoleAssignment, RoleAssignment.member_id == Employee.id
            )
        )
        return {str(name): int(aid) for name, aid in rows}


def test_a_press_on_a_closed_request_is_refused(bot: Harness) -> None:
    assign = _requested(bot)
    bot.say(SM, "/permintaan")
    bot.press(SM, "Batalkan #1")
    bot.say(SM, "Narasumber berhalangan")
    assert "Permintaan #1 dibatalkan" in texts(bot.press(SM, "Ya, batalkan"))
    only(inboxes(bot), {LEAD: ("dibatalkan", "Narasumber berhalangan")})
    assert "tidak dapat diubah" in texts(bot.say(LEAD, payload=assign))
    assert "tidak dapat diubah" in texts(bot.say(SM, payload=encode("et", "cancel", 1)))
    assert _active_count(bot) == 0
    assert the_request(bot.app).status == "cancelled"


def test_a_second_press_of_the_same_button_is_refused(bot: Harness) -> None:
    _requested(bot)
    bot.press(LEAD, "Bagi peran")
    proposal = bot.last_choices[LEAD]
    assert "tersimpan" in texts(bot.press(LEAD, "Tetapkan", proposal))
    assert "tidak berlaku" in texts(bot.press(LEAD, "Tetapkan", proposal))
    assert "sudah dibagi" in texts(bot.say(LEAD, payload=encode("et", "assign", 1)))
    assert _active_count(bot) == 3
    member = next(iter(serving(bot.app)))
    decline = encode("et", "decline", _assignment_ids(bot)[member])
    bot.say(member, payload=decline)
    bot.say(member, "Sakit")
    assert "sudah tidak aktif" in texts(bot.say(member, payload=decline))
    assert _active_count(bot) == 2
    inboxes(bot, EVERYONE)


def test_two_accepts_at_the_same_moment_give_one_assignment(bot: Harness) -> None:
    grant(bot.app, "Putri Ayu", "et_lead")
    _requested(bot)
    bot.inbox("Putri Ayu")
    bot.press(LEAD, "Bagi peran")
    bot.press("Putri Ayu", "Bagi peran")
    presses = [
        (LEAD, bot.last_choices[LEAD].payload_for("Tetapkan")),
        (LEAD, bot.last_choices[LEAD].payload_for("Tetapkan")),
        ("Putri Ayu", bot.last_choices["Putri Ayu"].payload_for("Tetapkan")),
    ]
    barrier = threading.Barrier(len(presses))

    def press(who: str, payload: str) -> None:
        barrier.wait()
        bot.send(who, payload=payload)

    threads = [threading.Thread(target=press, args=p) for p in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    said = texts(bot.inbox(LEAD)) + texts(bot.inbox("Putri Ayu"))
    assert said.count("Pembagian peran #1 tersimpan") == 1
    assert _active_count(bot) == 3
    assert len(serving(bot.app)) == 3
    told = [m for m in MEMBERS if "Anda ditugaskan" in texts(bot.inbox(m))]
    assert len(told) == 3
    assert texts(bot.inbox(SM)).count("Petugas Event Team") == 1
