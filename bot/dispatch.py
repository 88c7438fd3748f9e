"""Dispatch: from one `Inbound` to one committed transaction.

Identify the sender, drop a message already seen, load the conversation, run the active flow
(or a command, a button action, the menu), and commit the state, the domain records and every
outgoing message together. A step that fails rolls back whole; the user is told to try again.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import drafts, held, outbox
from bot.app import App
from bot.buttons import CommandButton, FlowChoice, MenuButton
from bot.filelimits import CHANNEL_NAMES, limit_mb, too_big
from bot.flows.base import Actor, Ctx, Flow, FlowData, Step, UserInput
from bot.messages import Channel, Choices, ContactRequest, Inbound, Option, Reply, Text
from bot.payload import Payload, decode
from bot.registry import Command, Outcome
from bot.services import directory
from bot.services.command_menu import refresh_menu
from bot.services.context import ServiceCtx, UserError
from storage import conversations
from storage.conversations import ConversationState
from storage.db import transaction
from storage.models import Employee

log = logging.getLogger(__name__)

CANCEL_WORDS = {"batal", "cancel", "/batal", "/cancel"}
BACK_WORDS = {"kembali", "back", "/kembali", "/back"}
MENU_WORDS = {"menu", "/menu", "/start", "mulai", "/mulai", "halo", "hai"}
SUPPORTED_MEDIA = {"photo", "document"}
WA_INBOUND_PRECISION = timedelta(minutes=1)
_SIGNED = re.compile(r"^[-+−–]\s*\d")


@dataclass(frozen=True)
class DispatchResult:
    """What happened to one inbound message."""

    employee_id: int | None = None
    duplicate: bool = False
    failed: bool = False
    rejected: bool = False


class _Duplicate(Exception):
    pass


class _Rejected(Exception):
    def __init__(self, employee_id: int | None, replies: list[Reply], language: str) -> None:
        super().__init__("rejected")
        self.employee_id = employee_id
        self.replies = replies
        self.language = language


def dispatch(app: App, inbound: Inbound) -> DispatchResult:
    """Process one inbound message; safe to call again with a redelivered one."""
    started = time.perf_counter()
    try:
        return _dispatch(app, inbound)
    finally:
        app.metrics.step(inbound.channel.value, time.perf_counter() - started)


def _dispatch(app: App, inbound: Inbound) -> DispatchResult:
    for attempt in range(6):
        try:
            with transaction(app.sessions) as session:
                result = _Turn(app, session, inbound).run()
            app.on_queued()
            return result
        except _Duplicate:
            return DispatchResult(duplicate=True)
        except (StaleDataError, OperationalError) as exc:
            # Two messages of one user at once, or a locked database: run the turn again.
            if attempt == 5:
                log.error("giving up on %s after conflicts: %s", inbound.message_id, exc)
                return _fail(app, inbound, "core.busy")
            time.sleep(0.02 * (attempt + 1))
        except IntegrityError as exc:
            if attempt == 5:
                return _fail(app, inbound, "core.busy")
            log.info("retrying after integrity conflict: %s", exc.orig)
        except _Rejected as rejected:
            _answer_only(app, inbound, rejected.employee_id, rejected.replies)
            return DispatchResult(employee_id=rejected.employee_id, rejected=True)
        except Exception:
            log.exception("step failed for %s on %s", inbound.sender[-4:], inbound.channel)
            return _fail(app, inbound, "core.crashed")
    return DispatchResult(failed=True)  # pragma: no cover


def _answer_only(
    app: App, inbound: Inbound, employee_id: int | None, replies: list[Reply]
) -> None:
    """In a fresh transaction: record the message as seen and send only `replies`."""
    with transaction(app.sessions) as session:
        if not _first_sight(session, inbound, employee_id, app.clock()):
            return  # already seen: its answer went out the first time
        if employee_id is not None and inbound.channel is Channel.WHATSAPP:
            held.release(session, employee_id, app.clock())  # they wrote: the window is open
        ServiceCtx(env=app.env, session=session, now=app.clock()).reply_to(
            inbound.channel, inbound.sender, replies
        )
    app.on_queued()


def _fail(app: App, inbound: Inbound, key: str) -> DispatchResult:
    with app.sessions() as session:
        employee = directory.find_sender(session, inbound.channel, inbound.sender)
        language = employee.language if employee else app.settings.default_language
        employee_id = employee.id if employee else None
    _answer_only(app, inbound, employee_id, [Text(app.catalog.t(key, language))])
    return DispatchResult(employee_id=employee_id, failed=True)


def _first_sight(
    session: Session, inbound: Inbound, employee_id: int | None, now: datetime
) -> bool:
    """Record the message in the inbound ledger; False when it was seen already.

    A message without a platform id (a console line) is always new.
    """
    if not inbound.message_id:
        return True
    return conversations.first_sight(
        session, inbound.channel.value, str(inbound.message_id), employee_id, now
    )


# A list holds at most this many items (WhatsApp's list picker: 10 rows); a longer main menu
# is grouped by program, one list per message, a long group paged with "Lainnya". The same on
# every channel, so a conversation reads alike on each.
MENU_LIMIT = 10
MENU_GROUPS = {
    "admin": "admin",
    "directory": "admin",
    "delivery": "admin",
}  # catalog namespace -> menu group


def _menu_commands(app: App, roles: frozenset[str]) -> list[Command]:
    return [
        command
        for command in sorted(app.registry.commands.values(), key=lambda c: (c.order, c.name))
        if command.in_menu and _allowed(command.roles, roles)
    ]


def _group_of(command: Command) -> str:
    namespace = command.description_key.partition(".")[0]
    return MENU_GROUPS.get(namespace, namespace)


def menu_choices(app: App, t: Any, roles: frozenset[str], name: str) -> Choices:
    """The main menu: the commands this person may use, by program when they are many."""
    commands = _menu_commands(app, roles)
    title = t("core.menu_title", name=name.split()[0] if name else "")
    if len(commands) <= MENU_LIMIT:
        return Choices(title, tuple(_command_options(t, commands)))
    groups: dict[str, int] = {}
    for command in commands:
        groups[_group_of(command)] = groups.get(_group_of(command), 0) + 1
    options = tuple(
        Option(t("core.menu_group", name=t(f"core.menu_group_{g}"), n=n), MenuButton(g, 0).pack())
        for g, n in groups.items()
    )
    return Choices(title, options)


def menu_page(app: App, t: Any, roles: frozenset[str], pressed: MenuButton) -> Choices | None:
    """One program's commands, at most ten a list; "Lainnya" leads to the next page. None for
    a group or page this person has not got (a crafted or outdated button)."""
    commands = [c for c in _menu_commands(app, roles) if _group_of(c) == pressed.group]
    size = MENU_LIMIT - 1
    page = commands[pressed.page * size : (pressed.page + 1) * size] if pressed.page >= 0 else []
    if not page:
        return None
    rest = commands[(pressed.page + 1) * size :]
    if len(rest) == 1:  # the last one fits where "Lainnya" would go
        page, rest = [*page, *rest], []
    options = _command_options(t, page)
    if rest:
        options.append(
            Option(t("core.menu_more"), MenuButton(pressed.group, pressed.page + 1).pack())
        )
    heading = t("core.menu_group_title", name=t(f"core.menu_group_{pressed.group}"))
    return Choices(heading, tuple(options))


def _command_options(t: Any, commands: list[Command]) -> list[Option]:
    return [Option(t(c.description_key), CommandButton(c.name).pack()) for c in commands]


def _plain(text: str) -> str:
    """Letters and digits only, folded: how a typed label is compared to a button's."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def _allowed(required: frozenset[str] | None, roles: frozenset[str]) -> bool:
    return required is None or "admin" in roles or bool(required & roles)


class _Turn:
    """One inbound message, inside one transaction."""

    def __init__(self, app: App, session: Session, inbound: Inbound) -> None:
        self.app = app
        self.session = session
        self.inbound = inbound
        self.now = app.clock()
        self.replies: list[Reply] = []
        self.command: str | None = None  # the command this turn runs, if any
        self._validated: tuple[object, FlowData | None] = (None, None)  # conv.data, its model

    # -- the turn -------------------------------------------------------------------------

    def run(self) -> DispatchResult:
        inbound = self.inbound
        if not _first_sight(self.session, inbound, None, self.now):
            raise _Duplicate()
        found = self._sender()
        if found is None:
            self._unknown_sender()
            return DispatchResult()
        employee, self.conv, self.actor = found
        self.employee = employee
        self._note_channel(employee)
        self.t = self.app.catalog.translator(self.actor.language)
        # The conversation goes with the services: choices they show the actor land in it.
        self.svc = ServiceCtx(
            env=self.app.env,
            session=self.session,
            now=self.now,
            actor=self.actor,
            conversation=self.conv,
        )

        problem = self._bad_input()
        if problem:
            self._send([Text(problem)], keep_choices=True)
            return DispatchResult(employee_id=employee.id)

        try:
            self._route()
        except UserError as exc:
            raise _Rejected(employee.id, [Text(exc.message)], self.actor.language) from None
        self.conv.updated_at = self.now
        self._send(self.replies)
        return DispatchResult(employee_id=employee.id)

    def _route(self) -> None:
        inbound = self.inbound
        flow = self._active_flow()
        raw_payload = inbound.payload or self._typed_choice(flow)
        if raw_payload is not None:
            self._press(decode(raw_payload), flow)
            return
        text = (inbound.text or "").strip()
        if text:
            self._text(text, flow)
        elif inbound.media:
            if flow is not None:
                self._flow_input(flow, UserInput(media=inbound.media))
            else:
                self.replies.append(Text(self.t("core.media_unexpected")))
        elif inbound.contact_phone:
            self.replies.append(Text(self.t("core.already_linked")))

    # -- identity -------------------------------------------------------------------------

    def _unknown_sender(self) -> None:
        inbound = self.inbound
        t = self.app.catalog.translator(self.app.settings.default_language)
        replies: list[Reply]
        if inbound.channel is Channel.TELEGRAM:
            replies = self._link_telegram(t)
        else:
            replies = [Text(t("core.unknown_sender"))]
        ServiceCtx(env=self.app.env, session=self.session, now=self.now).reply_to(
            inbound.channel, inbound.sender, replies
        )

    def _link_telegram(self, t: Any) -> list[Reply]:
        phone = directory.normalize_phone(self.inbound.contact_phone or "")
        if phone is None:
            return [ContactRequest(t("core.share_contact"), t("core.share_contact_button"))]
        employee = self.session.scalar(
            select(Employee).where(Employee.phone == phone, Employee.active)
        )
        if employee is None:
            return [Text(t("core.unknown_sender"))]
        if employee.telegram_id not in (None, self.inbound.sender):
            return [Text(t("core.linked_elsewhere"))]
        employee.telegram_id = self.inbound.sender
        employee.preferred_channel = Channel.TELEGRAM.value
        actor = directory.actor_of(self.session, employee)
        own = self.app.catalog.translator(employee.language)
        svc = ServiceCtx(env=self.app.env, session=self.session, now=self.now, actor=actor)
        svc.audit("link_telegram", employee.nip)
        refresh_menu(svc, employee, actor.roles)
        return [
            Text(own("core.linked", name=employee.name)),
            menu_choices(self.app, own, actor.roles, employee.name),
        ]

    def _note_channel(self, employee: Employee) -> None:
        channel = self.inbound.channel
        if (
            channel is not Channel.CONSOLE
            and channel in self.app.channels
            and employee.preferred_channel != channel.value
        ):
            # Set only when it changes: an unchanged assignment still costs a flush.
            employee.preferred_channel = channel.value
        if channel is Channel.WHATSAPP:
            last = employee.wa_last_inbound_at
            # Written at most once a minute: the sender keeps a margin of minutes before the
            # 24-hour window closes, and a quick exchange then costs no UPDATE per message.
            if last is None or not timedelta(0) <= self.now - last < WA_INBOUND_PRECISION:
                employee.wa_last_inbound_at = self.now
            # The window is open: what waited held goes out now, ahead of this answer.
            held.release(self.session, employee.id, self.now)

    # -- input checks ---------------------------------------------------------------------

    def _bad_input(self) -> str | None:
        inbound = self.inbound
        text = inbound.text or ""
        if not text.strip() and not inbound.payload and not inbound.media:
            if inbound.contact_phone:
                return None
            return self.t("core.empty")
        if len(text) > self.app.settings.max_message_chars:
            return self.t("core.too_long", limit=self.app.settings.max_message_chars)
        if any(too_big(inbound.channel, m.size) for m in inbound.media):
            return self.t(
                "core.file_too_big",
                channel=CHANNEL_NAMES[inbound.channel],
                limit=limit_mb(inbound.channel),
            )
        if any(m.kind not in SUPPORTED_MEDIA for m in inbound.media):
            return self.t("core.unsupported_media")
        lost = [m for m in inbound.media if not m.path]  # its download failed
        if lost:
            photo = all(m.kind == "photo" for m in lost)
            return self.t("core.photo_not_received" if photo else "core.media_not_received")
        return None

    def _typed_choice(self, flow: Flow[Any] | None) -> str | None:
        """A typed number or label answering the last buttons shown, as their payload."""
        text = (self.inbound.text or "").strip()
        options = self.conv.last_choices or (
            [] if flow is not None else (self.conv.notice_choices or [])
        )
        if not text or not options or text.startswith("/") or _SIGNED.match(text):
            return None  # "-1" is minus one, not the button "1"
        chosen: str | None = None
        if text.isdigit() and 1 <= int(text) <= len(options):
            chosen = str(options[int(text) - 1][1])
        else:
            typed = _plain(text)
            for label, payload in options:
                if typed and _plain(str(label)) == typed:
                    chosen = str(payload)
                    break
        if chosen is None:
            return None
        parsed = decode(chosen)
        if parsed is None:
            return None
        if (answer := FlowChoice.parse(parsed)) is not None:
            return chosen if flow is not None and answer.state == self.conv.state else None
        return chosen if flow is None else None

    # -- conversation ---------------------------------------------------------------------

    def _sender(self) -> tuple[Employee, ConversationState, Actor] | None:
        """The sender, their conversation and their roles now: one SELECT, rows per grant.

        Roles are read from the database on every message, so a revoked role is gone by the
        next one; nothing about a person is kept between messages.
        """
        key = directory.sender_key(self.inbound.channel, self.inbound.sender)
        if key is None:
            return None
        found = conversations.find_sender(self.session, key[0], key[1], self.now)
        if found is None:
            return None
        actor = directory.actor_from(found.employee, found.grants)
        return found.employee, found.conversation, actor

    def _active_flow(self) -> Flow[Any] | None:
        conv = self.conv
        if conv.flow is None:
            return None
        idle = timedelta(minutes=self.app.settings.conversation_idle_minutes)
        if conv.updated_at < self.now - idle:
            self._clear()
            self.replies.append(Text(self.t("core.expired")))
            return None
        return self._loaded()

    def _loaded(self) -> Flow[Any] | None:
        """The conversation's flow once its stored state validates; else reset, with an apology."""
        conv = self.conv
        flow = self.app.registry.flows.get(str(conv.flow))
        try:
            if flow is None or conv.state not in flow.states:
                raise ValueError("unknown flow or state")
            # Kept for the step: validated once, not again when the flow handles the input.
            self._validated = (conv.data, flow.load(conv.data))
            for entry in conv.history:
                if entry[0] not in flow.states:
                    raise ValueError("unknown state in history")
                flow.load(entry[1])
        except (ValueError, ValidationError, TypeError, IndexError):
            log.warning("conversation of employee %s reset: no longer valid", conv.employee_id)
            self._clear()
            self.replies.append(Text(self.t("core.reset_apology")))
            return None
        return flow

    def _clear(self) -> None:
        self.conv.flow = None
        self.conv.state = None
        self.conv.data = {}
        self.conv.history = []

    def _ctx(self, flow: Flow[Any]) -> Ctx:
        return Ctx(
            now=self.now,
            actor=self.actor,
            calendar=self.app.calendar,
            t=self.t,
            lookup=flow.lookup(self.session) if flow.lookup else None,
            settings=self.app.settings,
        )

    # -- routing --------------------------------------------------------------------------

    def _text(self, text: str, flow: Flow[Any] | None) -> None:
        word = text.casefold()
        if word in CANCEL_WORDS:
            key = "core.draft_discarded" if self.conv.draft else "core.nothing"
            if flow is not None:  # a flow may say what stays stored (a poster's preview)
                said = flow.extra.get("cancelled")
                key = said(flow.load(self.conv.data)) if callable(said) else "core.cancelled"
            self._clear()
            self.conv.draft = {}  # "Tidak ada yang disimpan" is then true
            self.replies.append(Text(self.t(key)))
            self._menu()
        elif word in BACK_WORDS:
            self._back(flow)
        elif word in MENU_WORDS:
            self._leave()
            self._menu()
        elif text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            self._command(name.split("@")[0].casefold(), args.strip())
        elif flow is not None:
            self._flow_input(flow, UserInput(text=text, media=self.inbound.media))
        else:
            self.replies.append(Text(self.t("core.not_understood")))
            self._menu()

    def _press(self, payload: Payload | None, flow: Flow[Any] | None) -> None:
        if payload is None:
            self.replies.append(Text(self.t("core.unknown_button")))
            self._reprompt(flow)
        elif (command := CommandButton.parse(payload)) is not None:
            self._command(command.name, "")
        elif (draft := drafts.DraftButton.parse(payload)) is not None:
            self._draft(draft)
        elif (group := MenuButton.parse(payload)) is not None:
            page = menu_page(self.app, self.t, self.actor.roles, group)
            self.replies.append(page or Text(self.t("core.stale_button")))
        elif (answer := FlowChoice.parse(payload)) is not None:
            if flow is not None and answer.state == self.conv.state:
                self._flow_input(flow, UserInput(choice=answer.value))
            else:
                self.replies.append(Text(self.t("core.stale_button")))
                self._reprompt(flow)
        elif (outcome := self.app.registry.press(self.svc, payload)) is not None:
            self._outcome(outcome)
        else:
            self.replies.append(Text(self.t("core.unknown_button")))
            self._reprompt(flow)

    def _command(self, name: str, args: str) -> None:
        if name == "start" and args:
            name, args = args.partition("_")[0], args.partition("_")[2]
        name = self.app.registry.aliases.get(name, name)
        command: Command | None = self.app.registry.commands.get(name)
        if command is None:
            self.replies.append(Text(self.t("core.unknown_command")))
            self._menu()
            return
        if not _allowed(command.roles, self.actor.roles):
            self.replies.append(Text(self.t("core.not_allowed")))
            return
        self._leave()
        self.command = name
        if command.flow is not None:
            self._start(command.flow, None)
        elif command.handler is not None:
            self._outcome(command.handler(self.svc, args))

    def _outcome(self, outcome: Outcome) -> None:
        self.replies.extend(outcome.replies)
        if outcome.start_flow is not None:
            self._start(outcome.start_flow, outcome.flow_data)

    def _start(self, name: str, data: FlowData | None) -> None:
        flow = self.app.registry.flows[name]
        if not _allowed(flow.roles, self.actor.roles):
            self.replies.append(Text(self.t("core.not_allowed")))
            return
        if self.command is not None and self.conv.draft.get("flow") == name:
            # A command starts the flow a draft was left in: Lanjutkan / Mulai baru.
            self.replies.append(drafts.offer(self.t, self.command, name))
            return
        data = data if data is not None else flow.data_model()
        self.conv.flow = name
        self.conv.state = flow.start
        self.conv.data = data.model_dump(mode="json")
        self.conv.history = []
        self.replies.extend(flow.states[flow.start].prompt(self._ctx(flow), data))

    def _data(self, flow: Flow[Any]) -> FlowData:
        """The conversation's data as the flow's model; validated once a step."""
        raw, loaded = self._validated
        if loaded is not None and raw is self.conv.data:
            return loaded
        data: FlowData = flow.load(self.conv.data)
        return data

    def _flow_input(self, flow: Flow[Any], user_input: UserInput) -> None:
        state_name = str(self.conv.state)
        data = self._data(flow)
        step = flow.states[state_name].handle(self._ctx(flow), data, user_input)
        self._apply(flow, state_name, data, step)

    def _apply(self, flow: Flow[Any], state_name: str, data: FlowData, step: Step) -> None:
        extra: list[Reply] = []
        for command in step.commands:
            handler = self.app.registry.domain.get(type(command))
            if handler is None:
                raise LookupError(f"no handler for {type(command).__name__}")
            extra.extend(handler(self.svc, command))
        self.replies.extend(step.replies)
        self.replies.extend(extra)
        if step.next_state is None:
            self._clear()
            return
        new_data = step.data if step.data is not None else data
        if step.next_state == "" or step.next_state == state_name:
            self.conv.data = new_data.model_dump(mode="json")
            target = state_name
        else:
            if step.next_state not in flow.states:
                raise LookupError(f"{flow.name} has no state {step.next_state}")
            self.conv.history = [*self.conv.history, [state_name, self.conv.data]]
            self.conv.state = step.next_state
            self.conv.data = new_data.model_dump(mode="json")
            target = step.next_state
        if step.prompt:
            self.replies.extend(flow.states[target].prompt(self._ctx(flow), new_data))

    def _leave(self) -> None:
        """Leave the flow in progress (for the menu or a command), keeping it as a draft."""
        if drafts.keep(self.conv):
            self.replies.append(Text(self.t("core.draft_kept")))
        self._clear()

    def _draft(self, button: drafts.DraftButton) -> None:
        """Lanjutkan or Mulai baru, checked against the draft as stored now."""
        draft = self.conv.draft
        flow = self.app.registry.flows.get(button.flow)
        if draft.get("flow") != button.flow or flow is None:
            self.replies.append(Text(self.t("core.stale_button")))
            return
        self.conv.draft = {}
        if button.action == "new":
            self._command(button.command, "")
            return
        if not _allowed(flow.roles, self.actor.roles):
            self.replies.append(Text(self.t("core.not_allowed")))
            return
        self._clear()
        self.conv.flow, self.conv.state = button.flow, str(draft.get("state"))
        self.conv.data = dict(draft.get("data") or {})
        self.conv.history = list(draft.get("history") or [])
        resumed = self._loaded()  # validated like any stored conversation
        if resumed is not None:
            self._reprompt(resumed)

    def _back(self, flow: Flow[Any] | None) -> None:
        if flow is None:
            self.replies.append(Text(self.t("core.nothing")))
            self._menu()
            return
        history = list(self.conv.history)
        while history:
            state_name, raw = history.pop()
            if flow.states[state_name].back:
                data = flow.load(raw)
                self.conv.history = history
                self.conv.state = state_name
                self.conv.data = raw
                self.replies.extend(flow.states[state_name].prompt(self._ctx(flow), data))
                return
        self._clear()
        self.replies.append(Text(self.t("core.cancelled")))
        self._menu()

    def _reprompt(self, flow: Flow[Any] | None) -> None:
        if flow is not None and self.conv.state is not None:
            data = self._data(flow)
            self.replies.extend(flow.states[self.conv.state].prompt(self._ctx(flow), data))

    def _menu(self) -> None:
        self.replies.append(menu_choices(self.app, self.t, self.actor.roles, self.actor.name))

    # -- output ---------------------------------------------------------------------------

    def _send(self, replies: list[Reply], keep_choices: bool = False) -> None:
        self._remember_choices(replies, keep_choices)
        self.svc.reply_to(self.inbound.channel, self.inbound.sender, replies)
        self.conv.save(self.session)

    def _remember_choices(self, replies: list[Reply], keep_choices: bool) -> None:
        """Keep the buttons of this answer, so a typed number or label answers them next."""
        shown = [r for r in replies if isinstance(r, Choices)]
        for choices in shown:  # the last one shown is the one a typed answer means
            outbox.remember_choices(self.conv, choices)
        if not keep_choices:
            # This answer is now the screen: an older notice's buttons no longer take numbers.
            self.conv.notice_choices = []
            if not shown:
                self.conv.last_choices = []
