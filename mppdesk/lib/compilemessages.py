"""Compile every ``.po`` catalogue of MPP Desk to ``.mo`` with ``polib``.

The project catalogue is ``mppdesk/locale``; an app may keep its own strings in
``mppdesk/<app>/locale`` (Django finds those by itself). Both are compiled.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``; the small machines MPP Desk
runs on should not need it, so the ``.mo`` files are compiled with this script and
committed. Fuzzy and untranslated entries are left out, as ``msgfmt`` does, so Django
falls back to the English source text for them.

Usage::

    python -m mppdesk.lib.compilemessages           # write the .mo files
    python -m mppdesk.lib.compilemessages --check   # exit 1 if a .mo is missing or stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"


def catalogues(root: Path = PACKAGE_DIR) -> list[Path]:
    """Every ``.po`` file under a ``locale`` directory below ``root``."""
    return sorted(p for p in root.rglob("*.po") if "locale" in p.relative_to(root).parts)


def compile_catalogue(po_path: Path) -> bytes:
    """The binary ``.mo`` content for one ``.po`` file."""
    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    # ``to_binary`` writes only ``translated_entries()``: no fuzzy, obsolete or empty ones.
    return bytes(catalogue.to_binary())


def compile_all(locale_dir: Path = PACKAGE_DIR, *, check: bool = False) -> list[Path]:
    """Compile each catalogue; return the ``.mo`` paths written (or, with ``check``, stale)."""
    changed: list[Path] = []
    for po_path in catalogues(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        content = compile_catalogue(po_path)
        if mo_path.exists() and mo_path.read_bytes() == content:
            continue
        changed.append(mo_path)
        if not check:
            mo_path.write_bytes(content)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="only report missing or stale .mo files"
    )
    parser.add_argument("--locale-dir", type=Path, default=PACKAGE_DIR)
    args = parser.parse_args(argv)
    if not args.locale_dir.is_dir():
        print(f"no locale directory at {args.locale_dir}", file=sys.stderr)  # noqa: T201
        return 2
    changed = compile_all(args.locale_dir, check=args.check)
    verb = "stale" if args.check else "compiled"
    for path in changed:
        print(f"{verb}: {path.relative_to(args.locale_dir)}")  # noqa: T201
    if args.check and changed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
