#include "lib/loader/bzimage.hpp"

#include "lib/base/format.hpp"
#include "lib/base/string.hpp"

namespace cxen {

namespace {
uint32_t le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

constexpr size_t header_end = 0x250; // through payload_length (protocol 2.08)
} // namespace

bool is_bzimage(const uint8_t* data, size_t len) {
    return len >= header_end && le16(data + 0x1fe) == 0xaa55 && memcmp(data + 0x202, "HdrS", 4) == 0;
}

Result<BzImage> bzimage_parse(const uint8_t* data, size_t len, char* why, size_t why_len) {
    if (!is_bzimage(data, len)) {
        snprintf(why, why_len, "neither an ELF nor a bzImage (no \"HdrS\" setup header)");
        return Err(Errno::XEN_ENOEXEC);
    }
    BzImage bz;
    bz.boot_protocol = le16(data + 0x206);
    if (bz.boot_protocol < 0x0208) {
        snprintf(why, why_len, "bzImage boot protocol %u.%u is older than 2.08 (no payload fields)",
                 bz.boot_protocol >> 8, bz.boot_protocol & 0xff);
        return Err(Errno::XEN_EINVAL);
    }
    const unsigned setup_sects = data[0x1f1] ? data[0x1f1] : 4; // 0 means 4 (boot.rst)
    const uint64_t off = (uint64_t{setup_sects} + 1) * 512 + le32(data + 0x248);
    const uint64_t plen = le32(data + 0x24c);
    if (off > len || plen > len - off || plen < 8) {
        snprintf(why, why_len, "bzImage payload [%llu, +%llu) lies outside the %zu-byte file",
                 static_cast<unsigned long long>(off), static_cast<unsigned long long>(plen), len);
        return Err(Errno::XEN_EINVAL);
    }
    bz.payload = data + off;
    bz.compression = detect_compression(bz.payload, plen);
    bz.unpacked_bytes = le32(bz.payload + plen - 4);
    // gzip's size is its own last field; the others have it appended.
    bz.payload_bytes = bz.compression == Compression::gzip ? plen : plen - 4;
    if (bz.compression == Compression::unknown) {
        snprintf(why, why_len, "bzImage payload has an unknown compression (magic %02x %02x %02x %02x)",
                 bz.payload[0], bz.payload[1], bz.payload[2], bz.payload[3]);
        return Err(Errno::XEN_EOPNOTSUPP);
    }
    return bz;
}

Result<size_t> bzimage_unpack(const BzImage& bz, uint8_t* out, size_t out_cap, const DecompressAllocator& alloc,
                              char* why, size_t why_len) {
    auto n = decompress(bz.payload, bz.payload_bytes, out, out_cap, alloc, why, why_len);
    if (!n) return Err(n.error());
    if (n.value() != bz.unpacked_bytes) {
        snprintf(why, why_len, "%s payload unpacks to %zu bytes, the image says %u", compression_name(bz.compression),
                 n.value(), bz.unpacked_bytes);
        return Err(Errno::XEN_EINVAL);
    }
    if (n.value() < 4 || memcmp(out, "\x7f" "ELF", 4) != 0) {
        snprintf(why, why_len, "the %s payload does not unpack to an ELF file", compression_name(bz.compression));
        return Err(Errno::XEN_ENOEXEC);
    }
    return n.value();
}

} // namespace cxen
