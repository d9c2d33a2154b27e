import JSONCodec

/// The SVG pictures of the compute endpoints' answers, drawn from the same values the JSON answer
/// carries: every number printed is that answer's number, in the JSON codec's spelling.
///
/// Each picture is one self-contained document: a `<title>` and a `<desc>` (the values in words, for
/// screen readers) as the root's first children, a visible heading, then its panels. Nothing here
/// knows HTTP or JSON; the service calls these with a result it has already computed.
package enum Pictures {
    /// `/sigmoid`: σ's curve with the inputs marked on it (and σ′'s curve and marks when `derivatives`
    /// is given), above one bar per input.
    package static func sigmoid(logits: [Double], probabilities: [Double], derivatives: [Double]?) -> [UInt8] {
        precondition(logits.count == probabilities.count && (derivatives?.count ?? logits.count) == logits.count)
        let rows = logits.indices.map { i in
            BarPanel.Row(index: i, logit: logits[i], probability: probabilities[i], derivative: derivatives?[i])
        }
        let count = counted(logits.count, "logit")
        let heading = derivatives == nil ? "σ(x) of \(count)" : "σ(x) and σ′(x) of \(count)"
        let description =
            (derivatives == nil
                ? "The logistic sigmoid σ(x) = 1/(1+e^−x), an S-shaped curve from 0 to 1, with \(count) marked on it. "
                : "The logistic sigmoid σ(x) = 1/(1+e^−x), an S-shaped curve from 0 to 1, and its slope "
                    + "σ′(x) = σ(x)·σ(−x), a bump that peaks at 0.25 at x = 0, with \(count) marked on both. ")
            + rows.map(\.spoken).joined(separator: "; ") + "."
        let panel = BarPanel(rows: rows, showsLogits: true, threshold: nil)
        let curve = CurvePanel(
            width: panel.width, logits: logits, probabilities: probabilities, derivatives: derivatives)
        return document(
            title: "Sigmoid of \(count)", description: description, heading: heading,
            panels: [
                .curve(curve), .bars(panel),
            ])
    }

    /// `/softmax`: one bar per class, its logit beside its probability.
    package static func softmax(logits: [Double], probabilities: [Double], temperature: Double) -> [UInt8] {
        precondition(logits.count == probabilities.count)
        let rows = logits.indices.map { i in
            BarPanel.Row(index: i, logit: logits[i], probability: probabilities[i])
        }
        let count = counted(logits.count, "logit")
        let t = shortestText(temperature)
        let description =
            "Bars of the softmax probabilities of \(count) at temperature \(t); they sum to 1. "
            + rows.map(\.spoken).joined(separator: "; ") + "."
        let panel = BarPanel(rows: rows, showsLogits: true, threshold: nil)
        return document(
            title: "Softmax of \(count) at temperature \(t)", description: description,
            heading: "softmax(x / T), T = \(t)", panels: [.bars(panel)])
    }

    /// `/classify` with softmax (or a binary model): one bar per class; the `top` classes, most probable
    /// first, are marked with their rank.
    package static func softmaxClassification(probabilities: [Double], labels: [String]?, top: [Int]) -> [UInt8] {
        precondition(!top.isEmpty && top.allSatisfy(probabilities.indices.contains))
        var rows = probabilities.indices.map { i in
            BarPanel.Row(index: i, label: labels?[i], probability: probabilities[i])
        }
        for (rank, i) in top.enumerated() {
            rows[i].note = "top \(rank + 1)"
            rows[i].highlighted = true
        }
        let best = top[0]
        let chosen = "class \(best)" + (labels.map { " (\($0[best]))" } ?? "")
        let description =
            "Bars of the probabilities of \(counted(probabilities.count, "class", "classes")); the most probable is "
            + "\(chosen), with probability \(shortestText(probabilities[best])). "
            + rows.map(\.spoken).joined(separator: "; ") + "."
        let panel = BarPanel(rows: rows, showsLogits: false, threshold: nil)
        return document(
            title: "Classification: \(chosen)", description: description,
            heading: "classify: \(chosen), p = \(shortestText(probabilities[best]))", panels: [.bars(panel)])
    }

    /// `/classify` with sigmoid: one bar per output, the threshold drawn across them, and each output's
    /// prediction (1 when its probability is greater than the threshold) beside it.
    package static func sigmoidClassification(
        probabilities: [Double], predictions: [Int], threshold: Double, labels: [String]?
    ) -> [UInt8] {
        precondition(predictions.count == probabilities.count)
        var rows = probabilities.indices.map { i in
            BarPanel.Row(index: i, label: labels?[i], probability: probabilities[i])
        }
        for i in rows.indices {
            rows[i].note = "predicted \(predictions[i])"
            rows[i].highlighted = predictions[i] == 1
        }
        let yes = rows.indices.filter { predictions[$0] == 1 }.map { rows[$0].name }
        let t = shortestText(threshold)
        let summary = yes.isEmpty ? "none" : yes.joined(separator: ", ")
        let description =
            "Bars of the sigmoid probabilities of \(counted(probabilities.count, "output")) against the threshold "
            + "\(t); an output is predicted 1 when its probability is greater. Predicted 1: \(summary). "
            + rows.map(\.spoken).joined(separator: "; ") + "."
        let panel = BarPanel(rows: rows, showsLogits: false, threshold: threshold)
        return document(
            title: "Classification by sigmoid, threshold \(t): \(yes.count) of \(probabilities.count) predicted 1",
            description: description, heading: "classify (sigmoid), threshold \(t): predicted 1: \(summary)",
            panels: [.bars(panel)])
    }

    // MARK: The document

    enum Panel {
        case curve(CurvePanel)
        case bars(BarPanel)

        var height: Double {
            switch self {
            case .curve(let p): p.height
            case .bars(let p): p.height
            }
        }
    }

    static let padding = 16.0
    static let headingHeight = 40.0

    static func document(title: String, description: String, heading: String, panels: [Panel]) -> [UInt8] {
        let width =
            panels.map { panel in
                switch panel {
                case .curve(let p): p.width
                case .bars(let p): p.width
                }
            }.max() ?? 480
        let height = headingHeight + panels.reduce(0) { $0 + $1.height } + padding
        var svg = SVGWriter()
        svg.open(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "width": .number(width), "height": .number(height),
                "viewBox": .text("0 0 \(SVGWriter.coordinate(width)) \(SVGWriter.coordinate(height))"),
                "role": "img", "aria-labelledby": "title desc", "font-family": "sans-serif", "font-size": 12,
                "fill": .text(Palette.text),
            ])
        svg.element("title", ["id": "title"], text: title)
        svg.element("desc", ["id": "desc"], text: description)
        svg.leaf("rect", ["width": .number(width), "height": .number(height), "fill": .text(Palette.background)])
        svg.element(
            "text", ["class": "heading", "x": .number(padding), "y": 26, "font-size": 15, "font-weight": "bold"],
            text: heading)
        var y = headingHeight
        for panel in panels {
            switch panel {
            case .curve(let p): p.draw(into: &svg, top: y)
            case .bars(let p): p.draw(into: &svg, top: y)
            }
            y += panel.height
        }
        svg.close()
        return svg.bytes
    }

    static func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }
}

/// The few colours, chosen for contrast on white (text 16:1, bars and curves above 4.5:1).
enum Palette {
    static let background = "#ffffff"
    static let text = "#1a1a1a"
    static let muted = "#595959"
    static let grid = "#d9d9d9"
    static let bar = "#2f5f98"
    static let highlight = "#b3541e"
    static let derivative = "#a4262c"
}
