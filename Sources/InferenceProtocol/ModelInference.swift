import JSONCodec
import LogitMath
package import LogitModels

/// The outputs a served model has in the protocol (API.md "Open Inference Protocol", Metadata).
package enum OutputName: String, Sendable, CaseIterable {
    /// FP64 [k, m]: W·x + b (a binary model's one score z: [k, 1]).
    case logits
    /// FP64 [k, m] (a binary model's [σ(−z), σ(z)]: [k, 2]); softmax for a model whose activation is `none`,
    /// as /classify uses.
    case probabilities
    /// INT64 [k]: the most probable class; for sigmoid models [k, m] of 0/1 by the model's threshold.
    case `class`
    /// BYTES [k]: the class's label; softmax, binary and `none` models with labels.
    case label
}

extension Model {
    /// The outputs this model answers with, in the order an answer lists them when the request names none.
    package var protocolOutputs: [OutputName] {
        labels != nil && activation != .sigmoid ? OutputName.allCases : [.logits, .probabilities, .class]
    }

    /// The datatype and shape (−1 for the batch) of each output, for metadata.
    package func protocolShape(of output: OutputName) -> (datatype: Datatype, shape: [Int]) {
        switch output {
        case .logits: (.fp64, [-1, outputs])
        case .probabilities: (.fp64, [-1, classes])
        case .class: (.int64, activation == .sigmoid ? [-1, outputs] : [-1])
        case .label: (.bytes, [-1])
        }
    }

    /// The input's datatype in metadata: FP32 for models whose weights were stored as floats. A request may
    /// send any numeric datatype; its values are widened to Double either way.
    package var protocolInputDatatype: Datatype { storage == .fp32 ? .fp32 : .fp64 }

    /// Answers an inference request: the rows through `classify` (W·x + b, the probabilities, one decision
    /// per row), then the outputs asked for, each JSON or binary as asked.
    ///
    /// - Throws: `.badRequest` for rows of the wrong width, an output the model does not have (or named
    ///   twice), classification asked of `class` or `label`, and a result that is not finite.
    package func infer(_ request: InferenceRequest) throws(InferenceError) -> InferenceResponse {
        guard request.rows.columns == inputs else {
            throw .badRequest(
                "input \"\(request.inputName)\" has \(request.rows.columns) elements per row but model "
                    + "\(name) version \(version) takes \(inputs)")
        }
        let available = protocolOutputs
        let asked = request.outputs ?? available.map { RequestedOutput(name: $0.rawValue) }
        var selected: [(name: OutputName, asked: RequestedOutput)] = []
        for output in asked {
            guard let name = OutputName(rawValue: output.name), available.contains(name) else {
                throw .badRequest(
                    "model \(name) has no output \"\(output.name)\"; its outputs are "
                        + available.map(\.rawValue).joined(separator: ", "))
            }
            guard !selected.contains(where: { $0.name == name }) else {
                throw .badRequest("outputs names \"\(output.name)\" twice")
            }
            if output.classification != nil, name == .class || name == .label {
                throw .badRequest(
                    "outputs \"\(output.name)\": classification applies to logits and probabilities")
            }
            selected.append((name, output))
        }

        try checkAnswerSize(rows: request.rows.rows, selected)

        let result: (output: ModelOutput, decisions: [Decision])
        do {
            result = try classify(request.rows)
        } catch {
            throw .badRequest(Self.message(error))
        }
        let k = request.rows.rows
        let tensors = selected.map { name, asked in
            var tensor = self.tensor(name, result.output, result.decisions, rows: k)
            if let top = asked.classification {
                tensor = classification(of: tensor, top: top)
            }
            tensor.binary = asked.binaryData ?? request.binaryDataOutput
            return tensor
        }
        return InferenceResponse(modelName: name, modelVersion: version, id: request.id, outputs: tensors)
    }

    /// A few KB of rows can ask for k × m numbers per output (k rows of one feature, a 1000-class head) and for
    /// k × K classification strings: both bounded by `AnswerLimits`, before anything is computed. Without it an
    /// 8 MB binary body of one-feature rows asked a 1000-class head for 16 GB.
    private func checkAnswerSize(
        rows k: Int, _ selected: [(name: OutputName, asked: RequestedOutput)]
    ) throws(InferenceError) {
        let width = max(outputs, classes)
        let (results, overflow) = k.multipliedReportingOverflow(by: width)
        guard !overflow, results <= AnswerLimits.numbers else {
            throw .badRequest(
                "inputs[0]: the result would have \(overflow ? "more than \(Int.max)" : "\(results)") numbers per "
                    + "output (\(k) rows × \(width)); at most \(AnswerLimits.numbers)")
        }
        for (name, asked) in selected {
            guard let top = asked.classification else { continue }
            let strings = k * min(top, name == .logits ? outputs : classes)  // ≤ results: no overflow
            guard strings <= AnswerLimits.rankedEntries else {
                throw .badRequest(
                    "outputs \"\(name.rawValue)\": classification \(top) of \(k) rows is \(strings) strings; "
                        + "at most \(AnswerLimits.rankedEntries)")
            }
        }
    }

    private func tensor(_ output: OutputName, _ result: ModelOutput, _ decisions: [Decision], rows k: Int)
        -> OutputTensor
    {
        switch output {
        case .logits:
            return OutputTensor(
                name: "logits", datatype: .fp64, shape: [k, result.logits.columns],
                data: .doubles(result.logits.elements))
        case .probabilities:
            // `classify` uses softmax for a model whose activation is `none`, so there are always probabilities.
            let p = result.probabilities ?? result.logits
            return OutputTensor(
                name: "probabilities", datatype: .fp64, shape: [k, p.columns], data: .doubles(p.elements))
        case .class:
            if activation == .sigmoid {
                var flags: [Int] = []
                flags.reserveCapacity(k * outputs)
                for case .each(let predictions) in decisions { flags.append(contentsOf: predictions) }
                return OutputTensor(name: "class", datatype: .int64, shape: [k, outputs], data: .integers(flags))
            }
            return OutputTensor(name: "class", datatype: .int64, shape: [k], data: .integers(Self.classes(decisions)))
        case .label:
            let labels = self.labels ?? []
            return OutputTensor(
                name: "label", datatype: .bytes, shape: [k], data: .strings(Self.classes(decisions).map { labels[$0] }))
        }
    }

    private static func classes(_ decisions: [Decision]) -> [Int] {
        decisions.map {
            guard case .oneOf(let top) = $0 else { preconditionFailure("one-of decisions for a one-of model") }
            return top[0]
        }
    }

    /// The classification extension: each row's `top` largest values (at most the row's length), most
    /// probable first with ties to the lower index, as `"value:index:label"` BYTES of shape [k, K]. The label
    /// appears when the model has one per column of this output (not for a binary model's one logit, whose
    /// column is the score of class 1, not a class of its own).
    private func classification(of tensor: OutputTensor, top: Int) -> OutputTensor {
        guard case .doubles(let values) = tensor.data, let columns = tensor.shape.last, columns > 0 else {
            preconditionFailure("classification of a numeric [k, n] output")
        }
        let rows = values.count / columns
        let count = min(top, columns)
        let names = labels.flatMap { $0.count == columns ? $0 : nil }
        var strings: [String] = []
        strings.reserveCapacity(rows * count)
        for r in 0..<rows {
            let row = Array(values[r * columns..<(r + 1) * columns])
            guard let order = try? LogitMath.topK(row, k: count) else { preconditionFailure("1 ≤ K ≤ columns") }
            for i in order {
                var text = shortestText(row[i]) + ":" + String(i)
                if let names { text += ":" + names[i] }
                strings.append(text)
            }
        }
        return OutputTensor(name: tensor.name, datatype: .bytes, shape: [rows, count], data: .strings(strings))
    }

    /// A math error in the protocol's words: the rows are `inputs[0]`, the results `logits`.
    static func message(_ error: MathError) -> String {
        switch error {
        case .nonFiniteInput(let path): "inputs[0]\(path.map { "[\($0)]" }.joined()): not a finite number"
        case .nonFiniteResult(let path):
            "logits\(path.map { "[\($0)]" }.joined()): the result is not finite (the input is too large)"
        default: "\(error)"
        }
    }
}
