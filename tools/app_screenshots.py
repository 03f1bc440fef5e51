"""Screenshots of the meeting app's main views for docs/ (PNG, headless Chromium through chromium-driver).

    .venv/bin/python tools/app_screenshots.py [--replications 8] [--out docs]

Starts ``hjemtilhjem app`` on the shipped scenarios, runs the Vestfold baseline, builds a shared short-term pool
for Larvik and Sandefjord with Trygg utskrivning switched on at a reach of 40 %, compares it with the baseline (the
whole page, and the budget per partner on its own), shows an impossible capacity's error, and the comparison in
English. Results go to a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.app_browser import Page, app_server, browser, missing  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", "-r", type=int, default=8)
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    why = missing()
    if why:
        print(f"app_screenshots: {why}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, app_server(Path(tmp) / "results") as url, browser() as driver:
        page = Page(driver, url, timeout=60)
        page.type_into("Replikasjoner", str(args.replications))
        page.button("Kjør basislinjen")
        page.text_appears(f"Ferdig: {args.replications} replikasjoner", timeout=300)
        page.settle(2)
        page.screenshot(args.out / "app_baseline.png")
        driver.set_window_size(1400, 1800)

        page.tab("Bygg scenario")
        page.type_into("Navn på scenarioet", "Felles korttid Larvik og Sandefjord")
        page.choose("Kommuner", "Larvik")
        page.choose("Kommuner", "Sandefjord")
        page.type_into("Navn på ordningen", "Korttid Larvik–Sandefjord")
        page.button("Legg til felles ordning")
        page.choose("Sted", "Larvik")
        page.type_into("korttidsplasser (plasser)", "64")
        page.checkbox("Trygg utskrivning")
        page.slide("Trygg utskrivning", 40)
        page.text_appears("når 40 % av målgruppen, endret fra 60 % i filen")
        from selenium.webdriver.common.by import By

        driver.find_element(By.XPATH, '//*[contains(text(), "som --set-linjer")]').click()
        page.text_appears("Larvik og Sandefjord deler korttidsplasser")
        page.text_appears("Larvik: korttidsplasser (plasser) endres fra 58 til 64 (+6).")
        page.settle(1)
        page.screenshot(args.out / "app_build.png")
        driver.set_window_size(1400, 1800)

        page.button("Sammenlign med basislinjen")
        page.tab("Sammenligning")
        page.text_appears(f"Ferdig: {args.replications} replikasjoner", timeout=300)
        page.text_appears("Rapporten (HTML)", timeout=120)
        page.settle(2)
        page.screenshot(args.out / "app_compare.png")
        driver.set_window_size(1400, 1900)
        page.settle(1)
        budget = driver.find_element(By.XPATH, '//h3[contains(., "Budsjett per partner")]')
        driver.execute_script("arguments[0].scrollIntoView()", budget)
        page.settle(1)
        page.screenshot(args.out / "app_budget.png", full=False)
        driver.set_window_size(1400, 1800)

        page.tab("Bygg scenario")
        page.type_into("korttidsplasser (plasser)", "-5")
        page.button("Sammenlign med basislinjen")
        page.text_appears("Scenarioet har feil")
        driver.execute_script("window.scrollTo(0, 0); const m = document.querySelector('[data-testid=\"stMain\"]');"
                              " if (m) m.scrollTo(0, 0);")
        page.screenshot(args.out / "app_error.png", full=False)

        page.type_into("korttidsplasser (plasser)", "64")
        driver.find_element(By.XPATH, '//label[contains(., "English")]').click()
        page.settle(2)
        page.tab("Comparison")
        page.text_appears("The report (HTML)", timeout=120)
        page.settle(2)
        page.screenshot(args.out / "app_compare_en.png")
    for name in ("app_baseline", "app_build", "app_compare", "app_budget", "app_error", "app_compare_en"):
        print(args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
