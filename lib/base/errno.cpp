#include "abi/xen/errno.hpp"

namespace cxen {

const char* errno_name(Errno e) {
    switch (e) {
    case Errno::OK: return "OK";
#define XEN_ERRNO(name, value)                                                                     \
    case Errno::XEN_##name: return #name;
// EWOULDBLOCK and EDEADLOCK alias other values: list each value once.
#include "abi/xen/errno_unique.inc"
#undef XEN_ERRNO
    }
    return "E?";
}

} // namespace cxen
