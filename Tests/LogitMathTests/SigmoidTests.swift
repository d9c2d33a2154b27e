import LogitMath
import PropertyBased
import Testing

@Suite struct SigmoidTests {
    /// The fixture grid (±1e−300 … ±1e308, the tails where exp(−x) is subnormal, 3 300 random points) to
    /// 50 digits: σ, σ′ and log σ within 1 ulp of the exact value everywhere, subnormals included
    /// (ulp there is the least subnormal, so "within 1 ulp" means the right subnormal, not 0).
    @Test func matchesReferenceWithinOneUlp() {
        var worst: (sigmoid: Double, derivative: Double, log: Double) = (0, 0, 0)
        for point in Fixture.sigmoid {
            let s = point.sigmoid.ulpError(sigmoid(point.x))
            let d = point.derivative.ulpError(sigmoidDerivative(point.x))
            let l = point.logSigmoid.ulpError(logSigmoid(point.x))
            #expect(s <= 1, "sigmoid(\(point.x)) = \(sigmoid(point.x)), ref \(point.sigmoid.hi): \(s) ulp")
            #expect(d <= 1, "σ′(\(point.x)) = \(sigmoidDerivative(point.x)), ref \(point.derivative.hi): \(d) ulp")
            #expect(l <= 1, "logσ(\(point.x)) = \(logSigmoid(point.x)), ref \(point.logSigmoid.hi): \(l) ulp")
            worst = (max(worst.0, s), max(worst.1, d), max(worst.2, l))
        }
        #expect(Fixture.sigmoid.count > 3000)
        print("sigmoid fixture: \(Fixture.sigmoid.count) points, max ulp σ \(worst.0), σ′ \(worst.1), logσ \(worst.2)")
    }

    @Test func exactValues() {
        #expect(sigmoid(0) == 0.5)
        #expect(sigmoid(-0.0) == 0.5)
        #expect(sigmoidDerivative(0) == 0.25)
        #expect(logSigmoid(0) == -0.6931471805599453)
        #expect(sigmoid(Double.infinity) == 1)
        #expect(sigmoid(-Double.infinity) == 0)
        #expect(sigmoid(Double.nan).isNaN)
    }

    /// σ(1 − σ) rounds to 0 at x = 40; σ(x)·σ(−x) must not. Tails stay positive down to the subnormals.
    @Test func tailsKeepTheirDigits() {
        #expect(sigmoidDerivative(40) == 4.248354255291589e-18)
        #expect(sigmoidDerivative(-745) == .leastNonzeroMagnitude)
        #expect(sigmoid(-745) == .leastNonzeroMagnitude)
        #expect(sigmoid(-720) > 0)
        #expect(sigmoid(800) == 1)
        #expect(logSigmoid(-1e308) == -1e308)
        #expect(logSigmoid(40) == -4.248354255291589e-18)
    }

    /// The seed's logits; references from scripts/math/make_fixtures.py (mpmath, 50 digits).
    @Test func seedValues() {
        let seed = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]
        // mpmath: 0.62168683410946642642, 0.46548888661812841631, 0.65648939156818488118,
        // 0.82098420964968761728, 0.44172765987717611924 — as (nearest Double, offset in ulps):
        let expected = [
            Reference(0.6216868341094665, -0.279), Reference(0.46548888661812843, -0.209),
            Reference(0.6564893915681849, 0.139), Reference(0.8209842096496877, -0.361),
            Reference(0.4417276598771761, 0.270),
        ]
        for (c, e) in zip(sigmoid(seed), expected) { #expect(e.ulpError(c) <= 1, "\(c) vs \(e.hi)") }
    }

    @Test func batchesMirrorShape() throws {
        let batch = [[0.0, 1], [-1, 2]]
        #expect(sigmoid(batch) == batch.map { $0.map(sigmoid) })
        let m = try Matrix(rows: batch)
        #expect(sigmoid(m).arrays == sigmoid(batch))
        #expect(sigmoidDerivative(m).arrays == sigmoidDerivative(batch))
        #expect(logSigmoid(m).arrays == logSigmoid(batch))
    }

    /// σ(x) + σ(−x) = 1: σ(−x) is formed from the same e^−|x| as σ(x), so the identity holds within an ulp of 1.
    @Test func symmetry() async {
        await propertyCheck(count: 2000, input: Gen<Double>.double(in: -800...800)) { x in
            let sum = sigmoid(x) + sigmoid(-x)
            #expect(abs(sum - 1) <= 1.0.ulp, "σ(\(x)) + σ(−\(x)) = \(sum)")
            #expect(sigmoidDerivative(x) == sigmoidDerivative(-x))
        }
    }

    @Test func monotone() async {
        await propertyCheck(count: 2000, input: Gen<Double>.double(in: -50...50), Gen<Double>.double(in: 0...5)) {
            x, step in
            #expect(sigmoid(x) <= sigmoid(x + step))
            #expect(logSigmoid(x) <= logSigmoid(x + step))
        }
    }
}
