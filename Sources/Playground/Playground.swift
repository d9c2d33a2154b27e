/// The playground page and the files it loads, compiled into the binary (SwiftPM `embedInCode`), so
/// that `logitd` alone serves them: no CDN, no file next to the binary.
///
/// The page has no inline script or style and loads nothing from another origin, so it works under
/// `Content-Security-Policy: default-src 'self'`, which the service sends with it.
package enum Playground {
    package struct File: Sendable {
        package let path: String
        package let contentType: String
        package let bytes: [UInt8]
    }

    /// The page itself, served at `/`.
    package static let page = File(
        path: "/", contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html)

    /// What the page loads, each under a path of its own.
    package static let assets: [File] = [
        File(
            path: "/playground/playground.css", contentType: "text/css; charset=utf-8",
            bytes: PackageResources.playground_css),
        File(
            path: "/playground/playground.js", contentType: "text/javascript; charset=utf-8",
            bytes: PackageResources.playground_js),
        File(path: "/playground/icon.svg", contentType: "image/svg+xml", bytes: PackageResources.icon_svg),
    ]

    /// The page and its assets.
    package static var files: [File] { [page] + assets }

    /// The policy sent with the page: everything from this origin only, nothing inline.
    package static let contentSecurityPolicy = "default-src 'self'"
}
