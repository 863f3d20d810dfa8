"""The app the HTTP benchmark serves: stopheling's own app plus one constant route.

``gunicorn -c gunicorn.conf.py bench.bare_app:app`` serves exactly the product
(every blueprint, extension and middleware of ``create_app()``) and, on this
instance only, ``GET /bench/constant``: a constant JSON document of the size of a
check answer, the floor that framework, server and network give the check.
The product itself has no such endpoint.
"""

from __future__ import annotations

from typing import Any

from stopheling.app import create_app

CONSTANT = {
    "query": "SHD4KX9B2R7M1N3P5", "kind": "vin", "normalized": "SHD4KX9B2R7M1N3P5",
    "valid": True, "flagged": False, "matches": [], "near": [], "display": "SHD4KX9B2R7M1N3P5",
}  # fmt: skip

app = create_app()


@app.get("/bench/constant")
def constant() -> dict[str, Any]:
    return CONSTANT
