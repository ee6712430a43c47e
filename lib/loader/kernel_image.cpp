#include "lib/loader/kernel_image.hpp"

#include <cstdlib>
#include <cstring>

#include "lib/loader/bzimage.hpp"

namespace cxen::tools {

namespace {
void* host_alloc(void*, size_t n) { return std::malloc(n); }
void host_free(void*, void* p) { std::free(p); }
const DecompressAllocator host_allocator{host_alloc, host_free, nullptr};
} // namespace

const DecompressAllocator& hosted_decompress_allocator() { return host_allocator; }

Result<KernelImage> load_kernel(const uint8_t* data, size_t len, std::string& why, size_t limit) {
    KernelImage k;
    if (len >= 4 && std::memcmp(data, "\x7f" "ELF", 4) == 0) {
        k.elf.assign(data, data + len);
        return k;
    }
    char msg[256] = "";
    auto bz = bzimage_parse(data, len, msg, sizeof(msg));
    if (!bz) {
        why = bz.error() == Errno::XEN_ENOEXEC ? std::string("not a kernel cxen can boot: ") + msg : msg;
        return Err(bz.error());
    }
    k.was_bzimage = true;
    k.boot_protocol = bz->boot_protocol;
    k.compression = bz->compression;
    k.payload_bytes = bz->payload_bytes;
    // The buffer is what the image says it needs (a payload that unpacks to
    // more stops at its end), but never above the limit.
    if (bz->unpacked_bytes > limit) {
        why = std::string(compression_name(k.compression)) + " payload says it unpacks to " +
              std::to_string(bz->unpacked_bytes) + " bytes, more than the " + std::to_string(limit) +
              "-byte limit";
        return Err(Errno::XEN_E2BIG);
    }
    k.elf.resize(bz->unpacked_bytes);
    auto n = bzimage_unpack(bz.value(), k.elf.data(), k.elf.size(), host_allocator, msg, sizeof(msg));
    if (!n) {
        why = msg;
        return Err(n.error());
    }
    return k;
}

} // namespace cxen::tools
