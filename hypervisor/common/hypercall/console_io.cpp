// console_io (public/xen.h CONSOLEIO_*). Xen lets only the control domain
// (or every domain in debug builds) write; cxen lets every domain write, as
// a Xen debug build does, so that early output of test kernels and Linux's
// earlyprintk=xen reach the log. The hardware domain's output goes to the
// console as it is (Xen's guest_console_write(): it may be a shell), the
// others' as "(dN) " lines. Only the hardware domain reads: the serial
// input queued for it (common/console/console_input.hpp); others get
// -EPERM (Xen's xsm_console_io, XSM_PRIV).
//
// A write is read in chunks of 128 bytes as Xen's guest_console_write;
// between chunks, work pending on this pCPU stops it and the rest runs in
// a continuation (count and buffer advanced). What it prints is the
// domain's console lines, rate-limited (common/console/guest_log.hpp).
// Unlike Xen, one call reads at most console_io_write_max bytes and ignores
// the rest (returning 0 as for a full write): Xen would read all of up to
// 4 GiB, which costs minutes of hypervisor time under emulation and prints
// at most a few lines once the rate limit is reached.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/console/console_input.hpp"
#include "common/console/printk.hpp"
#include "common/hypercall/hypercall.hpp"
#include "common/xsm/xsm.hpp"

namespace cxen {

long do_console_io(Vcpu& v, const HypercallArgs& args) {
    const uint64_t cmd = args.a[0];
    const uint64_t count = static_cast<uint32_t>(args.a[1]); // unsigned int in the ABI
    const uint64_t buf = args.a[2];
    switch (cmd) {
    case CONSOLEIO_write: {
        const uint64_t todo = count < console_io_write_max ? count : console_io_write_max;
        char chunk[128];
        for (uint64_t done = 0; done < todo;) {
            if (done && hypercall_preempt_check()) {
                // The continuation's count is what is left of the bounded
                // write, so that the bound holds across continuations too.
                hypercall_create_continuation(v, 3, {{CONSOLEIO_write, todo - done, buf + done, 0, 0}});
                return 0;
            }
            const size_t n = todo - done < sizeof(chunk) ? todo - done : sizeof(chunk);
            if (!arch::copy_from_guest(v, buf + done, chunk, n)) return -static_cast<long>(Errno::XEN_EFAULT);
            if (is_control_domain(*v.domain)) console_write_raw(chunk, n);
            else domain_console_write(*v.domain, chunk, n);
            done += n;
        }
        return 0;
    }
    case CONSOLEIO_read: {
        if (!is_control_domain(*v.domain)) return -static_cast<long>(Errno::XEN_EPERM);
        // Xen's loop: bytes leave the ring only once copied to the guest.
        long done = 0;
        char chunk[ConsoleInput::size];
        while (done < static_cast<long>(count)) {
            const size_t want = count - static_cast<uint64_t>(done);
            const size_t n = with_console_input([&](ConsoleInput& in) {
                return in.peek(chunk, want < sizeof(chunk) ? want : sizeof(chunk));
            });
            if (n == 0) break;
            if (!arch::copy_to_guest(v, buf + static_cast<uint64_t>(done), chunk, n))
                return -static_cast<long>(Errno::XEN_EFAULT);
            with_console_input([&](ConsoleInput& in) {
                in.consume(n);
                return 0;
            });
            done += static_cast<long>(n);
        }
        return done;
    }
    default:
        return -static_cast<long>(Errno::XEN_ENOSYS);
    }
}

} // namespace cxen
