// An immutable set of models, looked up by name and version. The registry swaps whole sets; a request holds
// the set it began with, so it never sees a mix of two reloads.
//
// Cost: a name is one hash lookup (expected O(length of the name), independent of how many models are loaded),
// or with at most `scanLimit` names a comparison with each (a short name compares as two words, where hashing
// it costs some 300 instructions); the latest version is the last of the name's sorted versions, a given version a binary search over that
// name's versions. Listing is O(models).

/// One name's versions, ascending.
package struct ModelVersions: Sendable {
    package let versions: [Model]
    package var latest: Model { versions[versions.count - 1] }

    package func version(_ v: Int) -> Model? {
        var (low, high) = (0, versions.count)
        while low < high {
            let mid = (low + high) / 2
            if versions[mid].version < v { low = mid + 1 } else { high = mid }
        }
        return low < versions.count && versions[low].version == v ? versions[low] : nil
    }
}

/// Why a lookup found nothing.
package enum ModelLookupError: Error, Equatable, Sendable {
    case unknownModel(name: String)
    case unknownVersion(name: String, version: Int, available: [Int])
}

package struct ModelSet: Sendable {
    private let byName: [String: ModelVersions]
    /// The names and their versions when there are at most `scanLimit` names, else empty.
    private let few: [(name: String, versions: ModelVersions)]
    /// Up to this many names are found by comparing each.
    package static let scanLimit = 8
    /// Every model, sorted by name, then version.
    package let all: [Model]

    /// The empty set.
    package init() {
        byName = [:]
        few = []
        all = []
    }

    /// - Throws: for a second model with the same name and version, naming both files.
    package init(_ models: [Model]) throws(ModelLoadError) {
        var grouped: [String: [Model]] = [:]
        for model in models { grouped[model.name, default: []].append(model) }
        var byName: [String: ModelVersions] = [:]
        byName.reserveCapacity(grouped.count)
        for (name, group) in grouped {
            let sorted = group.sorted { $0.version < $1.version }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.version == b.version {
                throw ModelLoadError(
                    file: b.file, problem: "duplicate model \(name) version \(b.version) (also in \(a.file))")
            }
            byName[name] = ModelVersions(versions: sorted)
        }
        self.byName = byName
        self.few = byName.count <= Self.scanLimit ? byName.map { ($0.key, $0.value) } : []
        self.all = byName.keys.sorted().flatMap { byName[$0]!.versions }
    }

    package var count: Int { all.count }

    package func versions(of name: String) -> ModelVersions? {
        guard byName.count <= Self.scanLimit else { return byName[name] }
        for entry in few where entry.name == name { return entry.versions }
        return nil
    }

    /// The model `name` at `version`, or its latest (highest) version when `version` is nil.
    package func model(_ name: String, version: Int? = nil) throws(ModelLookupError) -> Model {
        guard let versions = versions(of: name) else { throw .unknownModel(name: name) }
        guard let version else { return versions.latest }
        guard let model = versions.version(version) else {
            throw .unknownVersion(name: name, version: version, available: versions.versions.map(\.version))
        }
        return model
    }
}
