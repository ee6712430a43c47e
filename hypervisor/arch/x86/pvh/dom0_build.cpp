// Dom0 from boot modules, as Xen's __start_xen() and create_dom0() take it:
// the first module is dom0's kernel (its arguments after the image name
// are dom0's command line, followed by what comes after " -- " on the
// hypervisor's), the next one its initrd. cxen marks the modules of
// boot-built domUs with the tags `cfg`, `kernel` and `ramdisk`; a first
// module without a tag is dom0's. Dom0 is built as a PVH domain with ID 0
// and the name Xen gives it, "Domain-0", privileged, with the start-info
// flags SIF_PRIVILEGED | SIF_INITDOMAIN (Xen's dom0_construct_pvh).
#include "arch/dom_build.hpp"

#include "common/boot/boot_info.hpp"
#include "common/boot/dom0_options.hpp"
#include "common/console/console_input.hpp"
#include "common/console/printk.hpp"
#include "common/domain.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "arch/layout.hpp"
#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "common/lib/bitops.hpp"
#include "lib/base/format.hpp"
#include "lib/base/string.hpp"

namespace cxen::arch {

namespace {

Dom0Mem opt_dom0_mem;
Dom0MaxVcpus opt_dom0_max_vcpus;
Dom0Mode opt_dom0_mode;
char dom0_cmdline[1024 + 256]; // the module's arguments + the hypervisor's " -- " part

constexpr unsigned hvm_max_vcpus = 128; // HVM_MAX_VCPUS, Xen's cap for a PVH dom0
// Xen's create_dom0() passes max_evtchn_port = -1: no limit but the ABI's
// (INT_MAX in evtchn_init, get_free_port() caps it by the ABI).
constexpr uint32_t dom0_max_evtchn_port = 0x7fffffff;

bool is_domu_tag(const char* cooked) {
    return strcmp(cooked, "cfg") == 0 || strcmp(cooked, "kernel") == 0 || strcmp(cooked, "ramdisk") == 0;
}

// What follows the first " -- " of the hypervisor's command line (Xen
// appends it to dom0's), or "".
const char* dom0_tail(const char* hv_cmdline) {
    for (const char* p = hv_cmdline; *p; ++p)
        if ((p == hv_cmdline || p[-1] == ' ') && p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2]))
            return p[2] ? p + 3 : p + 2;
    return "";
}

} // namespace

bool dom0_mem_option(const char* v) { return parse_dom0_mem(v, opt_dom0_mem); }
bool dom0_max_vcpus_option(const char* v) { return parse_dom0_max_vcpus(v, opt_dom0_max_vcpus); }
bool dom0_option(const char* v) { return parse_dom0_mode(v, opt_dom0_mode); }

bool boot_modules_have_dom0(const BootInfo& bi) {
    return bi.nr_mods > 0 && !is_domu_tag(cook_cmdline(bi.mods[0].cmdline, bi.loader_name));
}

bool build_dom0(const BootInfo& bi, void (*on_shutdown)(Domain&)) {
    if (!boot_modules_have_dom0(bi)) return false;
    if (opt_dom0_mode.pv)
        log(LogLevel::warning, "dom0=pv: cxen builds PVH dom0s only; building a PVH dom0\n");
    const BootModule* initrd =
        bi.nr_mods > 1 && !is_domu_tag(cook_cmdline(bi.mods[1].cmdline, bi.loader_name)) ? &bi.mods[1] : nullptr;

    const char* args = cook_cmdline(bi.mods[0].cmdline, bi.loader_name);
    const char* tail = dom0_tail(bi.cmdline);
    snprintf(dom0_cmdline, sizeof(dom0_cmdline), "%s%s%s", args, *args && *tail ? " " : "", tail);

    // Memory as Xen sizes it, from what the boot-built domUs left.
    const uint64_t avail = page_allocator().free_pages();
    const uint64_t pages = dom0_nr_pages(opt_dom0_mem, avail);
    const uint64_t max_pages = dom0_max_pages(opt_dom0_mem, avail);
    const uint64_t host_mib = page_allocator().total_pages() >> (20 - page_shift);
    const uint64_t memory_mib = pages >> (20 - page_shift);
    // Unlimited (no max:) is capped at the host's memory: dom0 can never
    // balloon past it, and the p2m pool's cap follows max_pages.
    uint64_t maxmem_mib = max_pages == UINT64_MAX ? host_mib : max_pages >> (20 - page_shift);
    if (maxmem_mib < memory_mib) maxmem_mib = memory_mib;
    const unsigned vcpus = dom0_vcpus(opt_dom0_max_vcpus, popcount64(cpu_online_mask()), hvm_max_vcpus);

    char path[128];
    const char* kernel_name = *module_path(bi.mods[0], path, sizeof(path)) ? path : "(module 0)";

    printk("Dom0: %lu MiB (max %lu MiB), %u vCPU(s), kernel %s%s, command line \"%s\"\n", memory_mib, maxmem_mib,
           vcpus, kernel_name, initrd ? " with initrd" : "", dom0_cmdline);
    // Xen's create_dom0(): max_evtchn_port, max_grant_frames and
    // max_maptrack_frames -1, the hypervisor's defaults (its caps).
    const PvhBuildSpec spec{"dom0",
                            kernel_name,
                            0,
                            "Domain-0",
                            memory_mib,
                            maxmem_mib,
                            vcpus,
                            dom0_cmdline,
                            dom0_max_evtchn_port,
                            64,
                            1024,
                            &bi.mods[0],
                            initrd,
                            true,
                            on_shutdown};
    char why[256];
    if (build_pvh_domain(spec, why, sizeof(why))) {
        // Typed input goes to dom0 (hvc0 reads it with CONSOLEIO_read).
        if (Domain* d = domain_by_id(0)) console_input_start(*d);
        return true;
    }
    log(LogLevel::error, "cxen: %s; dom0 not started\n", why);
    return false;
}

} // namespace cxen::arch
