// Entry of the `sklearn` target: scikit-learn's JSON export, read by the same JSON model reader as logitd's
// form (ModelFileFuzz.swift has the invariants). Seeds: scikit-learn exports (Fuzz/seeds.py).

import LogitModels

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSklearnModel(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzModelFile(start, count, kind: .json, file: "models/fuzz/sklearn-export.json")
}
