package import JSONCodec
import LogitMath

/// The results of the compute operations, as the wire formats write them (API.md "Endpoints");
/// keys are snake_case.

package struct SigmoidResponse: Encodable {
    package var probabilities: Batch
    package var derivatives: Batch?
}

package struct SoftmaxResponse: Encodable {
    package var probabilities: Batch
    package var logProbabilities: Batch?

    enum CodingKeys: String, CodingKey {
        case probabilities
        case logProbabilities = "log_probabilities"
    }
}

package struct LinearResponse: Encodable {
    package var logits: Batch
    package var probabilities: Batch?
}

/// One entry of a softmax classification's `top` list.
package struct TopClass: Encodable {
    package var `class`: Int
    package var label: String?
    package var probability: Double

    enum CodingKeys: String, CodingKey {
        case `class`, label, probability
    }

    package func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: CodingKeys.self)
        try encode(into: &object)
    }

    /// The members, into a container the caller made (a nested one: see `Classification.encode(to:)`).
    func encode(into object: inout KeyedEncodingContainer<CodingKeys>) throws {
        try object.encode(`class`, forKey: .class)
        try object.encodeIfPresent(label, forKey: .label)
        try object.encode(probability, forKey: .probability)
    }
}

/// The answer for one row: a single class out of many (softmax) or a yes/no per output (sigmoid).
package enum Classification: Encodable {
    /// `{"class", "label", "probability", "probabilities", "top"}`; `label` only when labels were given.
    case softmax(best: TopClass, probabilities: [Double], top: [TopClass])
    /// `{"predictions", "probabilities", "labels"}`; `labels` names the outputs predicted 1.
    case sigmoid(predictions: [Int], probabilities: [Double], labels: [String]?)

    enum CodingKeys: String, CodingKey {
        case `class`, label, probability, probabilities, top, predictions, labels
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .softmax(let best, let probabilities, let top):
            try c.encode(best.class, forKey: .class)
            try c.encodeIfPresent(best.label, forKey: .label)
            try c.encode(best.probability, forKey: .probability)
            try c.encode(probabilities, forKey: .probabilities)
            // Through nested containers rather than `encode(top)`: each nested Encodable value (the list, then
            // each entry) costs the encoder an encoder object and a coding path of its own.
            var list = c.nestedUnkeyedContainer(forKey: .top)
            for entry in top {
                var object = list.nestedContainer(keyedBy: TopClass.CodingKeys.self)
                try entry.encode(into: &object)
            }
        case .sigmoid(let predictions, let probabilities, let labels):
            try c.encode(predictions, forKey: .predictions)
            try c.encode(probabilities, forKey: .probabilities)
            try c.encodeIfPresent(labels, forKey: .labels)
        }
    }
}

/// For a batch: `{"results": [one object per row]}`.
package struct ClassifyBatchResponse: Encodable {
    package var results: [Classification]
}

/// `{"status": "ok"}` and `{"status": "ready"}`.
package struct StatusResponse: Encodable {
    package var status: String

    package init(status: String) {
        self.status = status
    }
}

// The answers write their own JSON (`JSONWritable`): the same bytes as `encode(to:)` above, which
// `ResultsTests` compares, without the encoder's tree; a /classify on a served model spent 29 300 of
// its 99 100 instructions building and writing that tree, a small /softmax 8 900 of 62 000.

extension SigmoidResponse: JSONWritable {
    package var jsonBound: Int { answerBound(probabilities, derivatives) }

    package func writeJSON(to writer: inout JSONStreamWriter) {
        writeAnswer(#"{"probabilities":"#, probabilities, #","derivatives":"#, derivatives, to: &writer)
    }
}

extension SoftmaxResponse: JSONWritable {
    package var jsonBound: Int { answerBound(probabilities, logProbabilities) }

    package func writeJSON(to writer: inout JSONStreamWriter) {
        writeAnswer(#"{"probabilities":"#, probabilities, #","log_probabilities":"#, logProbabilities, to: &writer)
    }
}

extension LinearResponse: JSONWritable {
    package var jsonBound: Int { answerBound(logits, probabilities) }

    package func writeJSON(to writer: inout JSONStreamWriter) {
        writeAnswer(#"{"logits":"#, logits, #","probabilities":"#, probabilities, to: &writer)
    }
}

/// The most bytes `writeAnswer` writes: its two keys (under 24 bytes each), the braces and the batches.
private func answerBound(_ batch: Batch, _ optional: Batch?) -> Int {
    50 + batch.jsonBound + (optional?.jsonBound ?? 0)
}

/// An answer of one batch and an optional second, as their `encode(to:)` writes it:
/// `{"first":…,"second":…}`, the second member left out when absent. `first` and `second` are the
/// text before each batch.
private func writeAnswer(
    _ first: StaticString, _ batch: Batch, _ second: StaticString, _ optional: Batch?,
    to writer: inout JSONStreamWriter
) {
    writer.raw(first)
    batch.writeJSON(to: &writer)
    if let optional {
        writer.raw(second)
        optional.writeJSON(to: &writer)
    }
    writer.raw("}")
}

extension Batch {
    /// The most bytes `writeJSON` writes.
    var jsonBound: Int {
        let (rows, columns) = (matrix.rows, matrix.columns)
        return isVector
            ? JSONStreamWriter.doublesBound(columns) : 2 + rows * (1 + JSONStreamWriter.doublesBound(columns))
    }

    /// A vector as `[…]`, rows as `[[…],[…]]`, as `encode(to:)` writes them, straight from the
    /// matrix's elements (no array per row).
    func writeJSON(to writer: inout JSONStreamWriter) {
        matrix.elements.withUnsafeBufferPointer { elements in
            if isVector {
                writer.doubles(elements)
                return
            }
            let columns = matrix.columns
            writer.raw("[")
            for row in 0..<matrix.rows {
                if row > 0 { writer.raw(",") }
                writer.doubles(UnsafeBufferPointer(rebasing: elements[row * columns..<(row + 1) * columns]))
            }
            writer.raw("]")
        }
    }
}

extension ClassifyResult: JSONWritable {
    package var jsonBound: Int {
        switch self {
        case .single(let classification): classification.jsonBound
        case .batch(let batch): batch.results.reduce(14) { $0 + 1 + $1.jsonBound }
        }
    }

    package func writeJSON(to writer: inout JSONStreamWriter) {
        switch self {
        case .single(let classification):
            classification.writeJSON(to: &writer)
        case .batch(let batch):
            writer.raw(#"{"results":["#)
            for (i, classification) in batch.results.enumerated() {
                if i > 0 { writer.raw(",") }
                classification.writeJSON(to: &writer)
            }
            writer.raw("]}")
        }
    }
}

extension Classification {
    /// The most bytes `writeJSON` writes.
    var jsonBound: Int {
        typealias W = JSONStreamWriter
        switch self {
        case .softmax(let best, let probabilities, let top):
            // {"class":…,"label":…,"probability":…,"probabilities":[…],"top":[{…},…]}
            return 40 + best.membersBound + W.doublesBound(probabilities.count)
                + top.reduce(0) { $0 + 3 + $1.membersBound }
        case .sigmoid(let predictions, let probabilities, let labels):
            // {"predictions":[…],"probabilities":[…],"labels":[…]}
            return 50 + W.integersBound(predictions.count) + W.doublesBound(probabilities.count)
                + (labels?.reduce(0) { $0 + 1 + W.stringBound($1) } ?? 0)
        }
    }

    func writeJSON(to writer: inout JSONStreamWriter) {
        switch self {
        case .softmax(let best, let probabilities, let top):
            writer.raw("{")
            best.writeMembers(to: &writer)
            writer.raw(#","probabilities":"#)
            writer.doubles(probabilities)
            writer.raw(#","top":["#)
            for (i, entry) in top.enumerated() {
                writer.raw(i > 0 ? ",{" : "{")
                entry.writeMembers(to: &writer)
                writer.raw("}")
            }
            writer.raw("]}")
        case .sigmoid(let predictions, let probabilities, let labels):
            writer.raw(#"{"predictions":"#)
            writer.integers(predictions)
            writer.raw(#","probabilities":"#)
            writer.doubles(probabilities)
            if let labels {
                writer.raw(#","labels":["#)
                for (i, label) in labels.enumerated() {
                    if i > 0 { writer.raw(",") }
                    writer.string(label)
                }
                writer.raw("]")
            }
            writer.raw("}")
        }
    }
}

extension TopClass {
    /// The most bytes `writeMembers` writes.
    var membersBound: Int {
        // "class":…,"label":…,"probability":…
        40 + JSONStreamWriter.integerBound + JSONStreamWriter.doubleBound
            + (label.map(JSONStreamWriter.stringBound) ?? 0)
    }

    /// `"class":…,"label":…,"probability":…`, `label` only when there is one.
    func writeMembers(to writer: inout JSONStreamWriter) {
        writer.raw(#""class":"#)
        writer.integer(`class`)
        if let label {
            writer.raw(#","label":"#)
            writer.string(label)
        }
        writer.raw(#","probability":"#)
        writer.double(probability)
    }
}
