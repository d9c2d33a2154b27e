import Foundation
import HTTPTestSupport
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Served models through the built `logitd`, as an operator runs it: `--model`/`--model-dir`, exit status 2 for
/// a bad file, SIGHUP reloads under load.
@Suite(.serialized) struct ServedModelsTests {
    /// A fresh folder under the temporary directory.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("logitd-served-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A one-feature, two-class softmax model whose logits for input [1] are [w, 0].
    static func model(weight: Double) -> String { #"{"weights": [[\#(weight)], [0]], "labels": ["yes", "no"]}"# }

    /// Bad files stop start-up with status 2 and exactly one line on stderr, `FILE: problem`.
    @Test(arguments: [
        (#"{"weights": [[1, 2], [3]]}"#, "weights[1] has 1 elements but weights[0] has 2"),
        (#"{"weights": [[1]], "threshold": 1.5}"#, "threshold 1.5 is outside (0, 1)"),
        ("PK\u{3}\u{4} not a model", "unknown format: not logitd or scikit-learn JSON, safetensors or ONNX"),
        (
            #"{"coef": [[1, 2]], "classes": [0, 1, 2]}"#,
            "classes has 3 entries but a 1-row coef is a binary model of 2 classes"
        ),
    ])
    func aBadModelExitsWithStatus2AndOneLine(_ content: String, _ problem: String) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json")
        try Self.write(content, file)
        let result = try LogitdProcess.run(["--port", "0", "--model", file.path])
        #expect(result.status == 2)
        #expect(result.err == "\(file.path): \(problem)\n")
        #expect(result.out.isEmpty)
    }

    @Test func aFileOverMaxModelSizeExitsWithStatus2() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write(Self.model(weight: 1), dir.appendingPathComponent("m.json"))
        let result = try LogitdProcess.run(
            ["--port", "0", "--model-dir", dir.path], environment: ["LOGITD_MAX_MODEL_SIZE": "10"])
        #expect(result.status == 2)
        #expect(result.err == "\(dir.path)/m.json: the file is 50 bytes, over --max-model-size (10)\n")
    }

    /// A KServe storage mount (one file of any name) and a Triton repository (two versions), from `LOGITD_MODEL_DIR`
    /// and `--model-dir` as docs/models.md shows them.
    @Test func servesAKServeMountAndATritonRepository() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kserve = dir.appendingPathComponent("mnt/models")
        try Self.write(Self.model(weight: 1), kserve.appendingPathComponent("model.bin"))
        let triton = dir.appendingPathComponent("repository")
        try Self.write(Self.model(weight: 1), triton.appendingPathComponent("pets/1/model.json"))
        try Self.write(Self.model(weight: 3), triton.appendingPathComponent("pets/2/model.json"))
        try Self.write(#"name: "pets""#, triton.appendingPathComponent("pets/config.pbtxt"))

        let server = LogitdProcess(["--port", "0"], environment: ["LOGITD_MODEL_DIR": kserve.path])
        try server.start()
        let client = CurlClient(port: server.port)
        #expect(try client.get("/models/model").json["inputs"] as? Int == 1)
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)

        let repository = LogitdProcess(["--port", "0", "--model-dir", triton.path])
        try repository.start()
        let c = CurlClient(port: repository.port)
        let list = try c.get("/models").json["models"] as? [[String: Any]] ?? []
        #expect(list.map { "\($0["name"]!)/\($0["version"]!)" } == ["pets/1", "pets/2"])
        #expect(try c.get("/models/pets").json["version"] as? String == "2")
        let v1 = try c.postJSON("/linear", #"{"model": "pets", "version": "1", "input": [1]}"#)
        let latest = try c.postJSON("/linear", #"{"model": "pets", "input": [1]}"#)
        #expect(doubles(v1.json["logits"]) == [1, 0] && doubles(latest.json["logits"]) == [3, 0])
        repository.signal(SIGTERM)
        #expect(repository.waitForExit(seconds: 10) == 0)
    }

    /// SIGHUP while two clients loop requests: a model is added, one is changed, a broken file is refused (the
    /// old set stays whole), then fixed. No request fails, and every answer is one whole model's: the logits of
    /// "a" are [w, 0] for a w that some reload served, never anything else.
    @Test func reloadsUnderLoadWithoutAFailedRequest() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write(Self.model(weight: 1), dir.appendingPathComponent("a.json"))
        let server = LogitdProcess(["--port", "0", "--model-dir", dir.path])
        try server.start()
        let port = server.port
        let stop = Atomic<Bool>(false)
        let answered = Atomic<Int>(0)
        let failures = Mutex<[String]>([])

        let clientsDone = DispatchSemaphore(value: 0)
        let clients = Thread {
            defer { clientsDone.signal() }
            runOnThreads(2) { _ in
                let client = CurlClient(port: port)
                var n = 0
                while !stop.load(ordering: .acquiring), n < 200_000 {
                    n += 1
                    do {
                        let r = try client.postJSON("/linear", #"{"model": "a", "input": [1]}"#)
                        let logits = doubles(r.json["logits"])
                        if r.status != 200 || ![[1, 0], [2, 0]].contains(logits) {
                            failures.withLock { $0.append("\(r.status) \(r.bodyText)") }
                        }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    answered.add(1, ordering: .relaxed)
                }
            }
        }
        clients.start()
        func waitForAnswers() {
            let target = answered.load(ordering: .relaxed) + 200
            waitUntil("200 more answers") { answered.load(ordering: .relaxed) >= target }
        }
        func reload(expecting line: String) -> String {
            server.signal(SIGHUP)
            let log = server.readErrorOutput(until: line, seconds: 10)
            waitForAnswers()
            return log
        }
        let client = CurlClient(port: port)
        waitForAnswers()

        try Self.write(Self.model(weight: 1), dir.appendingPathComponent("b.json"))
        #expect(reload(expecting: "reloaded models: 2 served").contains("reloaded models: 2 served"))
        #expect(try client.get("/models/b").status == 200)

        try Self.write(Self.model(weight: 2), dir.appendingPathComponent("a.json"))
        #expect(reload(expecting: "reloaded models: 2 served").contains("reloaded models: 2 served"))
        #expect(doubles(try client.postJSON("/linear", #"{"model": "a", "input": [1]}"#).json["logits"]) == [2, 0])

        try Self.write(#"{"weights": [[1]"#, dir.appendingPathComponent("c.json"))
        let failed = reload(expecting: "model reload failed")
        #expect(failed.contains("model reload failed, the previous models stay: \(dir.path)/c.json: truncated"))
        #expect(try client.get("/models/c").status == 404)
        #expect(try client.get("/models/b").status == 200)

        try Self.write(Self.model(weight: 2), dir.appendingPathComponent("c.json"))
        #expect(reload(expecting: "reloaded models: 3 served").contains("reloaded models: 3 served"))

        stop.store(true, ordering: .releasing)
        wait(for: clientsDone, "the client threads to finish", timeout: .seconds(60))
        let metrics = try client.get("/metrics").bodyText
        #expect(metrics.contains(#"logitd_model_reloads_total{result="success"} 3"#))
        #expect(metrics.contains(#"logitd_model_reloads_total{result="failure"} 1"#))
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(3) })")
        #expect(answered.load(ordering: .relaxed) >= 1000)
        print("reload test: \(answered.load(ordering: .relaxed)) requests during 4 reloads, 0 failed")
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
    }

    /// 1000 iris-sized models (3×4) in one folder: the server starts, `/models` lists all of them, a SIGHUP
    /// reloads all of them, and the last one answers. The times are printed, not asserted (a test's clock on a
    /// shared machine or under a sanitizer is no benchmark); docs/models.md has the measured ones.
    @Test func servesAThousandModels() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let iris =
            #"{"weights": [[-0.42, 0.97, -2.52, -1.08], [0.53, -0.32, -0.21, -0.94], [-0.11, -0.65, 2.72, 2.03]], "#
            + #""bias": [9.86, 2.24, -12.09], "labels": ["setosa", "versicolor", "virginica"]}"#
        for i in 0..<1000 { try Data(iris.utf8).write(to: dir.appendingPathComponent("iris\(i).json")) }
        let started = Date()
        let server = LogitdProcess(["--port", "0", "--model-dir", dir.path])
        try server.start()
        let startup = Date().timeIntervalSince(started)
        let client = CurlClient(port: server.port)
        let list = try client.get("/models")
        #expect((list.json["models"] as? [Any])?.count == 1000)
        let reloadStart = Date()
        server.signal(SIGHUP)
        let log = server.readErrorOutput(until: "reloaded models: 1000 served", seconds: 10)
        let reload = Date().timeIntervalSince(reloadStart)
        #expect(log.contains("reloaded models: 1000 served"))
        let answer = try client.postJSON("/classify", #"{"model": "iris999", "input": [5.1, 3.5, 1.4, 0.2]}"#)
        #expect(answer.json["label"] as? String == "setosa")
        print("1000 models: start-up to listening \(startup) s, reload \(reload) s, /models \(list.body.count) bytes")
        server.signal(SIGTERM)
        #expect(server.waitForExit(seconds: 10) == 0)
    }
}
