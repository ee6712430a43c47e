// The kernel module of a boot-built domain as the ELF to load: the module
// itself when it is an ELF, else the ELF unpacked from a bzImage (any of
// the seven compressions of lib/decompress/) into scratch pages that live
// as long as the KernelElf. Boot CPU only (the decoders' bzip2 hook is not
// thread-safe, see lib/decompress/bzip2.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen::arch {

/// Largest ELF a bzImage may unpack to (Debian 12's kernel: 63 MiB).
constexpr size_t max_unpacked_kernel_bytes = size_t{256} << 20;

class KernelElf {
  public:
    KernelElf() = default;
    KernelElf(const KernelElf&) = delete;
    KernelElf& operator=(const KernelElf&) = delete;
    ~KernelElf(); ///< frees the unpacked ELF's pages

    /// Take the module [module, module + len), named `name` in the log.
    /// On failure `why` says what is wrong.
    /// Errors: those of bzimage_parse() and bzimage_unpack() (-ENOEXEC
    ///         neither ELF nor bzImage, -EINVAL corrupt, -EOPNOTSUPP unknown
    ///         compression, -E2BIG above max_unpacked_kernel_bytes), and
    ///         -ENOMEM no pages for the ELF or the decoder.
    [[nodiscard]] Status open(const uint8_t* module, size_t len, const char* name, char* why, size_t why_len);

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }

  private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    Mfn scratch_ = Mfn{0};      ///< first frame of the unpacked ELF
    uint64_t scratch_pages_ = 0; ///< 0: the module is used as it is
};

} // namespace cxen::arch
