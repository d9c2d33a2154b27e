"""Writes PNGs of the playground, as logitd serves it, at a desktop and a phone width, and the SVG
that curl prints for the README's example.

usage: screenshot.py LOGITD_BINARY OUTPUT_DIR
"""

import base64
import os
import subprocess
import sys

import browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
SEED = "[0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]"


def main():
    binary, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with browser.logitd(binary) as base:
        # The README's example, exactly as curl prints it.
        svg = subprocess.run(
            ["curl", "-s", "-H", "Accept: image/svg+xml", base + "/softmax", "-d", SEED],
            check=True, capture_output=True,
        ).stdout
        assert svg.startswith(b"<svg"), svg[:200]
        path = os.path.join(out, "softmax-seed.svg")
        with open(path, "wb") as f:
            f.write(svg)
        print(f"{path}: {len(svg)} bytes")
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
                # A small palette: the page is flat colours and text, and the PNG is committed.
                subprocess.run(["pngquant", "--force", "--skip-if-larger", "--strip", "--output", path, "64", path],
                               check=False)
                print(f"{path}: {width}×{max(height, full)}, {os.path.getsize(path)} bytes")
                if os.environ.get("SCREENSHOT_PARTS"):
                    for part in ("controls", "bars", "curve"):
                        driver.find_element("id", part).screenshot(os.path.join(out, f"part-{name}-{part}.png"))


if __name__ == "__main__":
    main()
