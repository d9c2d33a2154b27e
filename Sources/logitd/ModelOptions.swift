import ArgumentParser
import LogitModels

/// The served-model options of API.md "Served models", resolved as ServerOptions are: flag, then environment
/// variable, then default.
struct ModelOptions: ParsableArguments {
    @Option(
        name: .customLong("model"),
        help: ArgumentHelp(
            "A model file to serve (repeatable): logitd or scikit-learn JSON, safetensors or ONNX, recognised by content; "
                + "the variable separates paths with ':'. (env: LOGITD_MODELS, default: none)", valueName: "path"))
    var models: [String] = []

    @Option(
        name: .customLong("model-dir"),
        help: ArgumentHelp(
            "A folder of models (repeatable): NAME.json, NAME.safetensors, NAME.onnx, or Triton's NAME/VERSION/file. "
                + "(env: LOGITD_MODEL_DIR, default: none)", valueName: "dir"))
    var modelDirectories: [String] = []

    @Option(
        help: ArgumentHelp(
            "Largest model file, in bytes; larger ones are refused before they are read. "
                + "(env: LOGITD_MAX_MODEL_SIZE, default: 1073741824)", valueName: "bytes"))
    var maxModelSize: Int?

    /// The sources to load: flags, else the environment; checked, not yet read.
    func resolve(environment: (String) -> String? = ServerOptions.getenv) throws -> ModelSources {
        var sources = ModelSources()
        sources.files =
            models.isEmpty ? (environment("LOGITD_MODELS") ?? "").split(separator: ":").map(String.init) : models
        sources.directories =
            modelDirectories.isEmpty
            ? (environment("LOGITD_MODEL_DIR").map { $0.isEmpty ? [] : [$0] } ?? []) : modelDirectories
        if let maxModelSize {
            sources.maxModelSize = maxModelSize
        } else if let text = environment("LOGITD_MAX_MODEL_SIZE") {
            guard let value = Int(text) else {
                throw ValidationError(
                    "environment variable LOGITD_MAX_MODEL_SIZE=\(text) is not a valid value for --max-model-size")
            }
            sources.maxModelSize = value
        }
        guard sources.maxModelSize > 0 else {
            throw ValidationError("--max-model-size (or LOGITD_MAX_MODEL_SIZE) must be greater than 0")
        }
        return sources
    }
}
