"""Serawai (SOP-098): `register` plugs every flow, command, button, domain handler and due
work of the SOP into the registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bot.services.serawai.certificates as certificates
from bot.buttons import Button
from bot.flows.serawai.codes import CHECKIN_FLOW, VERIFY_FLOW, CheckIn, Verify
from bot.flows.serawai.committee import COMMITTEE_FLOW, SubmitCommittee
from bot.flows.serawai.minutes import MINUTES_FLOW, StoreDocuments
from bot.flows.serawai.proposals import PROPOSAL_FLOW, SubmitProposal, WithdrawProposal
from bot.flows.serawai.ratings import HOST_RATING_FLOW, RATING_FLOW, RateHost, SubmitRatings
from bot.flows.serawai.reports import REPORT_FLOW, RETURN_FLOW, ReturnReport, SubmitReport
from bot.flows.serawai.results import BEST_FLOW, TIE_FLOW, DecideTie
from bot.flows.serawai.rounds import OPEN_FLOW, CreateRound
from bot.flows.serawai.schedule import SCHEDULE_FLOW, SetSchedule
from bot.messages import Reply
from bot.registry import Command, Outcome, Registry
from bot.services.context import ServiceCtx
from bot.services.serawai.attendance import check_in_typed, checkin_command, code_command
from bot.services.serawai.buttons import (
    CommitteeButton,
    MinutesButton,
    PrepButton,
    ProposeForButton,
    RateButton,
    ReportButton,
    ReportDecisionButton,
    VoteButton,
)
from bot.services.serawai.certificates import verify_typed
from bot.services.serawai.committee import committee_command, start_committee, submit_committee
from bot.services.serawai.lookup import SerawaiLookup
from bot.services.serawai.menu import menu_command, start_when, status_command, turnout_command
from bot.services.serawai.minutes import minutes_command, start_minutes, store_documents
from bot.services.serawai.preparation import prep_command, prep_reminder, toggle_prep
from bot.services.serawai.proposals import (
    proposal_reminder,
    propose_command,
    propose_for_office,
    submit_proposal,
    withdraw_proposal,
)
from bot.services.serawai.ratings import rate_host, start_rating, submit_ratings
from bot.services.serawai.reports import (
    report_command,
    report_decision,
    return_report,
    start_report,
    submit_report,
)
from bot.services.serawai.results import close_voting, decide_tie
from bot.services.serawai.rounds import create_round
from bot.services.serawai.schedule import set_schedule
from bot.services.serawai.sessions import event_team_reminder, session_end, session_start
from bot.services.serawai.voting import open_voting, tally, vote, vote_reminder

# -- registration ---------------------------------------------------------------------------


__all__ = ["register", "tally"]  # tally: for bench/scale.py


_PRESSES: tuple[tuple[type[Button], Callable[[ServiceCtx, Any], Outcome]], ...] = (
    (VoteButton, vote),
    (ProposeForButton, propose_for_office),
    (CommitteeButton, lambda ctx, b: start_committee(ctx, b.session_id)),
    (PrepButton, toggle_prep),
    (RateButton, lambda ctx, b: start_rating(ctx, b.session_id)),
    (MinutesButton, lambda ctx, b: start_minutes(ctx, b.session_id)),
    (ReportButton, lambda ctx, b: start_report(ctx, b.session_id)),
    (ReportDecisionButton, report_decision),
)


def register(reg: Registry) -> None:
    """Serawai: flows, commands (menu order 20-29), buttons, handlers and due work."""
    flows = (
        OPEN_FLOW,
        TIE_FLOW,
        SCHEDULE_FLOW,
        HOST_RATING_FLOW,
        BEST_FLOW,
        PROPOSAL_FLOW,
        COMMITTEE_FLOW,
        CHECKIN_FLOW,
        VERIFY_FLOW,
        MINUTES_FLOW,
        RATING_FLOW,
        REPORT_FLOW,
        RETURN_FLOW,
    )
    for flow in flows:
        flow.lookup = SerawaiLookup
        reg.flow(flow)
    can = frozenset({"can"})
    reg.command(
        Command("serawai", "serawai.cmd_serawai", roles=can, handler=menu_command, order=20)
    )
    for name, label, run in (
        ("serawai_status", "serawai.menu_status", status_command),
        ("serawai_partisipasi", "serawai.menu_turnout", turnout_command),
        (
            "serawai_seri",
            "serawai.menu_tie",
            start_when("serawai_seri", "serawai.tie_none", lambda lk, _a: lk.tie()),
        ),
        (
            "serawai_jadwal",
            "serawai.menu_schedule",
            start_when(
                "serawai_jadwal", "serawai.schedule_none", lambda lk, _a: lk.sessions_to_schedule()
            ),
        ),
        (
            "serawai_nilaikantor",
            "serawai.menu_host_rating",
            start_when(
                "serawai_nilaikantor",
                "serawai.host_rating_none",
                lambda lk, actor_id: lk.sessions_to_rate(actor_id),
            ),
        ),
    ):
        reg.command(Command(name, label, roles=can, handler=run, in_menu=False, order=20))
    for name, label in (
        ("serawai_buka", "serawai.menu_open"),
        ("serawai_terbaik", "serawai.menu_best"),
    ):
        reg.command(Command(name, label, roles=can, flow=name, in_menu=False, order=20))
    reg.command(
        Command(
            "usultema",
            "serawai.cmd_usultema",
            roles=frozenset({"ca"}),
            handler=propose_command,
            order=21,
        )
    )
    reg.handles(CreateRound, create_round)
    reg.handles(DecideTie, decide_tie)
    reg.handles(SetSchedule, set_schedule)
    reg.handles(SubmitProposal, submit_proposal)
    reg.handles(WithdrawProposal, withdraw_proposal)
    reg.reminder("serawai.proposal_reminder", proposal_reminder)
    reg.reminder("serawai.open_voting", open_voting)
    reg.reminder("serawai.vote_reminder", vote_reminder)
    reg.reminder("serawai.close_voting", close_voting)
    for kind, handler in _PRESSES:  # a malformed press of a known kind is stale, as it always was
        reg.button(kind, handler, malformed="core.stale_button")
    _register_sessions(reg)


def _register_sessions(reg: Registry) -> None:
    """Session commands (menu order 22-27), domain handlers and due work."""
    ca = frozenset({"ca"})
    commands: list[tuple[Command, tuple[str, ...]]] = [
        (
            Command(
                "panitia", "serawai.cmd_panitia", roles=ca, handler=committee_command, order=22
            ),
            (),
        ),
        (
            Command(
                "persiapan", "serawai.cmd_persiapan", roles=ca, handler=prep_command, order=23
            ),
            (),
        ),
        (Command("hadir", "serawai.cmd_hadir", handler=checkin_command, order=24), ()),
        (
            Command(
                "kodehadir",
                "serawai.cmd_kodehadir",
                handler=code_command,
                in_menu=False,
                order=24,
            ),
            (),
        ),
        (
            Command(
                "notula", "serawai.cmd_notula", handler=minutes_command, in_menu=False, order=25
            ),
            (),
        ),
        (
            Command(
                "laporanserawai",
                "serawai.cmd_laporan",
                roles=ca,
                handler=report_command,
                order=26,
            ),
            (),
        ),
        (
            Command(
                "verifikasi",
                "serawai.cmd_verifikasi",
                handler=certificates.verify_command,
                order=27,
            ),
            ("verify",),
        ),
        (
            Command(
                "cabutsertifikat",
                "serawai.cmd_cabut",
                roles=frozenset({"can"}),
                handler=certificates.revoke_command,
                in_menu=False,
                order=28,
            ),
            (),
        ),
    ]
    for command, aliases in commands:
        reg.command(command, *aliases)
    handlers: dict[type, Callable[[ServiceCtx, Any], list[Reply]]] = {
        SubmitCommittee: submit_committee,
        CheckIn: check_in_typed,
        Verify: verify_typed,
        StoreDocuments: store_documents,
        SubmitRatings: submit_ratings,
        SubmitReport: submit_report,
        ReturnReport: return_report,
        RateHost: rate_host,
    }
    for command_type, handler in handlers.items():
        reg.handles(command_type, handler)
    reg.reminder("serawai.prep_reminder", prep_reminder)
    reg.reminder("serawai.event_team", event_team_reminder)
    reg.reminder("serawai.session_start", session_start)
    reg.reminder("serawai.session_end", session_end)
