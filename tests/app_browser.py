"""Driving the meeting app in headless Chromium (Selenium with the system's chromium-driver): shared by the
browser test and tools/app_screenshots.py. Nothing is downloaded: the browser is Debian's ``chromium``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: flags that work on these machines (no sandbox as root, nothing fetched in the background)
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")


def missing() -> str | None:
    """Why the browser test cannot run here (``None`` when it can)."""
    try:
        import selenium  # noqa: F401
        import streamlit  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[test,app]')"
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return "no Chromium here (make chromium: apt-get install chromium)"
    if not shutil.which("chromedriver"):
        return "no chromedriver here (make chromium: apt-get install chromium-driver)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def app_server(out: Path, *extra: str) -> Iterator[str]:
    """``hjemtilhjem app --no-browser`` on a free port; yields its address; stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "hjemtilhjem", "app", "--no-browser", "--port", str(port),
                             "--out", str(out), *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once the server answers
        if not line.startswith("hjemtilhjem app: http://127.0.0.1:"):
            raise RuntimeError(f"the app did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def browser(width: int = 1400, height: int = 1800) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="hjemtilhjem-chromium-")
    for a in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Page:
    """The app's page as a user sees it: labels, tabs and buttons by their text."""

    def __init__(self, driver: Any, url: str, timeout: float = 30.0):
        from selenium.webdriver.support.ui import WebDriverWait

        self.d = driver
        self.timeout = timeout
        self.wait = WebDriverWait(driver, timeout)
        driver.get(url)
        self.text_appears("Hjem-til-hjem")

    def body(self) -> str:
        from selenium.webdriver.common.by import By

        return str(self.d.find_element(By.TAG_NAME, "body").text)

    def text_appears(self, text: str, timeout: float | None = None) -> None:
        t0 = time.monotonic()
        limit = self.timeout if timeout is None else timeout
        while text not in self.body():
            if time.monotonic() - t0 > limit:
                raise AssertionError(f"{text!r} did not appear on the page within {limit:.0f} s")
            time.sleep(0.25)

    def busy(self) -> bool:
        """Streamlit is re-running the page: stale elements shown faded, or its running icon."""
        return bool(self.d.execute_script(
            "return document.querySelectorAll('[data-stale=\"true\"], [data-testid=\"stStatusWidgetRunningIcon\"],"
            " [data-testid=\"stStatusWidgetRunningManIcon\"]').length"))

    def settle(self, seconds: float = 1.0) -> None:
        """Wait for Streamlit to finish the rerun a change started (quiet for half a second), then ``seconds``."""
        time.sleep(0.3)
        t0 = time.monotonic()
        quiet = 0.0
        while quiet < 0.5 and time.monotonic() - t0 < self.timeout:
            quiet = 0.0 if self.busy() else quiet + 0.1
            time.sleep(0.1)
        time.sleep(seconds)

    def field(self, label: str) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'[aria-label="{label}"]')))

    def type_into(self, label: str, text: str) -> None:
        """Replace a field's text; retried while Streamlit is still re-drawing the field."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.keys import Keys

        for attempt in range(5):
            try:
                el = self.field(label)
                el.click()
                el.send_keys(Keys.CONTROL, "a")
                el.send_keys(Keys.DELETE)
                el.send_keys(text)
                el.send_keys(Keys.ENTER)
                break
            except WebDriverException:
                if attempt == 4:
                    raise
                time.sleep(1.0)
        self.settle()

    def text_area(self, text: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        el = self.d.find_element(By.CSS_SELECTOR, "textarea")
        el.click()
        el.send_keys(text)
        el.send_keys(Keys.CONTROL, Keys.ENTER)
        self.settle()

    def choose(self, label: str, option: str) -> None:
        """A selectbox or multiselect: type the option's text and take it."""
        from selenium.webdriver.common.keys import Keys

        el = self.field(label)
        el.click()
        el.send_keys(option)
        time.sleep(0.3)
        el.send_keys(Keys.ENTER)
        el.send_keys(Keys.ESCAPE)  # a multiselect keeps its list open
        self.settle(1.5)

    def checkbox(self, label: str) -> None:
        from selenium.webdriver.common.by import By

        self.d.find_element(By.XPATH, f'//label[.//*[contains(text(), "{label}")]]').click()
        self.settle()

    def slide(self, row: str, value: int) -> None:
        """The slider in the row (columns side by side) that holds the text ``row``: moved to ``value`` with the
        arrow keys, as a keyboard user would."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        xpath = (f'//div[@data-testid="stHorizontalBlock"][.//*[contains(text(), "{row}")]]'
                 '//input[@type="range"]')
        el = self.d.find_element(By.XPATH, xpath)
        steps = value - int(el.get_attribute("value"))
        self.d.execute_script("arguments[0].focus()", el)
        ActionChains(self.d).send_keys(*([Keys.ARROW_RIGHT if steps > 0 else Keys.ARROW_LEFT] * abs(steps))).perform()
        self.settle()

    def tab(self, name: str) -> None:
        from selenium.webdriver.common.by import By

        self.d.find_element(By.XPATH, f'//*[@role="tab"][contains(., "{name}")]').click()
        self.settle(0.5)

    def button(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        self.d.find_element(By.XPATH, f'//button[contains(., "{text}")]').click()
        self.settle()

    def screenshot(self, path: Path, full: bool = True) -> None:
        """A PNG of the page (the whole scrolled main area with ``full``)."""
        from selenium.webdriver.common.by import By

        if full:
            h = self.d.execute_script(
                "const m = document.querySelector('[data-testid=\"stMain\"]') || document.body;"
                "return Math.max(m.scrollHeight, document.body.scrollHeight);")
            self.d.set_window_size(1400, min(max(int(h) + 120, 900), 6000))
            time.sleep(1.0)
            self.d.find_element(By.TAG_NAME, "body")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.d.save_screenshot(str(path))


def short_comparison(page: Page, replications: int = 2) -> None:
    """The browser test's settings: few replications and a short horizon, as the overrides the CLI takes."""
    page.type_into("Replikasjoner", str(replications))
    page.text_area("scenario.horizon_days=60\nscenario.warmup_days=30")


def environment_for(out: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HJEMTILHJEM_APP_OUT"] = str(out)
    return env
