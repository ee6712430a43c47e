// console_io (public/xen.h CONSOLEIO_*). Xen lets only the control domain
// (or every domain in debug builds) write; cxen lets every domain write, as
// a Xen debug build does, so that early output of test kernels and Linux's
// earlyprintk=xen reach the log. Reads return nothing until a console
// daemon exists.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/hypercall/hypercall.hpp"

namespace cxen {

long do_console_io(Vcpu& v, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0];
    const uint64_t count = static_cast<uint32_t>(args.a[1]); // unsigned int in the ABI
    const uint64_t buf = args.a[2];
    switch (cmd) {
    case CONSOLEIO_write: {
        char chunk[128];
        for (uint64_t done = 0; done < count;) {
            const size_t n = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
            if (!arch::copy_from_guest(v, buf + done, chunk, n)) return -static_cast<long>(Errno::XEN_EFAULT);
            domain_console_write(*v.domain, chunk, n);
            done += n;
        }
        return 0;
    }
    case CONSOLEIO_read:
        return 0;
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
