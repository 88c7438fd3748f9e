"""SOP-321 Event Team support: requests, assignment, evaluations, documentation, availability,
due work and the lists, one module each; `register` plugs them all in.

Other features open and cancel requests with `open_request` and `cancel_request`.
"""

from __future__ import annotations

from bot.registry import Registry
from bot.services.event_team import (
    assignment,
    availability,
    documentation,
    due,
    evaluation,
    requests,
    views,
)
from bot.services.event_team.requests import cancel_request, open_request

__all__ = ["cancel_request", "open_request", "register"]


def register(reg: Registry) -> None:
    """SOP-321: flows, commands, buttons and due work."""
    for concern in (requests, assignment, evaluation, documentation, availability, views, due):
        concern.register(reg)
