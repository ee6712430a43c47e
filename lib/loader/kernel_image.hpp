// Kernel images for PVH domains: an ELF with XEN_ELFNOTE_PHYS32_ENTRY as is,
// or a bzImage whose compressed payload (the vmlinux ELF) is unpacked with
// the matching library: zlib for gzip, liblzma for xz, libzstd for zstd.
// Source: Linux Documentation/x86/boot.rst (setup header, protocol 2.08+
// payload_offset/payload_length).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/base/result.hpp"

namespace cxen::tools {

enum class Compression { none, gzip, xz, zstd, lzma, bzip2, lz4, lzo, unknown };
const char* compression_name(Compression c);

struct KernelImage {
    std::vector<uint8_t> elf;  ///< the ELF a PVH domain boots
    bool was_bzimage = false;
    uint16_t boot_protocol = 0; ///< bzImage setup header version, e.g. 0x020f
    Compression compression = Compression::none;
    size_t payload_bytes = 0;   ///< compressed payload size (bzImage)
};

/// Largest decompressed kernel accepted (a decompression bomb stops here).
constexpr size_t max_kernel_bytes = size_t{512} << 20;

/// Turn `data` into a bootable ELF (of at most `limit` bytes). On failure `why` says what is wrong in
/// words a user can act on ("bzImage payload is lz4-compressed; cxen
/// unpacks gzip, xz and zstd", "xz payload is corrupt: ...").
/// Errors: -ENOEXEC neither ELF nor bzImage, or the payload is not an ELF;
///         -EINVAL malformed header or payload outside the file;
///         -EOPNOTSUPP a compression cxen does not unpack;
///         -E2BIG the kernel unpacks to more than `limit` bytes.
[[nodiscard]] Result<KernelImage> load_kernel(const uint8_t* data, size_t len, std::string& why,
                                              size_t limit = max_kernel_bytes);

/// Which compression a payload starts with (by magic bytes).
Compression detect_compression(const uint8_t* p, size_t len);

} // namespace cxen::tools
