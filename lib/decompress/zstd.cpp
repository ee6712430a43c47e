// zstd with the reference decoder (vendor/zstd), single-shot into the
// output buffer: no window buffer is allocated, only the decoder context.
// Concatenated and skippable frames are decoded as zstd's CLI does.
#include <zstd.h>
#include <zstd_errors.h>

#include "lib/decompress/decoder.hpp"

namespace cxen::decompress_detail {

namespace {
void* zsalloc(void* ctx, size_t size) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    return a->alloc(a->ctx, size);
}
void zsfree(void* ctx, void* p) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    a->free(a->ctx, p);
}
} // namespace

Result<size_t> unzstd(const DecodeJob& j) {
    const ZSTD_customMem mem{zsalloc, zsfree, const_cast<DecompressAllocator*>(&j.alloc)};
    ZSTD_DCtx* dctx = ZSTD_createDCtx_advanced(mem);
    if (!dctx) return j.fail(Errno::XEN_ENOMEM, "zstd: no memory for the decoder context");
    // Frame by frame, as long as the next bytes are a (skippable) frame;
    // anything else after the first frame is trailing data.
    size_t in_pos = 0, out_pos = 0, rc = 0;
    do {
        rc = ZSTD_findFrameCompressedSize(j.in + in_pos, j.in_len - in_pos);
        if (ZSTD_isError(rc)) break;
        const size_t frame = rc;
        rc = ZSTD_decompressDCtx(dctx, j.out + out_pos, j.out_cap - out_pos, j.in + in_pos, frame);
        if (ZSTD_isError(rc)) break;
        in_pos += frame;
        out_pos += rc;
    } while (j.in_len - in_pos >= 4 && ZSTD_isFrame(j.in + in_pos, j.in_len - in_pos));
    ZSTD_freeDCtx(dctx);
    if (!ZSTD_isError(rc)) return out_pos;
    switch (ZSTD_getErrorCode(rc)) {
    case ZSTD_error_dstSize_tooSmall:
        return j.fail(Errno::XEN_E2BIG, "zstd payload unpacks to more than the %zu-byte limit", j.out_cap);
    case ZSTD_error_memory_allocation: return j.fail(Errno::XEN_ENOMEM, "zstd: out of memory");
    case ZSTD_error_srcSize_wrong: return j.fail(Errno::XEN_EINVAL, "zstd payload is truncated");
    default: return j.fail(Errno::XEN_EINVAL, "zstd payload is corrupt (libzstd: %s)", ZSTD_getErrorName(rc));
    }
}

} // namespace cxen::decompress_detail
