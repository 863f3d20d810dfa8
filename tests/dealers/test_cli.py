"""stopheling verify-register DEALER: the command names the first entry that does not fit."""

from __future__ import annotations

import sqlalchemy as sa

from stopheling.dealers import register as reg
from stopheling.dealers.models import Dealer
from stopheling.extensions import db

from .conftest import NOW, purchase_input


def test_verify_register_command(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        dealer = db.session.get(Dealer, dealer_id)
        for n in range(3):
            reg.record_purchase(db.session, dealer, purchase_input(
                identifiers=(("serial", f"CLI-SERIAL-{n}"),)), actor="t", now=NOW)  # fmt: skip
        db.session.commit()
        kvk = dealer.kvk
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["verify-register", kvk])
    assert ok.exit_code == 0 and "purchase register: every entry fits" in ok.output
    with app.app_context():
        db.session.execute(sa.text("UPDATE purchase_entries SET brand = 'Nokia' WHERE number = 2"))
        db.session.commit()
    broken = runner.invoke(args=["verify-register", str(dealer_id)])
    assert broken.exit_code == 1
    assert "entry 2 does not fit" in broken.output
    missing = runner.invoke(args=["verify-register", "99999999"])
    assert missing.exit_code == 1 and "No dealer" in missing.output
