"""Fail when a translatable string of the code is missing from the Korean catalogue.

Extracts the messages of a copy of ``src/golive`` with ``makemessages`` (the catalogue in the work tree is left
alone) and lists every msgid the committed catalogue lacks. ``tests/web/test_i18n.py`` then checks that every
entry of the catalogue is translated, so together they mean: every user-facing string has a Korean translation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale/ko/LC_MESSAGES/django.po")


def msgids(po: Path) -> set[tuple[str, str]]:
    """The (msgctxt, msgid) pairs of a .po file (multi-line strings joined), header excluded."""
    ids: set[tuple[str, str]] = set()
    context, field, parts = "", None, []

    def flush():
        nonlocal context
        text = "".join(part.strip()[1:-1] for part in parts)
        if field == "msgctxt":
            context = text
        elif field == "msgid":
            if text:
                ids.add((context, text))
            context = ""

    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        keyword = line.split(" ", 1)[0]
        if keyword in ("msgctxt", "msgid"):
            flush()
            field, parts = keyword, [line[len(keyword) + 1 :]]
        elif field and line.startswith('"'):
            parts.append(line)
        else:
            flush()
            field, parts = None, []
    return ids


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "golive"
        shutil.copytree(ROOT / "src" / "golive", copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "golive.settings", "GOLIVE_DATA_DIR": tmp}
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "ko", "--no-obsolete", "-v", "0"],
            cwd=copy,
            env=env,
            check=True,
        )
        missing = sorted(msgids(copy / CATALOGUE) - msgids(ROOT / "src" / "golive" / CATALOGUE))
    if missing:
        print(f"{len(missing)} translatable string(s) are not in the Korean catalogue; run 'make messages' and")
        print("translate them:")
        for context, text in missing:
            print(f"  [{context}] {text}" if context else f"  {text}")
        return 1
    print("Korean catalogue holds every translatable string.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
