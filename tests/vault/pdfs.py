"""Small PDFs for tests, made with fpdf2."""

from __future__ import annotations

from fpdf import FPDF


def one_page_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())
