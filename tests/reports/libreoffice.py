"""LibreOffice for the tests that print: a file converted to PDF, and the PDF's text page by page."""

import os
import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: Path) -> Path:
    """source converted beside itself, with a LibreOffice profile of its own so runs never share one."""
    folder = source.parent
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(folder)},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return source.with_suffix(".pdf")


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext -layout)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    return [page for page in text.decode().split("\f") if page.strip()]
