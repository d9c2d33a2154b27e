// Where models come from (API.md "Served models"): `--model PATH` files (each version 1 of the model its
// content or file name names) and `--model-dir DIR` folders in either layout:
//   DIR/NAME.json, DIR/NAME.safetensors, DIR/NAME.onnx            model NAME, version 1
//   DIR/NAME/VERSION/file (VERSION a positive integer)             Triton's repository: model NAME, VERSION
// Everything else in a folder (config.pbtxt, labels.txt, a README, dot-files) is ignored. A folder holding a
// single file of any other name (a KServe storage mount, /mnt/models/model.bin) serves that file.
import LogitMath

/// The model files and folders to load, and the size limit for each file.
package struct ModelSources: Sendable, Equatable {
    package var files: [String]
    package var directories: [String]
    package var maxModelSize: Int

    package init(files: [String] = [], directories: [String] = [], maxModelSize: Int = defaultMaxModelSize) {
        self.files = files
        self.directories = directories
        self.maxModelSize = maxModelSize
    }

    package var isEmpty: Bool { files.isEmpty && directories.isEmpty }
}

/// The extensions a folder's `NAME.EXT` layout recognises.
let modelExtensions: Set<String> = ["json", "safetensors", "onnx"]

/// "dir/iris.v2.json" → ("iris.v2", "json"); no extension → (name, "").
func splitFileName(_ path: String) -> (stem: String, ext: String) {
    let base = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
    guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return (base, "") }
    return (String(base[..<dot]), String(base[base.index(after: dot)...]))
}

/// A positive integer written in decimal digits only ("1", "12"; not "+1", "0", "1.0").
func positiveVersion(_ text: String) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = Int(text), v >= 1 else {
        return nil
    }
    return v
}

extension ModelSources {
    /// Every model the sources name, each checked; the first problem stops the load (nothing half-loaded).
    ///
    /// - Throws: a `ModelLoadError` naming the file and the problem, including a second model with the same
    ///   name and version.
    package func load() throws(ModelLoadError) -> ModelSet {
        var models: [Model] = []
        for path in files {
            models.append(try loadModelFile(path, fallbackName: splitFileName(path).stem, maxSize: maxModelSize))
        }
        for directory in directories {
            models += try loadDirectory(directory)
        }
        for model in models { model.weights.adviseHugePages() }
        return try ModelSet(models)
    }

    private func loadDirectory(_ directory: String) throws(ModelLoadError) -> [Model] {
        let root = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        let entries = try listDirectory(root).filter { !$0.name.hasPrefix(".") }
        var models: [Model] = []
        for entry in entries {
            let path = root + "/" + entry.name
            switch entry.type {
            case .file:
                let (stem, ext) = splitFileName(entry.name)
                guard modelExtensions.contains(ext) else { continue }
                models.append(try loadModelFile(path, fallbackName: stem, maxSize: maxModelSize))
            case .directory:
                models += try loadTritonModel(path, name: entry.name)
            case .other:
                continue
            }
        }
        // A KServe storage mount: one file, whatever its name.
        if models.isEmpty, entries.count == 1, entries[0].type == .file {
            let path = root + "/" + entries[0].name
            models.append(try loadModelFile(path, fallbackName: splitFileName(path).stem, maxSize: maxModelSize))
        }
        return models
    }

    /// `NAME/VERSION/file` for each positive-integer VERSION; a folder with no such sub-folder is not a model.
    private func loadTritonModel(_ folder: String, name: String) throws(ModelLoadError) -> [Model] {
        let versions = try listDirectory(folder).compactMap { entry -> (Int, String)? in
            guard entry.type == .directory, let v = positiveVersion(entry.name) else { return nil }
            return (v, folder + "/" + entry.name)
        }
        guard !versions.isEmpty else { return [] }
        guard isValidModelName(name) else {
            throw ModelLoadError(file: folder, problem: "model name \"\(name)\" must match [A-Za-z0-9_.-]{1,64}")
        }
        var models: [Model] = []
        for (version, path) in versions.sorted(by: { $0.0 < $1.0 }) {
            let files = try listDirectory(path).filter {
                $0.type == .file && !$0.name.hasPrefix(".") && modelExtensions.contains(splitFileName($0.name).ext)
            }
            guard files.count == 1 else {
                let problem =
                    files.isEmpty
                    ? "no model file (.json, .safetensors or .onnx) in version \(version)"
                    : "several model files in version \(version): \(files.map(\.name).joined(separator: ", "))"
                throw ModelLoadError(file: path, problem: problem)
            }
            models.append(
                try loadModelFile(
                    path + "/" + files[0].name, fallbackName: name, version: version, nameIsFixed: true,
                    maxSize: maxModelSize))
        }
        return models
    }
}
