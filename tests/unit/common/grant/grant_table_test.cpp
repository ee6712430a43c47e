// Grant tables, table management: frames, growth and the GNTTABOP cores
// setup_table, query_size, set_version, get_version. Mapping, copying and
// version 2 are in grant_map_test.cpp, grant_copy_test.cpp, grant_v2_test.cpp.
#include "common/grant/grant_table.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "arch/layout.hpp"
#include "common/mm/heap.hpp"
#include "common/mm/xmalloc.hpp"

using namespace cxen;

namespace {

struct HostPages final : PageSource {
    Result<void*> alloc_pages(unsigned order) override {
        void* p = std::aligned_alloc(page_size << order, page_size << order);
        if (!p) return Err(Errno::XEN_ENOMEM);
        return p;
    }
    void free_pages(void* va, unsigned) override { std::free(va); }
};

class GrantTableTest : public ::testing::Test {
  protected:
    void SetUp() override {
        heap_init(pages_);
        d_ = std::make_unique<Domain>();
        d_->domid = 7;
    }
    void TearDown() override {
        gnttab_domain_destroy(*d_);
        d_.reset();
        EXPECT_EQ(xmalloc_bytes_in_use(), 0u) << "the grant table leaked heap memory";
    }
    Domain& d() { return *d_; }

    // setup_table with the frame list collected into `frames`.
    gnttab_setup_table_t setup(domid_t dom, uint32_t nr, std::vector<uint64_t>& frames, int fail_at = -1) {
        gnttab_setup_table_t op{};
        op.dom = dom;
        op.nr_frames = nr;
        struct Ctx {
            std::vector<uint64_t>& f;
            int fail_at;
        } ctx{frames, fail_at};
        cxen::gnttab_setup_table(d(), op, [](void* c, uint32_t i, uint64_t gfn) {
            auto* x = static_cast<Ctx*>(c);
            if (static_cast<int>(i) == x->fail_at) return false;
            x->f.push_back(gfn);
            return true;
        }, &ctx);
        return op;
    }

    HostPages pages_;
    std::unique_ptr<Domain> d_;
};

TEST_F(GrantTableTest, NewTableIsVersion1WithOneFrame) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    gnttab_query_size_t q{};
    q.dom = DOMID_SELF;
    cxen::gnttab_query_size(d(), q);
    EXPECT_EQ(q.status, GNTST_okay);
    EXPECT_EQ(q.nr_frames, 1u);
    EXPECT_EQ(q.max_nr_frames, 64u);
    gnttab_get_version_t gv{};
    gv.dom = DOMID_SELF;
    ASSERT_TRUE(cxen::gnttab_get_version(d(), gv));
    EXPECT_EQ(gv.version, 1u);
}

TEST_F(GrantTableTest, InitRejectsLimitsBeyondTheCapsAsXen) {
    d().max_grant_frames = 0;
    EXPECT_EQ(gnttab_domain_init(d()).error(), Errno::XEN_EINVAL);
    d().max_grant_frames = gnttab_max_frames_limit + 1;
    EXPECT_EQ(gnttab_domain_init(d()).error(), Errno::XEN_EINVAL);
    d().max_grant_frames = 4;
    d().max_maptrack_frames = gnttab_max_maptrack_frames_limit + 1;
    EXPECT_EQ(gnttab_domain_init(d()).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(d().gnttab, nullptr);
}

TEST_F(GrantTableTest, GetFrameGrowsOnDemandUpToTheLimitWithZeroedFrames) {
    d().max_grant_frames = 4;
    ASSERT_TRUE(gnttab_domain_init(d()));
    auto f3 = gnttab_get_frame(d(), 3, false);
    ASSERT_TRUE(f3);
    const auto* bytes = static_cast<const uint8_t*>(arch::mfn_to_virt(f3.value()));
    for (size_t i = 0; i < page_size; ++i) ASSERT_EQ(bytes[i], 0) << i;
    gnttab_query_size_t q{};
    q.dom = DOMID_SELF;
    cxen::gnttab_query_size(d(), q);
    EXPECT_EQ(q.nr_frames, 4u);
    EXPECT_EQ(gnttab_get_frame(d(), 4, false).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(gnttab_get_frame(d(), ~uint64_t{0}, false).error(), Errno::XEN_EINVAL);
    // The same index gives the same frame; distinct indices distinct frames.
    EXPECT_EQ(gnttab_get_frame(d(), 3, false).value(), f3.value());
    EXPECT_NE(gnttab_get_frame(d(), 0, false).value(), f3.value());
}

TEST_F(GrantTableTest, StatusFramesDoNotExistUnderVersion1) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    EXPECT_EQ(gnttab_get_frame(d(), 0, true).error(), Errno::XEN_EINVAL);
}

TEST_F(GrantTableTest, SetupTableReportsUnmappedFramesAsInvalidGfn) {
    d().max_grant_frames = 8;
    ASSERT_TRUE(gnttab_domain_init(d()));
    std::vector<uint64_t> frames;
    auto op = setup(DOMID_SELF, 3, frames);
    EXPECT_EQ(op.status, GNTST_okay);
    ASSERT_EQ(frames.size(), 3u);
    for (uint64_t f : frames) EXPECT_EQ(f, gnttab_invalid_gfn);
}

TEST_F(GrantTableTest, SetupTableReportsTheGfnAFrameIsMappedAt) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    Mfn m = gnttab_get_frame(d(), 1, false).value();
    ASSERT_TRUE(d().p2m.set_entry(Gfn{0x12345}, m, 0, arch::P2mType::xen_page));
    gnttab_set_frame_gfn(d(), 1, false, Gfn{0x12345});
    std::vector<uint64_t> frames;
    EXPECT_EQ(setup(DOMID_SELF, 2, frames).status, GNTST_okay);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], gnttab_invalid_gfn);
    EXPECT_EQ(frames[1], 0x12345u);
}

TEST_F(GrantTableTest, SetupTableForgetsAGfnTheGuestReusedForSomethingElse) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    Mfn m = gnttab_get_frame(d(), 0, false).value();
    ASSERT_TRUE(d().p2m.set_entry(Gfn{0x500}, m, 0, arch::P2mType::xen_page));
    gnttab_set_frame_gfn(d(), 0, false, Gfn{0x500});
    ASSERT_TRUE(d().p2m.set_entry(Gfn{0x500}, Mfn{0x999}, 0, arch::P2mType::ram_rw));
    std::vector<uint64_t> frames;
    EXPECT_EQ(setup(DOMID_SELF, 1, frames).status, GNTST_okay);
    EXPECT_EQ(frames.at(0), gnttab_invalid_gfn);
}

TEST_F(GrantTableTest, SetupTableBeyondTheLimitIsGeneralErrorAndWritesNothing) {
    d().max_grant_frames = 2;
    ASSERT_TRUE(gnttab_domain_init(d()));
    std::vector<uint64_t> frames;
    EXPECT_EQ(setup(DOMID_SELF, 3, frames).status, GNTST_general_error);
    EXPECT_TRUE(frames.empty());
    EXPECT_EQ(setup(DOMID_SELF, 0xffffffffu, frames).status, GNTST_general_error);
    EXPECT_EQ(setup(DOMID_SELF, 0, frames).status, GNTST_okay);
    EXPECT_TRUE(frames.empty());
}

TEST_F(GrantTableTest, SetupTableWithABadFrameListIsBadVirtAddr) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    std::vector<uint64_t> frames;
    EXPECT_EQ(setup(DOMID_SELF, 1, frames, 0).status, GNTST_bad_virt_addr);
}

TEST_F(GrantTableTest, ForeignOrMissingDomainsAreRefused) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    std::vector<uint64_t> frames;
    // Domain 4000 does not exist (no domain table in this test).
    EXPECT_EQ(setup(4000, 1, frames).status, GNTST_bad_domain);
    gnttab_query_size_t q{};
    q.dom = 4000;
    cxen::gnttab_query_size(d(), q);
    EXPECT_EQ(q.status, GNTST_bad_domain);
    gnttab_get_version_t gv{};
    gv.dom = 4000;
    EXPECT_EQ(cxen::gnttab_get_version(d(), gv).error(), Errno::XEN_ESRCH);
}

TEST_F(GrantTableTest, SetVersionAcceptsBothVersionsAndReportsTheOneInForce) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    gnttab_set_version_t sv{1};
    EXPECT_TRUE(cxen::gnttab_set_version(d(), sv));
    EXPECT_EQ(sv.version, 1u);
    sv.version = 2; // max_grant_version 2, Xen's x86 default
    EXPECT_TRUE(cxen::gnttab_set_version(d(), sv));
    EXPECT_EQ(sv.version, 2u);
    for (uint32_t bad : {0u, 3u, 0xffffffffu}) {
        sv.version = bad;
        EXPECT_EQ(cxen::gnttab_set_version(d(), sv).error(), Errno::XEN_EINVAL);
        EXPECT_EQ(sv.version, 2u);
    }
}

TEST_F(GrantTableTest, SeededConsoleEntryGrantsTheBackendThePage) {
    ASSERT_TRUE(gnttab_domain_init(d()));
    ASSERT_TRUE(gnttab_seed_entry(d(), GNTTAB_RESERVED_CONSOLE, 0, Gfn{0xfefff}));
    auto e = gnttab_read_entry_v1(d(), GNTTAB_RESERVED_CONSOLE);
    ASSERT_TRUE(e);
    EXPECT_EQ(e.value().flags, GTF_permit_access);
    EXPECT_EQ(e.value().domid, 0);
    EXPECT_EQ(e.value().frame, 0xfeffful);
    // The guest sees it in its frame 0, entry 0.
    auto* shared = static_cast<grant_entry_v1_t*>(arch::mfn_to_virt(gnttab_get_frame(d(), 0, false).value()));
    EXPECT_EQ(shared[0].frame, 0xfeffful);
    EXPECT_EQ(gnttab_seed_entry(d(), GNTTAB_NR_RESERVED_ENTRIES, 0, Gfn{1}).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(gnttab_read_entry_v1(d(), grant_entries_per_frame_v1).error(), Errno::XEN_EINVAL);
}

TEST_F(GrantTableTest, DestroyIsHarmlessTwiceAndWithoutInit) {
    gnttab_domain_destroy(d());
    ASSERT_TRUE(gnttab_domain_init(d()));
    EXPECT_EQ(gnttab_domain_init(d()).error(), Errno::XEN_EEXIST);
    gnttab_domain_destroy(d());
    gnttab_domain_destroy(d());
    EXPECT_EQ(gnttab_get_frame(d(), 0, false).error(), Errno::XEN_EINVAL);
}

} // namespace
