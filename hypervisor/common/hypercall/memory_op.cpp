// memory_op (public/memory.h). TODO(#3): being written; every sub-op is -ENOSYS.
#include "abi/xen/xen.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

long do_memory_op(Vcpu&, const HypercallArgs&) { return -static_cast<long>(Errno::XEN_ENOSYS); }

} // namespace cxen
