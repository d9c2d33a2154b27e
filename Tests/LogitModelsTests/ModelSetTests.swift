import LogitMath
import LogitModels
import Testing

func tinyModel(_ name: String, version: Int, weight: Double = 1, file: String? = nil) -> Model {
    Model(
        name: name, version: version, format: .logitd, weights: try! Matrix(rows: [[weight]]), bias: [0],
        activation: .softmax, file: file ?? "\(name)-\(version).json")
}

@Suite struct ModelSetTests {
    let set = try! ModelSet([
        tinyModel("b", version: 1), tinyModel("a", version: 3), tinyModel("a", version: 1), tinyModel("a", version: 12),
    ])

    @Test func listsEveryModelByNameThenVersion() {
        #expect(set.all.map { "\($0.name)/\($0.version)" } == ["a/1", "a/3", "a/12", "b/1"])
        #expect(set.count == 4)
    }

    /// "latest" is the highest version, numerically (12 > 3).
    @Test func findsTheLatestOrAGivenVersion() throws {
        #expect(try set.model("a").version == 12)
        #expect(try set.model("a", version: 3).version == 3)
        #expect(try set.model("b", version: 1).name == "b")
    }

    @Test func saysWhatIsMissing() {
        #expect(throws: ModelLookupError.unknownModel(name: "c")) { try set.model("c") }
        #expect(throws: ModelLookupError.unknownVersion(name: "a", version: 2, available: [1, 3, 12])) {
            try set.model("a", version: 2)
        }
    }

    @Test func refusesTheSameNameAndVersionTwice() {
        #expect(
            throws: ModelLoadError(file: "second.json", problem: "duplicate model a version 1 (also in first.json)")
        ) {
            try ModelSet([
                tinyModel("a", version: 1, file: "first.json"), tinyModel("a", version: 1, file: "second.json"),
            ])
        }
    }
}
