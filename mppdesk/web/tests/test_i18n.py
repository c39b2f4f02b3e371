from __future__ import annotations

import gettext
import os
import shutil
from pathlib import Path

import polib
from django.core.management import call_command

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


def _untranslated(paths: list[Path]) -> list[tuple[str, str]]:
    """(catalogue, msgid) of every entry without a Spanish translation or still fuzzy."""
    return [
        (str(path), entry.msgid)
        for path in paths
        for entry in polib.pofile(str(path))
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def test_no_spanish_entry_is_fuzzy_or_empty():
    spanish = [p for p in compilemessages.catalogues() if "es" in p.parts]
    assert _untranslated(spanish) == []


def test_makemessages_finds_nothing_missing_from_the_spanish_catalogues(tmp_path, settings):
    """Extract the messages of a copy of the package, as ``make messages`` would: every
    string marked for translation in code and templates has its Spanish entry.

    Needs GNU gettext (``.ci/run`` installs it, as ``apt-get install gettext`` does here).
    """
    assert shutil.which("xgettext") and shutil.which("msgmerge"), "install gettext"
    package = compilemessages.PACKAGE_DIR
    copy = tmp_path / package.name
    shutil.copytree(
        package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "tests")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["es"], verbosity=0)
    finally:
        os.chdir(cwd)
    # Django merges every catalogue at run time: an entry may live in any of them.
    known = {
        (entry.msgctxt, entry.msgid)
        for path in compilemessages.catalogues()
        if "es" in path.parts
        for entry in polib.pofile(str(path))
        if entry.translated() and "fuzzy" not in entry.flags
    }
    missing = sorted(
        (str(path.relative_to(tmp_path)), entry.msgid)
        for path in compilemessages.catalogues(copy)
        if "es" in path.parts
        for entry in polib.pofile(str(path))
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in known
    )
    assert missing == [], "run `make messages` and translate the new entries"
