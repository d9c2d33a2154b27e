import HTTPServer
import HTTPTypes
import Playground
import Testing

/// `GET /` and the files it loads, as the service serves them.
@Suite struct PlaygroundFilesTests {
    let client = ServiceClient()

    @Test func pageIsServedAtTheRootWithItsPolicy() {
        let answer = client.call(.get, "/", contentType: nil)
        #expect(answer.status == 200)
        #expect(answer.contentType == "text/html; charset=utf-8")
        #expect(answer.headers[.contentSecurityPolicy] == "default-src 'self'")
        #expect(answer.headers[.xContentTypeOptions] == "nosniff")
        #expect(answer.body == Playground.page.bytes)
        #expect(answer.text.hasPrefix("<!doctype html>"))
    }

    @Test(arguments: [
        ("/playground/playground.css", "text/css; charset=utf-8"),
        ("/playground/playground.js", "text/javascript; charset=utf-8"),
        ("/playground/icon.svg", "image/svg+xml"),
    ])
    func everyFileOfThePageIsServed(path: String, type: String) {
        let answer = client.call(.get, path, contentType: nil)
        #expect(answer.status == 200)
        #expect(answer.contentType == type)
        #expect(answer.headers[.cacheControl] == "no-cache")
        #expect(answer.body == Playground.files.first { $0.path == path }?.bytes)
    }

    @Test func headAndOptionsWorkOnThePage() {
        #expect(client.call(.head, "/", contentType: nil).status == 200)
        let options = client.call(.options, "/", contentType: nil)
        #expect(options.status == 204)
        #expect(options.headers[.allow] == "GET, HEAD, OPTIONS")
        #expect(client.call(.post, "/", "{}").status == 405)
    }

    @Test func otherFilesAreNotFound() {
        #expect(client.call(.get, "/playground/", contentType: nil).status == 404)
        #expect(client.call(.get, "/playground/other.js", contentType: nil).status == 404)
        #expect(client.call(.get, "/index.html", contentType: nil).status == 404)
    }
}
