#ifndef LOGITD_CZLIB_SHIM_H
#define LOGITD_CZLIB_SHIM_H
// zlib (Debian: zlib1g-dev for the header, zlib1g at run time) for ContentCoding's gzip and
// deflate. inflateInit2 and deflateInit2 are function-like macros that pass ZLIB_VERSION and
// sizeof(z_stream) so the library can check the caller was compiled against a compatible
// header; Swift imports no such macro, so these wrappers make the same call.
#include <zlib.h>

static inline int czlib_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int czlib_deflate_init2(z_streamp stream, int level, int windowBits, int memLevel) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY);
}
#endif
