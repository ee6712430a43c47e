// Building PVH domains from boot modules: xl.cfg -> DomainConfig, ELF with
// XEN_ELFNOTE_PHYS32_ENTRY -> segments, the layout libxl gives PVH guests
// (common/loader/pvh_layout), RAM populated with 2 MiB pages where possible,
// hvm_start_info with command line, modules and memory map, and ACPI
// tables listing the vCPUs. Runs on the boot CPU before the scheduler.
#include "arch/dom_build.hpp"

#include "abi/xen/start_info.hpp"
#include "arch/cpu.hpp"
#include "arch/guest_access.hpp"
#include "arch/layout.hpp"
#include "arch/percpu.hpp"
#include "arch/smp.hpp"
#include "arch/x86.hpp"
#include "arch/x86/pvh/kernel_elf.hpp"
#include "common/boot/boot_info.hpp"
#include "common/boot/dom0less.hpp"
#include "lib/xlcfg/domain_config.hpp"
#include "lib/xlcfg/xl_cfg.hpp"
#include "common/console/printk.hpp"
#include "common/console/pv_console.hpp"
#include "common/domain.hpp"
#include "common/grant/grant_table.hpp"
#include "common/lib/bitops.hpp"
#include "lib/base/format.hpp"
#include "lib/base/string.hpp"
#include "lib/loader/elf_image.hpp"
#include "common/loader/guest_acpi.hpp"
#include "common/loader/pvh_layout.hpp"
#include "common/mm/p2m.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"
#include "common/sched/sched.hpp"

namespace cxen::arch {

namespace {
CfgFile cfg_file; // large: static, and the builder runs on one CPU
DomainConfig dom_cfg;
ElfImage elf;

struct DomainWriter final : GuestPhysWriter {
    Domain& d;
    explicit DomainWriter(Domain& dom) : d(dom) {}
    Status write(uint64_t gpa, const void* src, size_t len) override { return copy_to_gpa(d, gpa, src, len); }
    Status zero(uint64_t gpa, size_t len) override {
        static const uint8_t zeros[512] = {};
        while (len) {
            const size_t n = len < sizeof(zeros) ? len : sizeof(zeros);
            TRY(copy_to_gpa(d, gpa, zeros, n));
            gpa += n;
            len -= n;
        }
        return ok_status();
    }
};

// Pages of each size used to back the domain's RAM, for the build log.
struct PopulateStats {
    uint64_t gib = 0, mib2 = 0, kib4 = 0;
};

// Populate [start, end) with zeroed RAM: 1 GiB pages where the range and
// the free memory allow, else 2 MiB pages where aligned, else 4 KiB. The
// NPT then maps each with one entry of that size.
Status populate(Domain& d, uint64_t start, uint64_t end, P2mType type, PopulateStats& stats) {
    for (uint64_t gpa = start; gpa < end;) {
        // The largest page that fits the range and the free memory.
        unsigned order = 0;
        auto pick = [&]() -> Result<Mfn> {
            for (unsigned o : {18u, 9u, 0u}) {
                const uint64_t size = page_size << o;
                if ((gpa & (size - 1)) || end - gpa < size) continue;
                auto m = page_allocator().alloc(o);
                if (m) {
                    order = o;
                    return m;
                }
            }
            return Err(Errno::XEN_ENOMEM);
        };
        auto mfn = pick();
        if (!mfn) return Err(Errno::XEN_ENOMEM);
        memset(mfn_to_virt(mfn.value()), 0, page_size << order);
        if (auto st = p2m_build_map(d, Gfn{gpa >> page_shift}, mfn.value(), order, type); !st) {
            page_allocator().free(mfn.value(), order);
            return st;
        }
        (order == 18 ? stats.gib : order == 9 ? stats.mib2 : stats.kib4)++;
        gpa += page_size << order;
    }
    return ok_status();
}

struct Fail {
    char msg[256];
};

bool build_pvh(const PvhBuildSpec& s, Fail& fail);

bool build_one(const BootInfo& bi, size_t cfg_idx, size_t kernel_idx, long ramdisk_idx, Domid domid,
               Fail& fail) {
    char path[128];
    const BootModule& cm = bi.mods[cfg_idx];
    module_path(cm, path, sizeof(path));
    // Keep only the file name in messages; the directory is the launcher's.
    const char* file = path;
    for (const char* p = path; *p; ++p)
        if (*p == '/') file = p + 1;

    cfg_file.clear();
    CfgError err;
    const auto* text = static_cast<const char*>(maddr_to_virt(cm.start));
    if (!cfg_file.parse(file, text, cm.end - cm.start, err) ||
        !domain_config_from_cfg(cfg_file, dom_cfg, err, [](void*, const char* m) {
            log(LogLevel::warning, "%s\n", m);
        }, nullptr)) {
        snprintf(fail.msg, sizeof(fail.msg), "%s", err.message);
        return false;
    }
    if (dom_cfg.type != DomainConfig::Type::pvh) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: type: \"%s\" domains are not supported, only \"pvh\"", file,
                 domain_type_name(dom_cfg.type));
        return false;
    }
    if (kernel_idx == SIZE_MAX) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: kernel: no kernel module follows the config", file);
        return false;
    }
    const PvhBuildSpec spec{file,
                         dom_cfg.kernel,
                         domid,
                         dom_cfg.name,
                         dom_cfg.memory_mib,
                         dom_cfg.maxmem_mib,
                         dom_cfg.vcpus,
                         dom_cfg.cmdline,
                         dom_cfg.max_event_channels,
                         dom_cfg.max_grant_frames,
                         dom_cfg.max_maptrack_frames,
                         &bi.mods[kernel_idx],
                         ramdisk_idx >= 0 ? &bi.mods[ramdisk_idx] : nullptr,
                         false,
                         dom0less_reap_on_shutdown};
    return build_pvh(spec, fail);
}

bool build_pvh(const PvhBuildSpec& s, Fail& fail) {
    const char* file = s.file;
    const Domid domid = s.domid;
    const BootModule& km = *s.kernel;
    char why[160];
    KernelElf kernel; // an unpacked bzImage's pages, freed when the build ends
    if (auto st = kernel.open(static_cast<const uint8_t*>(maddr_to_virt(km.start)), km.end - km.start,
                              s.kernel_name, why, sizeof(why));
        !st) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: kernel %s: %s", file, s.kernel_name, why);
        return false;
    }
    const uint8_t* kimg = kernel.data();
    const size_t klen = kernel.size();
    if (!elf_parse(kimg, klen, elf, why, sizeof(why))) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: kernel %s: %s", file, s.kernel_name, why);
        return false;
    }

    const size_t cmdline_len = strlen(s.cmdline);
    const uint64_t ramdisk_bytes = s.ramdisk ? s.ramdisk->end - s.ramdisk->start : 0;
    PvhLayoutConfig lc{s.memory_mib << 20, s.vcpus, elf.lowest_paddr, elf.highest_paddr_end,
                       ramdisk_bytes, cmdline_len ? cmdline_len + 1 : 0, pvh_rsdp_below_1mib(elf)};
    static PvhLayout layout;
    if (!pvh_layout(lc, layout, why, sizeof(why))) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: %s", file, why);
        return false;
    }

    if (s.name[0] && domain_by_name(s.name)) { // libxl__domain_rename's rule
        snprintf(fail.msg, sizeof(fail.msg), "%s: name: a domain called \"%s\" already exists", file, s.name);
        return false;
    }
    // xl.cfg max_event_channels is Xen's max_evtchn_port: the highest port
    // number the domain may bind (libxl passes it as-is).
    auto created = domain_create(domid, s.name, s.vcpus, s.max_event_channels, s.max_grant_frames,
                                 s.max_maptrack_frames);
    if (!created) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: cannot create domain %u: %s", file, domid,
                 errno_name(created.error()));
        return false;
    }
    Domain& d = *created.value();
    d.on_shutdown = s.on_shutdown;
    d.is_privileged = s.initial_domain;
    domain_pause(d);
    // libxl adds LIBXL_MAXMEM_CONSTANT (1 MiB) to maxmem for the domain's
    // max_pages (libxl__build_pre), room for the ACPI and special pages.
    d.max_pages = (s.maxmem_mib + 1) << (20 - page_shift);
    p2m_set_pool(d); // the p2m tables' cap follows max_pages and the vCPU count
    // The same map the start info carries, for XENMEM_memory_map.
    E820Entry map[pvh_max_e820];
    for (uint32_t i = 0; i < layout.nr_e820; ++i) map[i] = {layout.e820[i].addr, layout.e820[i].size, layout.e820[i].type};
    // A failed build returns everything it took now, before the next
    // domain is built: a shutdown would leave it to the reaper, which runs
    // only once the scheduler does, and the next build would find no memory.
    auto give_up = [&](const char* what, Errno e) {
        snprintf(fail.msg, sizeof(fail.msg), "%s: %s: %s", file, what, errno_name(e));
        domain_destroy_failed_build(d);
        return false;
    };

    if (auto st = d.e820.set(map, layout.nr_e820); !st) return give_up("memory map", st.error());

    PopulateStats ram_stats;
    if (auto st = populate(d, 0, layout.lowmem_end, P2mType::ram_rw, ram_stats); !st) return give_up("memory", st.error());
    if (layout.highmem_end)
        if (auto st = populate(d, GiB(4), layout.highmem_end, P2mType::ram_rw, ram_stats); !st)
            return give_up("memory above 4 GiB", st.error());
    if (auto st = populate(d, layout.acpi_gpa, layout.acpi_gpa + layout.acpi_bytes, P2mType::ram_rw, ram_stats); !st)
        return give_up("ACPI tables", st.error());
    if (auto st = populate(d, layout.special_pages_gpa, layout.special_pages_gpa + x86_hvm_nr_special_pages * page_size,
                           P2mType::ram_rw, ram_stats); !st)
        return give_up("special pages", st.error());

    DomainWriter w(d);
    if (auto st = elf_load(elf, kimg, klen, w); !st) return give_up("loading the kernel", st.error());
    if (s.ramdisk) {
        const BootModule& rm = *s.ramdisk;
        if (auto st = copy_to_gpa(d, layout.ramdisk_gpa, maddr_to_virt(rm.start), ramdisk_bytes); !st)
            return give_up("loading the ramdisk", st.error());
    }

    // ACPI tables, built in a bounce buffer and copied in.
    auto buf = xmalloc_bytes(layout.acpi_bytes, page_size);
    if (!buf) return give_up("ACPI tables", buf.error());
    GuestAcpiTables acpi;
    Status acpi_st = guest_acpi_build(static_cast<uint8_t*>(buf.value()), layout.acpi_bytes, layout.acpi_gpa,
                                      s.vcpus, acpi);
    if (acpi_st) acpi_st = copy_to_gpa(d, layout.acpi_gpa, buf.value(), layout.acpi_bytes);
    if (acpi_st && layout.rsdp_below_1mib) {
        const auto* bytes = static_cast<const uint8_t*>(buf.value());
        acpi_st = copy_to_gpa(d, layout.rsdp_gpa, bytes + (acpi.rsdp_gpa - layout.acpi_gpa), 36);
    }
    xfree(buf.value());
    if (!acpi_st) return give_up("ACPI tables", acpi_st.error());

    // hvm_start_info and what it points to.
    hvm_start_info si{};
    si.magic = XEN_HVM_START_MAGIC_VALUE;
    si.version = 1;
    si.rsdp_paddr = layout.rsdp_below_1mib ? layout.rsdp_gpa : acpi.rsdp_gpa;
    si.memmap_paddr = layout.memmap_gpa;
    si.memmap_entries = layout.nr_e820;
    if (s.initial_domain) si.flags = SIF_PRIVILEGED | SIF_INITDOMAIN; // what Linux's xen_initial_domain() reads
    Status st = copy_to_gpa(d, layout.memmap_gpa, layout.e820, layout.nr_e820 * sizeof(layout.e820[0]));
    if (st && cmdline_len) {
        si.cmdline_paddr = layout.cmdline_gpa;
        st = copy_to_gpa(d, layout.cmdline_gpa, s.cmdline, cmdline_len + 1);
    }
    if (st && layout.nr_modules) {
        hvm_modlist_entry mod{layout.ramdisk_gpa, layout.ramdisk_bytes, 0, 0};
        si.nr_modules = layout.nr_modules;
        si.modlist_paddr = layout.modlist_gpa;
        st = copy_to_gpa(d, layout.modlist_gpa, &mod, sizeof(mod));
    }
    if (st) st = copy_to_gpa(d, layout.start_info_gpa, &si, sizeof(si));
    if (!st) return give_up("start info", st.error());

    // The PV console of every domain but the control domain (libxl), served
    // by the hypervisor until xenconsoled exists, and the grant of its page
    // to the backend, seeded as xc_dom_gnttab_seed() does (backend domid 0).
    if (!s.initial_domain) {
        if (auto cs = pv_console_init(d, Gfn{layout.console_gfn}); !cs)
            log(LogLevel::warning, "d%u: no PV console: %s\n", domid, errno_name(cs.error()));
        else if (auto gs = gnttab_seed_entry(d, GNTTAB_RESERVED_CONSOLE, 0, Gfn{layout.console_gfn}); !gs)
            return give_up("console grant", gs.error());
    }

    // vCPUs, spread over the pCPUs; vCPU 0 starts at the PVH entry.
    const uint64_t online = cpu_online_mask();
    const unsigned nr_online = popcount64(online);
    for (unsigned i = 0; i < s.vcpus; ++i) {
        unsigned slot = (domid + i) % nr_online, cpu = 0;
        for (unsigned c = 0; c < max_cpus; ++c)
            if ((online >> c) & 1 && slot-- == 0) {
                cpu = c;
                break;
            }
        auto v = vcpu_create(d, i, cpu);
        if (!v) return give_up("vCPUs", v.error());
        if (auto vs = vcpu_arch_init(*v.value(), elf.phys32_entry, layout.start_info_gpa); !vs)
            return give_up("vCPUs", vs.error());
    }
    domain_arch_set_tsc_offset(d, 0 - x86::rdtsc()); // the guest's TSC starts at 0

    printk("d%u: RAM in %lu x 1 GiB, %lu x 2 MiB and %lu x 4 KiB pages\n", domid, ram_stats.gib, ram_stats.mib2,
           ram_stats.kib4);
    printk("d%u: '%s': PVH, %lu MiB, %u vCPU(s), entry %#x, start info %#lx%s%s\n", domid, d.name,
           s.memory_mib, s.vcpus, elf.phys32_entry, layout.start_info_gpa,
           s.ramdisk ? ", ramdisk" : "", cmdline_len ? ", cmdline" : "");
    // Built paused, as Xen creates domains; unpausing lets the vCPU run.
    sched_add_vcpu(*d.vcpus[0]);
    domain_unpause(d);
    return true;
}
} // namespace

const char* module_path(const BootModule& m, char* buf, size_t len) {
    size_t n = 0;
    while (m.cmdline[n] && m.cmdline[n] != ' ' && n + 1 < len) {
        buf[n] = m.cmdline[n];
        ++n;
    }
    buf[n] = '\0';
    return buf;
}

bool build_pvh_domain(const PvhBuildSpec& spec, char* why, size_t len) {
    Fail fail{};
    if (build_pvh(spec, fail)) return true;
    snprintf(why, len, "%s", fail.msg);
    return false;
}

const char* cook_cmdline(const char* p, const char* loader_name) {
    while (*p == ' ') ++p;
    if (strncmp(loader_name, "GRUB 2", 6) != 0) {
        while (*p && *p != ' ') ++p;
        while (*p == ' ') ++p;
    }
    return p;
}

unsigned build_boot_domains(const BootInfo& bi, unsigned& groups) {
    unsigned started = 0;
    groups = 0;
    Domid next_domid = 1; // Xen gives domUs IDs from 1 (0 is the control domain)
    for (size_t i = 0; i < bi.nr_mods; ++i) {
        if (strcmp(cook_cmdline(bi.mods[i].cmdline, bi.loader_name), "cfg") != 0) continue;
        ++groups;
        size_t kernel = SIZE_MAX;
        long ramdisk = -1;
        for (size_t j = i + 1; j < bi.nr_mods; ++j) {
            const char* tag = cook_cmdline(bi.mods[j].cmdline, bi.loader_name);
            if (strcmp(tag, "cfg") == 0) break;
            if (strcmp(tag, "kernel") == 0 && kernel == SIZE_MAX) kernel = j;
            else if (strcmp(tag, "ramdisk") == 0 && ramdisk < 0) ramdisk = static_cast<long>(j);
        }
        Fail fail{};
        if (build_one(bi, i, kernel, ramdisk, next_domid, fail)) ++started;
        else log(LogLevel::error, "cxen: %s; domain not started\n", fail.msg);
        ++next_domid; // a failed build may still hold its ID while it is torn down
    }
    return started;
}

} // namespace cxen::arch
