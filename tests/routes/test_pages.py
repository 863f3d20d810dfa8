"""The citizen's pages, rendered by the server (no JavaScript involved)."""

import re

import pytest


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_page_has_one_labelled_input(client):
    r = client.get("/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and '<html lang="nl">' in html
    assert '<label for="q">' in html and 'id="q" name="q"' in html
    assert 'action="/controleren" method="get"' in html
    assert "Is het gestolen?" in text_of(r)


def test_flagged_result_says_stolen_what_to_do_and_the_unit(client, add_items):
    add_items({"kind": "frame", "identifier": "GZ1234567", "brand": "Gazelle",
               "colour": "zwart", "police_unit": "RT", "case_ref": "GEHEIM-1"})  # fmt: skip
    r = client.get("/controleren", query_string={"q": "gz 1234567"})
    page = text_of(r)
    assert r.status_code == 200
    assert "Let op: dit staat geregistreerd als gestolen" in page
    assert "Koop het niet." in page and "Eenheid Rotterdam" in page and "Gazelle" in page
    assert "GEHEIM" not in r.get_data(as_text=True)


def test_clean_result_says_not_found_is_no_proof(client):
    page = text_of(client.get("/controleren", query_string={"q": "NOTSTOLEN123"}))
    assert "Niet gevonden in het register" in page
    assert "Dat bewijst niet dat het niet gestolen is." in page


def test_invalid_imei_is_explained(client):
    page = text_of(client.get("/controleren", query_string={"q": "356938035643808"}))
    assert "controlecijfer" in page


def test_near_match_is_offered_as_did_you_mean(client, add_items):
    add_items({"kind": "serial", "identifier": "WTU043C09876H"})
    r = client.get("/controleren", query_string={"q": "WTU043C09877H"})
    page = text_of(r)
    assert "Niet gevonden in het register" in page and "Bedoelde u…?" in page
    assert "/controleren?q=WTU043C09876H&amp;kind=serial" in r.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "   ", "x" * 101])
def test_empty_or_too_long_query_explains_itself(client, query):
    r = client.get("/controleren", query_string={"q": query})
    assert r.status_code == 400
    assert 'role="alert"' in r.get_data(as_text=True) and 'aria-invalid="true"' in r.get_data(
        as_text=True
    )


def test_query_is_escaped(client):
    r = client.get("/controleren", query_string={"q": "<script>alert(1)</script>"})
    assert "<script>alert" not in r.get_data(as_text=True)


def test_language_switch_is_remembered(client, add_items):
    r = client.get("/taal/en?next=/controleren%3Fq%3DABC123456")
    assert r.status_code == 302 and r.headers["Location"] == "/controleren?q=ABC123456"
    page = client.get("/controleren", query_string={"q": "ABC123456"})
    assert "Not found in the register" in text_of(page)
    assert '<html lang="en">' in page.get_data(as_text=True)
    client.get("/taal/nl")
    assert "Niet gevonden" in text_of(client.get("/controleren", query_string={"q": "ABC123456"}))


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_language_switch_never_redirects_elsewhere(client, target):
    r = client.get("/taal/en", query_string={"next": target})
    assert r.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_404(client):
    r = client.get("/bestaat-niet")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "Deze pagina bestaat niet." in text_of(r)
