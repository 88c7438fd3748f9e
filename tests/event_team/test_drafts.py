"""A request left for the menu or a command is kept and offered back; `batal` throws it away
and says so (console channel)."""

from __future__ import annotations

from tests.event_team.helpers import SM, the_request
from tests.support import Harness, texts


def _half_way(bot: Harness) -> None:
    bot.say(SM, "/dukungan")
    bot.say(SM, "Rapat Koordinasi Triwulan I")
    bot.say(SM, "14/4/2025 09.00-11.00")


def test_menu_keeps_the_draft_and_lanjutkan_goes_on_where_it_was(bot: Harness) -> None:
    _half_way(bot)
    assert "belum selesai disimpan" in texts(bot.say(SM, "menu"))
    offer = bot.say(SM, "/dukungan")
    assert texts(offer) == "Lanjutkan permintaan yang belum selesai?"
    assert offer[-1].labels == ["▶️ Lanjutkan", "🆕 Mulai baru"]
    assert "Di mana tempatnya?" in texts(bot.press(SM, "Lanjutkan"))
    bot.say(SM, "Aula BPS Provinsi Bengkulu")
    bot.say(SM, "MC 1, notulis 2")
    bot.press(SM, "Lewati")
    summary = texts(bot.press(SM, "Lewati"))
    assert "Rapat Koordinasi Triwulan I" in summary
    assert "Senin, 14 April 2025, 09.00–11.00 WIB" in summary
    assert "Permintaan #1 tersimpan" in texts(bot.press(SM, "Kirim"))
    assert the_request(bot.app).title == "Rapat Koordinasi Triwulan I"
    # Sent: nothing is left to offer.
    assert "Apa judul kegiatannya?" in texts(bot.say(SM, "/dukungan"))


def test_a_command_keeps_the_draft_and_mulai_baru_starts_afresh(bot: Harness) -> None:
    _half_way(bot)
    assert "belum selesai disimpan" in texts(bot.say(SM, "/bantuan"))
    bot.say(SM, "/dukungan")
    old = bot.last_choices[SM]
    assert "Apa judul kegiatannya?" in texts(bot.press(SM, "Mulai baru"))
    # The old offer's Lanjutkan no longer finds its draft.
    bot.say(SM, "menu")
    assert "sudah tidak berlaku" in texts(bot.press(SM, "Lanjutkan", old))


def test_batal_throws_the_draft_away_and_says_so(bot: Harness) -> None:
    _half_way(bot)
    bot.say(SM, "menu")
    old_offer = bot.say(SM, "/dukungan")[-1]
    bot.say(SM, "menu")
    assert "sudah dihapus" in texts(bot.say(SM, "batal"))
    assert "Apa judul kegiatannya?" in texts(bot.say(SM, "/dukungan"))  # no offer
    assert "Tidak ada yang disimpan" in texts(bot.say(SM, "batal"))
    assert "sudah tidak berlaku" in texts(bot.press(SM, "Lanjutkan", old_offer))
