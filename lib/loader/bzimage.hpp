// Linux bzImages: the setup header and the compressed kernel (the vmlinux
// ELF) it carries. Freestanding: the hypervisor's domain builder and the
// hosted kernel loader (kernel_image.hpp) share it.
// Source: Linux Documentation/arch/x86/boot.rst (boot_flag 0xAA55 at
// 0x1FE, "HdrS" at 0x202, version at 0x206, setup_sects at 0x1F1;
// protocol 2.08+: payload_offset at 0x248 from the protected-mode code,
// payload_length at 0x24C) and arch/x86/boot/compressed/Makefile (every
// payload ends with the little-endian 32-bit size of what it unpacks to:
// gzip's own ISIZE field, appended by the build for the other formats).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"
#include "lib/decompress/decompress.hpp"

namespace cxen {

struct BzImage {
    uint16_t boot_protocol = 0;      ///< setup header version, e.g. 0x020f
    const uint8_t* payload = nullptr; ///< the compressed stream
    size_t payload_bytes = 0;         ///< its length, without an appended size
    Compression compression = Compression::unknown;
    uint32_t unpacked_bytes = 0; ///< what the payload says it unpacks to
};

/// Whether `data` starts with a bzImage setup header (boot flag and "HdrS").
bool is_bzimage(const uint8_t* data, size_t len);

/// Find the payload of the bzImage `data`. On failure `why` says what is
/// wrong. Errors: -ENOEXEC no setup header; -EINVAL a boot protocol older
/// than 2.08 or a payload outside the file; -EOPNOTSUPP a compression that
/// decompress() does not know.
[[nodiscard]] Result<BzImage> bzimage_parse(const uint8_t* data, size_t len, char* why, size_t why_len);

/// Unpack the payload into `out` (`out_cap` bytes; bz.unpacked_bytes is
/// what a well-formed image needs) and check that it is an ELF of the size
/// the image states. Returns the ELF's size.
/// Errors: those of decompress(); -EINVAL the payload unpacks to another
/// size than it states; -ENOEXEC it is not an ELF.
[[nodiscard]] Result<size_t> bzimage_unpack(const BzImage& bz, uint8_t* out, size_t out_cap,
                                            const DecompressAllocator& alloc, char* why, size_t why_len);

} // namespace cxen
