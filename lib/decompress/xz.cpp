// .xz and legacy .lzma with liblzma (vendor/xz). The dictionary the
// stream declares is allocated through the caller's allocator (32 MiB for
// Linux's xz kernels, 64 MiB for `lzma -9`), capped by max_decoder_memory.
#include <lzma.h>

#include "lib/decompress/decoder.hpp"

namespace cxen::decompress_detail {

namespace {
void* lzalloc(void* ctx, size_t nmemb, size_t size) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    return a->alloc(a->ctx, nmemb * size); // liblzma calls with nmemb 1
}
void lzfree(void* ctx, void* p) {
    const auto* a = static_cast<const DecompressAllocator*>(ctx);
    a->free(a->ctx, p);
}

const char* what(lzma_ret rc) {
    switch (rc) {
    case LZMA_FORMAT_ERROR: return "not this format";
    case LZMA_OPTIONS_ERROR: return "unsupported options";
    case LZMA_DATA_ERROR: return "corrupt data";
    case LZMA_BUF_ERROR: return "truncated input";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
    default: return "error";
    }
}

Result<size_t> run(const DecodeJob& j, bool alone) {
    const char* name = alone ? "lzma" : "xz";
    const lzma_allocator la{lzalloc, lzfree, const_cast<DecompressAllocator*>(&j.alloc)};
    lzma_stream s = LZMA_STREAM_INIT;
    s.allocator = &la;
    lzma_ret rc = alone ? lzma_alone_decoder(&s, max_decoder_memory)
                        : lzma_stream_decoder(&s, max_decoder_memory, 0);
    if (rc != LZMA_OK) return j.fail(Errno::XEN_ENOMEM, "%s: no memory for liblzma's decoder", name);
    s.next_in = j.in;
    s.avail_in = j.in_len;
    s.next_out = j.out;
    s.avail_out = j.out_cap;
    // LZMA_OK: progress was made, call again; liblzma returns LZMA_BUF_ERROR
    // once no progress is possible (output full or input exhausted).
    while ((rc = lzma_code(&s, LZMA_FINISH)) == LZMA_OK) {
    }
    const size_t produced = j.out_cap - s.avail_out;
    lzma_end(&s);
    switch (rc) {
    case LZMA_STREAM_END: return produced;
    case LZMA_MEM_ERROR: return j.fail(Errno::XEN_ENOMEM, "%s: no memory for the stream's dictionary", name);
    case LZMA_MEMLIMIT_ERROR:
        return j.fail(Errno::XEN_ENOMEM, "%s: the stream's dictionary needs more than %llu MiB", name,
                      static_cast<unsigned long long>(max_decoder_memory >> 20));
    case LZMA_BUF_ERROR:
        if (s.avail_out == 0)
            return j.fail(Errno::XEN_E2BIG, "%s payload unpacks to more than the %zu-byte limit", name, j.out_cap);
        return j.fail(Errno::XEN_EINVAL, "%s payload is truncated (after %zu bytes of output)", name, produced);
    default: return j.fail(Errno::XEN_EINVAL, "%s payload is corrupt (liblzma: %s)", name, what(rc));
    }
}
} // namespace

Result<size_t> unxz(const DecodeJob& j) { return run(j, false); }
Result<size_t> unlzma(const DecodeJob& j) { return run(j, true); }

} // namespace cxen::decompress_detail
