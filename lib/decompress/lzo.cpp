// The lzop file format over LZO1X blocks (minilzo, vendor/lzo). lzop's
// container is not part of liblzo, so it is parsed here. Source: lzop 1.04
// (src/lzop.c: p_header, x_decompress), the format Linux's unlzo reads.
// Header: magic(9) version(2) lib_version(2) [version_needed(2)] method(1)
// [level(1)] flags(4) [filter(4)] mode(4) mtime(4) [mtime_high(4)]
// name_len(1) name checksum(4) [extra field], all big-endian, the [] fields
// by version or flag. Then blocks: dst_len(4) (0 ends the file), src_len(4),
// the checksums the flags ask for, and src_len bytes (stored as is when
// src_len == dst_len). Every checksum present is verified.
#include <minilzo.h>
#include <zlib.h>

#include "lib/base/string.hpp"
#include "lib/decompress/decoder.hpp"

namespace cxen::decompress_detail {

namespace {
// lzop's flag bits (lzop conf.h).
constexpr uint32_t f_adler32_d = 0x1, f_adler32_c = 0x2, f_h_extra_field = 0x40, f_crc32_d = 0x100,
                   f_crc32_c = 0x200, f_h_filter = 0x800, f_h_crc32 = 0x1000;
constexpr uint32_t max_block_size = 64u << 20; // lzop's MAX_BLOCK_SIZE

struct Reader {
    const uint8_t* p;
    size_t len, pos = 0;
    bool take(size_t n, const uint8_t*& at) {
        if (len - pos < n) return false;
        at = p + pos;
        pos += n;
        return true;
    }
    bool u8(uint32_t& v) {
        const uint8_t* a;
        if (!take(1, a)) return false;
        v = a[0];
        return true;
    }
    bool u16(uint32_t& v) {
        const uint8_t* a;
        if (!take(2, a)) return false;
        v = uint32_t{a[0]} << 8 | a[1];
        return true;
    }
    bool u32(uint32_t& v) {
        const uint8_t* a;
        if (!take(4, a)) return false;
        v = uint32_t{a[0]} << 24 | uint32_t{a[1]} << 16 | uint32_t{a[2]} << 8 | a[3];
        return true;
    }
};

uint32_t checksum(bool crc, const uint8_t* p, size_t n) {
    if (crc) return static_cast<uint32_t>(crc32(crc32(0, nullptr, 0), p, static_cast<uInt>(n)));
    return lzo_adler32(1, p, n);
}
} // namespace

Result<size_t> unlzo(const DecodeJob& j) {
    Reader r{j.in, j.in_len};
    const uint8_t* skip;
    uint32_t version, v, method, flags, name_len;
    r.pos = 9; // magic, checked by detect_compression()
    if (!r.u16(version) || !r.u16(v)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (header)");
    if (version < 0x0900) return j.fail(Errno::XEN_EINVAL, "lzo: lzop file version %#x is too old", version);
    if (version >= 0x0940 && !r.u16(v)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (header)");
    if (!r.u8(method)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (header)");
    if (method < 1 || method > 3) // M_LZO1X_1, M_LZO1X_1_15, M_LZO1X_999: all LZO1X
        return j.fail(Errno::XEN_EINVAL, "lzo: method %u is not LZO1X", method);
    if (version >= 0x0940 && !r.u8(v)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (header)");
    if (!r.u32(flags) || ((flags & f_h_filter) && !r.u32(v)) || !r.u32(v) /* mode */ || !r.u32(v) /* mtime */ ||
        (version >= 0x0940 && !r.u32(v)) || !r.u8(name_len) || !r.take(name_len, skip))
        return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (header)");
    const size_t header_end = r.pos;
    uint32_t hsum;
    if (!r.u32(hsum)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (header)");
    if (checksum(flags & f_h_crc32, j.in + 9, header_end - 9) != hsum) // the header after the magic
        return j.fail(Errno::XEN_EINVAL, "lzo payload is corrupt (header checksum)");
    if (flags & f_h_extra_field) {
        uint32_t n;
        if (!r.u32(n) || !r.take(n, skip) || !r.u32(v))
            return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (extra field)");
    }

    size_t out_pos = 0;
    for (;;) {
        uint32_t dst_len, src_len, dsum = 0, csum = 0;
        if (!r.u32(dst_len)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (no end marker)");
        if (dst_len == 0) return out_pos;
        if (dst_len > max_block_size)
            return j.fail(Errno::XEN_EINVAL, "lzo payload is corrupt (a %u-byte block)", dst_len);
        if (!r.u32(src_len)) return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (block header)");
        if (src_len == 0 || src_len > dst_len)
            return j.fail(Errno::XEN_EINVAL, "lzo payload is corrupt (block of %u bytes packed in %u)", dst_len,
                          src_len);
        const bool d_sum = flags & (f_adler32_d | f_crc32_d);
        const bool c_sum = src_len < dst_len && (flags & (f_adler32_c | f_crc32_c));
        const uint8_t* src;
        if ((d_sum && !r.u32(dsum)) || (c_sum && !r.u32(csum)) || !r.take(src_len, src))
            return j.fail(Errno::XEN_EINVAL, "lzo payload is truncated (after %zu bytes of output)", out_pos);
        if (c_sum && checksum(flags & f_crc32_c, src, src_len) != csum)
            return j.fail(Errno::XEN_EINVAL, "lzo payload is corrupt (compressed block checksum)");
        if (j.out_cap - out_pos < dst_len)
            return j.fail(Errno::XEN_E2BIG, "lzo payload unpacks to more than the %zu-byte limit", j.out_cap);
        uint8_t* dst = j.out + out_pos;
        if (src_len == dst_len) {
            memcpy(dst, src, dst_len);
        } else {
            lzo_uint n = dst_len;
            const int rc = lzo1x_decompress_safe(src, src_len, dst, &n, nullptr);
            if (rc != LZO_E_OK || n != dst_len)
                return j.fail(Errno::XEN_EINVAL, "lzo payload is corrupt (LZO1X error %d)", rc);
        }
        if (d_sum && checksum(flags & f_crc32_d, dst, dst_len) != dsum)
            return j.fail(Errno::XEN_EINVAL, "lzo payload is corrupt (block checksum)");
        out_pos += dst_len;
    }
}

} // namespace cxen::decompress_detail
