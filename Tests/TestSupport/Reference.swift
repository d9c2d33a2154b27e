/// A reference value from the mpmath fixtures: the nearest Double `hi` and `frac = (exact − hi)/ulp(hi)`.
package struct Reference: Sendable {
    package let hi: Double
    package let frac: Double

    package init(_ hi: Double, _ frac: Double) {
        self.hi = hi
        self.frac = frac
    }

    package init(hi: Substring, frac: Substring) {
        self.init(Double(hi)!, Double(frac)!)
    }

    /// The distance from `computed` to the exact value, in units of ulp(hi) (the least subnormal when
    /// hi is 0). Exact to about 1/1000 ulp, the precision of `frac`.
    package func ulpError(_ computed: Double) -> Double {
        if hi.isInfinite { return computed == hi ? 0 : .infinity }
        return abs((computed - hi) / ulp - frac)
    }

    /// The distance from `computed` to the exact value (to about 1/1000 of ulp(hi)).
    package func absoluteError(_ computed: Double) -> Double { ulpError(computed) * ulp }

    private var ulp: Double { hi == 0 ? Double.leastNonzeroMagnitude : hi.ulp }
}
