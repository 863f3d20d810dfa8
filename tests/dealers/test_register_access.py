"""Acceptance 4 of issue 6: each role sees only what it must.

Two municipalities, X (Amsterdam, police unit AM) and Y (Rotterdam, unit RT), each with a
dealer (A in X, B in Y) whose registers hold entries. For every role - the two dealers, the
two municipalities, a BOA of X with and one without a grant, a BOA of Y, police of AM and
of RT, a citizen, an administrator, anonymous - every route of the buyer register is asked,
and both the answer (allowed, 403, 404 or the login page) and what the page shows (dealer
A's data, never B's, and the other way round) are checked.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from stopheling.dealers.models import Dealer
from stopheling.dealers.service import new_dealer_token
from stopheling.extensions import db

from .oversight_world import (
    BRAND_A,
    BRAND_B,
    DEALER_PASSWORD,
    ID_A,
    ID_B,
    SERIAL_A,
    SERIAL_B,
    build_world,
    login,
)

ROLES = (
    "anonymous", "dealer_a", "dealer_b", "municipality_x", "municipality_y", "boa_x",
    "boa_x_no_grant", "boa_y", "police_am", "police_rt", "citizen", "admin",
)  # fmt: skip
INSPECTORS = {"A": {"police_am", "boa_x"}, "B": {"police_rt", "boa_y"}}
OTHER_INSPECTORS = {"A": {"police_rt", "boa_y"}, "B": {"police_am", "boa_x"}}
MUNICIPALITY = {"A": "municipality_x", "B": "municipality_y"}
SELLER = {"A": "Aalbers", "B": "Bakker"}
SERIAL = {"A": SERIAL_A, "B": SERIAL_B}
BRAND = {"A": BRAND_A, "B": BRAND_B}
OTHER = {"A": "B", "B": "A"}
REASON = {"reason": "controle"}


def inspection(side: str, role: str) -> str:
    """Who may use an inspection route for dealer ``side``'s registers."""
    if role == "anonymous":
        return "login"
    if role in INSPECTORS[side]:
        return "ok"
    if role in OTHER_INSPECTORS[side]:
        return "404"  # not in the area: the same answer as a missing dealer
    return "403"  # not an inspector, or a BOA without a grant


def any_inspector(role: str) -> str:
    """Pages of the inspector's own area (the index, the search)."""
    return "ok" if role in INSPECTORS["A"] | INSPECTORS["B"] else inspection("A", role)


def no_photo(role: str) -> str:
    """The entries have no photo: 404 for whoever may look, the usual answer otherwise."""
    return "404" if inspection("A", role) == "ok" else inspection("A", role)


def municipal(side: str | None, role: str) -> str:
    if role == "anonymous":
        return "login"
    if role not in MUNICIPALITY.values():
        return "403"
    if side is None or role == MUNICIPALITY[side]:
        return "ok"
    return "404"


def own_dealer(role: str) -> str:
    if role == "anonymous":
        return "login"
    return "ok" if role in ("dealer_a", "dealer_b") else "403"


def side_of(role: str) -> str | None:
    """The side (A or B) whose data this role may see, if any."""
    for side in ("A", "B"):
        if role in (*INSPECTORS[side], MUNICIPALITY[side], f"dealer_{side.lower()}"):
            return side
    return None


# (method, path, form data, expected(role), shows: whose data an allowed answer shows)
# In paths {A}/{B} are the dealers' ids. "shows" names what must be on the page for the
# role's own side and never for the other side: "serial", "seller", "name" (dealer's name).
CASES = [
    ("GET", "/inspectie/", None, lambda r: any_inspector(r), "name"),
    ("GET", "/inspectie/handelaren/{A}", None, lambda r: inspection("A", r), "serial"),
    ("GET", "/inspectie/handelaren/{B}", None, lambda r: inspection("B", r), "serial"),
    ("GET", "/inspectie/handelaren/{A}/inkoop/1", None, lambda r: inspection("A", r), "serial"),
    ("GET", "/inspectie/handelaren/{B}/inkoop/1", None, lambda r: inspection("B", r), "serial"),
    ("POST", "/inspectie/handelaren/{A}/inkoop/1", REASON, lambda r: inspection("A", r), "seller"),
    ("POST", "/inspectie/handelaren/{B}/inkoop/1", REASON, lambda r: inspection("B", r), "seller"),
    ("GET", "/inspectie/handelaren/{A}/inkoop/1/foto", None, no_photo, None),
    ("GET", "/inspectie/handelaren/{A}/verkoop", None, lambda r: inspection("A", r), None),
    ("GET", "/inspectie/handelaren/{B}/verkoop/1", None, lambda r: inspection("B", r), None),
    ("POST", "/inspectie/handelaren/{A}/verkoop/1", REASON, lambda r: inspection("A", r), None),
    ("GET", "/inspectie/handelaren/{A}/controle", None, lambda r: inspection("A", r), None),
    ("GET", "/inspectie/handelaren/{B}/controle", None, lambda r: inspection("B", r), None),
    ("POST", "/inspectie/zoeken", {"by": "id_document", "query": "{ID}", "reason": "zaak 1"},
     any_inspector, "seller"),  # fmt: skip
    ("GET", "/gemeente/handelaren", None, lambda r: municipal(None, r), "name"),
    ("GET", "/gemeente/naleving", None, lambda r: municipal(None, r), "name"),
    ("GET", "/gemeente/instellingen", None, lambda r: municipal(None, r), None),
    ("GET", "/gemeente/boas", None, lambda r: municipal(None, r), None),
    ("GET", "/gemeente/auditlog", None, lambda r: municipal(None, r), None),
    ("GET", "/gemeente/handelaren/{A}/schorsen", None, lambda r: municipal("A", r), "name"),
    ("GET", "/gemeente/handelaren/{B}/schorsen", None, lambda r: municipal("B", r), "name"),
    ("POST", "/gemeente/handelaren/{A}/herstellen", {}, lambda r: municipal("A", r), None),
    ("POST", "/gemeente/handelaren/{B}/besluit", {"decision": "approve"},
     lambda r: municipal("B", r), None),  # fmt: skip
    ("POST", "/gemeente/boas/{BOA_X}/toegang", {"boa{BOA_X}-basis": "akte 1"},
     lambda r: municipal("A", r), None),  # fmt: skip
    ("POST", "/gemeente/boas/{BOA_Y}/intrekken", {}, lambda r: municipal("B", r), None),
    ("GET", "/handelaar/inkoop", None, own_dealer, "brand"),
    ("GET", "/handelaar/inkoop/1", None, own_dealer, "serial"),
    ("GET", "/handelaar/verkoop", None, own_dealer, None),
    ("GET", "/handelaar/export/inkoop.csv", None, own_dealer, "seller"),
]  # fmt: skip


def outcome(response) -> str:
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    if response.status_code == 302 and "/inloggen" in response.headers["Location"]:
        return "login"
    return "ok"


def markers(world, side: str, kind: str) -> str:
    if kind == "serial":
        return SERIAL[side]
    if kind == "seller":
        return SELLER[side]
    if kind == "brand":
        return BRAND[side]
    return world.names[side]


@pytest.fixture
def world(app_with, make_dealer):
    app = app_with(WTF_CSRF_ENABLED=False)
    built = build_world(app, make_dealer)
    with app.app_context():
        built.names = {  # type: ignore[attr-defined]
            side: db.session.get(Dealer, dealer).name
            for side, dealer in (("A", built.dealer_a), ("B", built.dealer_b))
        }
    built.app = app  # type: ignore[attr-defined]
    return built


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_what_it_must(world, role):
    client = world.app.test_client()
    if role != "anonymous":
        password = DEALER_PASSWORD if role.startswith("dealer") else None
        login(client, world.emails[role], *([password] if password else []))
    mine = side_of(role)
    values = {
        "A": world.dealer_a, "B": world.dealer_b, "BOA_X": world.users["boa_x_no_grant"],
        "BOA_Y": world.users["boa_y"], "ID": {"A": ID_A, "B": ID_B}.get(mine or "A"),
    }  # fmt: skip
    wrong = {}
    for method, path, data, expected, shows in CASES:
        url = path.format(**values)
        form = {k.format(**values): v.format(**values) for k, v in (data or {}).items()}
        response = client.open(url, method=method, data=form if method == "POST" else None)
        got, want = outcome(response), expected(role)
        if got != want:
            wrong[f"{method} {url}"] = (got, want)
        elif got == "ok" and shows and mine:
            text = response.get_data(as_text=True)
            if markers(world, mine, shows) not in text:
                wrong[f"{method} {url} misses"] = markers(world, mine, shows)
            if markers(world, OTHER[mine], shows) in text:
                wrong[f"{method} {url} leaks"] = markers(world, OTHER[mine], shows)
    assert wrong == {}, f"{role}: {wrong}"


def test_a_dealer_token_reads_only_its_own_register(world):
    with world.app.app_context():
        dealer = db.session.get(Dealer, world.dealer_a)
        token = new_dealer_token(db.session, dealer, label="kassa", actor="test")
        db.session.commit()
    client = world.app.test_client()
    body = client.get(
        "/api/v1/dealer/purchases", headers={"Authorization": f"Bearer {token}"}
    ).get_data(as_text=True)
    assert SERIAL_A in body and SERIAL_B not in body and "Bakker" not in body
    session_only = client.get("/api/v1/dealer/purchases")
    assert session_only.status_code == 401


def test_reads_by_each_inspector_land_in_their_own_municipalitys_log(world):
    from stopheling.accounts.models import AuditLog
    from stopheling.dealers.oversight_models import RegisterReadScope

    for role, dealer in (("police_am", world.dealer_a), ("boa_y", world.dealer_b)):
        client = login(world.app.test_client(), world.emails[role])
        url = f"/inspectie/handelaren/{dealer}/inkoop/1"
        assert client.post(url, data={"reason": f"zaak {role}"}).status_code == 200
    with world.app.app_context():
        rows = db.session.execute(
            sa.select(AuditLog.reason, RegisterReadScope.municipality_code).join(
                RegisterReadScope, RegisterReadScope.audit_id == AuditLog.id
            )
        ).all()
    assert sorted(rows) == [("zaak boa_y", "GM0599"), ("zaak police_am", "GM0363")]
