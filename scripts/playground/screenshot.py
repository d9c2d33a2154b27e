"""Writes PNGs of the playground, as logitd serves it, at a desktop and a phone width.

usage: screenshot.py LOGITD_BINARY OUTPUT_DIR
"""

import base64
import os
import sys

import browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def main():
    binary, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with browser.logitd(binary) as base:
        for name, (width, height) in SIZES.items():
            with browser.chromium(width, height) as driver:
                driver.get(base + "/")
                browser.wait_until(lambda: browser.page_ready(driver), what="the first answer")
                # The whole page: the viewport is made as tall as the document (a phone is emulated as
                # one, touch and viewport meta included), then captured at one device pixel per CSS pixel.
                metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": name == "phone"}
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                browser.wait_until(lambda: browser.page_ready(driver), what="the redrawn page")
                full = driver.execute_script("return document.documentElement.scrollHeight")
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics | {"height": max(height, full)})
                browser.wait_until(lambda: browser.page_ready(driver), what="the redrawn page")
                shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
                path = os.path.join(out, f"playground-{name}.png")
                with open(path, "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
                print(f"{path}: {width}×{max(height, full)}")
                if os.environ.get("SCREENSHOT_PARTS"):
                    for part in ("controls", "bars", "curve"):
                        driver.find_element("id", part).screenshot(os.path.join(out, f"part-{name}-{part}.png"))


if __name__ == "__main__":
    main()
