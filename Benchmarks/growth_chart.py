"""The cost-growth table and chart of run.sh --growth (standard library only).

    growth_chart.py RESULTS TSV SVG NOTE

RESULTS is run.sh's results file, one line per cell and round:
    target payload req/s p50 p99 non-2xx sock-err requests cpu
where payload is growth-N (N logits) and cpu the server's CPU seconds per second of load. For each
target and N, over the rounds (medians): requests/s, and CPU time per number, cpu / (req/s) / N.
Prints a table, writes it as TSV, and draws both quantities against N on log-log axes as SVG:
requests/s on the left, CPU nanoseconds per number on the right, one line per target. NOTE (how
the figures were measured) goes under the chart.
"""

import math
import statistics
import sys

COLOURS = {"logitd": "#1f6feb", "fastapi": "#d1242f", "fastapi-w2": "#bf8700", "hummingbird": "#8250df"}
LABELS = {"logitd": "logitd", "fastapi": "FastAPI + orjson", "fastapi-w2": "FastAPI, 2 workers",
          "hummingbird": "Hummingbird"}


def read(path):
    """{target: {n: [(req/s, cpu ns per number, non-2xx), ...]}}"""
    cells = {}
    for line in open(path):
        target, payload, *values = line.split()
        if not payload.startswith("growth-") or values == ["-"]:
            continue
        n = int(payload.removeprefix("growth-"))
        rps, errors, cpu = float(values[0]), int(float(values[3])), float(values[6])
        per_number = cpu / rps / n * 1e9 if rps > 0 and cpu > 0 else math.nan
        cells.setdefault(target, {}).setdefault(n, []).append((rps, per_number, errors))
    return cells


def medians(cells):
    """[(target, n, req/s, ns per number, non-2xx)] with medians over the rounds."""
    rows = []
    for target, by_n in cells.items():
        for n in sorted(by_n):
            runs = by_n[n]
            per = [p for _, p, _ in runs if not math.isnan(p)]
            rows.append((target, n, statistics.median(r for r, _, _ in runs),
                         statistics.median(per) if per else math.nan, sum(e for _, _, e in runs)))
    return rows


def ticks(low, high):
    """The powers of ten in [low, high]."""
    return [10.0 ** k for k in range(math.ceil(math.log10(low)), math.floor(math.log10(high)) + 1)]


def label(value):
    """A decade tick: 1, 10, 100, 1k, 10k, 100k, 1M, ..."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def figure(value):
    """A measured value: whole numbers with thin spaces from 100 on, else three significant digits."""
    return f"{value:,.0f}".replace(",", " ") if value >= 100 else f"{value:.3g}"


def panel(x0, y0, w, h, title, unit, series, sizes):
    """One log-log plot at (x0, y0): series is {target: [(n, y)]}."""
    ys = [y for points in series.values() for _, y in points if y > 0 and not math.isnan(y)]
    # Margins of a fifth of a decade on each side of the data, whole decades marked inside.
    lx0, lx1 = math.log10(min(sizes)) - 0.2, math.log10(max(sizes)) + 0.2
    ly0, ly1 = math.log10(min(ys)) - 0.2, math.log10(max(ys)) + 0.2
    xt, yt = ticks(10**lx0, 10**lx1), ticks(10**ly0, 10**ly1)
    top = {}  # per size, the largest value: its label goes above the point, the others' below
    for points in series.values():
        for n, y in points:
            top[n] = max(top.get(n, 0), y if not math.isnan(y) else 0)

    def px(n):
        return x0 + (math.log10(n) - lx0) / (lx1 - lx0) * w

    def py(y):
        return y0 + h - (math.log10(y) - ly0) / (ly1 - ly0) * h

    out = [f'<text x="{x0 + w / 2}" y="{y0 - 14}" class="title">{title}</text>',
           f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" class="frame"/>']
    for t in yt:
        out.append(f'<line x1="{x0}" x2="{x0 + w}" y1="{py(t):.1f}" y2="{py(t):.1f}" class="grid"/>')
        out.append(f'<text x="{x0 - 6}" y="{py(t) + 4:.1f}" class="ytick">{label(t)}</text>')
    for t in xt:
        out.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{y0}" y2="{y0 + h}" class="grid"/>')
        out.append(f'<text x="{px(t):.1f}" y="{y0 + h + 16}" class="xtick">{label(t)}</text>')
    for n in sizes:  # the measured sizes, marked on the axis
        out.append(f'<line x1="{px(n):.1f}" x2="{px(n):.1f}" y1="{y0 + h - 6}" y2="{y0 + h}" class="mark"/>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 36}" class="axis">logits per request (log scale)</text>')
    out.append(f'<text transform="translate({x0 - 48},{y0 + h / 2}) rotate(-90)" class="axis">{unit}</text>')
    for target, points in series.items():
        points = [(n, y) for n, y in points if y > 0 and not math.isnan(y)]
        colour = COLOURS.get(target, "#57606a")
        path = " ".join(f"{px(n):.1f},{py(y):.1f}" for n, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for n, y in points:
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(y):.1f}" r="3.5" fill="{colour}"/>')
            dy = -7 if y >= top[n] else 15
            out.append(f'<text x="{px(n) + 5:.1f}" y="{py(y) + dy:.1f}" class="value" fill="{colour}">'
                       f'{figure(y)}</text>')
    return out


def svg(rows, note):
    targets = list(dict.fromkeys(t for t, *_ in rows))
    sizes = sorted({n for _, n, *_ in rows})
    rate = {t: [(n, r) for tt, n, r, _, _ in rows if tt == t] for t in targets}
    cost = {t: [(n, c) for tt, n, _, c, _ in rows if tt == t] for t in targets}
    width, height = 960, 440
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Verdana, sans-serif">',
             "<style>.title{font-size:15px;font-weight:bold;text-anchor:middle}"
             ".frame{fill:none;stroke:#57606a}.grid{stroke:#d0d7de;stroke-width:1}"
             ".mark{stroke:#57606a;stroke-width:1.5}.xtick{font-size:11px;text-anchor:middle}.ytick{font-size:11px;text-anchor:end}"
             ".axis{font-size:12px;text-anchor:middle}.value{font-size:10px}"
             ".legend{font-size:12px}.note{font-size:11px;fill:#57606a}</style>",
             f'<rect width="{width}" height="{height}" fill="white"/>']
    parts += panel(90, 50, 340, 290, "Requests per second", "requests/s (log scale)", rate, sizes)
    parts += panel(580, 50, 340, 290, "Server CPU time per number", "ns per logit (log scale)", cost, sizes)
    for i, target in enumerate(targets):
        x = 90 + i * 200
        colour = COLOURS.get(target, "#57606a")
        parts.append(f'<line x1="{x}" x2="{x + 24}" y1="{height - 38}" y2="{height - 38}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<text x="{x + 30}" y="{height - 34}" class="legend">{LABELS.get(target, target)}</text>')
    parts.append(f'<text x="90" y="{height - 12}" class="note">POST /softmax; {note}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    results, tsv, svg_path, note = sys.argv[1:]
    rows = medians(read(results))
    if not rows:
        sys.exit("growth_chart.py: no growth cells in the results")
    base = {n: r for t, n, r, _, _ in rows if t == "logitd"}
    base_cost = {n: c for t, n, _, c, _ in rows if t == "logitd"}
    lines = ["target\tlogits\treq_per_s\tcpu_ns_per_number\tcpu_ms_per_request\tnon_2xx\treq_vs_logitd"]
    print("%-12s %8s %10s %12s %12s %8s %10s %12s" % ("target", "logits", "req/s", "CPU ns/num", "CPU ms/req",
                                                     "non-2xx", "vs logitd", "CPU vs logitd"))
    for target, n, rps, per, errors in rows:
        ratio = rps / base[n] if base.get(n) else math.nan
        cost_ratio = per / base_cost[n] if base_cost.get(n) else math.nan
        print("%-12s %8d %10.1f %12.1f %12.3f %8d %10.2f %12.2f" % (target, n, rps, per, per * n / 1e6, errors,
                                                                   ratio, cost_ratio))
        lines.append(f"{target}\t{n}\t{rps:.1f}\t{per:.2f}\t{per * n / 1e6:.4f}\t{errors}\t{ratio:.3f}")
    print(f"({note}; CPU: utime + stime of the server's processes over the steady part of each cell)")
    with open(tsv, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(svg_path, "w") as f:
        f.write(svg(rows, note))
    print(f"wrote {tsv} and {svg_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
