import Foundation
import TestSupport
import Testing

/// A reference value from the mpmath fixtures: the nearest Double `hi` and `frac = (exact − hi)/ulp(hi)`.
struct Reference: Sendable {
    let hi: Double
    let frac: Double

    init(_ hi: Double, _ frac: Double) {
        self.hi = hi
        self.frac = frac
    }

    init(hi: Substring, frac: Substring) {
        self.init(Double(hi)!, Double(frac)!)
    }

    /// The distance from `computed` to the exact value, in units of ulp(hi) (the least subnormal when
    /// hi is 0). Exact to about 1/1000 ulp, the precision of `frac`.
    func ulpError(_ computed: Double) -> Double {
        if hi.isInfinite { return computed == hi ? 0 : .infinity }
        let ulp = hi == 0 ? Double.leastNonzeroMagnitude : hi.ulp
        return abs((computed - hi) / ulp - frac)
    }
}

enum Fixture {
    /// The non-comment lines of `Fixtures/<name>.txt`, split at spaces.
    static func lines(_ name: String) throws -> [[Substring]] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
    }

    struct SigmoidPoint {
        let x: Double
        let sigmoid: Reference
        let derivative: Reference
        let logSigmoid: Reference
    }

    static let sigmoid: [SigmoidPoint] = {
        (try? lines("sigmoid"))!.map {
            SigmoidPoint(
                x: Double($0[0])!, sigmoid: Reference(hi: $0[1], frac: $0[2]),
                derivative: Reference(hi: $0[3], frac: $0[4]), logSigmoid: Reference(hi: $0[5], frac: $0[6]))
        }
    }()

    struct SoftmaxRow: CustomTestStringConvertible {
        let name: String
        let temperature: Double
        let x: [Double]
        let p: [Reference]
        let logP: [Reference]
        var testDescription: String { "\(name) T=\(temperature)" }
    }

    /// The rows of softmax.txt, each at each of its temperatures.
    static let softmaxRows: [SoftmaxRow] = {
        var rows: [SoftmaxRow] = []
        let all = (try? lines("softmax"))!
        var i = 0
        while i < all.count {
            let head = all[i]
            let n = Int(head[3])!
            let body = all[i + 1...i + n]
            rows.append(
                SoftmaxRow(
                    name: String(head[1]), temperature: Double(head[2])!, x: body.map { Double($0[0])! },
                    p: body.map { Reference(hi: $0[1], frac: $0[2]) },
                    logP: body.map { Reference(hi: $0[3], frac: $0[4]) }))
            i += n + 1
        }
        return rows
    }()

    /// softmax_large.txt: 100 000 logits from SplitMix64, with their references at temperature 1.
    static func largeRow() throws -> SoftmaxRow {
        let all = try lines("softmax_large")
        let head = all[0]
        let (seed, n, scale) = (UInt64(head[0])!, Int(head[1])!, Double(head[2])!)
        let body = all.dropFirst()
        return SoftmaxRow(
            name: "large", temperature: Double(head[3])!, x: randomLogits(seed: seed, count: n, scale: scale),
            p: body.map { Reference(hi: $0[0], frac: $0[1]) }, logP: body.map { Reference(hi: $0[2], frac: $0[3]) })
    }
}

/// `count` logits uniform in [−scale, scale), the same Doubles as make_fixtures.random_logits.
func randomLogits(seed: UInt64, count: Int, scale: Double) -> [Double] {
    var g = SplitMix64(state: seed)
    return (0..<count).map { _ in (Double(g.next() >> 11) * 0x1p-53 * 2.0 - 1.0) * scale }
}

/// Σ v exactly enough to judge a 4-ulp bound: TwoSum per term, the errors summed apart.
func accurateSum(_ v: [Double]) -> Double {
    var (s, c) = (0.0, 0.0)
    for x in v {
        let t = s + x
        let bv = t - s
        c += (s - (t - bv)) + (x - bv)
        s = t
    }
    return s + c
}
