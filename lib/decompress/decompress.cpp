#include "lib/decompress/decompress.hpp"

#include "lib/base/format.hpp"
#include "lib/base/string.hpp"
#include "lib/decompress/decoder.hpp"

namespace cxen {

namespace {
bool starts(const uint8_t* p, size_t len, const char* magic, size_t n) {
    return len >= n && memcmp(p, magic, n) == 0;
}
} // namespace

const char* compression_name(Compression c) {
    switch (c) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::bzip2: return "bzip2";
    case Compression::lzma: return "lzma";
    case Compression::xz: return "xz";
    case Compression::lzo: return "lzo";
    case Compression::lz4: return "lz4";
    case Compression::zstd: return "zstd";
    case Compression::unknown: break;
    }
    return "unknown";
}

Compression detect_compression(const uint8_t* p, size_t len) {
    if (starts(p, len, "\x1f\x8b", 2)) return Compression::gzip;
    if (starts(p, len, "BZh", 3)) return Compression::bzip2;
    if (starts(p, len, "\x5d\x00\x00", 3)) return Compression::lzma;
    if (starts(p, len, "\xfd" "7zXZ\x00", 6)) return Compression::xz;
    if (starts(p, len, "\x89LZO\x00\x0d\x0a\x1a\x0a", 9)) return Compression::lzo;
    if (starts(p, len, "\x02\x21\x4c\x18", 4)) return Compression::lz4;
    if (starts(p, len, "\x28\xb5\x2f\xfd", 4)) return Compression::zstd;
    return Compression::unknown;
}

namespace decompress_detail {
Err DecodeJob::fail(Errno e, const char* fmt, ...) const {
    if (why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return Err(e);
}
} // namespace decompress_detail

Result<size_t> decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                          const DecompressAllocator& alloc, char* why, size_t why_len) {
    using namespace decompress_detail;
    if (why_len) why[0] = '\0';
    const DecodeJob j{in, in_len, out, out_cap < max_decompress_bytes ? out_cap : max_decompress_bytes, alloc,
                      why, why_len};
    const Compression c = detect_compression(in, in_len);
    if (in_len > max_decompress_bytes)
        return j.fail(Errno::XEN_E2BIG, "%s input of %zu bytes is above the 4 GiB a decoder takes",
                      compression_name(c), in_len);
    switch (c) {
    case Compression::gzip: return gunzip(j);
    case Compression::bzip2: return bunzip2(j);
    case Compression::lzma: return unlzma(j);
    case Compression::xz: return unxz(j);
    case Compression::lzo: return unlzo(j);
    case Compression::lz4: return unlz4(j);
    case Compression::zstd: return unzstd(j);
    case Compression::none:
    case Compression::unknown: break;
    }
    if (starts(in, in_len, "\x04\x22\x4d\x18", 4))
        return j.fail(Errno::XEN_EOPNOTSUPP, "lz4 frame format: only lz4's legacy frame (lz4 -l) is unpacked");
    return j.fail(Errno::XEN_EOPNOTSUPP, "unknown compression (magic %02x %02x %02x %02x)", in_len > 0 ? in[0] : 0,
                  in_len > 1 ? in[1] : 0, in_len > 2 ? in[2] : 0, in_len > 3 ? in[3] : 0);
}

} // namespace cxen
