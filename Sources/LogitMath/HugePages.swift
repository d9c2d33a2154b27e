#if canImport(Glibc)
    import Glibc
#endif

extension Matrix {
    /// Asks Linux to back the 2 MiB-aligned interior of the elements (a served model's weights) with transparent
    /// huge pages, now (`MADV_HUGEPAGE`, then `MADV_COLLAPSE`: Linux 6.1 and later; elsewhere, or with THP off,
    /// nothing happens).
    ///
    /// Why: W·x + b streams every weight once per row it answers; in 4 KiB pages a 16 MB head is 4 096 TLB
    /// entries, more than the core holds, and a context switch loses them. With huge pages it is 8. numpy gets
    /// them itself for its large arrays. `Benchmarks/head-product/run.sh`'s head (1000×2048), alternating on a
    /// loaded machine: best 575, 453, 841 µs in 4 KiB pages, 479, 379, 708 µs in huge pages. Only pages wholly
    /// inside the buffer are advised, so nothing beyond the elements becomes resident.
    public func adviseHugePages() {
        #if os(Linux)
            let huge = 2 << 20
            guard elements.count * MemoryLayout<Double>.stride >= 2 * huge else { return }
            elements.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
                let end = Int(bitPattern: base + buffer.count) & ~(huge - 1)
                guard end > start, let interior = UnsafeMutableRawPointer(bitPattern: start) else { return }
                _ = madvise(interior, end - start, MADV_HUGEPAGE)
                _ = madvise(interior, end - start, 25)  // MADV_COLLAPSE, which Glibc's headers here do not name yet
            }
        #endif
    }
}
