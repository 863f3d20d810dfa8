"""The stopheling command: import-stolen, create-token, demo."""

import json

from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.stolen.models import StolenItem, StolenItemEvent


def write_ndjson(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


GOOD = {"kind": "plate", "identifier": "52-HZK-7", "police_unit": "NN",
        "reported_on": "2026-01-05", "source_id": "A1"}  # fmt: skip


def count(app, model=StolenItem):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_import_twice_gives_the_same_register(app, tmp_path):
    path = write_ndjson(tmp_path / "items.ndjson", [
        json.dumps(GOOD),
        json.dumps(GOOD | {"source_id": "A2", "identifier": "C02XK1Q2JG5H", "kind": "serial"}),
        json.dumps(GOOD | {"source_id": "A1", "police_unit": "ON"}),  # same id, other unit
    ])  # fmt: skip
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-stolen", path])
    assert first.exit_code == 0, first.output
    assert "created 3, updated 0, unchanged 0, rejected 0" in first.output
    with app.app_context():
        before = sorted(db.session.execute(select(StolenItem.ref, StolenItem.source_id,
                        StolenItem.police_unit_code, StolenItem.key)).all())  # fmt: skip
    second = runner.invoke(args=["import-stolen", path])
    assert "created 0, updated 0, unchanged 3, rejected 0" in second.output
    with app.app_context():
        after = sorted(db.session.execute(select(StolenItem.ref, StolenItem.source_id,
                       StolenItem.police_unit_code, StolenItem.key)).all())  # fmt: skip
    assert before == after and count(app, StolenItemEvent) == 3


def test_changed_line_updates_the_item(app, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(args=["import-stolen", write_ndjson(tmp_path / "a.ndjson", [json.dumps(GOOD)])])
    changed = write_ndjson(tmp_path / "b.ndjson", [json.dumps(GOOD | {"identifier": "52-HZK-8"})])
    result = runner.invoke(args=["import-stolen", changed])
    assert "created 0, updated 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(StolenItem.key)) == "52HZK8"


def test_bad_lines_are_reported_by_number_good_ones_imported(app, tmp_path):
    path = write_ndjson(tmp_path / "mixed.ndjson", [
        json.dumps(GOOD),
        '{"kind": "plate"',
        json.dumps(GOOD | {"source_id": "A3", "reported_on": "yesterday"}),
        json.dumps(GOOD | {"source_id": "A4", "identifier": "onbekend", "kind": "serial"}),
        json.dumps(GOOD | {"source_id": "A5", "identifier": "G-001-BB"}),
        "[1, 2]",
    ])  # fmt: skip
    result = app.test_cli_runner().invoke(args=["import-stolen", path])
    assert result.exit_code == 1
    assert "line 2: invalid_json" in result.output
    assert "line 3: invalid_date" in result.output
    assert "line 4: unusable_identifier" in result.output
    assert "line 6: not_an_object" in result.output
    assert "created 2, updated 0, unchanged 0, rejected 4" in result.output
    assert count(app) == 2


def test_invalid_utf8_line_is_rejected(app, tmp_path):
    path = tmp_path / "latin1.ndjson"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"x": "é"}'.encode("latin-1") + b"\n")
    result = app.test_cli_runner().invoke(args=["import-stolen", str(path)])
    assert "line 2: invalid_encoding" in result.output and count(app) == 1


def test_create_token_prints_a_token_whose_hash_only_is_stored(app):
    from stopheling.accounts.models import ApiToken

    result = app.test_cli_runner().invoke(args=["create-token", "--police-unit", "am"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("shp_")
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.police_unit_code == "AM" and token not in (row.token_hash, row.label)
    bad = app.test_cli_runner().invoke(args=["create-token", "--police-unit", "XX"])
    assert bad.exit_code != 0 and "Unknown police unit" in bad.output


def test_demo_loads_every_kind_category_and_unit(app):
    from stopheling.reference.data import CATEGORIES, police_units

    result = app.test_cli_runner().invoke(args=["demo", "--items", "400"])
    assert result.exit_code == 0, result.output
    assert "Try these" in result.output
    with app.app_context():
        kinds = set(db.session.scalars(select(StolenItem.kind).distinct()))
        categories = set(db.session.scalars(select(StolenItem.category).distinct()))
        units = set(db.session.scalars(select(StolenItem.police_unit_code).distinct()))
    assert kinds == {"serial", "imei", "frame", "plate", "vin"}
    assert categories == set(CATEGORIES)
    assert units == {u["code"] for u in police_units()}
    again = app.test_cli_runner().invoke(args=["demo", "--items", "400"])
    assert "0 created" in again.output and count(app) == 400
