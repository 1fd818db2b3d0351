"""What a browser would send back from an admin's change form, read from the page itself
(inlines' management forms included), for tests to change a field or two and post."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup


def admin_form_data(page: bytes | str) -> dict[str, Any]:
    """The values of the page's change form, as posted unchanged (files left out)."""
    soup = BeautifulSoup(page, "html.parser")
    form = soup.find("form", id=lambda value: bool(value) and value.endswith("_form"))
    assert form is not None, "no change form on the page (read-only?)"
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = [
                o.get("value", o.text) for o in field.find_all("option") if o.has_attr("selected")
            ]
            data[name] = chosen if field.has_attr("multiple") else (chosen[0] if chosen else "")
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in {"file", "submit", "button", "image", "reset"}:
            data[name] = field.get("value", "")
    return data
