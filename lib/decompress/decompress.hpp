// Decompression of the seven formats Linux packs kernels in (gzip, bzip2,
// lzma, xz, lzo, lz4, zstd), one interface over the vendored upstream
// decoders (vendor/). Freestanding: the hypervisor unpacks bzImage payloads
// with it, the hosted tools and tests share the same code path.
//
// Each call decodes into a caller-provided buffer of fixed size, so a
// decompression bomb stops at the caller's limit; the decoders' working
// memory (state, tables, the LZMA dictionary) comes from the caller's
// allocator, nothing else allocates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"

namespace cxen {

enum class Compression : uint8_t { none, gzip, bzip2, lzma, xz, lzo, lz4, zstd, unknown };

/// "gzip", "bzip2", ... ("none", "unknown" for the other two).
const char* compression_name(Compression c);

/// The format `p` starts with, by its magic bytes: gzip 1f 8b, bzip2 "BZh",
/// legacy lzma 5d 00 00 (properties of lc=3 lp=0 pb=2 and a dictionary
/// below 16 MiB, what every lzma encoder writes by default), xz fd "7zXZ" 00,
/// lzop 89 "LZO" 00 0d 0a 1a 0a, lz4 legacy frame 02 21 4c 18, zstd
/// 28 b5 2f fd. Anything else is `unknown`.
Compression detect_compression(const uint8_t* p, size_t len);

/// The decoders' working memory. alloc returns nullptr when it cannot;
/// free accepts what alloc returned. Requests range from a few bytes to the
/// LZMA dictionary (up to the dictionary size the stream declares, e.g.
/// 32 MiB for Linux's xz kernels).
struct DecompressAllocator {
    void* (*alloc)(void* ctx, size_t bytes);
    void (*free)(void* ctx, void* p);
    void* ctx;
};

/// Most working memory one call asks the allocator for in all: an LZMA
/// dictionary is as large as the stream's header says (Linux's xz kernels
/// 32 MiB, `lzma -9` 64 MiB), and a forged header could ask for 4 GiB.
constexpr uint64_t max_decoder_memory = uint64_t{128} << 20;

/// Largest input or output one call handles (the decoders count in 32 bits).
constexpr size_t max_decompress_bytes = 0xffffffffu;

/// Decompress `in` (one stream of the format its magic names; data after
/// the end of that stream is ignored) into `out`, which holds at most
/// `out_cap` bytes. Returns the number of bytes written. On failure `why`
/// (NUL-terminated, `why_len` bytes) says what is wrong.
/// Errors: -EOPNOTSUPP unknown magic (or an lz4 frame other than legacy);
///         -EINVAL corrupt or truncated input;
///         -E2BIG the output would exceed `out_cap` (or the input
///                max_decompress_bytes);
///         -ENOMEM the allocator failed, or the stream needs more than
///                 max_decoder_memory.
[[nodiscard]] Result<size_t> decompress(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap,
                                        const DecompressAllocator& alloc, char* why, size_t why_len);

} // namespace cxen
