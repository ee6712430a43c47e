// Host implementations of the arch:: functions that common code calls.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "arch/console.hpp"
#include "lib/base/assert.hpp"

namespace cxen {
[[noreturn]] void assert_failed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "ASSERT failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}
} // namespace cxen

namespace cxen::arch {
std::string& fake_console() {
    static std::string out;
    return out;
}
void console_write(const char* s, size_t len) { fake_console().append(s, len); }
std::string& fake_console_input() {
    static std::string in;
    return in;
}
bool console_getc(char& c) {
    std::string& in = fake_console_input();
    if (in.empty()) return false;
    c = in.front();
    in.erase(0, 1);
    return true;
}
} // namespace cxen::arch

// ---- guest memory, vCPU and arch hooks used by common domain code ----
#include <cstring>
#include <vector>

#include "arch/guest_access.hpp"
#include "arch/vcpu.hpp"
#include "common/domain.hpp"
#include "common/mm/p2m.hpp"

namespace cxen::arch {
std::vector<uint8_t>& fake_guest_memory() {
    static std::vector<uint8_t> mem;
    return mem;
}
namespace {
Status fake_copy(uint64_t addr, void* buf, size_t len, bool write) {
    auto& mem = fake_guest_memory();
    if (addr > mem.size() || len > mem.size() - addr) return Err(Errno::XEN_EFAULT);
    if (write) std::memcpy(mem.data() + addr, buf, len);
    else std::memcpy(buf, mem.data() + addr, len);
    return ok_status();
}
} // namespace
Status copy_from_guest(Vcpu&, uint64_t gva, void* dst, size_t len) { return fake_copy(gva, dst, len, false); }
Status copy_to_guest(Vcpu&, uint64_t gva, const void* src, size_t len) {
    return fake_copy(gva, const_cast<void*>(src), len, true);
}
Status copy_from_gpa(Domain&, uint64_t gpa, void* dst, size_t len) { return fake_copy(gpa, dst, len, false); }
Status copy_to_gpa(Domain&, uint64_t gpa, const void* src, size_t len) {
    return fake_copy(gpa, const_cast<void*>(src), len, true);
}
// A gfn the test put into d's p2m as RAM of the test's machine frames
// ([0, fake_machine_frames)) is reached as the hypervisor does, through the
// p2m writer with a page reference; any other gfn n is bytes
// [n << 12, (n + 1) << 12) of fake_guest_memory(), with no reference.
Result<void*> map_guest_ram_frame(Domain& d, uint64_t gfn) {
    const P2mEntry e = d.p2m.lookup(Gfn{gfn});
    if (e.type != P2mType::invalid && raw(e.mfn) < fake_machine_frames) {
        const Mfn mfn = TRY(p2m_get_page(d, Gfn{gfn}, P2mAccess::ram_rw));
        return map_domain_frame(mfn);
    }
    auto& mem = fake_guest_memory();
    if (gfn >= (mem.size() >> 12)) return Err(Errno::XEN_EINVAL);
    return static_cast<void*>(mem.data() + (gfn << 12));
}
void unmap_guest_ram_frame(const void* page) {
    for (uint64_t m = 0; page && m < fake_machine_frames; ++m)
        if (map_domain_frame(Mfn{m}) <= page && page < static_cast<uint8_t*>(map_domain_frame(Mfn{m})) + 4096) {
            p2m_put_page(Mfn{m});
            return;
        }
}
Status vcpu_arch_create(Vcpu&) { return ok_status(); }
Status vcpu_arch_init(Vcpu&, uint64_t, uint64_t) { return ok_status(); }
void vcpu_arch_destroy(Vcpu&) {}
void vcpu_run(Vcpu& v) {
    if (fake_vcpu_run_hook) fake_vcpu_run_hook(v);
}
void vcpu_migrate_timers(Vcpu&, unsigned) { ++fake_arch_timer_migrations; }
void domain_arch_set_tsc_offset(Domain&, uint64_t) {}
void vcpu_pend_upcall(Vcpu&) { ++fake_upcalls; }
void vcpu_kick(Vcpu&) { ++fake_kicks; }
Status vcpu_initialise(Vcpu&, Vcpu&, uint64_t) { return ok_status(); }
Status vcpu_up(Vcpu& v) {
    v.down = false;
    return ok_status();
}
Status vcpu_down(Vcpu&, Vcpu& v) {
    v.down = true;
    return ok_status();
}
bool vcpu_is_up(const Vcpu& v) { return !v.down; }
} // namespace cxen::arch

// ---- panic: common code's last resort (common/lib/panic.hpp) ----
#include <cstdarg>

#include "common/lib/panic.hpp"

namespace cxen {
[[noreturn]] void panic(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::fputs("panic: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::abort();
}
} // namespace cxen
