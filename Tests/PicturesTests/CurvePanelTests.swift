import Testing

@testable import Pictures

@Suite struct CurvePanelTests {
    @Test(arguments: [
        (-7.2, 7.2, [-6.0, -4, -2, 0, 2, 4, 6]),
        (-0.3, 0.3, [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]),
        (0.0, 1000.0, [0.0, 200, 400, 600, 800, 1000]),
        (-1e300, 1e300, [-1e300, -8e299, -6e299, -4e299, -2e299, 0, 2e299, 4e299, 6e299, 8e299, 1e300]),
        (0.1, 0.7, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
    ])
    func ticksFallOnRoundNumbers(low: Double, high: Double, expected: [Double]) {
        #expect(CurvePanel.ticks(low: low, high: high) == expected)
    }

    @Test func tickTextDropsTheFractionOfIntegers() {
        #expect(CurvePanel.tickText(-4) == "-4")
        #expect(CurvePanel.tickText(0.1) == "0.1")
        #expect(CurvePanel.tickText(5e299) == "5e+299")
    }

    @Test func rangeHoldsEveryInputWithAMargin() {
        let panel = CurvePanel(width: 600, logits: [-20, 3], probabilities: [0, 0.95], derivatives: nil)
        #expect(panel.range.low < -20 && panel.range.high > 6)
        let huge = CurvePanel(width: 600, logits: [.greatestFiniteMagnitude], probabilities: [1], derivatives: nil)
        #expect(huge.range.high.isFinite == false || huge.range.high >= .greatestFiniteMagnitude)
    }
}
