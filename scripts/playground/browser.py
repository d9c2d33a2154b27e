"""What the playground's browser check and scripts/screenshot.sh share: a logitd on a free port and a
headless Chromium driven by Selenium, with its console and network logs kept.

Debian's chromium and chromium-driver (scripts/requirements/apt.txt) and selenium (pip-browser.txt).
"""

import contextlib
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


@contextlib.contextmanager
def logitd(binary):
    """Starts `binary --port 0`, yields its base URL, and stops it (only this process) afterwards."""
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()  # "listening on 127.0.0.1:PORT"
        if not line.startswith("listening on "):
            raise RuntimeError(f"logitd did not start: {line!r}")
        yield "http://" + line.removeprefix("listening on ")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def chromium(width, height):
    """A headless Chromium with a window of `width` × `height` CSS pixels that records the console
    (`driver.get_log("browser")`) and every request (`requests(driver)`)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # runs as root in CI containers
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--no-first-run",
        "--disable-background-networking",  # no update or safe-browsing requests of its own
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.set_window_size(width, height)
        yield driver
    finally:
        driver.quit()


def requests(driver):
    """The URLs of the requests the page made since the last call (Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def wait_until(condition, timeout=10.0, what="the condition"):
    """Polls `condition()` until it returns a true value (returned), at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # the page may be between two states
            last_error = error
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def post(base, path, body, accept="application/json"):
    """POSTs `body` (a value, or JSON text as a str) to the server itself; returns the answer's text,
    whatever its status."""
    request = urllib.request.Request(
        base + path,
        data=(body if isinstance(body, str) else json.dumps(body)).encode(),
        headers={"Content-Type": "application/json", "Accept": accept},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


def page_ready(driver):
    """True once the page has drawn its first answer (the summary is no longer "Computing…")."""
    summary = driver.find_element("id", "summary").text
    return summary and summary != "Computing…" and driver.execute_script(
        "return !document.getElementById('results').hasAttribute('aria-busy')"
    )
