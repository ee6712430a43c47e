// bzip2 with libbz2's decoder (vendor/bzip2, built with BZ_NO_STDIO).
#include <bzlib.h>

#include "lib/decompress/decoder.hpp"

namespace {
// libbz2 reports a broken internal invariant (a bug in it, never bad
// input) through bz_internal_error(), which BZ_NO_STDIO leaves to us, and
// carries on. We note it and fail the call. Not thread-safe: the
// hypervisor unpacks kernels on the boot CPU only, the tools on one thread.
int bz_internal_errcode;
} // namespace

extern "C" void bz_internal_error(int errcode) { bz_internal_errcode = errcode; }

namespace cxen::decompress_detail {

namespace {
void* bzalloc(void* ctx, int n, int m) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    return a->alloc(a->ctx, static_cast<size_t>(n) * static_cast<size_t>(m));
}
void bzfree(void* ctx, void* p) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    a->free(a->ctx, p);
}
} // namespace

Result<size_t> bunzip2(const DecodeJob& j) {
    bz_stream s{};
    s.bzalloc = bzalloc;
    s.bzfree = bzfree;
    s.opaque = const_cast<DecompressAllocator*>(&j.alloc);
    bz_internal_errcode = 0;
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
        return j.fail(Errno::XEN_ENOMEM, "bzip2: no memory for libbz2's state");
    s.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(j.in));
    s.avail_in = static_cast<unsigned>(j.in_len);
    s.next_out = reinterpret_cast<char*>(j.out);
    s.avail_out = static_cast<unsigned>(j.out_cap);
    int rc;
    // BZ_OK means "call again": the output filled up or the input ran out.
    while ((rc = BZ2_bzDecompress(&s)) == BZ_OK && s.avail_out != 0 && s.avail_in != 0 && !bz_internal_errcode) {
    }
    const size_t produced = j.out_cap - s.avail_out;
    BZ2_bzDecompressEnd(&s);
    if (bz_internal_errcode)
        return j.fail(Errno::XEN_EINVAL, "bzip2: libbz2 internal error %d", bz_internal_errcode);
    switch (rc) {
    case BZ_STREAM_END: return produced;
    case BZ_OK:
        if (s.avail_out == 0)
            return j.fail(Errno::XEN_E2BIG, "bzip2 payload unpacks to more than the %zu-byte limit", j.out_cap);
        return j.fail(Errno::XEN_EINVAL, "bzip2 payload is truncated (after %zu bytes of output)", produced);
    case BZ_MEM_ERROR: return j.fail(Errno::XEN_ENOMEM, "bzip2: out of memory in libbz2");
    default: return j.fail(Errno::XEN_EINVAL, "bzip2 payload is corrupt (libbz2 error %d)", rc);
    }
}

} // namespace cxen::decompress_detail
