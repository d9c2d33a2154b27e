/// How large an answer one request may ask for, whatever its own size. A request of a few KB can name k rows of one
/// feature and a model (or weights) with m outputs, and so ask for k × m numbers per output, or k × K ranked
/// entries: both are refused before anything is computed, so that one request's memory stays bounded
/// (docs/configuration.md, "Memory per request").
public enum AnswerLimits {
    /// The most numbers per output (k × m: `logits`, and `probabilities` beside it): as many as the default
    /// body limit (8 MiB) can carry as `0,`.
    public static let numbers = 4_194_304

    /// The most ranked entries one answer may hold: rows × `top_k` in /classify (every row is one at least: its
    /// answer is an object with arrays of its own) and rows × K of the inference protocol's `classification`
    /// strings. An entry costs 20 times a number's memory or more (its JSON object or string, its label), so
    /// 1/16 of `numbers`.
    public static let rankedEntries = 262_144
}
