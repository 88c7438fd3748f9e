"""Pegasus (SOP-330): weekly motivational posters, from the duty roster to the proof of posting.

`register` plugs the feature in. The concerns, one module each: `pool`, `planning` and
`roster` (step 1: who rotates, the fair roster, publishing, `/jadwal`), `absences` (`/cuti`,
`/batalcuti`), `swaps` (`/tukar`), `templates` (step 2, `/desain`), `due` (a duty's scheduled
jobs: the H-5/H-3/H-1 reminders of step 3, posting and its follow-up), `posters` (step 4: the
quote, its review, `/pegasus`), `posting` and `proofs` (step 5), `ics` (calendar files),
`report` (the quarterly report's facts), `lookup` (what the roster conversations read),
`common` (what they all share). The rules themselves are in `bot.flows.pegasus.rules`.
"""

from __future__ import annotations

from bot.flows.pegasus import absences as absence_flows
from bot.flows.pegasus import pool as pool_flows
from bot.flows.pegasus import poster as poster_flows
from bot.flows.pegasus import proof as proof_flows
from bot.flows.pegasus import roster as roster_flows
from bot.flows.pegasus import swaps as swap_flows
from bot.flows.pegasus import templates as template_flows
from bot.flows.pegasus.rules import HUMAS, PJ
from bot.registry import Command, Registry
from bot.services.pegasus import (
    absences,
    due,
    lookup,
    pool,
    posters,
    proofs,
    roster,
    swaps,
    templates,
)
from bot.services.pegasus.buttons import HandOver, Review, SendProof, SwapAnswer, WriteQuote


def register(reg: Registry) -> None:
    """Pegasus flows, commands, buttons and scheduled jobs."""
    for flow in (
        pool_flows.POOL_FLOW,
        roster_flows.ROSTER_FLOW,
        absence_flows.ABSENCE_FLOW,
        absence_flows.ABSENCE_PJ_FLOW,
        swap_flows.SWAP_FLOW,
        absence_flows.CANCEL_ABSENCE_FLOW,
    ):
        flow.lookup = lookup.RosterLookup
        reg.flow(flow)
    reg.flow(poster_flows.CONTENT_FLOW)
    reg.flow(poster_flows.NOTE_FLOW)
    reg.flow(proof_flows.PROOF_FLOW)
    reg.flow(template_flows.TEMPLATE_FLOW)

    reg.command(Command("pegasus", "pegasus.cmd_pegasus", handler=posters.my_duty, order=30))
    reg.command(Command("jadwal", "pegasus.cmd_jadwal", handler=roster.show_roster, order=31))
    reg.command(Command("cuti", "pegasus.cmd_cuti", handler=absences.absence_command, order=32))
    reg.command(
        Command(
            "batalcuti",
            "pegasus.cmd_batalcuti",
            handler=absences.absence_cancel_command,
            order=32,
        )
    )
    reg.command(
        Command("tukar", "pegasus.cmd_tukar", handler=swaps.swap_command, order=33, in_menu=False)
    )
    reg.command(
        Command("bukti", "pegasus.cmd_bukti", roles=HUMAS, handler=proofs.proof_command, order=34)
    )
    reg.command(
        Command(
            "susunjadwal",
            "pegasus.cmd_susunjadwal",
            roles=PJ,
            flow=roster_flows.ROSTER_FLOW.name,
            order=35,
        )
    )
    reg.command(
        Command(
            "petugas", "pegasus.cmd_petugas", roles=PJ, flow=pool_flows.POOL_FLOW.name, order=36
        )
    )
    reg.command(
        Command(
            "desain",
            "pegasus.cmd_desain",
            roles=PJ,
            handler=templates.template_command,
            order=37,
        )
    )

    reg.handles(pool_flows.AddCommunity, pool.add_community)
    reg.handles(pool_flows.AddToPool, pool.add_to_pool)
    reg.handles(pool_flows.RemoveFromPool, pool.remove_from_pool)
    reg.handles(roster_flows.PreviewRoster, roster.preview_roster)
    reg.handles(roster_flows.PublishRoster, roster.publish_roster)
    reg.handles(absence_flows.RecordAbsence, absences.record_absence)
    reg.handles(absence_flows.CancelAbsences, absences.cancel_absences)
    reg.handles(swap_flows.RequestSwap, swaps.request_swap)
    reg.handles(poster_flows.RenderPreview, posters.render_preview)
    reg.handles(poster_flows.SubmitPoster, posters.submit_poster)
    reg.handles(poster_flows.RequestChanges, posters.request_changes)
    reg.handles(proof_flows.RecordProof, proofs.record_proof)
    reg.handles(template_flows.SetTemplate, templates.set_template)
    reg.handles(template_flows.MakeVariant, templates.make_template_variant)

    reg.button(SwapAnswer, swaps.swap_action)
    reg.button(HandOver, swaps.swap_start_action)
    reg.button(WriteQuote, posters.content_action)
    reg.button(Review, posters.review_action)
    reg.button(SendProof, proofs.proof_action)

    reg.reminder("pegasus.remind", due.remind)
    reg.reminder("pegasus.post", due.post)
    reg.reminder("pegasus.followup", due.followup)
