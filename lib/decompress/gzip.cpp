// gzip (RFC 1952) with zlib's inflate (vendor/zlib), in one call over the
// whole input: Z_FINISH tells inflate that no more input will come.
#include <zlib.h>

#include "lib/decompress/decoder.hpp"

namespace cxen::decompress_detail {

namespace {
voidpf zalloc(voidpf ctx, uInt items, uInt size) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    return a->alloc(a->ctx, size_t{items} * size);
}
void zfree(voidpf ctx, voidpf p) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    a->free(a->ctx, p);
}
} // namespace

Result<size_t> gunzip(const DecodeJob& j) {
    z_stream zs{};
    zs.zalloc = zalloc;
    zs.zfree = zfree;
    zs.opaque = const_cast<DecompressAllocator*>(&j.alloc);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) // 16: a gzip header, not zlib's
        return j.fail(Errno::XEN_ENOMEM, "gzip: no memory for zlib's inflate state");
    zs.next_in = const_cast<Bytef*>(j.in);
    zs.avail_in = static_cast<uInt>(j.in_len);
    zs.next_out = j.out;
    zs.avail_out = static_cast<uInt>(j.out_cap);
    const int rc = inflate(&zs, Z_FINISH);
    const size_t produced = zs.total_out;
    const char* msg = zs.msg;
    inflateEnd(&zs);
    switch (rc) {
    case Z_STREAM_END: return produced;
    case Z_MEM_ERROR: return j.fail(Errno::XEN_ENOMEM, "gzip: out of memory in zlib");
    case Z_BUF_ERROR:
    case Z_OK: // no progress possible: the output is full or the input ended
        if (zs.avail_out == 0)
            return j.fail(Errno::XEN_E2BIG, "gzip payload unpacks to more than the %zu-byte limit", j.out_cap);
        return j.fail(Errno::XEN_EINVAL, "gzip payload is truncated (after %zu bytes of output)", produced);
    default:
        return j.fail(Errno::XEN_EINVAL, "gzip payload is corrupt (zlib: %s)", msg ? msg : "data error");
    }
}

} // namespace cxen::decompress_detail
