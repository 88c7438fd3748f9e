"""The PDF of a report, made from its .docx by LibreOffice headless (Debian's packages).

Without LibreOffice (`soffice` not on PATH) there is no PDF: the caller sends the Word
document alone and says so. Each conversion runs with its own LibreOffice profile, so two
reports made at once do not fight over one profile's lock.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
TIMEOUT_S = 180


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path) -> Path | None:
    """Write `<name>.pdf` beside `docx` and return it; None when it cannot be made."""
    program = soffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="can-lo-") as profile:
        command = [
            program,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx.parent),
            str(docx),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("PDF of %s not made: %s", docx.name, error)
            return None
    pdf = docx.with_suffix(".pdf")
    return pdf if pdf.is_file() else None
