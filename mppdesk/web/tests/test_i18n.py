from __future__ import annotations

import gettext
from pathlib import Path

import polib

from mppdesk.lib import compilemessages


def test_committed_mo_files_match_their_po_files():
    assert compilemessages.compile_all(check=True) == [], (
        "run `python -m mppdesk.lib.compilemessages`"
    )


def test_every_spanish_message_is_translated():
    spanish = [p for p in compilemessages.catalogues() if "es" in p.parts]
    assert compilemessages.LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po" in spanish
    missing = [
        (path.parent.parent.parent.parent.name, entry.msgid)
        for path in spanish
        for entry in polib.pofile(str(path))
        if not entry.obsolete and not entry.translated()
    ]
    assert missing == []


def test_compiler_skips_fuzzy_entries(tmp_path: Path):
    po_dir = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    catalogue.append(polib.POEntry(msgid="People", msgstr="Personas"))
    catalogue.append(polib.POEntry(msgid="Case", msgstr="Caso", flags=["fuzzy"]))
    catalogue.append(
        polib.POEntry(
            msgid="%(n)s year",
            msgid_plural="%(n)s years",
            msgstr_plural={0: "%(n)s año", 1: "%(n)s años"},
        )
    )
    catalogue.save(str(po_dir / "django.po"))

    assert compilemessages.main(["--locale-dir", str(tmp_path), "--check"]) == 1
    assert compilemessages.main(["--locale-dir", str(tmp_path)]) == 0
    assert compilemessages.main(["--locale-dir", str(tmp_path), "--check"]) == 0

    with (po_dir / "django.mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("People") == "Personas"
    assert translations.gettext("Case") == "Case"  # fuzzy: left to the source text
    assert translations.ngettext("%(n)s year", "%(n)s years", 2) == "%(n)s años"
