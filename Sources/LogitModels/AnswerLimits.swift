/// How large an answer one request may ask for, whatever its own size. A request of a few KB can name k rows of one
/// feature and a model (or weights) with m outputs, and so ask for k × m numbers per output, or k × K ranked
/// entries: both are refused before anything is computed, so that one request's memory stays bounded
/// (docs/configuration.md, "Memory per request").
public enum AnswerLimits {
    /// The most numbers per output (k × m: `logits`, and `probabilities` beside it): as many as the default
    /// body limit (8 MiB) can carry as `0,`.
    public static let numbers = 4_194_304

    /// The most ranked entries a request may ask for when it asks more than one per row: k rows × K for
    /// /classify's `top_k` and the inference protocol's `classification`. An entry costs about 20 times a
    /// number's memory (its JSON object or string, and its label): 1/16 of `numbers`. One entry per row (the
    /// default) is never more than the row's own numbers, and is not bounded beyond them.
    public static let rankedEntries = 262_144
}
