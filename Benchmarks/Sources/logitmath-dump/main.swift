// Prints LogitMath's results on inputs read from standard input, one line per input line, for
// scripts/math/ulp_report.py (which compares them and scipy's with the mpmath references):
//   "sigmoid X…"               → σ(x) σ′(x) logσ(x) for each x, one line each
//   "softmax T X1 X2 …"        → the probabilities, then a line of log-probabilities ("error" if refused)
import LogitMath

func show(_ v: [Double]) -> String { v.map { "\($0)" }.joined(separator: " ") }

while let line = readLine() {
    let words = line.split(separator: " ")
    guard let command = words.first else { continue }
    let numbers = words.dropFirst().map { Double($0)! }
    switch command {
    case "sigmoid":
        for x in numbers { print(sigmoid(x), sigmoidDerivative(x), logSigmoid(x)) }
    case "softmax":
        let (t, x) = (numbers[0], Array(numbers.dropFirst()))
        print((try? show(softmax(x, temperature: t))) ?? "error")
        print((try? show(logSoftmax(x, temperature: t))) ?? "error")
    default:
        fatalError("unknown command \(command)")
    }
}
