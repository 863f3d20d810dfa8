"""Acceptance 4: a file over the limit, a file that is not the type its name says, and an
image bomb each get a clear message and store nothing (no row, no file, no item)."""

from __future__ import annotations

import functools
import gc
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from stopheling.errors import StophelingError
from stopheling.extensions import db
from stopheling.vault.files import check_upload
from stopheling.vault.models import VaultFile, VaultItem

from .conftest import add_item, jpeg, log_in, make_resident, stored_files, token_of
from .pdfs import one_page_pdf

LIMIT = 200_000


@functools.cache
def bomb_png(side: int = 12_000) -> bytes:
    """A tiny PNG that declares side x side pixels (144 megapixels of white)."""
    buf = io.BytesIO()
    Image.new("1", (side, side), 1).save(buf, "PNG")
    return buf.getvalue()


@functools.cache
def big_jpeg() -> bytes:
    """A real JPEG over LIMIT bytes (noise does not compress)."""
    import os

    buf = io.BytesIO()
    Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3)).save(buf, "JPEG", quality=100)
    data = buf.getvalue()
    assert len(data) > LIMIT
    return data


BAD = {
    "over the limit": (big_jpeg, "groot.jpg", "te groot", 413),
    "html named .jpg": (
        lambda: b"<html><script>alert(1)</script></html>",
        "foto.jpg",
        "geen JPEG",
        415,
    ),
    "text named .pdf": (lambda: b"just some text, not a PDF", "bon.pdf", "geen JPEG", 415),
    "png bytes cut short": (lambda: jpeg()[:200], "kapot.jpg", "beschadigd", 422),
    "image bomb": (bomb_png, "bom.png", "veel te veel pixels", 413),
    "pdf header only": (lambda: b"%PDF-1.7\n garbage", "bon.pdf", "beschadigd", 422),
}


@pytest.fixture
def limited(app_with, files_dir):
    app = app_with(
        VAULT_FILES_DIR=str(files_dir), VAULT_MAX_FILE_BYTES=LIMIT, VAULT_MAX_PIXELS=40_000_000
    )
    make_resident(app, "bestanden@example.invalid")
    return app, log_in(app.test_client(), "bestanden@example.invalid")


def _counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m)) for m in (VaultItem, VaultFile)
        )


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_on_the_new_item_form_stores_nothing(limited, files_dir, case):
    app, client = limited
    make, name, text, status = BAD[case]
    data = {
        "csrf_token": token_of(client, "/spullen/nieuw"), "category": "overig",
        "identifiers-0-text": "UPLOAD-0001",
        "photos": [(io.BytesIO(jpeg()), "goed.jpg"), (io.BytesIO(make()), name)],
    }  # fmt: skip
    r = client.post("/spullen/nieuw", data=data, content_type="multipart/form-data")
    assert r.status_code == status
    assert text in r.text and 'role="alert"' in r.text and name in r.text
    assert _counts(app) == (0, 0) and stored_files(files_dir) == []


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_added_to_an_item_stores_nothing(limited, files_dir, case):
    app, client = limited
    path = add_item(client)
    make, name, text, status = BAD[case]
    data = {
        "csrf_token": token_of(client, path),
        "role": "photo",
        "files": [(io.BytesIO(make()), name)],
    }
    r = client.post(path + "/bestanden", data=data, content_type="multipart/form-data")
    assert r.status_code == status and text in r.text and 'id="upload-error"' in r.text
    assert _counts(app) == (1, 0) and stored_files(files_dir) == []


# The test client spools a large body to a temporary file that it leaves open when the
# app refuses the body unread; that warning is the client's, not the app's.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_request_far_over_every_limit_gets_a_clear_page(limited, files_dir):
    app, client = limited
    data = {
        "csrf_token": token_of(client, "/spullen/nieuw"),
        "photos": [(io.BytesIO(b"\xff\xd8\xff" + b"0" * (12 * 1024 * 1024)), "x.jpg")],
    }
    r = client.post("/spullen/nieuw", data=data, content_type="multipart/form-data")
    assert r.status_code == 413 and "Er is niets opgeslagen" in r.text
    assert _counts(app) == (0, 0) and stored_files(files_dir) == []
    del r, data
    gc.collect()  # the client's leftover temporary file is closed here, inside this test


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (lambda: jpeg(), "image/jpeg"),
        (lambda: _png(), "image/png"),
        (lambda: _webp(), "image/webp"),
        (lambda: one_page_pdf("Bon"), "application/pdf"),
    ],
)
def test_the_four_accepted_types_are_known_by_content(data, content_type):
    assert check_upload(data(), max_bytes=LIMIT, max_pixels=10_000_000).content_type == content_type


def test_an_encrypted_pdf_is_refused():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(one_page_pdf("Bon"))))
    writer.encrypt("geheim")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(StophelingError) as exc:
        check_upload(out.getvalue(), max_bytes=LIMIT, max_pixels=10_000_000)
    assert exc.value.code == "pdf_encrypted"


def test_a_bomb_is_refused_before_it_is_decoded():
    data = bomb_png()
    assert len(data) < LIMIT
    with pytest.raises(StophelingError) as exc:
        check_upload(data, max_bytes=LIMIT, max_pixels=40_000_000)
    assert exc.value.code == "image_bomb"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def _webp() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "green").save(buf, "WEBP")
    return buf.getvalue()
