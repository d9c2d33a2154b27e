"""Browser checks of the playground page (API.md "Pictures and the playground"), in headless Chromium.

usage: check.py LOGITD_BINARY      prints one line per check and "N passed, N failed"; exits 1 on a failure.
"""

import json
import sys
import traceback

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import browser

SEED = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]
LABELS = ["cat", "dog", "fox", "owl", "bee"]


def shown(driver, kind):
    """The numbers the bars table prints in a column ("logit" or "probability"), as text."""
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, f"#bars tbody .number.{kind}")]


def texts_of(answer, key):
    """The numbers of a flat JSON array in an answer's text, spelled as the server wrote them."""
    head = f'"{key}":['
    start = answer.index(head) + len(head)
    return answer[start : answer.index("]", start)].split(",")


LOGITS = [2.0, 1.0, 0.1, -1.0, 3.5]


def settle(driver):
    browser.wait_until(lambda: browser.page_ready(driver), what="the page's answer")


def set_logits(driver, text):
    field = driver.find_element(By.ID, "logits")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


class Checks:
    """One method per behaviour; each but the first starts from a freshly loaded page."""

    def __init__(self, base, driver):
        self.base = base
        self.driver = driver

    def _fresh(self, logits=None):
        """The page loaded anew and answered; with `logits`, those typed in and answered."""
        d = self.driver
        d.get(self.base + "/")
        settle(d)
        if logits is not None:
            set_logits(d, ", ".join(map(str, logits)))
            expected = texts_of(browser.post(self.base, "/softmax", {"logits": logits}), "probabilities")
            browser.wait_until(lambda: shown(d, "probability") == expected, what=f"the page for {logits}")

    def loads_without_console_errors_or_foreign_requests(self):
        d = self.driver
        d.get(self.base + "/")
        settle(d)
        errors = [e for e in d.get_log("browser") if e["level"] in ("SEVERE", "ERROR", "WARNING")]
        assert not errors, f"console: {errors}"
        urls = browser.requests(d)
        assert urls, "no request recorded"
        foreign = [u for u in urls if not u.startswith(self.base + "/")]
        assert not foreign, f"requests leaving the origin: {foreign}"
        # The page's own files and the three endpoints, nothing else.
        paths = sorted({u.removeprefix(self.base) for u in urls})
        expected = {"/", "/playground/playground.css", "/playground/playground.js", "/playground/icon.svg",
                    "/sigmoid", "/softmax", "/classify"}
        assert set(paths) <= expected, f"unexpected requests: {paths}"

    def default_is_the_seed_with_the_servers_numbers(self):
        d = self.driver
        assert shown(d, "logit") == [repr(x) for x in SEED], shown(d, "logit")
        answer = browser.post(self.base, "/softmax", {"logits": SEED, "temperature": 1})
        assert shown(d, "probability") == texts_of(answer, "probabilities")

    def typing_logits_updates_the_bars_to_the_servers_numbers(self):
        d = self.driver
        set_logits(d, "2.0, 1.0, 0.1, -1.0, 3.5")
        logits = LOGITS
        expected = texts_of(browser.post(self.base, "/softmax", {"logits": logits, "temperature": 1}), "probabilities")
        browser.wait_until(lambda: shown(d, "probability") == expected, what=f"probabilities {expected}")
        assert shown(d, "logit") == ["2", "1", "0.1", "-1", "3.5"], shown(d, "logit")
        # Each bar is as long as its probability: widths in proportion, within a pixel.
        tracks = d.find_elements(By.CSS_SELECTOR, "#bars tbody .track.probability")
        fills = d.find_elements(By.CSS_SELECTOR, "#bars tbody .track.probability .fill")
        for track, fill, p in zip(tracks, fills, expected):
            assert abs(fill.size["width"] - float(p) * track.size["width"]) <= 1.0, (fill.size, track.size, p)
        # The curve marks one point per logit on σ and on σ′.
        assert len(d.find_elements(By.CSS_SELECTOR, "#curve .marks circle.point")) == 5
        assert len(d.find_elements(By.CSS_SELECTOR, "#curve .marks rect.slope-point")) == 5

    def a_json_array_and_spaces_work_too(self):
        d = self.driver
        self._fresh()
        set_logits(d, "[1000, 1001]")
        expected = texts_of(browser.post(self.base, "/softmax", {"logits": [1000, 1001]}), "probabilities")
        browser.wait_until(lambda: shown(d, "probability") == expected, what="[1000, 1001]")
        set_logits(d, "1 2 3")
        expected = texts_of(browser.post(self.base, "/softmax", {"logits": [1, 2, 3]}), "probabilities")
        browser.wait_until(lambda: shown(d, "probability") == expected, what="1 2 3")

    def the_servers_error_is_announced(self):
        d = self.driver
        self._fresh()
        problem = d.find_element(By.ID, "problem")
        assert not problem.is_displayed()
        set_logits(d, "1, 2, 3, 4, 1e400")
        detail = json.loads(browser.post(self.base, "/sigmoid", '{"logits": [1, 2, 3, 4, 1e400]}'))["detail"]
        browser.wait_until(lambda: problem.is_displayed() and detail in problem.text, what=f"the problem {detail}")
        assert problem.get_attribute("role") == "alert"
        assert "stale" in d.find_element(By.ID, "results").get_attribute("class")
        set_logits(d, "1, 2, 3, 4, 5")
        browser.wait_until(lambda: not problem.is_displayed(), what="the problem to clear")

    def temperature_slider_works_from_the_keyboard(self):
        d = self.driver
        self._fresh(LOGITS)
        slider = d.find_element(By.ID, "temperature")
        d.execute_script("arguments[0].focus()", slider)
        for _ in range(20):
            slider.send_keys(Keys.HOME)
        for _ in range(4):
            slider.send_keys(Keys.ARROW_RIGHT)  # 0.1 + 4 × 0.1
        browser.wait_until(lambda: d.find_element(By.ID, "temperature-value").text == "0.5", what="T = 0.5")
        logits = LOGITS
        expected = texts_of(browser.post(self.base, "/softmax", {"logits": logits, "temperature": 0.5}),
                            "probabilities")
        browser.wait_until(lambda: shown(d, "probability") == expected, what="softmax at T = 0.5")
        assert "0.5" in d.find_element(By.ID, "probability-heading").text

    def sigmoid_switch_works_from_the_keyboard(self):
        d = self.driver
        self._fresh(LOGITS)
        softmax = d.find_element(By.CSS_SELECTOR, "input[name=activation][value=softmax]")
        d.execute_script("arguments[0].focus()", softmax)
        softmax.send_keys(Keys.ARROW_DOWN)
        assert d.find_element(By.CSS_SELECTOR, "input[name=activation][value=sigmoid]").is_selected()
        logits = LOGITS
        sigmoid = browser.post(self.base, "/sigmoid", {"logits": logits, "derivative": True})
        browser.wait_until(lambda: shown(d, "probability") == texts_of(sigmoid, "probabilities"), what="σ")
        classify = json.loads(browser.post(self.base, "/classify", {
            "logits": logits, "activation": "sigmoid", "threshold": 0.5, "labels": LABELS}))
        yes = ", ".join(classify["labels"])
        browser.wait_until(lambda: yes in d.find_element(By.ID, "summary").text, what=f"predicted {yes}")
        items = d.find_elements(By.CSS_SELECTOR, "#classification li")
        assert [("predicted 1" in li.text) for li in items] == [p == 1 for p in classify["predictions"]]
        # The threshold, from the keyboard: 0.5 → 0.9 moves owl, dog... out of the prediction.
        threshold = d.find_element(By.ID, "threshold")
        d.execute_script("arguments[0].focus()", threshold)
        for _ in range(8):
            threshold.send_keys(Keys.ARROW_RIGHT)
        browser.wait_until(lambda: d.find_element(By.ID, "threshold-value").text == "0.9", what="threshold 0.9")
        classify = json.loads(browser.post(self.base, "/classify", {
            "logits": logits, "activation": "sigmoid", "threshold": 0.9, "labels": LABELS}))
        yes = ", ".join(classify["labels"]) or "none"
        browser.wait_until(lambda: f"0.9: {yes} predicted 1" in d.find_element(By.ID, "summary").text,
                           what=f"predicted {yes} at 0.9")
        assert d.find_elements(By.CSS_SELECTOR, "#curve line.threshold")
        d.find_element(By.CSS_SELECTOR, "input[name=activation][value=sigmoid]").send_keys(Keys.ARROW_UP)
        browser.wait_until(lambda: "Softmax" in d.find_element(By.ID, "summary").text, what="softmax again")

    def top_k_lists_the_servers_ranking(self):
        d = self.driver
        self._fresh(LOGITS)
        field = d.find_element(By.ID, "top-k")
        d.execute_script("arguments[0].focus()", field)
        field.send_keys(Keys.ARROW_UP)  # 2 → 3
        logits = LOGITS
        classify = json.loads(browser.post(self.base, "/classify", {"logits": logits, "top_k": 3, "labels": LABELS}))
        names = [entry["label"] for entry in classify["top"]]
        browser.wait_until(
            lambda: [li.text.split(" ")[0] for li in d.find_elements(By.CSS_SELECTOR, "#classification li")] == names,
            what=f"top 3 {names}")

    def tab_reaches_every_control(self):
        d = self.driver
        self._fresh()
        controls = d.find_elements(By.CSS_SELECTOR, "textarea, input, select, button, a[href]")
        groups = {c.get_attribute("name") if c.get_attribute("type") == "radio" else c.get_attribute("outerHTML")[:80]
                  for c in controls}
        reached = set()
        d.find_element(By.TAG_NAME, "body").click()
        for _ in range(3 * len(controls) + 5):
            d.switch_to.active_element.send_keys(Keys.TAB)
            active = d.switch_to.active_element
            if active.get_attribute("type") == "radio":
                reached.add(active.get_attribute("name"))
            else:
                reached.add(active.get_attribute("outerHTML")[:80])
        missing = groups - reached
        assert not missing, f"Tab never reached: {missing}"
        # Every form control has a label a screen reader reads.
        for c in d.find_elements(By.CSS_SELECTOR, "textarea, input"):
            assert d.execute_script("return arguments[0].labels.length", c) > 0, c.get_attribute("outerHTML")

    def reads_at_phone_width_without_sideways_scrolling(self):
        d = self.driver
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        d.get(self.base + "/")
        settle(d)
        overflow = d.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow} px wider than the phone"
        # The controls come first, in one column, as wide as the page.
        controls = d.find_element(By.ID, "controls")
        results = d.find_element(By.ID, "results")
        assert results.location["y"] > controls.location["y"] + controls.size["height"] - 1
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def answers_carry_the_content_security_policy(self):
        import urllib.request
        with urllib.request.urlopen(self.base + "/", timeout=10) as r:
            assert r.headers["Content-Security-Policy"] == "default-src 'self'", r.headers
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"


def main():
    binary = sys.argv[1]
    passed = failed = 0
    with browser.logitd(binary) as base, browser.chromium(1280, 900) as driver:
        checks = Checks(base, driver)
        names = [n for n in Checks.__dict__ if not n.startswith("_") and callable(Checks.__dict__[n])]
        for name in names:
            try:
                getattr(checks, name)()
                print(f"ok    {name}")
                passed += 1
            except Exception:
                print(f"FAIL  {name}")
                traceback.print_exc(limit=3)
                failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
