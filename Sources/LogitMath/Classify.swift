// Turning probabilities into decisions: one class out of many (argmax, top-k) or an independent yes/no
// per output (threshold).

/// The index of the largest element; ties go to the lowest index (as numpy.argmax). NaNs are skipped.
///
/// - Throws: `.empty(path: [])`.
public func argmax(_ v: [Double]) throws(MathError) -> Int {
    guard !v.isEmpty else { throw .empty(path: []) }
    var best = 0
    for i in v.indices.dropFirst() where v[i] > v[best] || (v[best].isNaN && !v[i].isNaN) {
        best = i
    }
    return best
}

/// The indices of the `k` largest elements, most probable first; equal values keep index order (stable),
/// so `topK(v, k: 1) == [argmax(v)]`.
///
/// - Throws: `.empty(path: [])`, `.invalidK(k:count:)` unless 1 ≤ k ≤ v.count.
public func topK(_ v: [Double], k: Int) throws(MathError) -> [Int] {
    guard !v.isEmpty else { throw .empty(path: []) }
    guard (1...v.count).contains(k) else { throw .invalidK(k: k, count: v.count) }
    // A total order: larger value first, then lower index; NaN sorts last.
    func before(_ a: Int, _ b: Int) -> Bool {
        let (x, y) = (v[a], v[b])
        if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN || (x.isNaN == y.isNaN && a < b) }
        return x > y || (x == y && a < b)
    }
    if k == 1 { return [try argmax(v)] }
    return Array(v.indices.sorted(by: before).prefix(k))
}

/// 1 where `p[i]` is strictly greater than `t`, else 0 (API.md: "greater than the threshold").
public func threshold(_ p: [Double], at t: Double) -> [Int] {
    p.map { $0 > t ? 1 : 0 }
}
