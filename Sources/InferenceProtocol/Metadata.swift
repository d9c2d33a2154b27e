package import LogitModels

/// `GET /v2`: the server's name, version and protocol extensions.
package struct ServerMetadata: Sendable, Encodable {
    package var name = "logitd"
    package var version: String
    package var extensions = ["binary_tensor_data", "classification"]

    package init(version: String) { self.version = version }
}

/// `GET /v2/models/{m}[/versions/{v}]`: what a model takes and answers.
package struct ModelMetadata: Sendable, Encodable {
    package struct Tensor: Sendable, Encodable, Equatable {
        package var name: String
        package var datatype: String
        package var shape: [Int]
    }

    package var name: String
    /// Every version served under the name, as strings, in increasing order.
    package var versions: [String]
    /// The format the model was read from (`logitd`, `sklearn`, `safetensors`, `onnx`): logitd computes every
    /// one of them itself.
    package var platform: String
    package var inputs: [Tensor]
    package var outputs: [Tensor]

    /// The metadata of `model`, listing `versions` (all the versions of its name).
    package init(model: Model, versions: [Int]) {
        name = model.name
        self.versions = versions.sorted().map(String.init)
        platform = model.format.rawValue
        inputs = [
            Tensor(name: model.inputName, datatype: model.protocolInputDatatype.rawValue, shape: [-1, model.inputs])
        ]
        outputs = model.protocolOutputs.map {
            let (datatype, shape) = model.protocolShape(of: $0)
            return Tensor(name: $0.rawValue, datatype: datatype.rawValue, shape: shape)
        }
    }
}

/// `GET /v2/health/live`.
package struct LiveResponse: Sendable, Encodable {
    package var live: Bool
    package init(live: Bool) { self.live = live }
}

/// `GET /v2/health/ready`.
package struct ReadyResponse: Sendable, Encodable {
    package var ready: Bool
    package init(ready: Bool) { self.ready = ready }
}

/// `GET /v2/models/{m}[/versions/{v}]/ready`.
package struct ModelReadyResponse: Sendable, Encodable {
    package var name: String
    package var ready: Bool
    package init(name: String, ready: Bool) {
        self.name = name
        self.ready = ready
    }
}
