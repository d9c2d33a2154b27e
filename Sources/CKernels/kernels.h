#ifndef LOGITD_CKERNELS_H
#define LOGITD_CKERNELS_H
// LogitMath's W·x + b kernel in 256-bit AVX, for the CPUs that have it; the caller picks it at run time
// with ckernels_has_avx(), since the build itself targets baseline x86-64 (SSE2), where Swift's SIMD4
// becomes two 128-bit halves. Header-only: Swift compiles these inline functions with their own target
// attribute, so nothing outside them needs AVX.
//
// The sums are exactly those of Linear.swift's dot4, operation for operation, so the result does not
// depend on which kernel ran (LinearTests compares the two bit for bit): column c goes to lane c mod 4;
// each lane sums the products of a block of 64 columns from zero (multiply, then add: no FMA, which
// would round differently) and adds the block sum to its running total; then (l0 + l1) + (l2 + l3);
// then the ≤ 3 leftover columns in order. Eight columns a step (one 64-byte line of each row, and
// one prefetch), then four: each lane still adds its columns in the same order.
//
// SwiftPM does not rebuild LogitMath when only this header changes: touch Sources/LogitMath/Linear.swift.

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/// 1 when the CPU has AVX and the OS saves the YMM registers (CPUID.1:ECX.OSXSAVE and AVX, XCR0 bits 1 and 2).
static inline int ckernels_has_avx(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (lo & 6) == 6;
}

// How far ahead of the columns being summed each row's weights are prefetched: 256 doubles (2 KiB,
// 32 lines). The 16 MB of a 1000×2048 head stream from L3 or memory four rows at a time, more
// streams than the hardware prefetcher keeps ahead of; with one prefetch per row per cache line, the
// product went from 1.04–1.17× numpy's single-threaded time to 0.82–0.93× (Benchmarks/head-product,
// builds alternating, 3 Dec). A prefetch changes no result.
#define CKERNELS_AHEAD 256

__attribute__((target("avx")))
static inline double ckernels_pairwise(__m256d v) {
    double l[4];
    _mm256_storeu_pd(l, v);
    return (l[0] + l[1]) + (l[2] + l[3]);
}

/// The dot products of rows w0…w3 with x over n elements, into out[0…3]. Block: 64 columns.
__attribute__((target("avx")))
static inline void ckernels_dot4_avx(const double *w0, const double *w1, const double *w2, const double *w3,
                                     const double *x, long n, double *out) {
#pragma clang fp contract(off)
    const long n4 = n & ~3L;
    __m256d t0 = _mm256_setzero_pd(), t1 = _mm256_setzero_pd(), t2 = _mm256_setzero_pd(), t3 = _mm256_setzero_pd();
    long i = 0;
    while (i < n4) {
        const long end = i + 64 < n4 ? i + 64 : n4;
        __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd(), a2 = _mm256_setzero_pd(),
                a3 = _mm256_setzero_pd();
        for (; i + 8 <= end; i += 8) {
            _mm_prefetch((const char *)(w0 + i + CKERNELS_AHEAD), _MM_HINT_T0);
            _mm_prefetch((const char *)(w1 + i + CKERNELS_AHEAD), _MM_HINT_T0);
            _mm_prefetch((const char *)(w2 + i + CKERNELS_AHEAD), _MM_HINT_T0);
            _mm_prefetch((const char *)(w3 + i + CKERNELS_AHEAD), _MM_HINT_T0);
            const __m256d xv = _mm256_loadu_pd(x + i);
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(w0 + i), xv));
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(w1 + i), xv));
            a2 = _mm256_add_pd(a2, _mm256_mul_pd(_mm256_loadu_pd(w2 + i), xv));
            a3 = _mm256_add_pd(a3, _mm256_mul_pd(_mm256_loadu_pd(w3 + i), xv));
            const __m256d xw = _mm256_loadu_pd(x + i + 4);
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(w0 + i + 4), xw));
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(w1 + i + 4), xw));
            a2 = _mm256_add_pd(a2, _mm256_mul_pd(_mm256_loadu_pd(w2 + i + 4), xw));
            a3 = _mm256_add_pd(a3, _mm256_mul_pd(_mm256_loadu_pd(w3 + i + 4), xw));
        }
        for (; i < end; i += 4) {
            const __m256d xv = _mm256_loadu_pd(x + i);
            a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(w0 + i), xv));
            a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(w1 + i), xv));
            a2 = _mm256_add_pd(a2, _mm256_mul_pd(_mm256_loadu_pd(w2 + i), xv));
            a3 = _mm256_add_pd(a3, _mm256_mul_pd(_mm256_loadu_pd(w3 + i), xv));
        }
        t0 = _mm256_add_pd(t0, a0);
        t1 = _mm256_add_pd(t1, a1);
        t2 = _mm256_add_pd(t2, a2);
        t3 = _mm256_add_pd(t3, a3);
    }
    double s0 = ckernels_pairwise(t0), s1 = ckernels_pairwise(t1), s2 = ckernels_pairwise(t2),
           s3 = ckernels_pairwise(t3);
    for (; i < n; i++) {
        const double xi = x[i];
        s0 = s0 + w0[i] * xi;
        s1 = s1 + w1[i] * xi;
        s2 = s2 + w2[i] * xi;
        s3 = s3 + w3[i] * xi;
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

#else

static inline int ckernels_has_avx(void) { return 0; }

static inline void ckernels_dot4_avx(const double *w0, const double *w1, const double *w2, const double *w3,
                                     const double *x, long n, double *out) {
    (void)w0, (void)w1, (void)w2, (void)w3, (void)x, (void)n, (void)out;
}

#endif
#endif
