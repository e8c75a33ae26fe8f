"""Turning an uploaded document into plain text, safely. The type is sniffed from the bytes and
must agree with the name; PDFs and DOCX files are read with limits so that a bomb, an encrypted
or a corrupt file is refused with a clear reason instead of eating the machine."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import PurePath

from trellis.errors import Invalid

MAX_PDF_PAGES = 100
MAX_TEXT_CHARS = 2_000_000
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_DOCX_RATIO = 100
MAX_DOCX_ENTRIES = 2_000
KINDS = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "text", ".text": "text"}


def sniff(data: bytes) -> str:
    """What the bytes are: pdf, docx, text, or unknown."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return "docx" if "word/document.xml" in zf.namelist() else "zip"
        except zipfile.BadZipFile:
            return "unknown"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "unknown"
    return "text"


def read_document(data: bytes, filename: str, *, max_bytes: int) -> str:
    """The text of an uploaded CV or job description, or `Invalid` saying why not."""
    name = PurePath(filename).name or "upload"
    if len(data) > max_bytes:
        raise Invalid(f"{name}: file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    if not data:
        raise Invalid(f"{name}: file is empty")
    claimed = KINDS.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise Invalid(f"{name}: unsupported file type; send .pdf, .docx or .txt")
    actual = sniff(data)
    if actual != claimed:
        raise Invalid(f"{name}: named as {claimed.upper()} but the content is {actual.upper()}")
    text = {"pdf": _pdf_text, "docx": _docx_text, "text": _plain_text}[actual](data, name)
    text = text.strip()
    if not text:
        raise Invalid(f"{name}: no text found (a scanned image needs OCR first)")
    return text[:MAX_TEXT_CHARS]


def _plain_text(data: bytes, name: str) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    raise Invalid(f"{name}: text is not UTF-8 (save it as UTF-8 and try again)")


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Invalid(f"{name}: the PDF is encrypted; remove the password and try again")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise Invalid(f"{name}: the PDF has {len(reader.pages)} pages, over the {MAX_PDF_PAGES}-page limit")
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            chunk = page.extract_text() or ""
            size += len(chunk)
            if size > MAX_TEXT_CHARS:
                raise Invalid(f"{name}: the PDF expands to more than {MAX_TEXT_CHARS:,} characters of text")
            parts.append(chunk)
        return "\n".join(parts)
    except Invalid:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as err:
        raise Invalid(f"{name}: the PDF is damaged and cannot be read ({type(err).__name__})") from err


def _docx_text(data: bytes, name: str) -> str:
    from lxml.etree import XMLSyntaxError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_DOCX_ENTRIES:
                raise Invalid(f"{name}: the DOCX holds {len(infos)} parts, too many for a document")
            total = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if total > MAX_DOCX_UNCOMPRESSED or total / packed > MAX_DOCX_RATIO:
                raise Invalid(f"{name}: the DOCX expands to {total:,} bytes (a zip bomb?); refused")
            if any(i.filename.startswith(("/", "\\")) or ".." in PurePath(i.filename).parts for i in infos):
                raise Invalid(f"{name}: the DOCX has unsafe part names; refused")
            xml = (i for i in infos if i.filename.endswith((".xml", ".rels")))
            if any(b"<!DOCTYPE" in zf.read(i) for i in xml):  # Word never writes a DTD
                raise Invalid(f"{name}: the DOCX declares a DTD or entities (an XML bomb?); refused")
        import docx

        document = docx.Document(io.BytesIO(data))
    except Invalid:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, XMLSyntaxError) as err:
        raise Invalid(f"{name}: the DOCX is damaged and cannot be read ({type(err).__name__})") from err
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
