import LogitMath
import PropertyBased
import Testing

@Suite struct SoftmaxTests {
    /// Each fixture row (spreads from [1000, 1001] to [1e308, −1e308]) at each temperature from 1e−300
    /// to 1e300, against mpmath's softmax(x/T) to 50 digits: every probability finite and within 4 ulp,
    /// every log-probability within 4 ulp — or, where the exact value is below −1.8e308, refused with
    /// `.nonFiniteResult` naming the first such element.
    @Test(arguments: Fixture.softmaxRows)
    func matchesReference(_ row: Fixture.SoftmaxRow) throws {
        let p = try softmax(row.x, temperature: row.temperature)
        for (i, (value, ref)) in zip(p, row.p).enumerated() {
            #expect(value.isFinite)
            #expect(ref.ulpError(value) <= 4, "p[\(i)] = \(value), ref \(ref.hi) (\(ref.ulpError(value)) ulp)")
        }
        if let overflow = row.logP.firstIndex(where: { $0.hi.isInfinite }) {
            #expect(throws: MathError.nonFiniteResult(path: [overflow])) {
                try logSoftmax(row.x, temperature: row.temperature)
            }
        } else {
            let lp = try logSoftmax(row.x, temperature: row.temperature)
            for (i, (value, ref)) in zip(lp, row.logP).enumerated() {
                #expect(ref.ulpError(value) <= 4, "lp[\(i)] = \(value), ref \(ref.hi) (\(ref.ulpError(value)) ulp)")
            }
            let both = try softmaxAndLog(row.x, temperature: row.temperature)
            #expect(both.probabilities == p && both.logProbabilities == lp)
        }
        // The exact sum of the returned probabilities is 1 within 4 ulp (of 1, i.e. 4 · 2^−52).
        #expect(abs(accurateSum(p) - 1) <= 4 * 1.0.ulp)
    }

    /// 100 000 random logits in [−30, 30): every element within 4 ulp, and the row sums to 1 within 4 ulp.
    @Test func largeRowMatchesReference() throws {
        let row = try Fixture.largeRow()
        #expect(row.x.count == 100_000 && row.p.count == 100_000)
        let (p, lp) = try softmaxAndLog(row.x, temperature: row.temperature)
        var worst = (0.0, 0.0)
        for i in p.indices {
            worst = (max(worst.0, row.p[i].ulpError(p[i])), max(worst.1, row.logP[i].ulpError(lp[i])))
        }
        #expect(worst.0 <= 4 && worst.1 <= 4, "max ulp: softmax \(worst.0), log-softmax \(worst.1)")
        #expect(abs(accurateSum(p) - 1) <= 4 * 1.0.ulp)
        print("softmax 100 000 logits: max ulp softmax \(worst.0), log-softmax \(worst.1)")
    }

    /// The seed's logits; mpmath gives 0.16763982221294179852, 0.088840205531686223735,
    /// 0.19495956001681495223, 0.46784332888342774466, 0.080717083355129280859.
    @Test func seedValues() throws {
        let p = try softmax([0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337])
        let expected = [
            Reference(0.1676398222129418, 0.056), Reference(0.08884020553168623, -0.325),
            Reference(0.19495956001681494, 0.358), Reference(0.4678433288834277, 0.397),
            Reference(0.08071708335512928, -0.091),
        ]
        for (c, e) in zip(p, expected) { #expect(e.ulpError(c) <= 4, "\(c) vs \(e.hi)") }
    }

    @Test func exactValues() throws {
        #expect(try softmax([7, 7, 7, 7]) == [0.25, 0.25, 0.25, 0.25])
        #expect(try softmax([42]) == [1])
        #expect(try logSoftmax([42]) == [0])
        // [1000, 1001] is σ(−1), σ(1): mpmath's (nearest Double, offset in ulps), within the 4-ulp bound.
        let close = try softmax([1000, 1001])
        #expect(Reference(0.2689414213699951, 0.303).ulpError(close[0]) <= 4)
        #expect(Reference(0.7310585786300049, -0.151).ulpError(close[1]) <= 4)
        // A temperature so small that the scaled gaps overflow: the exact limit, one-hot.
        #expect(try softmax([1e308, -1e308], temperature: 1e-300) == [1, 0])
        #expect(try softmax([1, 2, 2], temperature: 1e-300) == [0, 0.5, 0.5])
        // log-softmax of the largest element near 0 keeps its digits: −log1p(e^−40 + e^−50).
        #expect(try logSoftmax([0, -40, -50])[0] == -4.248354255291589e-18 - 1.9287498479639178e-22)
    }

    @Test func refusesBadInput() {
        #expect(throws: MathError.empty(path: [])) { try softmax([Double]()) }
        #expect(throws: MathError.nonFiniteInput(path: [1])) { try softmax([1, .nan, 2]) }
        #expect(throws: MathError.nonFiniteInput(path: [2])) { try logSoftmax([1, 2, .infinity]) }
        // Inside the four-lane scan, the first of several non-finite elements is the one named.
        #expect(throws: MathError.nonFiniteInput(path: [5])) { try softmax([1, 2, 3, 4, 5, -.infinity, 7, .nan, 9]) }
        #expect(throws: MathError.nonFiniteInput(path: [0])) { try logSoftmax([.nan, 2, 3, 4, 5]) }
        for t in [0, -1, Double.infinity, Double.nan, -0.0] {
            #expect(throws: MathError.self) { try softmax([1, 2], temperature: t) }
        }
        #expect(throws: MathError.invalidTemperature(0)) { try softmax([1, 2], temperature: 0) }
        #expect(throws: MathError.nonFiniteInput(path: [1, 0])) { try softmax([[1, 2], [.nan, 2]]) }
        #expect(throws: MathError.empty(path: [1])) { try logSoftmax([[1, 2], []]) }
        #expect(throws: MathError.empty(path: [])) { try softmax([[Double]]()) }
        #expect(throws: MathError.nonFiniteResult(path: [1, 1])) {
            try logSoftmax(Matrix(rows: [[0, 1], [1e308, -1e308]]))
        }
    }

    @Test func batchesWorkAlongRows() throws {
        let batch = [[1.0, 2, 3], [1000, 1001, 1002], [-5, 0, 5]]
        let m = try Matrix(rows: batch)
        let rows = try batch.map { try softmax($0, temperature: 2) }
        #expect(try softmax(batch, temperature: 2) == rows)
        #expect(try softmax(m, temperature: 2).arrays == rows)
        let logRows = try batch.map { try logSoftmax($0) }
        #expect(try logSoftmax(m).arrays == logRows)
        #expect(try logSoftmax(batch) == logRows)
    }

    /// Adding an exactly representable constant (an integer, to logits that are multiples of 2^−20)
    /// changes no x_i − max, so softmax is unchanged bit for bit.
    @Test func invariantUnderShift() async {
        let logits = Gen<Int>.int(in: -40_000_000...40_000_000).array(of: 1...50)
        await propertyCheck(count: 300, input: logits, Gen<Int>.int(in: -1000...1000)) { ints, shift in
            let x = ints.map { Double($0) * 0x1p-20 }
            let shifted = x.map { $0 + Double(shift) }
            do {
                #expect(try softmax(x) == softmax(shifted))
                #expect(try logSoftmax(x) == logSoftmax(shifted))
            } catch {
                Issue.record(error)
            }
        }
    }

    /// A larger logit never gets a smaller probability, and every row sums to 1 within 4 ulp.
    @Test func monotoneAndNormalised() async {
        let logits = Gen<Double>.double(in: -800...800).array(of: 1...100)
        await propertyCheck(count: 300, input: logits, Gen<Double>.double(in: 0.01...100)) { x, t in
            do {
                let p = try softmax(x, temperature: t)
                let lp = try logSoftmax(x, temperature: t)
                for i in x.indices {
                    for j in x.indices where x[i] < x[j] {
                        #expect(p[i] <= p[j])
                        #expect(lp[i] <= lp[j])
                    }
                }
                #expect(abs(accurateSum(p) - 1) <= 4 * 1.0.ulp)
                #expect(p.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
            } catch {
                Issue.record(error)
            }
        }
    }
}

@Test func softmaxAndLogOfAMatrixEqualsTheTwoSeparately() throws {
    let m = try Matrix(rows: [[0.5, -1, 3, 1e-3, 7], [2, 2, -7, 0, 0]])
    let both = try softmaxAndLog(m, temperature: 0.7)
    #expect(both.probabilities == (try softmax(m, temperature: 0.7)))
    #expect(both.logProbabilities == (try logSoftmax(m, temperature: 0.7)))
    #expect(throws: MathError.nonFiniteResult(path: [1, 1])) {
        try softmaxAndLog(try Matrix(rows: [[1, 2], [1e308, -1e308]]))
    }
}
