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

    /// Up to `scanLimit` names are found by comparing each, beyond it through the dictionary: both find every
    /// name (non-ASCII, long, one a prefix of another), its versions, and nothing for a name not loaded.
    @Test(arguments: [1, ModelSet.scanLimit, ModelSet.scanLimit + 1, 40])
    func findsEveryNameWithFewAndManyModels(_ names: Int) throws {
        let spelled = (0..<names).map { i in
            ["m", "m0", "ü\(i)", "a.b-\(i)", String(repeating: "x", count: 40 + i)][i % 5] + "\(i)"
        }
        let set = try ModelSet(spelled.flatMap { [tinyModel($0, version: 1), tinyModel($0, version: 7)] })
        for name in spelled {
            #expect(try set.model(name).version == 7)
            #expect(try set.model(name, version: 1).name == name)
            #expect(set.versions(of: name)?.versions.map(\.version) == [1, 7])
        }
        for missing in ["", "m", spelled[0] + "x", String(spelled[0].dropLast()), "M0"] where !spelled.contains(missing)
        {
            #expect(throws: ModelLookupError.unknownModel(name: missing)) { try set.model(missing) }
            #expect(set.versions(of: missing) == nil)
        }
    }

    /// A model is a value: changing a copy leaves the original (and the set it came from) as it was.
    @Test func aChangedCopyLeavesTheOriginal() throws {
        let original = try set.model("a")
        var copy = original
        copy.labels = ["one"]
        copy.threshold = 0.25
        copy.inputName = "float_input"
        copy.version = 99
        #expect(copy.labels == ["one"] && copy.threshold == 0.25 && copy.inputName == "float_input")
        #expect(original.labels == nil && original.threshold == 0.5 && original.inputName == "input")
        #expect(try original.version == 12 && set.model("a").version == 12)
        #expect(copy.weights == original.weights && copy.name == "a")
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
