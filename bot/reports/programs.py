"""The report builders, one per SOP program plus the half-year report: facts in, `Report` out."""

from __future__ import annotations

from bot.reports.event_team import event_team_figures, event_team_report
from bot.reports.pegasus import pegasus_figures, pegasus_report
from bot.reports.semester import mp_semesteran_report
from bot.reports.serawai import serawai_figures, serawai_report

__all__ = [
    "event_team_figures",
    "event_team_report",
    "mp_semesteran_report",
    "pegasus_figures",
    "pegasus_report",
    "serawai_figures",
    "serawai_report",
]
