"""Ballots: one per employee even under simultaneous presses; closed rounds, unknown senders and
crafted buttons change nothing; up to K choices; a tie only CAN can break."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from bot.messages import Channel
from bot.payload import encode
from storage.models import Employee
from storage.serawai import SerawaiBallot, SerawaiSession, SerawaiVote
from tests.serawai.support import (
    CAN,
    CAN_2,
    at,
    employee_id,
    reached,
    vote_payload,
    voting_round,
    wib,
)
from tests.support import Harness, texts

TITLES = {"1701": "Tema Satu", "1702": "Tema Dua", "1703": "Tema Tiga"}


def _ballots(bot: Harness) -> list[tuple[int, list[int]]]:
    with bot.app.sessions() as session:
        ballots = session.scalars(select(SerawaiBallot).order_by(SerawaiBallot.id)).all()
        return [
            (
                b.employee_id,
                sorted(
                    session.scalars(
                        select(SerawaiVote.proposal_id).where(SerawaiVote.ballot_id == b.id)
                    )
                ),
            )
            for b in ballots
        ]


def test_two_presses_at_the_same_moment_make_one_ballot(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 7, 1)))
    rnd, themes = voting_round(bot, TITLES)
    people = ["Irfan Maulana", "Ratna Dewi", "Sri Wahyuni", "Putri Ayu"]
    for who in people:
        nip = bot.nip_of(who)
        barrier = threading.Barrier(2)

        def press(title: str, nip: str = nip, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            bot.send(nip, payload=vote_payload(rnd.id, themes[title].id))

        threads = [
            threading.Thread(target=press, args=(title,)) for title in ("Tema Satu", "Tema Dua")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    ballots = _ballots(bot)
    assert sorted(e for e, _ in ballots) == sorted(employee_id(bot.app, p) for p in people)
    assert all(len(votes) == 1 for _, votes in ballots)  # one choice each, whichever came last
    for who in people:
        answers = texts(bot.inbox(who))
        assert answers.count("✅ Pilihan Anda") == 2, answers  # both presses were answered


def test_a_closed_round_unknown_senders_and_crafted_buttons_change_nothing(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 7, 1)))
    rnd, themes = voting_round(bot, TITLES)
    voter = "Irfan Maulana"
    bot.say(voter, payload=vote_payload(rnd.id, themes["Tema Satu"].id))
    before = _ballots(bot)

    crafted = [
        vote_payload(rnd.id + 1, themes["Tema Satu"].id),  # a round that does not exist
        vote_payload(rnd.id, 999),  # a theme that does not exist
        encode("srw", "v", rnd.id),  # no theme at all
        encode("srw", "v", "x", "y"),
    ]
    for payload in crafted:
        answer = texts(bot.say(voter, payload=payload))
        assert "sudah ditutup" in answer or "sudah tidak berlaku" in answer, payload
    stranger = bot.send(
        "+628111111111",
        payload=vote_payload(rnd.id, themes["Tema Dua"].id),
        channel=Channel.WHATSAPP,
    )
    assert stranger.employee_id is None
    assert _ballots(bot) == before

    at(bot.clock, rnd.voting_closes_at)
    late = bot.say("Ratna Dewi", payload=vote_payload(rnd.id, themes["Tema Dua"].id))
    assert "voting ini sudah ditutup" in texts(late)
    change = bot.say(voter, payload=vote_payload(rnd.id, themes["Tema Dua"].id))
    assert "sudah ditutup" in texts(change)
    bot.tick()
    after_close = bot.say(voter, payload=vote_payload(rnd.id, themes["Tema Dua"].id))
    assert "sudah ditutup" in texts(after_close)
    assert _ballots(bot) == before


def test_up_to_k_choices_toggle_and_stop_at_k(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 7, 1)))
    rnd, themes = voting_round(bot, TITLES, choices=2)
    ballot = reached(bot.app, f"serawai:{rnd.id}:ballot:")[employee_id(bot.app, CAN)][-1]
    assert "Pilih hingga 2 tema" in ballot.text
    voter = "Irfan Maulana"
    one, two, three = (themes[t].id for t in ("Tema Satu", "Tema Dua", "Tema Tiga"))
    bot.say(voter, payload=vote_payload(rnd.id, one))
    assert "Tema Satu; Tema Dua" in texts(bot.say(voter, payload=vote_payload(rnd.id, two)))
    refused = texts(bot.say(voter, payload=vote_payload(rnd.id, three)))
    assert "sudah memilih 2 tema" in refused
    assert _ballots(bot) == [(employee_id(bot.app, voter), sorted([one, two]))]
    bot.say(voter, payload=vote_payload(rnd.id, one))  # pressed again: undone
    assert "Tema Dua; Tema Tiga" in texts(bot.say(voter, payload=vote_payload(rnd.id, three)))
    bot.say(voter, payload=vote_payload(rnd.id, two))
    assert "belum memilih" in texts(bot.say(voter, payload=vote_payload(rnd.id, three)))
    assert _ballots(bot) == []


def test_a_tie_the_chain_cannot_break_is_decided_by_can_with_its_reason(bot: Harness) -> None:
    at(bot.clock, wib(date(2025, 7, 1)))
    # Both themes are proposed at the same instant and get one vote each from one office.
    rnd, themes = voting_round(bot, {"1701": "Tema Satu", "1702": "Tema Dua"}, themes=1)
    assert themes["Tema Satu"].created_at == themes["Tema Dua"].created_at
    bot.say("Irfan Maulana", payload=vote_payload(rnd.id, themes["Tema Satu"].id))
    bot.say("Ratna Dewi", payload=vote_payload(rnd.id, themes["Tema Dua"].id))
    at(bot.clock, rnd.voting_closes_at)
    bot.tick()
    assert not reached(bot.app, f"serawai:{rnd.id}:results:")  # held back until CAN decides
    asked = reached(bot.app, f"serawai:{rnd.id}:tie-ask:")
    assert set(asked) == {employee_id(bot.app, CAN), employee_id(bot.app, CAN_2)}
    assert "hanya untuk" in texts(bot.say("Irfan Maulana", "/serawai_seri"))

    bot.say(CAN_2, "/serawai_seri")
    bot.press(CAN_2, "Tema Dua")
    bot.say(CAN_2, "Kantor pengusul siap menyelenggarakan lebih awal.")
    assert "hasil voting sedang diumumkan" in texts(bot.press(CAN_2, "Kirim"))
    assert "Tidak ada hasil seri" in texts(bot.say(CAN, "/serawai_seri"))
    results = reached(bot.app, f"serawai:{rnd.id}:results:")
    with bot.app.sessions() as session:
        assert len(results) == session.scalar(
            select(func.count()).select_from(Employee).where(Employee.active)
        )
        chosen = session.scalars(select(SerawaiSession)).one()
    assert (chosen.title, chosen.decided_by) == ("Tema Dua", "can")
    text = results[employee_id(bot.app, CAN)][0].text
    assert (
        "Suara sama (1) yang tidak terpecahkan aturan: CAN memilih “Tema Dua” dengan alasan: "
        "Kantor pengusul siap menyelenggarakan lebih awal."
    ) in text
    assert (
        "2. Tema Satu (BPS Kabupaten Bengkulu Selatan) — 1 suara, dari 1 kantor\n" in text + "\n"
    )
