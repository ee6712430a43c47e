// The per-format decoders behind decompress() (decompress.hpp), one file
// each over its vendored library. Internal to lib/decompress/.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"
#include "lib/decompress/decompress.hpp"

namespace cxen::decompress_detail {

/// One decompress() call: the input, the output window and where a
/// failure's reason goes. Sizes are at most max_decompress_bytes.
struct DecodeJob {
    const uint8_t* in;
    size_t in_len;
    uint8_t* out;
    size_t out_cap;
    const DecompressAllocator& alloc;
    char* why;
    size_t why_len;

    /// Write the reason and return `e` as a failed Result.
    Err fail(Errno e, const char* fmt, ...) const __attribute__((format(printf, 3, 4)));
};

Result<size_t> gunzip(const DecodeJob& j);
Result<size_t> bunzip2(const DecodeJob& j);
Result<size_t> unxz(const DecodeJob& j);   ///< .xz
Result<size_t> unlzma(const DecodeJob& j); ///< legacy .lzma (lzma_alone)
Result<size_t> unlzo(const DecodeJob& j);  ///< the lzop container over LZO1X
Result<size_t> unlz4(const DecodeJob& j);  ///< lz4's legacy frame
Result<size_t> unzstd(const DecodeJob& j);

} // namespace cxen::decompress_detail
