"""Language choice: Dutch by default, English on request; the choice is remembered."""

from __future__ import annotations

from flask import current_app, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return str(candidate)
    if request.path.startswith("/api/"):
        # apps say which language their user reads; the pages stay Dutch until asked
        best = request.accept_languages.best_match(languages)
        if best:
            return str(best)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])
