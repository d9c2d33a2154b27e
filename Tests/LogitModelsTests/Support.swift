import Foundation
import LogitMath
import LogitModels
import Testing

/// A 50-digit reference as the fixtures write it: the nearest Double `hi` and `frac = (exact − hi)/ulp(hi)`.
struct Reference: Sendable {
    let hi: Double
    let frac: Double

    /// The distance from `computed` to the exact value in ulps of hi (to about 1/1000 ulp).
    func ulpError(_ computed: Double) -> Double {
        let ulp = hi == 0 ? Double.leastNonzeroMagnitude : hi.ulp
        return abs((computed - hi) / ulp - frac)
    }

    /// |computed − exact|, to about 1/1000 ulp of hi.
    func distance(_ computed: Double) -> Double { ulpError(computed) * (hi == 0 ? .leastNonzeroMagnitude : hi.ulp) }
}

enum Fixture {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    static func path(_ name: String) throws -> String { try url(name).path }

    /// One sample of a references file (see scripts/models/make_fixtures.py).
    struct Sample {
        let features: [Double]
        /// scikit-learn's `predict` as a class index; nil for the rounded dtypes.
        let predict: Int?
        let predictProba: [Double]?
        /// The logits logitd's dot product computes, emulated operation by operation.
        let servedLogits: [Double]
        let exactLogits: [Reference]
        /// σ/softmax of the served logits.
        let probabilities: [Reference]
    }

    static func samples(_ name: String) throws -> [Sample] {
        let text = try String(contentsOf: url(name), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "|").map { $0.split(separator: " ") }
            func doubles(_ i: Int) -> [Double] { f[i].map { Double($0)! } }
            func references(_ i: Int) -> [Reference] {
                stride(from: 0, to: f[i].count, by: 2).map {
                    Reference(hi: Double(f[i][$0])!, frac: Double(f[i][$0 + 1])!)
                }
            }
            return Sample(
                features: doubles(0), predict: f[1] == ["-"] ? nil : Int(f[1][0])!,
                predictProba: f[2] == ["-"] ? nil : doubles(2), servedLogits: doubles(3), exactLogits: references(4),
                probabilities: references(5))
        }
    }
}

/// A fresh empty directory under the system's temporary folder, removed by `cleanUp`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "logitd-models-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: try #require(made))
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        if name.contains("/") {
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        // open/write: FileManager.createFile writes atomically (a temporary file, then a rename), ~6 ms a file here.
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0, "\(file)")
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        try #require(written == bytes.count, "\(file)")
        return file
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// A safetensors file: the 8-byte little-endian header length, the header, the data.
func safetensors(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    let n = declaredLength ?? UInt64(h.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + h + data
}

/// The little-endian bytes of Float32 values.
func f32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
}

/// What `checkAgainstReferences` measured.
struct Accuracy {
    var maxProbabilityUlps = 0.0
    /// max |served − predict_proba| over every sample and class; nil without scikit-learn's answers.
    var maxPredictProbaDifference: Double?
    /// max |served − exact| / bound over every logit.
    var maxBoundFraction = 0.0
}

/// Serves every sample through `model` (one batch) and checks it against the 50-digit references:
/// - logits are the Doubles the fixtures' emulation of the dot product gives, and within a Double dot product's
///   error bound of the exact W·x + b: |ŷ − y| ≤ γ_{n+1}·(Σ|w_i·x_i| + |b|), γ_k = k·u/(1 − k·u), u = 2^−53
///   (Higham, Accuracy and Stability, §3.1: n products and n additions, in any order of summation, each term
///   passes through at most n + 1 roundings);
/// - probabilities within 4 ulp of σ/softmax of the served logits;
/// - the class is scikit-learn's `predict` where the fixtures have it.
func checkAgainstReferences(_ model: Model, _ samples: [Fixture.Sample]) throws -> Accuracy {
    let inputs = try Matrix(rows: samples.map(\.features))
    let (output, decisions) = try model.classify(inputs)
    let p = try #require(output.probabilities)
    let n = Double(model.inputs)
    let u = 0x1p-53
    let gamma = (n + 1) * u / (1 - (n + 1) * u)
    var accuracy = Accuracy()
    for (k, sample) in samples.enumerated() {
        #expect(Array(output.logits.row(k)) == sample.servedLogits, "sample \(k)")
        for j in 0..<model.outputs {
            let x = sample.features
            var magnitude = abs(model.bias[j])
            for i in 0..<x.count { magnitude += abs(model.weights[j, i] * x[i]) }
            // The bound itself is computed in Double: inflate it by its own rounding (n + 2 operations).
            let bound = gamma * magnitude * (1 + (n + 3) * u)
            let error = sample.exactLogits[j].distance(output.logits[k, j])
            #expect(error <= bound, "sample \(k) logit \(j): \(error) > \(bound)")
            accuracy.maxBoundFraction = max(accuracy.maxBoundFraction, error / bound)
        }
        for c in 0..<model.classes {
            let ulps = sample.probabilities[c].ulpError(p[k, c])
            #expect(ulps <= 4, "sample \(k) class \(c): \(ulps) ulp")
            accuracy.maxProbabilityUlps = max(accuracy.maxProbabilityUlps, ulps)
            if let proba = sample.predictProba {
                let d = abs(p[k, c] - proba[c])
                accuracy.maxPredictProbaDifference = max(accuracy.maxPredictProbaDifference ?? 0, d)
            }
        }
        if let predict = sample.predict {
            guard case .oneOf(let top) = decisions[k] else {
                Issue.record("sample \(k): not a one-of-many decision")
                continue
            }
            #expect(top == [predict], "sample \(k)")
        }
    }
    return accuracy
}
