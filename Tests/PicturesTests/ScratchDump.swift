import Foundation
import LogitMath
import Testing

@testable import Pictures

@Test func scratchDump() throws {
    let seed = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]
    let labels = ["cat", "dog", "fox", "owl", "bee"]
    let files: [(String, [UInt8])] = [
        ("sigmoid", Pictures.sigmoid(logits: seed, probabilities: sigmoid(seed), derivatives: sigmoidDerivative(seed))),
        ("softmax", Pictures.softmax(logits: seed, probabilities: try softmax(seed), temperature: 1)),
        ("classify", Pictures.softmaxClassification(probabilities: try softmax(seed), labels: labels, top: [3, 2])),
        (
            "classifys",
            Pictures.sigmoidClassification(
                probabilities: sigmoid(seed), predictions: [1, 0, 1, 1, 0], threshold: 0.5, labels: labels)
        ),
    ]
    for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: "/tmp/pic-\(name).svg")) }
}
