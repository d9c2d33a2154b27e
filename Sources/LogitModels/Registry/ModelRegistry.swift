import Synchronization

/// The served models: one immutable `ModelSet`, replaced whole.
///
/// `current` hands out the set as it is now; a request keeps that value for its whole life, so a reload that
/// lands meanwhile changes nothing it sees, and the old set is freed when the last such request ends.
/// Reloads are serialised: two SIGHUPs in a row load twice, one after the other, and the last one wins.
package final class ModelRegistry: Sendable {
    private let models: Mutex<ModelSet>
    private let reloading = Mutex<Void>(())
    package let sources: ModelSources

    package init(_ initial: ModelSet = ModelSet(), sources: ModelSources = ModelSources()) {
        models = Mutex(initial)
        self.sources = sources
    }

    /// Loads the sources once; throws the first problem (start-up: exit status 2).
    package convenience init(loading sources: ModelSources) throws(ModelLoadError) {
        self.init(try sources.load(), sources: sources)
    }

    /// The set as it is now: a lock, a copy of one reference.
    package var current: ModelSet { models.withLock { $0 } }

    /// Replaces the whole set.
    package func replace(with new: ModelSet) {
        let old = models.withLock { current in
            let old = current
            current = new
            return old
        }
        _ = old  // released here, outside the lock, when no request holds it
    }

    /// Loads every source again; on success the new set replaces the old one whole and is returned, on failure
    /// the old set stays and the first problem is thrown.
    @discardableResult
    package func reload() throws(ModelLoadError) -> ModelSet {
        try reloading.withLock { _ throws(ModelLoadError) in
            let new = try sources.load()
            replace(with: new)
            return new
        }
    }
}
