"""Drafts: a flow left half-way for the menu or a command is kept, and offered back (Lanjutkan /
Mulai baru) when the person starts that flow again; `batal` throws it away.

One draft a person, in the conversation row: the flow, its state, data and history as they
were. It is validated again before it is resumed, like any stored conversation.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from bot.buttons import Button
from bot.i18n import Translator
from bot.messages import Choices, Option
from storage.conversations import ConversationState


@dataclasses.dataclass(frozen=True)
class DraftButton(Button, prefix="draft"):
    """Continue the kept draft of `flow`, or run `command` afresh (`draft:<action>:<command>:<flow>`)."""

    action: Literal["resume", "new"]
    command: str
    flow: str


def keep(conv: ConversationState) -> bool:
    """Keep the flow in progress as the draft when something was answered; True when kept."""
    if conv.flow is None or conv.state is None or not conv.history:
        return False
    conv.draft = {
        "flow": conv.flow,
        "state": conv.state,
        "data": conv.data,
        "history": conv.history,
    }
    return True


def offer(t: Translator, command: str, flow: str) -> Choices:
    """'Lanjutkan permintaan yang belum selesai?' with Lanjutkan / Mulai baru."""
    return Choices(
        t("core.draft_offer"),
        (
            Option(t("core.draft_resume"), DraftButton("resume", command, flow).pack()),
            Option(t("core.draft_new"), DraftButton("new", command, flow).pack()),
        ),
    )
