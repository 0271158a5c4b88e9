"""Korean and English: the catalogue is complete, and pages speak the language the reader asks for."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict]:
    """Entries of a .po file as ``{"flags", "msgctxt", "msgid", "msgid_plural", "msgstr": [...]}`` (plain Python,
    no polib)."""
    entries = []
    for block in text.strip().split("\n\n"):
        if all(line.startswith("#") for line in block.splitlines()):
            continue  # obsolete ("#~") entries are history, not part of the catalogue
        entry = {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if current == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[current] += value
            else:
                keyword, _space, literal = line.partition(" ")
                value = ast.literal_eval(literal)
                if keyword.startswith("msgstr"):
                    current = "msgstr"
                    entry["msgstr"].append(value)
                else:
                    current = keyword
                    entry[keyword] = value
        entries.append(entry)
    return entries


def test_korean_catalogue_is_complete():
    entries = _entries(PO_FILE.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "Language: ko" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    assert len(messages) > 100
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    assert fuzzy == []
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    """The committed .mo is compiled from the committed .po (run ``compilemessages`` after editing it)."""
    with PO_FILE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _entries(PO_FILE.read_text(encoding="utf-8"))[1:]:
        if entry["msgctxt"] is not None:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        elif entry["msgid_plural"] is None:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
        else:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr"][0]


@pytest.mark.django_db
def test_portfolio_in_korean_by_accept_language(client, world):
    client.force_login(world.lead)
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="ko">' in content
    assert "포트폴리오" in content
    assert "킥오프" in content  # a phase name stored in English, shown translated


@pytest.mark.django_db
def test_language_switch_sets_cookie_and_is_used(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    content = client.get(reverse("web:project", args=["ACME"])).content.decode()
    assert "다음 단계로 진행" in content
    assert "킥오프 미팅 개최" in content  # gate criterion label


@pytest.mark.django_db
def test_english_is_the_default(client, world):
    client.force_login(world.lead)
    content = client.get("/").content.decode()
    assert '<html lang="en">' in content and "Portfolio" in content and "포트폴리오" not in content


def test_a_users_saved_language_is_used_until_the_switch_sets_a_cookie(world, client):
    from golive.accounts.models import User

    User.objects.filter(pk=world.lead.pk).update(language="ko")
    client.force_login(User.objects.get(pk=world.lead.pk))
    korean = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ko">' in korean
    client.cookies["django_language"] = "en"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english
