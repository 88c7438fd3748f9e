"""A `Report` as a Word document (python-docx): A4 portrait, Indonesian captions, page numbers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TypeGuard

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image as PILImage

from bot.calendar import to_wib, utcnow
from bot.reports import fmt
from bot.reports.charts import render_chart
from bot.reports.definitions import STEP_TERMS
from bot.reports.model import (
    Block,
    Cell,
    Chart,
    Column,
    Gallery,
    Image,
    Paragraph,
    Report,
    Subheading,
    Table,
    Value,
)

Tick = Callable[[str], None]

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "1F4E79"
ZEBRA_FILL = "EEF3F8"
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGIN_LEFT_CM, MARGIN_RIGHT_CM = 2.5, 2.0
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM
THUMBNAIL_DPI = 150
NUMERIC = ("int", "num1", "dec1", "dec2", "pct")
CHAR_CM = 0.165  # an average Arial glyph at 8.5 pt
HEADER_CHAR_CM = 0.19  # bold is wider
PAD_CM = 0.45  # the cell margins (2 x 70 twips) and a little air


LOGO = Path(__file__).resolve().parents[2] / "templates" / "reports" / "logo.png"
"""The office's logo for the cover; without the file the cover keeps an empty framed slot."""
ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
CITY = "Bengkulu"
FRONT_STYLE = "Judul Bagian"


def docx_steps(report: Report) -> int:
    """How many progress ticks `write_docx` makes for this report."""
    return len(report.sections) + 4


def roman(n: int) -> str:
    """1 is 'I', 12 is 'XII' (chapter numbers)."""
    return ROMAN_NUMERALS[n - 1] if 0 < n <= len(ROMAN_NUMERALS) else str(n)


def chapters(report: Report) -> list[tuple[str, str]]:
    """(number, heading) of every chapter in order: the contents list and the headings."""
    body = [s for s in report.sections if s.role != "appendix"]
    names = ["Pendahuluan", "Ringkasan hasil", *(s.heading for s in body), "Penutup"]
    out = [(f"BAB {roman(i)}", name) for i, name in enumerate(names, start=1)]
    appendix = [s for s in report.sections if s.role == "appendix"]
    out += [
        (f"Lampiran {i}", s.heading.removeprefix("Lampiran: "))
        for i, s in enumerate(appendix, start=1)
    ]
    return out


def write_docx(report: Report, path: Path, tick: Tick | None = None) -> Path:
    """Write the report as a .docx file at `path` and return the path.

    Cover, foreword, contents, introduction, the summary told from the figures, one chapter
    per section, the closing chapter (conclusions, recommendations, follow-up plan and the
    signature block), then the appendices; every chapter starts on a new page.
    """
    step = tick or (lambda _label: None)
    writer = _Writer(report)
    writer.cover()
    writer.foreword()
    step("DOCX: sampul dan kata pengantar")
    writer.contents()
    writer.introduction()
    step("DOCX: daftar isi dan pendahuluan")
    writer.summary_chapter()
    step("DOCX: ringkasan")
    listed = chapters(report)
    body = [s for s in report.sections if s.role != "appendix"]
    for index, section in enumerate(body, start=3):
        number, _ = listed[index - 1]
        writer.section(number, section.heading, section.blocks)
        step(f"DOCX: {section.heading}")
    writer.closing(listed[len(body) + 2][0])
    for (number, name), section in zip(
        listed[len(body) + 3 :], [s for s in report.sections if s.role == "appendix"], strict=True
    ):
        writer.section(number, name, section.blocks)
        step(f"DOCX: {section.heading}")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.doc.save(str(path))
    step("DOCX: disimpan")
    return path


def _set_font(style: ParagraphStyle, size: float, bold: bool | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        # theme fonts (Calibri Light in the default template) would win over the name we set
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        fonts.set(qn("w:cs"), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "id-ID")


def _shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)


def _field_begin(paragraph: DocxParagraph, instruction: str) -> None:
    """Open a field whose shown result follows, up to `_field_end` (it may span paragraphs)."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    for element in (begin, text, separate):
        run._r.append(element)


def _field_end(paragraph: DocxParagraph) -> None:
    """Close the field `_field_begin` opened."""
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _bottom_rule(paragraph: DocxParagraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4")):
        bottom.set(qn(key), value)
    bottom.set(qn("w:color"), HEADER_FILL)
    borders.append(bottom)
    ppr.append(borders)


def _cell_margins(table: DocxTable) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 15), ("left", 70), ("bottom", 15), ("right", 70)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.append(margins)


def _no_borders(table: DocxTable) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tblpr.append(borders)


def _widths(columns: list[Column], texts: list[list[str]]) -> list[float]:
    """Column widths in cm: never narrower than the longest word, the rest shared by need."""
    mins: list[float] = []
    wants: list[float] = []
    for i, column in enumerate(columns):
        header_word = max((len(w) for w in column.name.split()), default=3)
        body_word = max((len(w) for row in texts for w in row[i].split()), default=1)
        longest = max([len(column.name)] + [len(row[i]) for row in texts])
        mins.append(max(min(header_word, 16) * HEADER_CHAR_CM, min(body_word, 18) * CHAR_CM))
        wants.append(min(longest, 60) * CHAR_CM)
    mins = [m + PAD_CM for m in mins]
    wants = [max(w + PAD_CM, m) for w, m in zip(wants, mins, strict=True)]
    if sum(mins) >= TEXT_WIDTH_CM:
        return [m * TEXT_WIDTH_CM / sum(mins) for m in mins]
    if sum(wants) <= TEXT_WIDTH_CM:
        return [w * TEXT_WIDTH_CM / sum(wants) for w in wants]
    spare = TEXT_WIDTH_CM - sum(mins)
    need = [w - m for w, m in zip(wants, mins, strict=True)]
    return [m + spare * n / sum(need) for m, n in zip(mins, need, strict=True)]


def _numeric(value: Cell) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def thumbnail(path: Path, width_cm: float) -> BytesIO | None:
    """A PNG of the picture scaled down to `width_cm` at 150 dpi; None when it cannot be read."""
    try:
        with PILImage.open(path) as original:
            picture = original.convert("RGB")
    except (OSError, ValueError):
        return None
    width_px = max(1, round(width_cm / 2.54 * THUMBNAIL_DPI))
    if picture.width > width_px:
        height_px = max(1, round(picture.height * width_px / picture.width))
        picture = picture.resize((width_px, height_px), PILImage.Resampling.LANCZOS)
    buffer = BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    buffer.seek(0)
    return buffer


class _Writer:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.doc: DocxDocument = Document()
        self.tables = 0
        self.figures = 0
        self._setup()

    def _setup(self) -> None:
        doc = self.doc
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
        section.left_margin, section.right_margin = Cm(MARGIN_LEFT_CM), Cm(MARGIN_RIGHT_CM)
        section.footer_distance = Cm(1.0)
        styles = doc.styles
        normal = styles["Normal"]
        assert isinstance(normal, ParagraphStyle)
        _set_font(normal, 10.5)
        normal.paragraph_format.space_after = Pt(4)
        for name, size in (("Title", 20.0), ("Heading 1", 14.0), ("Heading 2", 11.5)):
            style = styles[name]
            assert isinstance(style, ParagraphStyle)
            _set_font(style, size, bold=True)
            style.font.color.rgb = NAVY
        for name in ("Heading 1", "Heading 2"):
            heading = styles[name]
            assert isinstance(heading, ParagraphStyle)
            heading.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
            heading.paragraph_format.space_after = Pt(6)
            heading.paragraph_format.keep_with_next = True
        chapter = styles["Heading 1"]
        assert isinstance(chapter, ParagraphStyle)
        chapter.paragraph_format.page_break_before = True  # every chapter on a new page
        chapter.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        chapter.paragraph_format.space_after = Pt(18)
        front = styles.add_style(FRONT_STYLE, 1)
        assert isinstance(front, ParagraphStyle)
        front.base_style = normal
        _set_font(front, 14.0, bold=True)
        front.font.color.rgb = NAVY
        front.paragraph_format.page_break_before = True
        front.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        front.paragraph_format.space_after = Pt(18)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal.paragraph_format.line_spacing = 1.15
        footer_style = styles["Footer"]
        assert isinstance(footer_style, ParagraphStyle)
        _set_font(footer_style, 8.0)
        footer_style.font.color.rgb = GREY
        for name in ("Quote", "List Bullet", "Caption"):
            style = styles[name]
            assert isinstance(style, ParagraphStyle)
            _set_font(style, 10.0 if name != "Caption" else 9.0)
        cell_style = styles.add_style("Isi Tabel", 1)
        assert isinstance(cell_style, ParagraphStyle)
        cell_style.base_style = normal
        _set_font(cell_style, 8.5)
        cell_style.paragraph_format.space_after = Pt(0)
        cell_style.paragraph_format.space_before = Pt(0)
        # table text reads left to right: justified cells spread "1 hari kerja" apart
        cell_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self.cell_style = cell_style
        self.cell_style_id = cell_style.style_id
        props = doc.core_properties
        props.title = self.report.title
        props.subject = self.report.period_label
        props.author = "CAN Bot"
        props.language = "id-ID"
        props.created = datetime.now().replace(microsecond=0)
        self._footer()

    def _footer(self) -> None:
        footer = self.doc.sections[0].footer
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.style = self.doc.styles["Footer"]
        paragraph.add_run(f"{self.report.title} · {self.report.period_label} · Halaman ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" dari ")
        _field(paragraph, "NUMPAGES")

    # --- front matter ----------------------------------------------------------------------

    def _centred(self, text: str, size: float, bold: bool = False, after: float = 6) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(after)
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
        if bold:
            run.font.color.rgb = NAVY

    def _made_on(self) -> str:
        return fmt.day(self.report.generated_on or to_wib(utcnow()).date())

    def cover(self) -> None:
        """The cover: logo slot, title, period, office."""
        report, doc = self.report, self.doc
        top = doc.add_paragraph()
        top.paragraph_format.space_before = Pt(36)
        self._logo()
        self._centred(report.organisation.upper(), 13, bold=True, after=2)
        self._centred("CHANGE AGENT NETWORK", 11, after=48)
        title = doc.add_paragraph(report.title.upper(), style="Title")
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(8)
        if report.subtitle:
            self._centred(report.subtitle, 12, after=24)
        self._centred(f"Periode {report.period_label}", 14, bold=True, after=120)
        self._centred(report.organisation, 12, bold=True, after=2)
        self._centred(f"{CITY}, {self._made_on()}", 11, after=2)

    def _logo(self) -> None:
        if LOGO.is_file():
            picture = self.doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(str(LOGO), width=Cm(3.5))
            return
        # an empty framed slot the office fills with its logo
        table = self.doc.add_table(rows=1, cols=1)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        table.columns[0].width = Cm(3.5)
        cell = table.rows[0].cells[0]
        cell.width = Cm(3.5)
        table.rows[0].height = Cm(3.5)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(36)
        run = paragraph.add_run("Logo BPS")
        run.italic, run.font.size, run.font.color.rgb = True, Pt(9), GREY
        self.doc.add_paragraph().paragraph_format.space_after = Pt(12)

    def foreword(self) -> None:
        """Kata pengantar, signed by the Change Agent Network team."""
        report, doc = self.report, self.doc
        doc.add_paragraph("KATA PENGANTAR", style=FRONT_STYLE)
        # "Laporan ... Triwulan" + "Triwulan IV 2026" reads "Laporan ... Triwulan IV 2026"
        head, _, last = report.title.rpartition(" ")
        label = report.period_label
        what = f"{head} {label}" if label.split()[0] == last else f"{report.title} {label}"
        sop = f" sesuai {report.sop}" if report.sop else ""
        for text in (
            f"Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa atas tersusunnya {what}.",
            f"Laporan ini disusun{sop} sebagai bahan evaluasi pelaksanaan program Manajemen "
            "Perubahan di lingkungan Badan Pusat Statistik Provinsi Bengkulu. Seluruh angka "
            "dihimpun dari catatan CAN Bot, asisten percakapan yang mencatat setiap langkah "
            "SOP, sehingga capaian dan kendala dapat ditelusuri sampai ke setiap kegiatan.",
            "Kami menyampaikan terima kasih kepada semua pihak yang telah berperan dalam "
            "pelaksanaan kegiatan. Kritik dan saran untuk perbaikan laporan berikutnya sangat "
            "kami harapkan.",
        ):
            doc.add_paragraph(text)
        for line, after in (
            (f"{CITY}, {self._made_on()}", 2),
            ("Tim Change Agent Network", 2),
            (report.organisation, 0),
        ):
            signed = doc.add_paragraph(line)
            signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            signed.paragraph_format.space_after = Pt(after)
        doc.paragraphs[-3].paragraph_format.space_before = Pt(24)

    def contents(self) -> None:
        """Daftar isi: a Word TOC field whose shown text is the written list of chapters.

        Word fills in page numbers when the field is updated; until then, and in LibreOffice,
        the written list shows as it is.
        """
        doc = self.doc
        doc.add_paragraph("DAFTAR ISI", style=FRONT_STYLE)
        entries = chapters(self.report)
        paragraphs = []
        for number, name in entries:
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.space_after = Pt(4)
            paragraph.paragraph_format.left_indent = Cm(0)
            paragraphs.append((paragraph, f"{number}  {name}"))
        first, _ = paragraphs[0]
        _field_begin(first, 'TOC \\o "1-1" \\h \\z \\u')
        for paragraph, text in paragraphs:
            run = paragraph.add_run(text)
            run.font.size = Pt(11)
        last, _ = paragraphs[-1]
        _field_end(last)

    def introduction(self) -> None:
        """Bab I: background, aims, scope and period, data and definitions."""
        report, doc = self.report, self.doc
        doc.add_paragraph("BAB I PENDAHULUAN", style="Heading 1")
        doc.add_paragraph("1.1 Latar Belakang", style="Heading 2")
        if report.purpose:
            doc.add_paragraph(report.purpose)
        sop = f" dan {report.sop}" if report.sop else ""
        doc.add_paragraph(
            "Program Manajemen Perubahan BPS Provinsi Bengkulu dijalankan oleh Change Agent "
            f"Network berdasarkan standar operasional prosedur yang berlaku{sop}. Setiap "
            "langkah SOP memiliki mutu baku waktu yang menjadi ukuran kinerja pelaksanaannya."
        )
        doc.add_paragraph("1.2 Tujuan", style="Heading 2")
        doc.add_paragraph(
            f"Laporan ini bertujuan menyajikan capaian pelaksanaan pada {report.period_label}, "
            "tingkat kepatuhan terhadap mutu baku waktu SOP, kendala yang dihadapi, serta "
            "rekomendasi perbaikan bagi pimpinan."
        )
        doc.add_paragraph("1.3 Ruang Lingkup dan Sumber Data", style="Heading 2")
        doc.add_paragraph(
            f"Laporan mencakup seluruh kegiatan pada {report.period_label} yang tercatat "
            "dalam CAN Bot: permintaan, penugasan, pelaksanaan, dokumentasi, dan evaluasi. "
            "Waktu dinyatakan dalam WIB; hari kerja tidak mencakup akhir pekan, hari libur "
            "nasional, dan cuti bersama."
        )
        doc.add_paragraph("1.4 Definisi", style="Heading 2")
        for text in (*report.definitions, *STEP_TERMS):
            doc.add_paragraph(text, style="List Bullet")

    def summary_chapter(self) -> None:
        """Bab II: the key figures and the narrative written from them."""
        report, doc = self.report, self.doc
        doc.add_paragraph("BAB II RINGKASAN HASIL", style="Heading 1")
        for line in report.narrative:
            doc.add_paragraph(line)
        for line in report.summary:
            doc.add_paragraph(line)
        if report.key_figures:
            self.tables += 1
            self._caption(f"Tabel {self.tables}. Indikator utama {report.period_label}", True)
            rows: list[list[Cell]] = [
                [f.label, Value(f.value, f.fmt) if _numeric(f.value) else f.value]
                for f in report.key_figures
            ]
            cols = [Column("Indikator"), Column("Nilai")]
            self._grid(cols, rows, widths=[TEXT_WIDTH_CM * 0.7, TEXT_WIDTH_CM * 0.3])

    def closing(self, number: str) -> None:
        """The closing chapter: conclusions, recommendations, follow-up plan, signatures."""
        report, doc = self.report, self.doc
        doc.add_paragraph(f"{number} PENUTUP", style="Heading 1")
        doc.add_paragraph("Kesimpulan", style="Heading 2")
        for line in report.conclusions or ("…",):
            doc.add_paragraph(line, style="List Bullet")
        doc.add_paragraph("Rekomendasi", style="Heading 2")
        for line in report.recommendations or ("…",):
            doc.add_paragraph(line, style="List Bullet")
        self.paragraph(
            Paragraph(
                "Kesimpulan dan rekomendasi di atas adalah rancangan dari data; CC dapat "
                "menyunting atau melengkapinya sebelum laporan disampaikan.",
                "note",
            )
        )
        doc.add_paragraph("Rencana Tindak Lanjut", style="Heading 2")
        self._grid(
            [
                Column("No", "int"),
                Column("Tindak lanjut"),
                Column("Penanggung jawab"),
                Column("Target waktu"),
            ],
            [[i, "", "", ""] for i in range(1, 4)],
            widths=[1.2, 8.3, 4.0, 3.0],
        )
        self.signatures()

    def signatures(self) -> None:
        """'Mengetahui, Kepala BPS Provinsi Bengkulu' beside the CC, with name and NIP lines."""
        self.doc.add_paragraph().paragraph_format.space_after = Pt(12)
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        blocks = (
            ("", "Mengetahui,", "Kepala BPS Provinsi Bengkulu"),
            (f"{CITY}, {self._made_on()}", "", "Change Champion"),
        )
        for cell, (place, knows, office) in zip(table.rows[0].cells, blocks, strict=True):
            cell.width = Cm(TEXT_WIDTH_CM / 2)
            lines = [place, knows, office, "", "", "", "(nama lengkap)", "NIP. ………………"]
            first = cell.paragraphs[0]
            for index, line in enumerate(lines):
                paragraph = first if index == 0 else cell.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.add_run(line)

    # --- sections ---------------------------------------------------------------------------

    def section(self, number: str, heading: str, blocks: Sequence[Block]) -> None:
        """A chapter: its heading on a new page, then its blocks."""
        self.doc.add_paragraph(f"{number} {heading.upper()}", style="Heading 1")
        for block in blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        """Any block, handed to its writer."""
        if isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Subheading):
            self.doc.add_paragraph(block.text, style="Heading 2")
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Chart):
            self.chart(block)
        elif isinstance(block, Image):
            self.image(block)
        else:
            self.gallery(block)

    def paragraph(self, block: Paragraph) -> None:
        """Plain text, a quote, a bullet or a small note."""
        doc = self.doc
        if block.style == "quote":
            quote = doc.add_paragraph(f"“{block.text}”", style="Quote")
            quote.paragraph_format.left_indent = Cm(0.8)
        elif block.style == "bullet":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.style == "note":
            note = doc.add_paragraph()
            run = note.add_run(block.text)
            run.italic, run.font.size, run.font.color.rgb = True, Pt(8.5), GREY
        else:
            doc.add_paragraph(block.text)

    def _caption(self, text: str, before: bool) -> None:
        caption = self.doc.add_paragraph(style="Caption")
        run = caption.add_run(text)
        run.bold, run.italic = True, False
        run.font.color.rgb = NAVY
        caption.paragraph_format.keep_with_next = before
        caption.paragraph_format.space_before = Pt(6 if before else 0)
        caption.paragraph_format.space_after = Pt(3 if before else 8)
        if not before:
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def table(self, block: Table) -> None:
        """A numbered caption and the table, or a note when it has no rows."""
        self.tables += 1
        self._caption(f"Tabel {self.tables}. {block.title}", before=True)
        columns = [c for c in block.cols if c.in_docx]
        keep = [i for i, c in enumerate(block.cols) if c.in_docx]
        rows = [[row[i] if i < len(row) else None for i in keep] for row in block.rows]
        if not rows:
            self.paragraph(Paragraph("Tidak ada data pada periode ini.", "note"))
            return
        self._grid(columns, rows)
        if block.note:
            self.paragraph(Paragraph(block.note, "note"))

    def _grid(
        self, columns: list[Column], rows: list[list[Cell]], widths: list[float] | None = None
    ) -> None:
        texts = [
            [fmt.cell_text(v, c.fmt) for v, c in zip(row, columns, strict=True)] for row in rows
        ]
        kinds = [
            [fmt.resolve(v, c.fmt)[1] for v, c in zip(row, columns, strict=True)] for row in rows
        ]
        widths = widths or _widths(columns, texts)
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _cell_margins(table)
        for i, width in enumerate(widths):
            table.columns[i].width = Cm(width)
        header, *body = table.rows
        trpr = header._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))  # repeat the header on every page
        for i, (cell, column) in enumerate(zip(header.cells, columns, strict=True)):
            cell.width = Cm(widths[i])
            _shade(cell, HEADER_FILL)
            paragraph = cell.paragraphs[0]
            paragraph._p.style = self.cell_style_id
            run = paragraph.add_run(column.name)
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        for r, (row, line, line_kinds) in enumerate(zip(body, texts, kinds, strict=True)):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for i, cell in enumerate(row.cells):
                cell.width = Cm(widths[i])
                if r % 2:
                    _shade(cell, ZEBRA_FILL)
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self.cell_style_id
                paragraph.add_run(line[i])
                if line_kinds[i] in NUMERIC:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.space_after = Pt(2)

    def chart(self, block: Chart) -> None:
        """The chart as a picture with a numbered caption."""
        if not block.categories or not block.series:
            self.paragraph(Paragraph(f"{block.title}: tidak ada data.", "note"))
            return
        self.figures += 1
        picture = self.doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        png = BytesIO(render_chart(block))
        picture.add_run().add_picture(png, width=Cm(min(16.0, TEXT_WIDTH_CM)))
        self._caption(f"Gambar {self.figures}. {block.title}", before=False)

    def image(self, block: Image) -> None:
        """One thumbnail, centred, with its caption."""
        picture = thumbnail(Path(block.path), block.width_cm)
        if picture is None:
            self.paragraph(Paragraph(f"[Gambar tidak tersedia: {Path(block.path).name}]", "note"))
            return
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(picture, width=Cm(block.width_cm))
        if block.caption:
            self.figures += 1
            self._caption(f"Gambar {self.figures}. {block.caption}", before=False)

    def gallery(self, block: Gallery) -> None:
        """Thumbnails in a borderless grid, each with its caption."""
        if block.title:
            self.figures += 1
            self._caption(f"Gambar {self.figures}. {block.title}", before=True)
        if not block.images:
            self.paragraph(Paragraph("Tidak ada gambar pada periode ini.", "note"))
            return
        per_row = max(1, block.columns)
        slot = TEXT_WIDTH_CM / per_row
        n_rows = -(-len(block.images) // per_row)
        table = self.doc.add_table(rows=n_rows, cols=per_row)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        for row in table.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for index, image in enumerate(block.images):
            cell = table.rows[index // per_row].cells[index % per_row]
            cell.width = Cm(slot)
            top = cell.paragraphs[0]
            top.alignment = WD_ALIGN_PARAGRAPH.CENTER
            width = min(image.width_cm, slot - 0.4)
            picture = thumbnail(Path(image.path), width)
            if picture is None:
                run = top.add_run(f"[tidak tersedia: {Path(image.path).name}]")
                run.italic, run.font.size, run.font.color.rgb = True, Pt(8), GREY
            else:
                top.add_run().add_picture(picture, width=Cm(width))
            if image.caption:
                caption = cell.add_paragraph()
                caption._p.style = self.cell_style_id
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
                caption.paragraph_format.space_after = Pt(6)
                caption_run = caption.add_run(image.caption)
                caption_run.font.size = Pt(8)
        self.doc.add_paragraph()
