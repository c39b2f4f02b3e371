"""Screenshots of each demo role's home page, desktop (1280x800) and phone (390x844).

Run a server with the demo data and two-factor sign-in off for the demo logins, then this
script (Playwright with Debian's Chromium)::

    MPPDESK_VAR_DIR=/tmp/mppdesk-shots MPPDESK_2FA_REQUIRED_ROLES= \\
        .venv/bin/mppdesk run --port 8790 --workers 1 --no-worker &
    .venv/bin/python docs/screenshots/make_screenshots.py --base-url http://127.0.0.1:8790

It writes ``home-<login>-desktop.png`` and ``home-<login>-phone.png`` next to itself
(the page's full height, in Spanish, as the demo's users see it). Synthetic data only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "frontera-demo-2026"  # noqa: S105 - the published demo password (README)
LOGINS = (
    "caseworker.legal",
    "supervisor.legal",
    "caseworker.shelter",
    "coordinator",
    "analyst",
    "auditor",
    "admin",
)
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(base_url: str, out: Path, logins: tuple[str, ...] = LOGINS) -> list[Path]:
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        try:
            for login in logins:
                for size, viewport in SIZES.items():
                    page = browser.new_page(locale="es-MX", viewport=viewport)
                    page.goto(f"{base_url}/accounts/login/")
                    page.fill("#id_username", login)
                    page.fill("#id_password", PASSWORD)
                    page.click("main button[type=submit]")
                    page.wait_for_url(f"{base_url}/")
                    path = out / f"home-{login}-{size}.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
                    page.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8790")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    for path in shoot(args.base_url.rstrip("/"), args.out):
        print(path)


if __name__ == "__main__":
    main()
