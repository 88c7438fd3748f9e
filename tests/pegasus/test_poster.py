"""The quote and its poster in chat: limits named, emoji, photos, changes asked, approval."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from bot.messages import Image, Media
from storage.pegasus import DutyStatus, PegasusConfig
from tests.pegasus.conftest import HUMAS, PJ, duty, name_of, publish_roster
from tests.support import Harness, texts


def _start_quote(bot: Harness) -> tuple[int, str]:
    first = publish_roster(bot)[0]
    person = name_of(bot.app, first.employee_id)
    bot.inbox(person)
    got = texts(bot.say(person, "/pegasus"))
    assert "menunggu kata motivasi" in got
    assert "Tulis kata motivasi" in texts(bot.press(person, "Kirim kata motivasi"))
    return first.id, person


def test_a_quote_that_cannot_fit_is_refused_with_the_limit_named(bot: Harness) -> None:
    duty_id, person = _start_quote(bot)
    refused = bot.say(person, "Semangat! " * 40)
    assert texts(refused) == (
        "Kata motivasi terlalu panjang: maksimal 300 karakter (sekarang 399). "
        "Mohon dipersingkat lalu kirim lagi."
    )
    assert not any(isinstance(m.reply, Image) for m in refused)
    lines = bot.say(person, "\n".join(["Maju"] * 14))
    assert "maksimal 11 baris" in texts(lines)
    assert duty(bot.app, duty_id).status == DutyStatus.ASSIGNED
    # Still waiting for the quote: a shorter one is rendered.
    preview = bot.say(person, "Terus belajar, terus melayani. 🌟")
    assert any(isinstance(m.reply, Image) for m in preview)
    assert duty(bot.app, duty_id).status == DutyStatus.DRAFT


def test_changes_asked_with_a_note_then_the_fix_is_approved(
    bot: Harness, photo: Callable[..., Media]
) -> None:
    duty_id, person = _start_quote(bot)
    assert "Foto diterima" in texts(bot.say(person, media=(photo("wajah"),)))
    bot.say(person, "Kesalahan adalah guru terbaik. 🙏🏽")
    stored = duty(bot.app, duty_id)
    assert stored.photo_path is not None
    assert stored.quote == "Kesalahan adalah guru terbaik. 🙏🏽"
    bot.press(person, "Kirim untuk disetujui")

    bot.inbox(HUMAS)
    assert "Tulis catatan perbaikan" in texts(bot.press(HUMAS, "Minta perbaikan"))
    assert "Catatan tersimpan" in texts(bot.say(HUMAS, "Mohon tambahkan satu kalimat ajakan."))
    asked = bot.inbox(person)
    assert "Mohon tambahkan satu kalimat ajakan." in texts(asked)
    assert f"Catatan terkirim ke {person}" in texts(bot.inbox(HUMAS))
    assert duty(bot.app, duty_id).status == DutyStatus.CHANGES
    # The PJ's old button no longer approves a poster sent back.
    bot.inbox(PJ)
    assert "sudah ditinjau" in texts(bot.press(PJ, "Setujui"))

    assert "Kata motivasi saat ini" in texts(bot.press(person, "Perbaiki poster"))
    bot.say(person, "Kesalahan adalah guru terbaik. Mari belajar bersama!")
    bot.press(person, "Hapus foto")
    assert duty(bot.app, duty_id).photo_path is None
    bot.press(person, "Kirim untuk disetujui")
    bot.inbox(PJ)
    assert "Poster disetujui" in texts(bot.press(PJ, "Setujui"))
    assert duty(bot.app, duty_id).status == DutyStatus.APPROVED


def test_crafted_buttons_change_nothing(bot: Harness) -> None:
    duty_id, person = _start_quote(bot)
    bot.say(person, "Jujur, teliti, dan semangat.")
    # Someone else presses the person's 'write the quote' button, with a forged payload.
    assert "bukan milik Anda" in texts(bot.say("Irfan Maulana", payload=f"pgk:{duty_id}"))
    # A plain employee tries to approve; Humas tries to approve a draft not yet sent.
    assert "hanya untuk pemegang peran" in texts(
        bot.say("Irfan Maulana", payload=f"pgr:{duty_id}:ok")
    )
    assert "sudah ditinjau" in texts(bot.say(HUMAS, payload=f"pgr:{duty_id}:ok"))
    assert "sudah ditinjau" not in texts(bot.say(HUMAS, payload="pgr:99999:ok"))
    assert duty(bot.app, duty_id).status == DutyStatus.DRAFT


def test_the_pj_makes_a_template_from_a_new_background_and_uses_it(
    bot: Harness, photo: Callable[..., Media]
) -> None:
    assert "Template aktif: Potret dengan Foto" in texts(bot.say(PJ, "/desain"))
    bot.press(PJ, "latar baru")
    assert "Nama template baru" in texts(bot.press(PJ, "Biru Gelombang"))
    assert "Kirim gambar latarnya" in texts(bot.say(PJ, "Lebaran 2025"))
    too_small = bot.say(PJ, media=(photo("kecil", (200, 200)),))
    assert "terlalu kecil" in texts(too_small)
    made = bot.say(PJ, media=(photo("latar", (1200, 1200)),))
    assert "Template baru dibuat" in texts(made)
    assert any(isinstance(m.reply, Image) for m in made)
    activated = bot.press(PJ, "jadikan aktif")
    assert "lebaran-2025" in texts(activated)
    with bot.app.sessions() as session:
        config = session.scalar(select(PegasusConfig))
        assert config is not None
        assert config.active_template == "lebaran-2025"
    # The variant lives in the data folder, never in the repository's templates.
    assert (bot.app.settings.data_dir / "pegasus-templates" / "lebaran-2025").is_dir()

    duty_id, person = _start_quote(bot)
    bot.say(person, "Hari yang fitri, semangat yang baru.")
    assert duty(bot.app, duty_id).template == "lebaran-2025"


def test_batal_after_a_preview_says_the_preview_stays_and_was_not_sent(bot: Harness) -> None:
    duty_id, person = _start_quote(bot)
    bot.say(person, "Terus belajar, terus melayani.")
    said = texts(bot.say(person, "batal"))
    assert "Tidak ada yang disimpan" not in said
    assert "Pratinjau poster yang sudah dibuat tetap tersimpan" in said
    assert duty(bot.app, duty_id).status == DutyStatus.DRAFT  # as told: kept, not sent
