import Testing

@testable import Pictures

@Suite struct BarPanelTests {
    @Test(arguments: [
        ("owl", "owl"), ("eighteen-chars-abc", "eighteen-chars-abc"), ("nineteen-chars-abcd", "nineteen-chars-ab…"),
        ("🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈", "🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈🐈…"),
    ])
    func shortensLongNamesWithAnEllipsis(name: String, shown: String) {
        #expect(BarPanel.shortened(name) == shown)
    }

    @Test func rowInWordsNamesClassLabelAndValues() {
        var row = BarPanel.Row(index: 3, label: "owl", logit: 1.52302986, probability: 0.4678433288834277)
        row.note = "top 1"
        #expect(row.spoken == "class 3 (owl): logit 1.52302986, probability 0.4678433288834277, top 1")
    }

    @Test func columnsAppearOnlyWhenUsed() {
        let plain = BarPanel(rows: [.init(index: 0, probability: 1)], showsLogits: false, threshold: nil)
        let full = BarPanel(
            rows: [.init(index: 0, logit: 0, probability: 0.5, derivative: 0.25)], showsLogits: true, threshold: nil)
        #expect(full.width == plain.width + BarPanel.numberWidth * 2 + BarPanel.gap)
    }
}
