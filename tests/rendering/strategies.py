"""Hypothesis strategies shared by the rendering property tests."""

from __future__ import annotations

import string

from hypothesis import strategies as st

INDONESIAN_WORDS = (
    "data",
    "statistik",
    "pembangunan",
    "berkualitas",
    "integritas",
    "profesional",
    "amanah",
    "melayani",
    "masyarakat",
    "pertanggungjawaban",
    "kesejahteraan",
    "Bengkulu",
    "Indonesia",
    "bersama",
    "kita",
    "bisa",
    "mewujudkan",
    "perubahan",
    "inovasi",
    "kolaborasi",
    "semangat",
    "kerja",
    "ikhlas",
    "cerdas",
    "tuntas",
    "tepat",
    "waktu",
    "akurat",
    "relevan",
    "sensus",
    "penduduk",
    "survei",
    "sosial",
    "ekonomi",
    "nasional",
    "pegawai",
    "negeri",
    "sipil",
    "kantor",
    "provinsi",
    "kabupaten",
    "kota",
    "MEMPERTANGGUNGJAWABKAN",
    "WAWANCARA",
    "KOMPETENSI",
    "di",
    "ke",
    "dari",
    "yang",
    "dan",
    "untuk",
    "dengan",
    "adalah",
    "jangan",
    "pernah",
    "menyerah",
    "mari",
    "terus",
    "belajar",
    "hari",
    "ini",
    "lebih",
    "baik",
    "daripada",
    "kemarin",
)
EMOJI = (
    "\U0001f600", "\U0001f64f", "\U0001f44d\U0001f3fd", "\u2764\ufe0f", "\U0001f1ee\U0001f1e9",
    "\u2728", "\U0001f525", "1\ufe0f\u20e3", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\u2705", "\u2b50", "\U0001f4aa", "\U0001f4ca",
)  # fmt: skip
PUNCTUATION = (*",.!?;:-'\"()", "\u2014", "\u2026", "\u201c", "\u201d", "...", "!!")
SEPARATORS = (" ", " ", " ", " ", "  ", "\n", "\t", " \n\n ", "\u00a0")
LETTERS = string.ascii_letters + "\u00e9\u00e8\u00e0\u00e7\u00f1\u00c9"

PHRASES = tuple(
    " ".join(INDONESIAN_WORDS[i : i + n])
    for n in (3, 5, 8)
    for i in range(0, len(INDONESIAN_WORDS) - n, 2)
)
long_words = st.text(alphabet=LETTERS, min_size=40, max_size=40)
odd_characters = st.characters(codec="utf-8")  # utf-8 already rules out surrogates
tokens = st.one_of(
    st.sampled_from(PHRASES),
    st.sampled_from(PHRASES),
    st.sampled_from(INDONESIAN_WORDS),
    st.sampled_from(INDONESIAN_WORDS),
    st.sampled_from(INDONESIAN_WORDS),
    st.sampled_from(EMOJI),
    st.sampled_from(PUNCTUATION),
    long_words,
    odd_characters,
)


@st.composite
def quotes(draw: st.DrawFn, min_size: int = 1, max_size: int = 500) -> str:
    """A quote of min_size..max_size characters mixing words, emoji, punctuation, long words."""
    length = draw(st.integers(min_size, max_size))
    parts: list[str] = []
    total = 0
    while total < length:
        piece = draw(tokens) + draw(st.sampled_from(SEPARATORS))
        parts.append(piece)
        total += len(piece)
    return "".join(parts)[:length]


@st.composite
def ordinary_quotes(draw: st.DrawFn, length: int) -> str:
    """Plain Indonesian sentence text of exactly `length` characters (no emoji, no newlines)."""
    words: list[str] = []
    while len(" ".join(words)) < length:
        words.append(draw(st.sampled_from(INDONESIAN_WORDS)))
    return " ".join(words)[:length].rstrip() or "data"


TITLES_BEFORE = ("Dr.", "Ir.", "Prof.", "H.", "Hj.", "Drs.", "Dra.")
TITLES_AFTER = (
    "S.Si.", "M.Stat.", "S.E.", "M.Si.", "S.ST.", "M.M.", "Ph.D.", "S.Kom.", "M.T.", "S.Tr.Stat.",
)  # fmt: skip
GIVEN_NAMES = (
    "Muhammad",
    "Rizky",
    "Pratama",
    "Putra",
    "Simanjuntak",
    "Siti",
    "Nur'aini",
    "Dewi",
    "Lestari",
    "Ningsih",
    "Ahmad",
    "Fauzi",
    "Yuliana",
    "Rudi",
    "Hartono",
    "Ayu",
    "Kartika",
    "Sari",
    "Bambang",
    "Wahyudi",
    "Ratna-Sari",
    "Agus",
    "Setiawan",
    "Indah",
)


@st.composite
def holder_names(draw: st.DrawFn) -> str:
    """A name with up to two titles before and three after, core name up to 40 characters."""
    core_kind = draw(st.sampled_from(("words", "words", "letters", "single")))
    if core_kind == "words":
        words: list[str] = []
        for _ in range(draw(st.integers(1, 8))):
            word = draw(st.sampled_from(GIVEN_NAMES))
            if len(" ".join([*words, word])) > 40:
                break
            words.append(word)
        core = " ".join(words) or "Ani"
    elif core_kind == "letters":
        core = draw(st.text(alphabet=LETTERS + "  ", min_size=1, max_size=40)).strip() or "Budi"
    else:
        core = draw(st.text(alphabet=LETTERS, min_size=1, max_size=40))
    if draw(st.booleans()):
        core = core.upper()
    before = draw(st.lists(st.sampled_from(TITLES_BEFORE), max_size=2, unique=True))
    after = draw(st.lists(st.sampled_from(TITLES_AFTER), max_size=3, unique=True))
    name = " ".join([*before, core])
    return name + "".join(f", {t}" for t in after)
