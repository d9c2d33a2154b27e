extension Duration {
    /// The whole nanoseconds in this duration (clamped to `Int64`'s range by its arithmetic).
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
