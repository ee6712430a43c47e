#include "lib/loader/kernel_image.hpp"

#include <cstring>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

namespace cxen::tools {

namespace {
constexpr uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};

uint32_t le32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24); }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

bool is_elf(const uint8_t* p, size_t len) { return len >= 4 && std::memcmp(p, elf_magic, 4) == 0; }

// Each decoder stops at the end of its first stream: the kernel build
// appends the uncompressed size after the stream, which is not more data.
Status gunzip(const uint8_t* in, size_t len, std::vector<uint8_t>& out, std::string& why, size_t limit) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Err(Errno::XEN_ENOMEM);
    zs.next_in = const_cast<Bytef*>(in);
    zs.avail_in = static_cast<uInt>(len);
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (out.size() >= limit) {
            inflateEnd(&zs);
            why = "gzip payload unpacks to more than the " + std::to_string(limit >> 20) + " MiB limit";
            return Err(Errno::XEN_E2BIG);
        }
        const size_t old = out.size();
        out.resize(old + (1 << 20));
        zs.next_out = out.data() + old;
        zs.avail_out = 1 << 20;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.resize(old + (1 << 20) - zs.avail_out);
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break; // truncated
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        why = std::string("gzip payload is corrupt or truncated (zlib: ") + (zs.msg ? zs.msg : zError(rc)) + ")";
        return Err(Errno::XEN_EINVAL);
    }
    return ok_status();
}

Status unxz(const uint8_t* in, size_t len, std::vector<uint8_t>& out, std::string& why, size_t limit) {
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) return Err(Errno::XEN_ENOMEM);
    s.next_in = in;
    s.avail_in = len;
    lzma_ret rc = LZMA_OK;
    while (rc == LZMA_OK) {
        if (out.size() >= limit) {
            lzma_end(&s);
            why = "xz payload unpacks to more than the " + std::to_string(limit >> 20) + " MiB limit";
            return Err(Errno::XEN_E2BIG);
        }
        const size_t old = out.size();
        out.resize(old + (1 << 20));
        s.next_out = out.data() + old;
        s.avail_out = 1 << 20;
        rc = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
        out.resize(old + (1 << 20) - s.avail_out);
    }
    lzma_end(&s);
    if (rc != LZMA_STREAM_END) {
        static const char* const names[] = {"ok", "stream end", "no check", "unsupported check", "get check",
                                            "out of memory", "memory limit", "not xz", "options", "corrupt data",
                                            "truncated input", "programming error"};
        const size_t i = static_cast<size_t>(rc);
        const char* what = i < sizeof(names) / sizeof(names[0]) ? names[i] : "error";
        why = std::string("xz payload is corrupt or truncated (liblzma: ") + what + ")";
        return Err(Errno::XEN_EINVAL);
    }
    return ok_status();
}

Status unzstd(const uint8_t* in, size_t len, std::vector<uint8_t>& out, std::string& why, size_t limit) {
    ZSTD_DStream* ds = ZSTD_createDStream();
    if (!ds) return Err(Errno::XEN_ENOMEM);
    ZSTD_inBuffer ib{in, len, 0};
    size_t rc = 1;
    while (rc != 0) {
        if (out.size() >= limit) {
            ZSTD_freeDStream(ds);
            why = "zstd payload unpacks to more than the " + std::to_string(limit >> 20) + " MiB limit";
            return Err(Errno::XEN_E2BIG);
        }
        const size_t old = out.size();
        out.resize(old + (1 << 20));
        ZSTD_outBuffer ob{out.data() + old, 1 << 20, 0};
        rc = ZSTD_decompressStream(ds, &ob, &ib);
        out.resize(old + ob.pos);
        if (ZSTD_isError(rc)) {
            ZSTD_freeDStream(ds);
            why = std::string("zstd payload is corrupt (libzstd: ") + ZSTD_getErrorName(rc) + ")";
            return Err(Errno::XEN_EINVAL);
        }
        if (rc != 0 && ib.pos == ib.size && ob.pos == 0) {
            ZSTD_freeDStream(ds);
            why = "zstd payload is truncated";
            return Err(Errno::XEN_EINVAL);
        }
    }
    ZSTD_freeDStream(ds);
    return ok_status();
}
} // namespace

const char* compression_name(Compression c) {
    switch (c) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::xz: return "xz";
    case Compression::zstd: return "zstd";
    case Compression::lzma: return "lzma";
    case Compression::bzip2: return "bzip2";
    case Compression::lz4: return "lz4";
    case Compression::lzo: return "lzo";
    case Compression::unknown: return "unknown";
    }
    return "unknown";
}

Compression detect_compression(const uint8_t* p, size_t len) {
    auto starts = [&](std::initializer_list<uint8_t> m) {
        return len >= m.size() && std::equal(m.begin(), m.end(), p);
    };
    if (starts({0x1f, 0x8b})) return Compression::gzip;
    if (starts({0xfd, '7', 'z', 'X', 'Z', 0x00})) return Compression::xz;
    if (starts({0x28, 0xb5, 0x2f, 0xfd})) return Compression::zstd;
    if (starts({0x5d, 0x00, 0x00})) return Compression::lzma;
    if (starts({'B', 'Z', 'h'})) return Compression::bzip2;
    if (starts({0x02, 0x21, 0x4c, 0x18})) return Compression::lz4;
    if (starts({0x89, 'L', 'Z', 'O'})) return Compression::lzo;
    return Compression::unknown;
}

Result<KernelImage> load_kernel(const uint8_t* data, size_t len, std::string& why, size_t limit) {
    KernelImage k;
    if (is_elf(data, len)) {
        k.elf.assign(data, data + len);
        return k;
    }
    // Setup header (boot.rst): boot_flag 0xAA55 at 0x1FE, "HdrS" at 0x202.
    if (len < 0x250 || le16(data + 0x1fe) != 0xaa55 || std::memcmp(data + 0x202, "HdrS", 4) != 0) {
        why = "not a kernel cxen can boot: neither an ELF nor a bzImage (no \"HdrS\" setup header)";
        return Err(Errno::XEN_ENOEXEC);
    }
    k.was_bzimage = true;
    k.boot_protocol = le16(data + 0x206);
    if (k.boot_protocol < 0x0208) {
        why = "bzImage boot protocol " + std::to_string(k.boot_protocol >> 8) + "." +
              std::to_string(k.boot_protocol & 0xff) + " is older than 2.08 (no payload fields)";
        return Err(Errno::XEN_EINVAL);
    }
    const unsigned setup_sects = data[0x1f1] ? data[0x1f1] : 4;
    const uint64_t pm_start = (uint64_t{setup_sects} + 1) * 512;
    const uint64_t off = pm_start + le32(data + 0x248), plen = le32(data + 0x24c);
    if (off > len || plen > len - off || plen < 4) {
        why = "bzImage payload [" + std::to_string(off) + ", +" + std::to_string(plen) +
              ") lies outside the " + std::to_string(len) + "-byte file";
        return Err(Errno::XEN_EINVAL);
    }
    const uint8_t* payload = data + off;
    k.payload_bytes = plen;
    k.compression = detect_compression(payload, plen);
    Status st;
    switch (k.compression) {
    case Compression::gzip: st = gunzip(payload, plen, k.elf, why, limit); break;
    case Compression::xz: st = unxz(payload, plen, k.elf, why, limit); break;
    case Compression::zstd: st = unzstd(payload, plen, k.elf, why, limit); break;
    default:
        why = std::string("bzImage payload is ") + compression_name(k.compression) +
              "-compressed; cxen unpacks gzip, xz and zstd";
        return Err(Errno::XEN_EOPNOTSUPP);
    }
    if (!st) return Err(st.error());
    if (!is_elf(k.elf.data(), k.elf.size())) {
        why = std::string("the ") + compression_name(k.compression) + " payload does not unpack to an ELF file";
        return Err(Errno::XEN_ENOEXEC);
    }
    return k;
}

} // namespace cxen::tools
