// Error-free transformations: each returns a rounded result and the exact rounding error, so a later
// step can carry the error instead of losing it. (Knuth's TwoSum; the FMA form of TwoProduct.)

/// `a + b = sum + error` exactly, for any finite `a`, `b` whose sum does not overflow (Knuth, 6 flops,
/// no branch and no ordering of |a|, |b| needed).
@inline(__always)
func twoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
    let s = a + b
    let bVirtual = s - a
    let aVirtual = s - bVirtual
    return (s, (a - aVirtual) + (b - bVirtual))
}

/// `a · b = product + error` exactly, unless the product underflows.
@inline(__always)
func twoProduct(_ a: Double, _ b: Double) -> (product: Double, error: Double) {
    let p = a * b
    return (p, (-p).addingProduct(a, b))
}

/// A running sum of many Doubles with its rounding error carried (TwoSum per term, the errors summed
/// separately): the result is as if computed in twice the precision and rounded once, for any number of
/// terms of one sign, where a plain loop loses about log2(n) bits on 100 000 terms.
struct CompensatedSum {
    var sum = 0.0
    var compensation = 0.0

    @inline(__always)
    mutating func add(_ x: Double) {
        let (s, e) = twoSum(sum, x)
        sum = s
        compensation += e
    }

    var value: Double { sum + compensation }
}
