import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_FLAGS, sync_api


@pytest.fixture
def browser():
    """Debian's chromium, never a downloaded browser."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
