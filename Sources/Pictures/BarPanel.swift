import JSONCodec

/// One horizontal bar per class on a 0…1 scale, in a table: the class (or its label), its logit when
/// known, the bar, its probability, σ′ when asked, and a note (a rank, a prediction).
///
/// Horizontal bars keep every number on one line whatever its length ("4.248354255291589e-18"), and a
/// long list of classes grows the picture downwards only.
struct BarPanel {
    struct Row {
        var index: Int
        var label: String?
        var logit: Double?
        var probability: Double
        var derivative: Double?
        var note: String?
        var highlighted = false

        init(index: Int, label: String? = nil, logit: Double? = nil, probability: Double, derivative: Double? = nil) {
            self.index = index
            self.label = label
            self.logit = logit
            self.probability = probability
            self.derivative = derivative
        }

        /// What the row shows: its label, or its index.
        var name: String { label ?? String(index) }

        /// The row in words, for the `<desc>` and the row's own `<title>`.
        var spoken: String {
            var parts = ["class \(index)" + (label.map { " (\($0))" } ?? "") + ":"]
            var values: [String] = []
            if let logit { values.append("logit \(shortestText(logit))") }
            values.append("probability \(shortestText(probability))")
            if let derivative { values.append("σ′ \(shortestText(derivative))") }
            if let note { values.append(note) }
            parts.append(values.joined(separator: ", "))
            return parts.joined(separator: " ")
        }
    }

    let rows: [Row]
    let showsLogits: Bool
    let threshold: Double?

    static let rowHeight = 26.0
    static let barHeight = 16.0
    static let headerHeight = 24.0
    static let axisHeight = 48.0
    static let nameWidth = 132.0
    /// "-1.2345678901234567e-308", 24 characters at about 7 px in 12 px sans-serif digits.
    static let numberWidth = 176.0
    static let barWidth = 280.0
    static let noteWidth = 84.0
    static let gap = 12.0
    /// Labels longer than this are shortened on the picture (whole in the row's title and the desc).
    static let maxNameLength = 18

    var showsDerivatives: Bool { rows.contains { $0.derivative != nil } }
    var showsNotes: Bool { rows.contains { $0.note != nil } }

    var nameX: Double { Pictures.padding }
    var logitX: Double { nameX + Self.nameWidth + Self.gap }
    var barX: Double { showsLogits ? logitX + Self.numberWidth + Self.gap : logitX }
    var probabilityX: Double { barX + Self.barWidth + Self.gap }
    var derivativeX: Double { probabilityX + Self.numberWidth }
    var noteX: Double { showsDerivatives ? derivativeX + Self.numberWidth : derivativeX }
    var width: Double { (showsNotes ? noteX + Self.noteWidth : noteX) + Pictures.padding }
    var height: Double { Self.headerHeight + Double(rows.count) * Self.rowHeight + Self.axisHeight }

    func draw(into svg: inout SVGWriter, top: Double) {
        let header = top + 16
        let firstRow = top + Self.headerHeight
        let bottom = firstRow + Double(rows.count) * Self.rowHeight
        svg.open("g", ["class": "bars"])
        // The column headings: the first one is the vertical axis's label.
        svg.element(
            "text",
            ["class": "axis-label", "x": .number(logitX - Self.gap), "y": .number(header), "text-anchor": "end"],
            text: "class")
        if showsLogits {
            svg.element(
                "text", ["x": .number(barX - Self.gap), "y": .number(header), "text-anchor": "end"], text: "logit")
        }
        svg.element("text", ["x": .number(probabilityX), "y": .number(header)], text: "probability")
        if showsDerivatives { svg.element("text", ["x": .number(derivativeX), "y": .number(header)], text: "σ′(x)") }

        // The grid and the horizontal axis: 0, 0.25, 0.5, 0.75, 1.
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let x = barX + tick * Self.barWidth
            svg.leaf(
                "line",
                [
                    "x1": .number(x), "y1": .number(firstRow - 4), "x2": .number(x), "y2": .number(bottom + 4),
                    "stroke": .text(tick == 0 ? Palette.text : Palette.grid), "stroke-width": 1,
                ])
            svg.element(
                "text",
                ["x": .number(x), "y": .number(bottom + 18), "text-anchor": "middle", "fill": .text(Palette.muted)],
                text: tick == 0 ? "0" : tick == 1 ? "1" : shortestText(tick))
        }
        svg.element(
            "text",
            [
                "class": "axis-label", "x": .number(barX + Self.barWidth / 2), "y": .number(bottom + 38),
                "text-anchor": "middle",
            ], text: "probability")

        for (i, row) in rows.enumerated() {
            let y = firstRow + Double(i) * Self.rowHeight
            let baseline = y + Self.rowHeight / 2 + 4
            svg.open("g", ["class": "row"])
            svg.element("title", text: row.spoken)
            svg.element(
                "text",
                [
                    "class": "name", "x": .number(logitX - Self.gap), "y": .number(baseline), "text-anchor": "end",
                    "font-weight": row.highlighted ? "bold" : "normal",
                ], text: Self.shortened(row.name))
            if showsLogits, let logit = row.logit {
                svg.element(
                    "text",
                    ["class": "logit", "x": .number(barX - Self.gap), "y": .number(baseline), "text-anchor": "end"],
                    text: shortestText(logit))
            }
            let length = max(0, min(1, row.probability)) * Self.barWidth
            svg.leaf(
                "rect",
                [
                    "class": "bar", "x": .number(barX), "y": .number(y + (Self.rowHeight - Self.barHeight) / 2),
                    "width": .number(length), "height": .number(Self.barHeight),
                    "fill": .text(row.highlighted ? Palette.highlight : Palette.bar),
                ])
            svg.element(
                "text", ["class": "probability", "x": .number(probabilityX), "y": .number(baseline)],
                text: shortestText(row.probability))
            if let derivative = row.derivative {
                svg.element(
                    "text",
                    [
                        "class": "derivative", "x": .number(derivativeX), "y": .number(baseline),
                        "fill": .text(Palette.derivative),
                    ], text: shortestText(derivative))
            }
            if let note = row.note {
                svg.element(
                    "text",
                    [
                        "class": "note", "x": .number(noteX), "y": .number(baseline),
                        "font-weight": row.highlighted ? "bold" : "normal",
                    ], text: note)
            }
            svg.close()
        }

        if let threshold {
            let x = barX + threshold * Self.barWidth
            svg.leaf(
                "line",
                [
                    "class": "threshold", "x1": .number(x), "y1": .number(firstRow - 8), "x2": .number(x),
                    "y2": .number(bottom + 4), "stroke": .text(Palette.text), "stroke-width": 1.5,
                    "stroke-dasharray": "5 3",
                ])
            svg.element(
                "text", ["x": .number(x + 4), "y": .number(header), "fill": .text(Palette.text)],
                text: "threshold \(shortestText(threshold))")
        }
        svg.close()
    }

    /// `name` cut to `maxNameLength` characters, an ellipsis marking the cut.
    static func shortened(_ name: String) -> String {
        name.count <= maxNameLength ? name : String(name.prefix(maxNameLength - 1)) + "…"
    }
}
