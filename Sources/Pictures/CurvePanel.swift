import JSONCodec
import LogitMath

/// σ's curve over the inputs' range with each input marked at (x, σ(x)), and, when derivatives were
/// asked, σ′'s curve with each input at (x, σ′(x)); both on one 0…1 scale (σ′ peaks at 0.25).
///
/// The curves are sampled from LogitMath's σ and σ′; the marks sit at the answer's own values.
struct CurvePanel {
    let width: Double
    let logits: [Double]
    let probabilities: [Double]
    let derivatives: [Double]?

    static let plotHeight = 200.0
    static let top = 16.0
    static let left = 56.0
    static let bottom = 64.0
    static let samples = 240

    var height: Double { Self.top + Self.plotHeight + Self.bottom }

    /// The horizontal range: at least −6…6 (where σ goes from 0.0025 to 0.9975), widened to hold every
    /// input, with a margin.
    var range: (low: Double, high: Double) {
        let low = min(-6, logits.min() ?? 0)
        let high = max(6, logits.max() ?? 0)
        // Halves, so that a span of ±1.7e308 doesn't overflow.
        let margin = (high / 2 - low / 2) / 10
        return (low - margin, high + margin)
    }

    func draw(into svg: inout SVGWriter, top: Double) {
        let plotLeft = Pictures.padding + Self.left
        let plotWidth = width - plotLeft - Pictures.padding
        let plotTop = top + Self.top
        let plotBottom = plotTop + Self.plotHeight
        let (low, high) = range
        let halfSpan = high / 2 - low / 2
        func x(_ value: Double) -> Double { plotLeft + (value / 2 - low / 2) / halfSpan * plotWidth }
        func y(_ value: Double) -> Double { plotBottom - value * Self.plotHeight }

        svg.open("g", ["class": "curves"])
        // Axes, grid and ticks.
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            svg.leaf(
                "line",
                [
                    "x1": .number(plotLeft), "y1": .number(y(tick)), "x2": .number(plotLeft + plotWidth),
                    "y2": .number(y(tick)), "stroke": .text(tick == 0 ? Palette.text : Palette.grid), "stroke-width": 1,
                ])
            svg.element(
                "text",
                [
                    "x": .number(plotLeft - 6), "y": .number(y(tick) + 4), "text-anchor": "end",
                    "fill": .text(Palette.muted),
                ], text: tick == 0 ? "0" : tick == 1 ? "1" : shortestText(tick))
        }
        for tick in Self.ticks(low: low, high: high) {
            svg.leaf(
                "line",
                [
                    "x1": .number(x(tick)), "y1": .number(plotTop), "x2": .number(x(tick)),
                    "y2": .number(plotBottom + 4),
                    "stroke": .text(tick == 0 ? Palette.text : Palette.grid), "stroke-width": 1,
                ])
            svg.element(
                "text",
                [
                    "x": .number(x(tick)), "y": .number(plotBottom + 18), "text-anchor": "middle",
                    "fill": .text(Palette.muted),
                ], text: Self.tickText(tick))
        }
        svg.element(
            "text",
            [
                "class": "axis-label", "x": .number(plotLeft + plotWidth / 2), "y": .number(plotBottom + 38),
                "text-anchor": "middle",
            ], text: "logit x")
        svg.element(
            "text",
            [
                "class": "axis-label", "x": .number(Pictures.padding + 8), "y": .number(plotTop + Self.plotHeight / 2),
                "text-anchor": "middle",
                "transform": .text(
                    "rotate(-90 \(SVGWriter.coordinate(Pictures.padding + 8)) "
                        + "\(SVGWriter.coordinate(plotTop + Self.plotHeight / 2)))"),
            ], text: derivatives == nil ? "σ(x)" : "σ(x), σ′(x)")

        // The curves.
        let xs = (0...Self.samples).map { low + (high / 2 - low / 2) * 2 * Double($0) / Double(Self.samples) }
        svg.leaf(
            "polyline",
            [
                "class": "sigmoid", "fill": "none", "stroke": .text(Palette.bar), "stroke-width": 2,
                "points": .text(Self.points(xs.map { (x($0), y(sigmoid($0))) })),
            ])
        if derivatives != nil {
            svg.leaf(
                "polyline",
                [
                    "class": "sigmoid-derivative", "fill": "none", "stroke": .text(Palette.derivative),
                    "stroke-width": 2, "stroke-dasharray": "6 4",
                    "points": .text(Self.points(xs.map { (x($0), y(sigmoidDerivative($0))) })),
                ])
        }

        // One mark per input on each curve, each with its values as a tooltip.
        for i in logits.indices {
            let xText = shortestText(logits[i])
            svg.open(
                "circle",
                [
                    "class": "point", "cx": .number(x(logits[i])), "cy": .number(y(probabilities[i])), "r": 4.5,
                    "fill": .text(Palette.highlight), "stroke": .text(Palette.background), "stroke-width": 1,
                ])
            svg.element("title", text: "x = \(xText), σ(x) = \(shortestText(probabilities[i]))")
            svg.close()
            if let derivatives {
                let cx = x(logits[i])
                let cy = y(derivatives[i])
                svg.open(
                    "rect",
                    [
                        "class": "derivative-point", "x": .number(cx - 4), "y": .number(cy - 4), "width": 8,
                        "height": 8,
                        "fill": .text(Palette.derivative), "stroke": .text(Palette.background), "stroke-width": 1,
                    ])
                svg.element("title", text: "x = \(xText), σ′(x) = \(shortestText(derivatives[i]))")
                svg.close()
            }
        }

        // The legend, under the axis label's line.
        let legendY = plotBottom + 56
        var legendX = plotLeft
        svg.leaf(
            "line",
            [
                "x1": .number(legendX), "y1": .number(legendY - 4), "x2": .number(legendX + 24),
                "y2": .number(legendY - 4),
                "stroke": .text(Palette.bar), "stroke-width": 2,
            ])
        svg.element("text", ["x": .number(legendX + 30), "y": .number(legendY)], text: "σ(x)")
        legendX += 80
        if derivatives != nil {
            svg.leaf(
                "line",
                [
                    "x1": .number(legendX), "y1": .number(legendY - 4), "x2": .number(legendX + 24),
                    "y2": .number(legendY - 4), "stroke": .text(Palette.derivative), "stroke-width": 2,
                    "stroke-dasharray": "6 4",
                ])
            svg.element("text", ["x": .number(legendX + 30), "y": .number(legendY)], text: "σ′(x)")
            legendX += 80
        }
        svg.leaf(
            "circle",
            [
                "cx": .number(legendX + 5), "cy": .number(legendY - 4), "r": 4.5, "fill": .text(Palette.highlight),
            ])
        svg.element("text", ["x": .number(legendX + 16), "y": .number(legendY)], text: "the inputs")
        svg.close()
    }

    static func points(_ points: [(Double, Double)]) -> String {
        points.map { "\(SVGWriter.coordinate($0.0)),\(SVGWriter.coordinate($0.1))" }.joined(separator: " ")
    }

    /// Ticks at a round step (1, 2 or 5 times a power of ten) giving about six ticks over `low…high`.
    /// Each tick is read from its decimal text (`k·m` e `exponent`), so a tick such as 0.3 is the Double
    /// nearest 0.3 and prints as "0.3", and no power of ten is built by repeated multiplication.
    static func ticks(low: Double, high: Double) -> [Double] {
        let rough = (high / 2 - low / 2) / 3  // about a sixth of the span
        guard rough.isFinite, rough > 0 else { return [] }
        func power(_ exponent: Int) -> Double { Double("1e\(exponent)")! }
        // The power of ten at or below `rough` (log10 2 ≈ 0.30103 gives the first guess).
        var exponent = Int((Double(rough.exponent) * 0.30103).rounded(.down))
        while power(exponent + 1) <= rough { exponent += 1 }
        while power(exponent) > rough { exponent -= 1 }
        let ratio = rough / power(exponent)  // in [1, 10)
        let (mantissa, shift) = ratio < 1.5 ? (1, 0) : ratio < 3.5 ? (2, 0) : ratio < 7.5 ? (5, 0) : (1, 1)
        exponent += shift
        let step = Double(mantissa) * power(exponent)
        // The first multiple of the step at or above `low`, forgiving the quotient's rounding (−0.3 / 0.1
        // is −2.9999999999999996).
        let first = low / step
        var k = Int(abs(first - first.rounded()) < 1e-9 ? first.rounded() : first.rounded(.up))
        var ticks: [Double] = []
        while ticks.count < 12 {
            let tick = Double("\(k * mantissa)e\(exponent)")!
            if tick > high + step * 1e-9 { break }
            ticks.append(tick)
            k += 1
        }
        return ticks
    }

    /// A tick's text: an integer without ".0", anything else as the JSON codec writes it.
    static func tickText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return shortestText(value)
    }
}
