// Shared set-up of the grant-table tests: real domains (domain_create), a
// page allocator over mfns [0, fake_machine_frames) whose frames are backed
// by arch::map_domain_frame(), and helpers to give a domain RAM, write grant
// entries (v1 and v2) and call the GNTTABOP cores.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "abi/xen/xen.hpp"
#include "arch/p2m.hpp"
#include "common/domain.hpp"
#include "common/grant/grant_table.hpp"
#include "common/grant/page_ref.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/page_alloc.hpp"
#include "common/mm/xenheap.hpp"
#include "common/mm/xmalloc.hpp"
#include "host_page_source.hpp"

namespace cxen::test {

using GrantHostPages = test::HostPageSource;

/// The machine page allocator of the host tests (shared with memory_op_test,
/// which sets it up the same way if it runs first).
inline PageAllocator& grant_machine() {
    static PageInfo frames[arch::fake_machine_frames];
    PageAllocator& pa = page_allocator();
    if (pa.total_pages() == 0) {
        pa.init(frames, arch::fake_machine_frames);
        pa.add_free_range(Mfn{0}, arch::fake_machine_frames);
    }
    return pa;
}

class GrantTest : public ::testing::Test {
  protected:
    void SetUp() override {
        static GrantHostPages pages;
        heap_init(pages);
        free_before_ = grant_machine().free_pages();
        tables_before_ = gnttab_tables_alive();
    }
    void TearDown() override {
        for (Domain* d : doms_) domain_destroy(*d);
        doms_.clear();
        EXPECT_EQ(grant_machine().free_pages(), free_before_) << "machine frames leaked or freed twice";
        EXPECT_EQ(gnttab_tables_alive(), tables_before_) << "a grant table outlived every user";
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u) << "heap memory leaked";
    }

    Domain& make(Domid id, uint32_t max_maptrack_frames = 1024, uint32_t max_grant_frames = 64) {
        auto d = domain_create(id, "grant", 1, 1023, max_grant_frames, max_maptrack_frames);
        EXPECT_TRUE(d.ok());
        doms_.push_back(d.value());
        d.value()->max_pages = 1 << 20;
        return *d.value();
    }
    /// Destroy d now (the test checks what survives it).
    void destroy(Domain& d) {
        std::erase(doms_, &d);
        domain_destroy(d);
    }

    /// A fresh RAM frame at gfn of d, filled with `fill`.
    Mfn give_ram(Domain& d, uint64_t gfn, uint8_t fill = 0, arch::P2mType t = arch::P2mType::ram_rw) {
        const Mfn m = grant_machine().alloc(0).value();
        std::memset(arch::map_domain_frame(m), fill, page_size);
        WriteGuard g(d.p2m_lock);
        EXPECT_TRUE(d.p2m.set_entry(Gfn{gfn}, m, 0, t).ok());
        return m;
    }
    static uint8_t* bytes(Mfn m) { return static_cast<uint8_t*>(arch::map_domain_frame(m)); }

    static grant_entry_v1_t* v1(Domain& d, uint32_t ref) {
        const Mfn f = gnttab_get_frame(d, ref / grant_entries_per_frame_v1, false).value();
        return static_cast<grant_entry_v1_t*>(arch::map_domain_frame(f)) + ref % grant_entries_per_frame_v1;
    }
    static grant_entry_v2_t* v2(Domain& d, uint32_t ref) {
        const Mfn f = gnttab_get_frame(d, ref / gnttab_entries_per_frame_v2, false).value();
        return static_cast<grant_entry_v2_t*>(arch::map_domain_frame(f)) + ref % gnttab_entries_per_frame_v2;
    }
    static grant_status_t* status(Domain& d, uint32_t ref) {
        const Mfn f = gnttab_get_frame(d, ref / gnttab_status_per_frame, true).value();
        return static_cast<grant_status_t*>(arch::map_domain_frame(f)) + ref % gnttab_status_per_frame;
    }
    static void grant(Domain& d, uint32_t ref, Domid to, uint64_t gfn, uint16_t extra = 0) {
        grant_entry_v1_t* e = v1(d, ref);
        e->domid = to;
        e->frame = static_cast<uint32_t>(gfn);
        e->flags = static_cast<uint16_t>(GTF_permit_access | extra);
    }
    static void grant2(Domain& d, uint32_t ref, Domid to, uint64_t gfn, uint16_t extra = 0) {
        grant_entry_v2_t* e = v2(d, ref);
        e->hdr.domid = to;
        e->full_page.frame = gfn;
        e->hdr.flags = static_cast<uint16_t>(GTF_permit_access | extra);
    }
    static uint16_t flags(Domain& d, uint32_t ref) { return v1(d, ref)->flags; }

    static gnttab_map_grant_ref_t map(Domain& mapper, Domid dom, uint32_t ref, uint64_t gfn, uint32_t fl) {
        gnttab_map_grant_ref_t op{};
        op.host_addr = gfn << page_shift;
        op.flags = fl;
        op.ref = ref;
        op.dom = dom;
        gnttab_map_grant_ref(mapper, op);
        return op;
    }
    static int16_t unmap(Domain& mapper, uint32_t handle, uint64_t gfn) {
        gnttab_unmap_grant_ref_t op{};
        op.host_addr = gfn << page_shift;
        op.handle = handle;
        gnttab_unmap_grant_ref(mapper, op);
        return op.status;
    }
    static int16_t copy(Domain& cd, uint16_t fl, uint64_t src, Domid sdom, uint16_t soff, uint64_t dst, Domid ddom,
                        uint16_t doff, uint16_t len) {
        gnttab_copy_t op{};
        if (fl & GNTCOPY_source_gref) op.source.u.ref = static_cast<grant_ref_t>(src);
        else op.source.u.gmfn = src;
        if (fl & GNTCOPY_dest_gref) op.dest.u.ref = static_cast<grant_ref_t>(dst);
        else op.dest.u.gmfn = dst;
        op.source.domid = sdom;
        op.source.offset = soff;
        op.dest.domid = ddom;
        op.dest.offset = doff;
        op.len = len;
        op.flags = fl;
        gnttab_copy(cd, op);
        return op.status;
    }
    static uint32_t pin(Domain& d, uint32_t ref) { return gnttab_active_info(d, ref).value().pin; }
    static arch::P2mEntry p2m(Domain& d, uint64_t gfn) {
        WriteGuard g(d.p2m_lock);
        return d.p2m.lookup(Gfn{gfn});
    }

    std::vector<Domain*> doms_;
    uint64_t free_before_ = 0;
    uint32_t tables_before_ = 0;
};

} // namespace cxen::test
