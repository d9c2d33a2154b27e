// Entry of the `safetensors` target: files whose first bytes say safetensors (ModelFileFuzz.swift has the
// invariants). Seeds: files written by the Python safetensors package (Fuzz/seeds.py).

import LogitModels

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensorsModel(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzModelFile(start, count, kind: .safetensors, file: "models/fuzz/model.safetensors")
}
