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

from bot.calendar import format_date, to_wib, utcnow
from bot.reports import fmt
from bot.reports.charts import render_chart
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
NUMERIC = ("int", "dec1", "dec2", "pct")
CHAR_CM = 0.165  # an average Arial glyph at 8.5 pt
HEADER_CHAR_CM = 0.19  # bold is wider
PAD_CM = 0.3


def docx_steps(report: Report) -> int:
    """How many progress ticks `write_docx` makes for this report."""
    return len(report.sections) + 2


def write_docx(report: Report, path: Path, tick: Tick | None = None) -> Path:
    """Write the report as a .docx file at `path` and return the path."""
    step = tick or (lambda _label: None)
    writer = _Writer(report)
    writer.title_block()
    step("DOCX: halaman judul")
    for number, section in enumerate(report.sections, start=1):
        writer.section(number, section.heading, section.blocks)
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

    # --- title block ------------------------------------------------------------------------

    def title_block(self) -> None:
        """Organisation, title, subtitle, period, date, then the key figures and summary."""
        report, doc = self.report, self.doc
        org = doc.add_paragraph()
        run = org.add_run(report.organisation.upper())
        run.bold, run.font.size, run.font.color.rgb = True, Pt(10), NAVY
        org.add_run("\nChange Agent Network").font.size = Pt(9)
        title = doc.add_paragraph(report.title, style="Title")
        title.paragraph_format.space_before = Pt(18)
        title.paragraph_format.space_after = Pt(2)
        if report.subtitle:
            sub = doc.add_paragraph()
            sub_run = sub.add_run(report.subtitle)
            sub_run.font.size, sub_run.font.color.rgb = Pt(12), GREY
            sub.paragraph_format.space_after = Pt(2)
        period = doc.add_paragraph()
        period_run = period.add_run(f"Periode: {report.period_label}")
        period_run.bold, period_run.font.size = True, Pt(12)
        made = report.generated_on or to_wib(utcnow()).date()
        stamp = doc.add_paragraph()
        stamp_run = stamp.add_run(f"Disusun otomatis oleh CAN Bot, {format_date(made)}")
        stamp_run.italic, stamp_run.font.size, stamp_run.font.color.rgb = True, Pt(9), GREY
        _bottom_rule(stamp)
        stamp.paragraph_format.space_after = Pt(12)
        if report.key_figures:
            doc.add_paragraph("Ringkasan", style="Heading 1")
            rows: list[list[Cell]] = [
                [f.label, Value(f.value, f.fmt) if _numeric(f.value) else f.value]
                for f in report.key_figures
            ]
            cols = [Column("Indikator"), Column("Nilai")]
            self._grid(cols, rows, widths=[TEXT_WIDTH_CM * 0.7, TEXT_WIDTH_CM * 0.3])
        for line in report.summary:
            doc.add_paragraph(line)

    # --- sections ---------------------------------------------------------------------------

    def section(self, number: int, heading: str, blocks: Sequence[Block]) -> None:
        """A numbered heading and its blocks."""
        self.doc.add_paragraph(f"{number}. {heading}", style="Heading 1")
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
