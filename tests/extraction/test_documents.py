"""Reading uploaded documents: real PDFs and DOCX files, and every kind of bad file."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from builders import billion_laughs_docx
from trellis.errors import Invalid
from trellis.extraction.documents import read_document, sniff

LIMIT = 5 * 1024 * 1024


def make_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def make_docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tools"
    table.rows[0].cells[1].text = "Kubernetes"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_a_pdf_cv_is_read_as_text() -> None:
    text = read_document(make_pdf("Data engineer. Python and SQL."), "cv.pdf", max_bytes=LIMIT)
    assert "Python and SQL" in text


def test_a_docx_cv_is_read_with_its_tables() -> None:
    text = read_document(make_docx("Backend developer\nPython, PostgreSQL"), "cv.docx", max_bytes=LIMIT)
    assert "PostgreSQL" in text and "Kubernetes" in text


def test_plain_text_must_be_utf8() -> None:
    assert read_document("Café manager".encode(), "cv.txt", max_bytes=LIMIT) == "Café manager"
    with pytest.raises(Invalid, match="not UTF-8"):
        read_document("Café".encode("latin-1"), "cv.txt", max_bytes=LIMIT)


def test_a_file_that_is_not_the_type_its_name_claims_is_refused() -> None:
    with pytest.raises(Invalid, match="named as PDF but the content is TEXT"):
        read_document(b"just text", "cv.pdf", max_bytes=LIMIT)
    with pytest.raises(Invalid, match="named as DOCX but the content is PDF"):
        read_document(make_pdf("x"), "cv.docx", max_bytes=LIMIT)


def test_an_unsupported_extension_is_refused() -> None:
    with pytest.raises(Invalid, match="unsupported file type"):
        read_document(b"MZ\x90\x00", "cv.exe", max_bytes=LIMIT)


def test_an_encrypted_pdf_is_refused_with_the_reason() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("secret"))))
    writer.encrypt("pw")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(Invalid, match="encrypted"):
        read_document(buf.getvalue(), "cv.pdf", max_bytes=LIMIT)


def test_a_corrupt_pdf_is_refused_with_the_reason() -> None:
    with pytest.raises(Invalid, match=r"damaged|no text"):
        read_document(b"%PDF-1.7\n" + b"\x00garbage" * 100, "cv.pdf", max_bytes=LIMIT)


def test_a_docx_zip_bomb_is_refused_before_it_is_expanded() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("word/media/bomb.bin", b"\0" * (60 * 1024 * 1024))
    with pytest.raises(Invalid, match="zip bomb"):
        read_document(buf.getvalue(), "cv.docx", max_bytes=LIMIT)


def test_a_billion_laughs_docx_is_refused_with_the_reason() -> None:
    with pytest.raises(Invalid, match="DTD or entities"):
        read_document(billion_laughs_docx(), "cv.docx", max_bytes=LIMIT)


def test_a_damaged_docx_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "not xml at all <<<")
    with pytest.raises(Invalid, match=r"DOCX|damaged"):
        read_document(buf.getvalue(), "cv.docx", max_bytes=LIMIT)


def test_an_oversized_or_empty_file_is_refused() -> None:
    with pytest.raises(Invalid, match="over the 10-byte limit"):
        read_document(b"x" * 11, "cv.txt", max_bytes=10)
    with pytest.raises(Invalid, match="empty"):
        read_document(b"", "cv.txt", max_bytes=LIMIT)
    with pytest.raises(Invalid, match="no text found"):
        read_document(b"   \n  ", "cv.txt", max_bytes=LIMIT)


def test_sniffing_tells_the_kinds_apart() -> None:
    assert sniff(make_pdf("x")) == "pdf"
    assert sniff(make_docx("x")) == "docx"
    assert sniff(b"hello") == "text"
    assert sniff(b"\x00\x01\x02binary") == "unknown"
