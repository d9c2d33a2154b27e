// Times the oip `head` model's product, W·x + b with W 1000×2048 in Double, through LogitMath's `linear` (the
// call `Model.apply` makes for one row), on the operands `head_product.py --write` put in DIR:
//   w.f64 (1000×2048, row-major), x.f64 (2048), b.f64 (1000), little-endian Doubles.
// With `hugepages`, the weights' 2 MiB-aligned interior is advised into transparent huge pages first, as
// logitd does for every model it serves (`Matrix.adviseHugePages`); without it they stay in 4 KiB pages.
// Writes its result to DIR/y.NAME.f64 and prints one line, NAME `swift` or `swift-hugepages`:
//   NAME <best µs> <median µs> <products timed>
// Run by Benchmarks/head-product/run.sh, which times numpy's `W @ x + b` on the same operands beside it.
import LogitMath

#if canImport(Glibc)
    import Glibc
#endif

let (rows, columns) = (1000, 2048)

func read(_ path: String, count: Int) -> [Double] {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path)") }
    defer { fclose(file) }
    var values = [Double](repeating: 0, count: count)
    let got = values.withUnsafeMutableBytes { fread($0.baseAddress, 8, count, file) }
    guard got == count else { fatalError("\(path): \(got) of \(count) numbers") }
    return values
}

func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let arguments = CommandLine.arguments
guard (2...4).contains(arguments.count), arguments.count < 4 || arguments[3] == "hugepages" else {
    fatalError("usage: head-product DIR [seconds [hugepages]]")
}
let directory = arguments[1]
let seconds = arguments.count >= 3 ? Double(arguments[2])! : 2
let hugePages = arguments.count == 4
let name = hugePages ? "swift-hugepages" : "swift"
let weights = try Matrix(rows: rows, columns: columns, elements: read("\(directory)/w.f64", count: rows * columns))
if hugePages { weights.adviseHugePages() }
let x = try Matrix(rows: 1, columns: columns, elements: read("\(directory)/x.f64", count: columns))
let bias = read("\(directory)/b.f64", count: rows)

// Warm: the weights into the caches, as a served model's are between requests.
var y = try linear(weights: weights, bias: bias, inputs: x)
for _ in 0..<20 { y = try linear(weights: weights, bias: bias, inputs: x) }
var samples: [Double] = []
let end = now() + UInt64(seconds * 1e9)
while now() < end || samples.count < 10 {
    let start = now()
    y = try linear(weights: weights, bias: bias, inputs: x)
    samples.append(Double(now() - start) / 1000)
}
samples.sort()
guard let out = fopen("\(directory)/y.\(name).f64", "wb") else { fatalError("cannot write y.\(name).f64") }
_ = y.elements.withUnsafeBytes { fwrite($0.baseAddress, 8, rows, out) }
fclose(out)
print("\(name) \(samples[0]) \(samples[samples.count / 2]) \(samples.count)")
