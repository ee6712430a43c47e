// Grant tables under random sequences and under threads:
//  - RandomOpsMatchAReferenceModel: grant/revoke/map/unmap/copy chosen at
//    random, each result and the resulting pins, GTF_reading/GTF_writing
//    bits, page references and p2m entries checked against a small model of
//    Xen's rules.
//  - ThreadsMapUnmapAndCopyConcurrently: threads of one mapping domain map
//    and unmap the same grants, others copy from and to them and resize the
//    table; afterwards nothing is pinned or referenced. Run it under
//    ThreadSanitizer (cxen-unit-tests-tsan) to check the locking.
#include <map>
#include <random>
#include <thread>

#include "grant_fixture.hpp"

namespace cxen::test {
namespace {

using arch::P2mType;

class GrantStressTest : public GrantTest {};

struct ModelGrant {
    bool valid = false;
    Domid to = 0;
    uint64_t gfn = 0;
    bool ro = false;
};
struct ModelMap {
    Domid mapper, granter;
    uint32_t ref;
    uint64_t gfn;
    bool ro;
    uint32_t handle;
};

TEST_F(GrantStressTest, RandomOpsMatchAReferenceModel) {
    constexpr Domid ids[3] = {1, 2, 3};
    constexpr uint32_t nr_refs = 24, nr_frames = 4;
    Domain* doms[3];
    std::map<std::pair<Domid, uint64_t>, Mfn> ram; // (domain, gfn) -> frame
    for (int i = 0; i < 3; ++i) {
        doms[i] = &make(ids[i]);
        for (uint64_t f = 0; f < nr_frames; ++f) ram[{ids[i], 0x100 + f}] = give_ram(*doms[i], 0x100 + f, 0);
    }
    ModelGrant grants[3][nr_refs];
    std::vector<ModelMap> maps;
    std::mt19937 rng(1234);
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    auto pinned = [&](int gi, uint32_t ref, Domid* by = nullptr, int* rw = nullptr) {
        int n = 0, w = 0;
        for (const auto& mp : maps)
            if (mp.granter == ids[gi] && mp.ref == ref) {
                ++n;
                w += !mp.ro;
                if (by) *by = mp.mapper;
            }
        if (rw) *rw = w;
        return n;
    };
    uint64_t next_map_gfn = 0x10000;

    for (int step = 0; step < 4000; ++step) {
        const int gi = static_cast<int>(pick(3));
        Domain& gd = *doms[gi];
        const uint32_t ref = GNTTAB_NR_RESERVED_ENTRIES + pick(nr_refs - GNTTAB_NR_RESERVED_ENTRIES);
        ModelGrant& mg = grants[gi][ref];
        switch (pick(5)) {
        case 0: { // grant (only while unpinned, as a well-behaved granter)
            if (pinned(gi, ref)) break;
            mg = {true, ids[pick(3)], 0x100 + pick(nr_frames + 1), pick(3) == 0}; // gfn 0x104: no RAM
            grant(gd, ref, mg.to, mg.gfn, mg.ro ? GTF_readonly : 0);
            break;
        }
        case 1: { // revoke: gnttab_end_foreign_access succeeds only when unused
            const uint16_t f = flags(gd, ref);
            if (f & (GTF_reading | GTF_writing)) {
                ASSERT_TRUE(pinned(gi, ref)) << step;
                break;
            }
            v1(gd, ref)->flags = 0;
            mg.valid = false;
            break;
        }
        case 2: { // map
            const int mi = static_cast<int>(pick(3));
            const bool ro = pick(2);
            Domid by = 0;
            int rw = 0;
            const int n = pinned(gi, ref, &by, &rw);
            int16_t want = GNTST_okay;
            if (n && by != ids[mi]) want = GNTST_general_error;
            else if (!n && (!mg.valid || mg.to != ids[mi])) want = GNTST_general_error;
            else if ((!n || (!ro && !rw)) && !ro && mg.ro) want = GNTST_general_error;
            else if (!n && !ram.count({ids[gi], mg.gfn})) want = GNTST_bad_page;
            const uint64_t at = next_map_gfn++;
            auto op = map(*doms[mi], ids[gi], ref, at, GNTMAP_host_map | (ro ? GNTMAP_readonly : 0));
            ASSERT_EQ(op.status, want) << "step " << step;
            if (op.status == GNTST_okay) maps.push_back({ids[mi], ids[gi], ref, at, ro, op.handle});
            break;
        }
        case 3: { // unmap one (or a handle that is not mapped)
            if (maps.empty() || pick(8) == 0) {
                Domain& md = *doms[pick(3)];
                EXPECT_EQ(unmap(md, 5000 + pick(100), 0x1), GNTST_bad_handle);
                break;
            }
            const size_t i = pick(static_cast<uint32_t>(maps.size()));
            const ModelMap mp = maps[i];
            Domain& md = *doms[mp.mapper - 1];
            ASSERT_EQ(unmap(md, mp.handle, mp.gfn), GNTST_okay) << "step " << step;
            maps.erase(maps.begin() + static_cast<long>(i));
            break;
        }
        case 4: { // copy 8 bytes from the grant into the copier's frame 0x100
            const int ci = static_cast<int>(pick(3));
            Domid by = 0;
            const int n = pinned(gi, ref, &by);
            int16_t want = GNTST_okay;
            if (n && by != ids[ci]) want = GNTST_general_error;
            else if (!n && (!mg.valid || mg.to != ids[ci])) want = GNTST_general_error;
            else if (!n && !ram.count({ids[gi], mg.gfn})) want = GNTST_bad_page;
            EXPECT_EQ(copy(*doms[ci], GNTCOPY_source_gref, ref, ids[gi], 0, 0x100, DOMID_SELF, 0, 8), want)
                << "step " << step;
            break;
        }
        }
        // Invariants after every step, for the grant touched.
        int rw = 0;
        const int n = pinned(gi, ref, nullptr, &rw);
        const uint32_t p = pin(gd, ref);
        ASSERT_EQ(p, static_cast<uint32_t>(rw) * gntpin_hstw_inc + static_cast<uint32_t>(n - rw) * gntpin_hstr_inc)
            << "step " << step;
        const uint16_t f = flags(gd, ref);
        ASSERT_EQ(!!(f & GTF_reading), n > 0) << "step " << step;
        ASSERT_EQ(!!(f & GTF_writing), rw > 0) << "step " << step;
    }
    // Page references and p2m entries of every mapping.
    std::map<uint64_t, uint32_t> refs;
    for (const auto& mp : maps) {
        const Mfn f = gnttab_active_info(*doms[mp.granter - 1], mp.ref).value().mfn;
        ++refs[raw(f)];
        const arch::P2mEntry e = p2m(*doms[mp.mapper - 1], mp.gfn);
        EXPECT_EQ(e.mfn, f);
        EXPECT_EQ(e.type, mp.ro ? P2mType::grant_map_ro : P2mType::grant_map_rw);
    }
    for (const auto& [key, mfn] : ram) EXPECT_EQ(page_ref_count(mfn), refs[raw(mfn)]);
    uint32_t in_use = 0;
    for (Domain* d : doms) in_use += gnttab_maptrack_in_use(*d);
    EXPECT_EQ(in_use, maps.size());
    // TearDown destroys the domains with whatever is still mapped.
}

TEST_F(GrantStressTest, ThreadsMapUnmapAndCopyConcurrently) {
    constexpr Domid gid = 1, mid = 2, cid = 3;
    constexpr int iterations = 5000;
    Domain& g = make(gid);
    Domain& m = make(mid);
    Domain& c = make(cid);
    std::vector<Mfn> frames;
    for (uint64_t f = 0; f < 4; ++f) frames.push_back(give_ram(g, 0x100 + f, 0));
    give_ram(m, 0x100);
    give_ram(c, 0x100);
    for (uint32_t r = 0; r < 4; ++r) {
        grant(g, 10 + r, mid, 0x100 + r);       // shared by the mapper's threads
        grant(g, 20 + r, cid, 0x100 + r);       // copied by the other domain (same frames)
    }
    std::atomic<int> failures{0};
    std::atomic<bool> go{false}; // start together, so that the threads overlap
    auto wait_go = [&] { while (!go.load()) std::this_thread::yield(); };
    auto mapper = [&](uint64_t base, unsigned seed) {
        wait_go();
        std::mt19937 rng(seed);
        for (int i = 0; i < iterations; ++i) {
            const uint32_t ref = 10 + rng() % 4;
            const bool ro = rng() % 2;
            const uint64_t at = base + rng() % 64;
            auto op = map(m, gid, ref, at, GNTMAP_host_map | (ro ? GNTMAP_readonly : 0));
            if (op.status != GNTST_okay || unmap(m, op.handle, at) != GNTST_okay) ++failures;
        }
    };
    // Each copier writes its own bytes of the shared frames and reads bytes
    // nobody writes: the guests' data never races, only the grant state.
    auto copier = [&](Domain& d, uint32_t first_ref, uint16_t write_off, unsigned seed) {
        wait_go();
        std::mt19937 rng(seed);
        for (int i = 0; i < iterations; ++i) {
            const uint32_t ref = first_ref + rng() % 4;
            const bool to_grant = rng() % 2;
            const int16_t st =
                to_grant ? copy(d, GNTCOPY_dest_gref, 0x100, DOMID_SELF, 0, ref, gid, write_off, 32)
                         : copy(d, GNTCOPY_source_gref, ref, gid, 64, 0x100, DOMID_SELF, 0, 32);
            if (st != GNTST_okay) ++failures;
        }
    };
    auto resizer = [&] {
        wait_go();
        for (int i = 0; i < iterations / 10; ++i) {
            std::vector<uint64_t> out;
            gnttab_setup_table_t op{};
            op.dom = DOMID_SELF;
            op.nr_frames = 1 + i % 4;
            gnttab_setup_table(g, op, [](void*, uint32_t, uint64_t) { return true; }, &out);
            if (op.status != GNTST_okay) ++failures;
        }
    };
    std::vector<std::thread> threads;
    threads.emplace_back(mapper, 0x10000, 1);
    threads.emplace_back(mapper, 0x20000, 2);
    threads.emplace_back(copier, std::ref(m), 10, 1024, 3); // same domain as the mappers: same grants
    threads.emplace_back(copier, std::ref(c), 20, 2048, 4); // another domain, other grants of the same frames
    threads.emplace_back(resizer);
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    for (uint32_t r = 0; r < 4; ++r) {
        EXPECT_EQ(pin(g, 10 + r), 0u);
        EXPECT_EQ(pin(g, 20 + r), 0u);
        EXPECT_EQ(flags(g, 10 + r), GTF_permit_access);
        EXPECT_EQ(page_ref_count(frames[r]), 0u);
    }
    EXPECT_EQ(gnttab_maptrack_in_use(m), 0u);
}

} // namespace
} // namespace cxen::test
