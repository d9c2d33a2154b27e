import LogitMath
import LogitModels
import Testing

@Suite struct ModelRegistryTests {
    /// A snapshot taken before a swap keeps the models it had; the registry hands out the new set after.
    @Test func aSnapshotOutlivesTheSwap() throws {
        let registry = ModelRegistry(try ModelSet([tinyModel("m", version: 1, weight: 1)]))
        let before = registry.current
        registry.replace(with: try ModelSet([tinyModel("m", version: 1, weight: 2), tinyModel("n", version: 1)]))
        #expect(try before.model("m").weights.elements == [1])
        #expect(before.count == 1)
        #expect(try registry.current.model("m").weights.elements == [2])
        #expect(registry.current.count == 2)
    }

    /// A reload that fails keeps the old set whole and says why; one that succeeds replaces it whole.
    @Test func aFailedReloadKeepsTheOldSet() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("a.json", #"{"weights": [[1]]}"#)
        let registry = try ModelRegistry(loading: ModelSources(directories: [dir.path]))
        #expect(registry.current.all.map(\.name) == ["a"])

        try dir.write("b.json", #"{"weights": [[2]]}"#)
        let broken = try dir.write("c.json", #"{"weights": [[3]"#)
        #expect(throws: ModelLoadError(file: broken, problem: "truncated: the JSON ends at byte 16")) {
            try registry.reload()
        }
        #expect(registry.current.all.map(\.name) == ["a"])

        try dir.write("c.json", #"{"weights": [[3]]}"#)
        try registry.reload()
        #expect(registry.current.all.map(\.name) == ["a", "b", "c"])
    }

    /// Readers on several threads while the set is swapped: each sees one whole set, never a mix (every model
    /// in a set carries that set's generation as its weight).
    @Test func readersSeeWholeSetsDuringSwaps() async throws {
        func generation(_ g: Double) throws -> ModelSet {
            try ModelSet((0..<20).map { tinyModel("m\($0)", version: 1, weight: g) })
        }
        let registry = ModelRegistry(try generation(0))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<2000 {
                        let set = registry.current
                        let g = set.all[0].weights.elements[0]
                        if !set.all.allSatisfy({ $0.weights.elements[0] == g }) { return false }
                    }
                    return true
                }
            }
            group.addTask {
                for g in 1...200 { registry.replace(with: try generation(Double(g))) }
                return true
            }
            for try await whole in group { #expect(whole) }
        }
    }
}
