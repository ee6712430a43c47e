// Kernel images for PVH domains, for the hosted tools: an ELF with
// XEN_ELFNOTE_PHYS32_ENTRY as is, or a bzImage whose payload (the vmlinux
// ELF) is unpacked by the same code the hypervisor runs (bzimage.hpp over
// lib/decompress/): gzip, bzip2, lzma, xz, lzo, lz4 or zstd.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/decompress/decompress.hpp"

namespace cxen::tools {

using cxen::Compression;
using cxen::compression_name;
using cxen::detect_compression;

struct KernelImage {
    std::vector<uint8_t> elf;  ///< the ELF a PVH domain boots
    bool was_bzimage = false;
    uint16_t boot_protocol = 0; ///< bzImage setup header version, e.g. 0x020f
    Compression compression = Compression::none;
    size_t payload_bytes = 0;   ///< compressed payload size (bzImage)
};

/// Largest decompressed kernel accepted (a decompression bomb stops here).
constexpr size_t max_kernel_bytes = size_t{512} << 20;

/// Turn `data` into a bootable ELF (of at most `limit` bytes). On failure
/// `why` says what is wrong in words a user can act on ("xz payload is
/// corrupt (liblzma: corrupt data)").
/// Errors: -ENOEXEC neither ELF nor bzImage, or the payload is not an ELF;
///         -EINVAL malformed header, payload outside the file, corrupt or
///                 truncated payload;
///         -EOPNOTSUPP a compression cxen does not unpack;
///         -E2BIG the kernel unpacks to more than `limit` bytes;
///         -ENOMEM the decoder's memory could not be allocated.
[[nodiscard]] Result<KernelImage> load_kernel(const uint8_t* data, size_t len, std::string& why,
                                              size_t limit = max_kernel_bytes);

/// The allocator hosted code hands the decoders: malloc and free.
const DecompressAllocator& hosted_decompress_allocator();

} // namespace cxen::tools
