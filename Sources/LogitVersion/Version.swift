/// The version of logitd and of its API, in Semantic Versioning: the one source of `logitd --version`,
/// `GET /v2`'s `version` and the checks on the copies that cannot import it.
///
/// Copies that a build cannot derive from this constant — `info.version` in openapi.yaml, the image's
/// `org.opencontainers.image.version` label in the Dockerfile and the newest released section of
/// CHANGELOG.md — are compared with it by `Tests/LogitVersionTests`, which fails when any of them differs.
/// Below 1.0.0 the API may still change between minor versions (CHANGELOG.md says what changed).
package let logitdVersion = "0.1.0"
