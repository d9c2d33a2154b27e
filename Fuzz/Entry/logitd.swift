// Entry of the `logitd` target: logitd's JSON model form (ModelFileFuzz.swift has the invariants); inputs
// that are not JSON belong to the other model targets. Seeds: logitd JSON models (Fuzz/seeds.py).

import LogitModels

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogitdModel(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzModelFile(start, count, kind: .json, file: "models/fuzz/model.json")
}
