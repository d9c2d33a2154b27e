import LogitMath
import PropertyBased
import Testing

@Suite struct ClassifyTests {
    @Test func argmaxTakesLowestIndexOnTies() throws {
        #expect(try argmax([0.1, 0.4, 0.4, 0.1]) == 1)
        #expect(try argmax([3]) == 0)
        #expect(try argmax([-1, -1]) == 0)
        #expect(throws: MathError.empty(path: [])) { try argmax([]) }
    }

    @Test func topKIsStableAndMostProbableFirst() throws {
        #expect(try topK([0.1, 0.3, 0.2, 0.3, 0.1], k: 3) == [1, 3, 2])
        #expect(try topK([0.1, 0.3, 0.2, 0.3, 0.1], k: 5) == [1, 3, 2, 0, 4])
        #expect(try topK([0.5, 0.5], k: 1) == [0])
        #expect(throws: MathError.invalidK(k: 0, count: 2)) { try topK([0.5, 0.5], k: 0) }
        #expect(throws: MathError.invalidK(k: 3, count: 2)) { try topK([0.5, 0.5], k: 3) }
    }

    /// API.md: predicted 1 only when the probability is strictly greater than the threshold.
    @Test func thresholdIsStrict() {
        #expect(threshold([0.5, 0.50000000000000011, 0.49, 1, 0], at: 0.5) == [0, 1, 0, 1, 0])
    }

    /// top-k equals the first k of the indices sorted by (value descending, index ascending), and its
    /// first element is argmax. Values come from a small set so ties are common.
    @Test func topKAgreesWithSorting() async {
        let values = Gen<Int>.int(in: 0...6).array(of: 1...40)
        await propertyCheck(count: 500, input: values, Gen<Int>.int(in: 1...40)) { ints, kSeed in
            let v = ints.map { Double($0) / 8 }
            let k = (kSeed - 1) % v.count + 1
            let sorted = v.indices.sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }
            do {
                let top = try topK(v, k: k)
                #expect(top == Array(sorted.prefix(k)))
                #expect(top.first == (try argmax(v)))
            } catch {
                Issue.record(error)
            }
        }
    }
}
