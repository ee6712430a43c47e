// lz4's legacy frame (`lz4 -l`, what Linux's kernel build writes) over
// lz4.c's block decoder (vendor/lz4). The frame is parsed here: lz4.c has
// none, and lz4frame.c knows only the newer frame. Source: lz4's
// doc/lz4_Frame_format.md, "Legacy frame": the magic 0x184C2102, then
// blocks of a little-endian 32-bit compressed size and the data, each
// unpacking to at most 8 MiB. The frame has no end marker and no checksum:
// it ends with the input, and a new magic starts another frame.
#include <lz4.h>

#include "lib/decompress/decoder.hpp"

namespace cxen::decompress_detail {

namespace {
constexpr uint32_t legacy_magic = 0x184c2102;
constexpr uint32_t legacy_block = 8u << 20;

uint32_t le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
} // namespace

Result<size_t> unlz4(const DecodeJob& j) {
    size_t pos = 4, out_pos = 0;
    while (pos < j.in_len) {
        if (j.in_len - pos < 4)
            return j.fail(Errno::XEN_EINVAL, "lz4 payload is truncated (block header)");
        const uint32_t csize = le32(j.in + pos);
        pos += 4;
        if (csize == legacy_magic) continue; // a concatenated frame
        if (csize == 0 || csize > static_cast<uint32_t>(LZ4_COMPRESSBOUND(legacy_block)))
            return j.fail(Errno::XEN_EINVAL, "lz4 payload is corrupt (a block of %u bytes)", csize);
        if (j.in_len - pos < csize)
            return j.fail(Errno::XEN_EINVAL, "lz4 payload is truncated (after %zu bytes of output)", out_pos);
        const auto* src = reinterpret_cast<const char*>(j.in + pos);
        auto* dst = reinterpret_cast<char*>(j.out + out_pos);
        const size_t room = j.out_cap - out_pos;
        const int cap = static_cast<int>(room < legacy_block ? room : legacy_block);
        const int n = LZ4_decompress_safe(src, dst, static_cast<int>(csize), cap);
        if (n < 0) {
            // With less room than a block, tell "does not fit" from "corrupt":
            // a block whose first `cap` bytes decode fine but which did not
            // fit is larger than the room left.
            if (cap < static_cast<int>(legacy_block) &&
                LZ4_decompress_safe_partial(src, dst, static_cast<int>(csize), cap, cap) == cap)
                return j.fail(Errno::XEN_E2BIG, "lz4 payload unpacks to more than the %zu-byte limit", j.out_cap);
            return j.fail(Errno::XEN_EINVAL, "lz4 payload is corrupt (block at offset %zu)", pos - 4);
        }
        pos += csize;
        out_pos += static_cast<size_t>(n);
    }
    return out_pos;
}

} // namespace cxen::decompress_detail
