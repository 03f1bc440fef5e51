"""The meeting app in a real browser: headless Chromium (Debian's, through chromium-driver) starts nothing from
the internet; the test starts ``hjemtilhjem app``, changes one capacity, switches on Trygg utskrivning with a reach
of 30 % (its slider moved with the arrow keys), runs a small comparison (2 replications, a 60-day horizon after 30
days of warm-up, as overrides) and finds the result, the budget per partner included, on the page. About 45 s on two
shared cores (the server's start, the Vestfold scenario, the browser): marked slow, run by ``make test-slow``
(CI runs both); the page's logic is tested fast in test_app.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from .app_browser import Page, app_server, browser, missing, short_comparison

REASON = missing()


@pytest.mark.slow
@pytest.mark.skipif(REASON is not None, reason=f"app browser test skipped: {REASON}")
def test_app_in_chromium_changes_a_capacity_and_compares(tmp_path: Path) -> None:
    with app_server(tmp_path / "results") as url, browser() as driver:
        page = Page(driver, url)
        page.text_appears("Basislinjen er ikke kjørt ennå.")
        short_comparison(page)
        page.tab("Bygg scenario")
        page.choose("Sted", "Larvik")
        page.type_into("korttidsplasser (plasser)", "70")
        page.text_appears("Larvik: korttidsplasser (plasser) endres fra 58 til 70 (+12).")
        page.checkbox("Trygg utskrivning")
        page.slide("Trygg utskrivning", 30)
        page.text_appears("når 30 % av målgruppen, endret fra 60 % i filen")
        page.button("Sammenlign med basislinjen")
        page.tab("Sammenligning")
        page.text_appears("Ferdig: 2 replikasjoner, frø 2025", timeout=120)
        body = page.body()
        assert "Parvise differanser mot basislinjen med 95 % KI" in body
        assert "Liggedøgn for utskrivningsklare: " in body and " døgn per år (95 % KI " in body
        assert "Budsjett per partner" in body and "Alle partnere" in body and " mill. kr per år" in body
        assert "kr per unngått reinnleggelse" in body
        assert "Traceback" not in body
        # offline: everything the page loaded came from the app's own server
        loaded = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert loaded and all(u.startswith((url, "data:", "blob:")) for u in loaded), loaded
    folders = list((tmp_path / "results").glob("compare-vestfold-baseline-*"))
    assert len(folders) == 1 and (folders[0] / "comparison.json").exists()
