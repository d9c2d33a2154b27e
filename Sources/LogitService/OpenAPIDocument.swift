/// The OpenAPI document, compiled into the binary from the top-level `openapi.yaml` (via the
/// `embedInCode` resource `Sources/LogitService/openapi.yaml`, a link to it), so that `GET
/// /openapi.yaml` works when only the binary is copied into a container.
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_yaml
}
