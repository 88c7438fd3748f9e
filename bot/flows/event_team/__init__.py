"""SOP-321 Event Team conversations: the SM's (`request`, `change`, `evaluation`), the lead's
(`lead`), the members' (`member`); `questions` holds what the SM's questions share and `rules`
the pure rules (roles, limits, lead time, reminder moments, rotation) the services apply too.
"""

from __future__ import annotations

from bot.flows.event_team.rules import role_label

__all__ = ["role_label"]
