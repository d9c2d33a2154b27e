import CoreMetrics
import HTTPServer
import Prometheus

/// The service's Prometheus metrics, through swift-metrics' API with a registry of our own (no
/// global bootstrap, so that several services in one test process keep separate counts).
///
/// Labels are bounded: the route is the registered path template or `unmatched`, the method
/// one of the few known ones or `other`, so no client can grow the series without limit.
package final class ServiceMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    // `Locked` (a pthread mutex), not Synchronization's `Mutex`: ThreadSanitizer cannot see the
    // latter's ordering on Linux and reported a metric made under it on one event loop and used
    // on another as a race (see `Locked`).
    private let requests = Locked<RequestMetrics>(RequestMetrics())
    private let inFlight: CoreMetrics.Meter
    private let openConnections: CoreMetrics.Meter
    private let models = Locked<ModelMetrics>(ModelMetrics())
    private let reloadSuccesses: CoreMetrics.Counter
    private let reloadFailures: CoreMetrics.Counter

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }
    private struct LatencyKey: Hashable {
        var route: String
        var method: String
    }
    private typealias RequestSeries = (requests: CoreMetrics.Counter, seconds: CoreMetrics.Timer)
    /// The counters by route, method and status, the latencies by route and method, and the series
    /// of the last request: the same route again (its template, the router's own String, and the
    /// method's short string) compares in a few instructions, where hashing both keys cost ~900.
    private struct RequestMetrics {
        var counters: [RequestKey: CoreMetrics.Counter] = [:]
        var latencies: [LatencyKey: CoreMetrics.Timer] = [:]
        var last: (key: RequestKey, series: RequestSeries)?
    }
    /// A served model's name and version: bounded by the models the operator loads, never by what clients send
    /// (an unknown name is a 404 before anything is counted).
    private struct ModelKey: Hashable {
        var model: String
        var version: Int
    }
    private typealias ModelSeries = (requests: CoreMetrics.Counter, seconds: CoreMetrics.Timer)
    /// Every model's series, and the last one used: requests for the same model in a row compare its name
    /// (the registry's own String, so a pointer comparison) instead of hashing it (~470 instructions).
    private struct ModelMetrics {
        var all: [ModelKey: ModelSeries] = [:]
        var last: (key: ModelKey, series: ModelSeries)?
    }

    package init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // From 100 µs (a small softmax) to 10 s (the request timeout).
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        // A served model's W·x + b and activation: from 5 µs (iris, one row) to 1 s (a large head, a large batch).
        factory.durationHistogramBuckets["logitd_model_inference_seconds"] = [
            .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100),
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1),
        ]
        self.factory = factory
        inFlight = Meter(label: "http_requests_in_flight", dimensions: [], factory: factory)
        openConnections = Meter(label: "http_open_connections", dimensions: [], factory: factory)
        // Both series exist from the start, so a dashboard sees 0 failures rather than no data.
        reloadSuccesses = Counter(
            label: "logitd_model_reloads_total", dimensions: [("result", "success")], factory: factory)
        reloadFailures = Counter(
            label: "logitd_model_reloads_total", dimensions: [("result", "failure")], factory: factory)
        reloadSuccesses.increment(by: 0)
        reloadFailures.increment(by: 0)
    }

    /// Counts one request answered by a served model, and the time its inference took.
    package func recordModel(name: String, version: Int, inferenceNanoseconds nanoseconds: UInt64) {
        let key = ModelKey(model: name, version: version)
        let metrics = models.withLock { models in
            if let last = models.last, last.key == key { return last.series }
            let series: ModelSeries
            if let known = models.all[key] {
                series = known
            } else {
                let dimensions = [("model", name), ("version", String(version))]
                series = (
                    requests: Counter(label: "logitd_model_requests_total", dimensions: dimensions, factory: factory),
                    seconds: Timer(label: "logitd_model_inference_seconds", dimensions: dimensions, factory: factory)
                )
                models.all[key] = series
            }
            models.last = (key, series)
            return series
        }
        metrics.requests.increment()
        metrics.seconds.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Counts a SIGHUP reload by its outcome.
    package func recordReload(success: Bool) {
        (success ? reloadSuccesses : reloadFailures).increment()
    }

    /// `method` when it is one of the few known ones, else `other`, so that no client can grow the series.
    static func knownMethod(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS": method
        default: "other"
        }
    }

    /// Counts one response and records its latency.
    package func record(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: Self.knownMethod(method), status: status)
        let series = requests.withLock { metrics in
            if let last = metrics.last, last.key == key { return last.series }
            let counter: CoreMetrics.Counter
            if let known = metrics.counters[key] {
                counter = known
            } else {
                counter = Counter(
                    label: "http_requests_total",
                    dimensions: [("route", route), ("method", key.method), ("status", String(status))],
                    factory: factory)
                metrics.counters[key] = counter
            }
            let latencyKey = LatencyKey(route: route, method: key.method)
            let timer: CoreMetrics.Timer
            if let known = metrics.latencies[latencyKey] {
                timer = known
            } else {
                timer = Timer(
                    label: "http_request_duration_seconds", dimensions: [("route", route), ("method", key.method)],
                    factory: factory)
                metrics.latencies[latencyKey] = timer
            }
            metrics.last = (key, (counter, timer))
            return (counter, timer)
        }
        series.requests.increment()
        series.seconds.recordNanoseconds(duration.nanoseconds)
    }

    package func requestStarted() { inFlight.increment() }
    package func requestFinished() { inFlight.decrement() }

    /// The text exposition, with the open-connection gauge read at scrape time.
    package func exposition(openConnections count: Int) -> [UInt8] {
        openConnections.set(count)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
