"""The theft-report sheet as a PDF: one page per stolen item for the police (in Dutch,
their working language), with every identifier, the description, distinguishing marks,
the photos, the receipt and the owner's name.

Photos and image receipts are drawn on the item's page (continuing on a next page when
they do not fit); a PDF receipt's own pages follow the item's page, appended with pypdf.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter

from ..reference.data import CATEGORIES
from .models import VaultItem

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
KIND_LABELS = {
    "serial": "Serienummer",
    "imei": "IMEI-nummer",
    "frame": "Framenummer",
    "plate": "Kenteken",
    "vin": "Chassisnummer (VIN)",
}
PHOTO_HEIGHT = 60.0  # mm
MAX_IMAGE_SIDE = 1400  # px: enough for print, keeps the PDF small


@dataclass(slots=True)
class SheetItem:
    """One item as the sheet shows it: the item, its identifiers in plain text and the
    bytes of its files (read by the caller from the file store)."""

    item: VaultItem
    identifiers: list[dict[str, str]]
    photos: list[bytes] = field(default_factory=list)
    image_receipts: list[bytes] = field(default_factory=list)
    pdf_receipts: list[tuple[str, bytes]] = field(default_factory=list)


def euro(cents: int | None) -> str:
    if cents is None:
        return ""
    whole, part = divmod(cents, 100)
    return f"€ {whole:,}".replace(",", ".") + f",{part:02d}"


def nl_date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


class _Sheet(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        if (FONT_DIR / "DejaVuSans.ttf").exists():
            self.add_font("Sheet", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("Sheet", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.unicode = True
        else:  # the core font: Latin-1 only
            self.unicode = False
        self.family = "Sheet" if self.unicode else "Helvetica"

    def clean(self, text: str) -> str:
        """Text the font can draw: unknown characters become '?' rather than fail."""
        text = "".join(c if c.isprintable() or c == "\n" else " " for c in text)
        if not self.unicode:
            return text.encode("latin-1", "replace").decode("latin-1")
        font = self.fonts["sheet"]
        return "".join(c if c == "\n" or ord(c) in font.cmap else "?" for c in text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 5, f"stopheling · pagina {self.page_no()}", align="C")


def render_pdf(items: list[SheetItem], *, owner_name: str, owner_email: str, today: date) -> bytes:
    """The sheet as PDF bytes."""
    pdf = _Sheet()
    ranges: list[tuple[int, int]] = []
    for entry in items:
        first = pdf.page_no() + 1
        pdf.add_page()
        _item_page(pdf, entry, owner_name, owner_email, today)
        ranges.append((first, pdf.page_no()))
    main = bytes(pdf.output())
    if not any(entry.pdf_receipts for entry in items):
        return main
    return _with_receipts(main, items, ranges)


def _item_page(
    pdf: _Sheet, entry: SheetItem, owner_name: str, owner_email: str, today: date
) -> None:
    item = entry.item
    pdf.set_font(pdf.family, "B", 16)
    pdf.multi_cell(
        0, 8, pdf.clean(f"Gestolen: {item.title or _category(item)}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(pdf.family, "", 9)
    pdf.multi_cell(
        0, 5, pdf.clean(f"Bijlage bij de aangifte, gemaakt op {nl_date(today)} met stopheling."),
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(2)
    _section(pdf, "Eigenaar")
    _row(pdf, "Naam", owner_name or "(geen naam opgegeven)")
    _row(pdf, "E-mailadres", owner_email)
    _section(pdf, "Nummers")
    if not entry.identifiers:
        _row(pdf, "", "(geen nummers vastgelegd)")
    for ident in entry.identifiers:
        _row(pdf, KIND_LABELS.get(ident["kind"], ident["kind"]), ident["display"], mono=True)
        if ident["text"] and ident["text"] != ident["display"]:
            _row(pdf, "  zoals geschreven", ident["text"], mono=True)
    _section(pdf, "Beschrijving")
    for label, value in (
        ("Soort", _category(item)),
        ("Merk", item.brand),
        ("Type", item.model),
        ("Kleur", item.colour),
        ("Kenmerken", item.marks),
        ("Gekocht op", nl_date(item.purchase_date)),
        ("Prijs", euro(item.price_cents)),
        ("Winkel", item.shop),
        ("Opmerkingen", item.notes),
    ):
        if value:
            _row(pdf, label, value)
    _section(pdf, "Diefstal")
    _row(pdf, "Datum", nl_date(item.stolen_on))
    _row(pdf, "Plaats", item.stolen_place)
    if item.stolen_how:
        _row(pdf, "Hoe", item.stolen_how)
    _row(pdf, "Zaaknummer politie", item.police_case or "(nog niet bekend)")
    if entry.photos:
        _section(pdf, "Foto's")
        _images(pdf, entry.photos)
    if entry.image_receipts or entry.pdf_receipts:
        _section(pdf, "Aankoopbewijs")
        _images(pdf, entry.image_receipts)
        for name, _data in entry.pdf_receipts:
            _row(pdf, "PDF", f"{name or 'aankoopbewijs.pdf'}: de pagina's volgen na deze pagina")


def _category(item: VaultItem) -> str:
    return CATEGORIES.get(item.category, (item.category, item.category))[0]


def _section(pdf: _Sheet, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 7, pdf.clean(title), new_x="LMARGIN", new_y="NEXT", border="B")
    pdf.ln(1)


def _row(pdf: _Sheet, label: str, value: str, *, mono: bool = False) -> None:
    pdf.set_font(pdf.family, "B", 10)
    pdf.cell(48, 6, pdf.clean(label))
    pdf.set_font(pdf.family, "B" if mono else "", 11 if mono else 10)
    pdf.multi_cell(0, 6, pdf.clean(value), new_x="LMARGIN", new_y="NEXT")


def _images(pdf: _Sheet, images: list[bytes]) -> None:
    if not images:
        return
    x = pdf.l_margin
    pdf.ln(1)
    for data in images:
        try:
            im = _prepare(data)
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            log.warning("vault sheet: image skipped: %s", exc)
            continue
        width = PHOTO_HEIGHT * im.width / im.height
        width = min(width, pdf.epw)
        height = width * im.height / im.width
        if x + width > pdf.l_margin + pdf.epw:
            x = pdf.l_margin
            pdf.set_y(pdf.get_y() + PHOTO_HEIGHT + 3)
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            x = pdf.l_margin
        pdf.image(im, x=x, y=pdf.get_y(), w=width, h=height)
        x += width + 3
    pdf.set_y(pdf.get_y() + PHOTO_HEIGHT + 3)


def _prepare(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = Image.open(io.BytesIO(data))
        im.load()
    im = ImageOps.exif_transpose(im).convert("RGB")
    im.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    return im


def _with_receipts(main: bytes, items: list[SheetItem], ranges: list[tuple[int, int]]) -> bytes:
    reader = PdfReader(io.BytesIO(main))
    writer = PdfWriter()
    for entry, (first, last) in zip(items, ranges, strict=True):
        for n in range(first - 1, last):
            writer.add_page(reader.pages[n])
        for name, data in entry.pdf_receipts:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for page in PdfReader(io.BytesIO(data), strict=False).pages:
                        writer.add_page(page)
            except Exception:  # a receipt that pypdf cannot copy is listed, not fatal
                log.warning("vault sheet: receipt %s could not be appended", name, exc_info=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
