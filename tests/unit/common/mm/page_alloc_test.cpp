#include "common/mm/page_alloc.hpp"

#include <algorithm>
#include <atomic>
#include <gtest/gtest.h>
#include <latch>
#include <memory>
#include <random>
#include <thread>
#include <utility>
#include <vector>

using cxen::Errno;
using cxen::Mfn;
using cxen::PageAllocator;
using cxen::PageInfo;
using cxen::PageState;
using cxen::raw;

namespace {

constexpr uint64_t pages_in(unsigned order) {
    return uint64_t{1} << order;
}

/// A frame table of `nr_frames` frames with its allocator, nothing added.
struct Machine {
    explicit Machine(uint64_t nr_frames) : frames(nr_frames) {
        alloc.init(frames.data(), nr_frames);
    }
    std::vector<PageInfo> frames;
    PageAllocator alloc;
};

/// Free-block count of every order, for comparing "before" and "after".
std::vector<uint64_t> block_histogram(const PageAllocator& a) {
    std::vector<uint64_t> h;
    for (unsigned o = 0; o <= PageAllocator::max_order; ++o)
        h.push_back(a.free_blocks(o));
    return h;
}

/// Model of the allocator: which frames were added and which are allocated.
class Model {
  public:
    explicit Model(uint64_t nr_frames) : managed_(nr_frames), allocated_(nr_frames) {}
    void add(uint64_t start, uint64_t count) {
        for (uint64_t i = start; i < start + count; ++i)
            managed_[i] = true;
    }
    /// Check that a block just returned is managed, aligned and disjoint
    /// from every live block, then record it.
    void take(uint64_t mfn, unsigned order) {
        ASSERT_EQ(mfn % pages_in(order), 0u) << "order " << order;
        ASSERT_LE(mfn + pages_in(order), managed_.size());
        for (uint64_t i = mfn; i < mfn + pages_in(order); ++i) {
            ASSERT_TRUE(managed_[i]) << "frame " << i << " was never added";
            ASSERT_FALSE(allocated_[i]) << "frame " << i << " handed out twice";
            allocated_[i] = true;
        }
        nr_allocated_ += pages_in(order);
    }
    void give_back(uint64_t mfn, unsigned order) {
        for (uint64_t i = mfn; i < mfn + pages_in(order); ++i)
            allocated_[i] = false;
        nr_allocated_ -= pages_in(order);
    }
    /// True if some aligned block of 2^order frames is managed and free: a
    /// buddy allocator that merges eagerly must then be able to allocate it.
    bool fits(unsigned order) const {
        for (uint64_t base = 0; base + pages_in(order) <= managed_.size();
             base += pages_in(order)) {
            bool all_free = true;
            for (uint64_t i = base; i < base + pages_in(order) && all_free; ++i) {
                all_free = managed_[i] && !allocated_[i];
            }
            if (all_free) return true;
        }
        return false;
    }
    uint64_t nr_allocated() const { return nr_allocated_; }

  private:
    std::vector<bool> managed_;
    std::vector<bool> allocated_;
    uint64_t nr_allocated_ = 0;
};

} // namespace

TEST(PageAlloc, AddedPowerOfTwoRangeIsOneBlock) {
    Machine m(1024);
    m.alloc.add_free_range(Mfn{0}, 1024);
    EXPECT_EQ(m.alloc.total_pages(), 1024u);
    EXPECT_EQ(m.alloc.free_pages(), 1024u);
    auto h = block_histogram(m.alloc);
    EXPECT_EQ(h[10], 1u);
    EXPECT_EQ(std::count(h.begin(), h.end(), 0u), static_cast<long>(h.size()) - 1);
}

TEST(PageAlloc, UnalignedRangeIsSplitIntoLargestAlignedBlocks) {
    Machine m(64);
    m.alloc.add_free_range(Mfn{3}, 13); // [3, 16) = 3 | 4..7 | 8..15
    EXPECT_EQ(m.alloc.free_pages(), 13u);
    EXPECT_EQ(m.alloc.free_blocks(0), 1u);
    EXPECT_EQ(m.alloc.free_blocks(1), 0u);
    EXPECT_EQ(m.alloc.free_blocks(2), 1u);
    EXPECT_EQ(m.alloc.free_blocks(3), 1u);
    EXPECT_EQ(m.frames[3].order, 0u);
    EXPECT_EQ(m.frames[4].order, 2u);
    EXPECT_EQ(m.frames[8].order, 3u);
    EXPECT_EQ(m.frames[0].state, PageState::reserved);
    EXPECT_EQ(m.frames[16].state, PageState::reserved);
}

TEST(PageAlloc, AdjacentRangesAddedSeparatelyMerge) {
    Machine m(64);
    m.alloc.add_free_range(Mfn{3}, 13);
    m.alloc.add_free_range(Mfn{0}, 3); // completes [0, 16)
    EXPECT_EQ(m.alloc.free_pages(), 16u);
    auto h = block_histogram(m.alloc);
    EXPECT_EQ(h[4], 1u);
    EXPECT_EQ(std::count(h.begin(), h.end(), 0u), static_cast<long>(h.size()) - 1);
    auto b = m.alloc.alloc(4);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(raw(*b), 0u);
}

TEST(PageAlloc, OddRangesNeverHandOutFramesOutsideThem) {
    Machine m(300);
    m.alloc.add_free_range(Mfn{1}, 1);
    m.alloc.add_free_range(Mfn{37}, 100);
    m.alloc.add_free_range(Mfn{299}, 1);
    EXPECT_EQ(m.alloc.total_pages(), 102u);
    Model model(300);
    model.add(1, 1);
    model.add(37, 100);
    model.add(299, 1);
    // Largest first, so that every frame ends up allocated.
    for (unsigned order = 7;;) {
        auto r = m.alloc.alloc(order);
        if (r.ok()) {
            model.take(raw(*r), order);
            continue;
        }
        EXPECT_EQ(r.error(), Errno::XEN_ENOMEM);
        if (order == 0) break;
        --order;
    }
    EXPECT_EQ(model.nr_allocated(), 102u);
    EXPECT_EQ(m.alloc.free_pages(), 0u);
}

TEST(PageAlloc, RangeLargerThanMaxOrderIsCutIntoMaxOrderBlocks) {
    const uint64_t nr = 2 * pages_in(PageAllocator::max_order) + 5;
    Machine m(nr);
    m.alloc.add_free_range(Mfn{0}, nr);
    EXPECT_EQ(m.alloc.free_blocks(PageAllocator::max_order), 2u);
    EXPECT_EQ(m.alloc.free_blocks(2), 1u);
    EXPECT_EQ(m.alloc.free_blocks(0), 1u);
    auto a = m.alloc.alloc(PageAllocator::max_order);
    auto b = m.alloc.alloc(PageAllocator::max_order);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(raw(*a), raw(*b));
    EXPECT_EQ(m.alloc.alloc(PageAllocator::max_order).error(), Errno::XEN_ENOMEM);
    m.alloc.free(*a, PageAllocator::max_order);
    m.alloc.free(*b, PageAllocator::max_order);
    // The two max-order buddies must not merge past max_order.
    EXPECT_EQ(m.alloc.free_blocks(PageAllocator::max_order), 2u);
}

TEST(PageAlloc, AllocSplitsALargerBlockAndReturnsTheLowerHalf) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    auto r = m.alloc.alloc(0);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(raw(*r), 0u);
    // 16 = 1 (taken) + 1 + 2 + 4 + 8
    EXPECT_EQ(m.alloc.free_blocks(0), 1u);
    EXPECT_EQ(m.alloc.free_blocks(1), 1u);
    EXPECT_EQ(m.alloc.free_blocks(2), 1u);
    EXPECT_EQ(m.alloc.free_blocks(3), 1u);
    EXPECT_EQ(m.alloc.free_blocks(4), 0u);
    EXPECT_EQ(m.alloc.free_pages(), 15u);
}

TEST(PageAlloc, FreeingBuddiesCoalescesToOriginalBlock) {
    for (uint32_t seed : {1u, 2u, 3u}) {
        Machine m(2048);
        m.alloc.add_free_range(Mfn{0}, 1024);
        m.alloc.add_free_range(Mfn{1024 + 5}, 1000); // odd second range
        const auto before = block_histogram(m.alloc);
        const uint64_t total = m.alloc.free_pages();

        std::vector<Mfn> got;
        for (;;) {
            auto r = m.alloc.alloc(0);
            if (!r.ok()) break;
            got.push_back(*r);
        }
        ASSERT_EQ(got.size(), total);
        EXPECT_EQ(m.alloc.free_pages(), 0u);

        std::mt19937 rng(seed);
        std::shuffle(got.begin(), got.end(), rng);
        for (Mfn f : got)
            m.alloc.free(f, 0);

        EXPECT_EQ(m.alloc.free_pages(), total);
        EXPECT_EQ(block_histogram(m.alloc), before) << "seed " << seed;
        auto big = m.alloc.alloc(10);
        ASSERT_TRUE(big.ok());
        EXPECT_EQ(raw(*big), 0u);
    }
}

TEST(PageAlloc, ExhaustionReturnsEnomemAndRecoversAfterFree) {
    Machine m(64);
    m.alloc.add_free_range(Mfn{0}, 64);
    std::vector<Mfn> blocks;
    for (int i = 0; i < 8; ++i) {
        auto r = m.alloc.alloc(3);
        ASSERT_TRUE(r.ok());
        blocks.push_back(*r);
    }
    EXPECT_EQ(m.alloc.alloc(0).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(m.alloc.alloc(3).rc(), -12);
    m.alloc.free(blocks[5], 3);
    auto again = m.alloc.alloc(3);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(raw(*again), raw(blocks[5]));
    m.alloc.free(*again, 3);
    auto small = m.alloc.alloc(1);
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(m.alloc.free_pages(), 6u);
}

TEST(PageAlloc, FragmentedMemoryCannotServeALargerOrder) {
    Machine m(8);
    m.alloc.add_free_range(Mfn{0}, 8);
    for (uint64_t i = 0; i < 8; ++i)
        ASSERT_TRUE(m.alloc.alloc(0).ok());
    for (uint64_t i = 0; i < 8; i += 2)
        m.alloc.free(Mfn{i}, 0);
    EXPECT_EQ(m.alloc.free_pages(), 4u);
    EXPECT_EQ(m.alloc.alloc(1).error(), Errno::XEN_ENOMEM);
    EXPECT_TRUE(m.alloc.alloc(0).ok());
}

TEST(PageAlloc, OrderAboveMaxOrderIsEinval) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    EXPECT_EQ(m.alloc.alloc(PageAllocator::max_order + 1).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(m.alloc.alloc(64).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(m.alloc.free_pages(), 16u);
}

TEST(PageAlloc, EmptyAllocatorGivesEnomem) {
    Machine m(16);
    EXPECT_EQ(m.alloc.alloc(0).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(m.alloc.total_pages(), 0u);
}

TEST(PageAlloc, FrameTableRecordsStateOfEveryFrameAndOrderOfTheHead) {
    Machine m(32);
    m.alloc.add_free_range(Mfn{0}, 32);
    auto r = m.alloc.alloc(2);
    ASSERT_TRUE(r.ok());
    const uint64_t head = raw(*r);
    EXPECT_EQ(&m.alloc.page(*r), &m.frames[head]);
    EXPECT_EQ(m.alloc.page(*r).order, 2u);
    for (uint64_t i = head; i < head + 4; ++i) {
        EXPECT_EQ(m.frames[i].state, PageState::allocated);
        EXPECT_EQ(m.frames[i].owner, 0u);
        EXPECT_EQ(m.frames[i].count_info, 0u);
    }
    EXPECT_EQ(m.frames[head + 1].order, PageInfo::no_order);
    m.alloc.free(*r, 2);
    for (uint64_t i = head; i < head + 4; ++i)
        EXPECT_EQ(m.frames[i].state, PageState::free);
}

TEST(PageAlloc, FreePagesAccountsForEveryAllocAndFree) {
    Machine m(256);
    m.alloc.add_free_range(Mfn{10}, 200);
    uint64_t expected = 200;
    std::vector<std::pair<Mfn, unsigned>> live;
    for (unsigned order : {0u, 3u, 1u, 5u, 0u, 2u}) {
        auto r = m.alloc.alloc(order);
        ASSERT_TRUE(r.ok());
        live.emplace_back(*r, order);
        expected -= pages_in(order);
        EXPECT_EQ(m.alloc.free_pages(), expected);
    }
    for (auto [mfn, order] : live) {
        m.alloc.free(mfn, order);
        expected += pages_in(order);
        EXPECT_EQ(m.alloc.free_pages(), expected);
    }
    EXPECT_EQ(m.alloc.total_pages(), 200u);
}

// Property: over random alloc/free sequences, blocks are aligned, inside the
// added ranges and disjoint; -ENOMEM only when no aligned free run exists;
// freeing everything restores the original blocks.
TEST(PageAlloc, RandomAllocFreeMatchesBitmapModel) {
    constexpr uint64_t nr = 1200;
    for (uint32_t seed : {11u, 22u, 33u, 44u, 55u}) {
        SCOPED_TRACE(seed);
        Machine m(nr);
        Model model(nr);
        m.alloc.add_free_range(Mfn{7}, 493);   // [7, 500)
        m.alloc.add_free_range(Mfn{520}, 670); // hole [500, 520), then [520, 1190)
        model.add(7, 493);
        model.add(520, 670);
        const auto before = block_histogram(m.alloc);
        const uint64_t total = m.alloc.total_pages();

        std::mt19937 rng(seed);
        std::vector<std::pair<Mfn, unsigned>> live;
        for (int op = 0; op < 3000; ++op) {
            if (live.empty() || rng() % 100 < 55) {
                const unsigned order = rng() % 50 == 0 ? 7 + rng() % 3 : rng() % 5;
                auto r = m.alloc.alloc(order);
                if (r.ok()) {
                    model.take(raw(*r), order);
                    if (HasFatalFailure()) return;
                    live.emplace_back(*r, order);
                } else {
                    ASSERT_EQ(r.error(), Errno::XEN_ENOMEM);
                    ASSERT_FALSE(model.fits(order))
                        << "ENOMEM for order " << order << " with an aligned free run";
                }
            } else {
                const size_t i = rng() % live.size();
                m.alloc.free(live[i].first, live[i].second);
                model.give_back(raw(live[i].first), live[i].second);
                live[i] = live.back();
                live.pop_back();
            }
            ASSERT_EQ(m.alloc.free_pages(), total - model.nr_allocated());
        }
        for (auto [mfn, order] : live)
            m.alloc.free(mfn, order);
        EXPECT_EQ(m.alloc.free_pages(), total);
        EXPECT_EQ(block_histogram(m.alloc), before);
    }
}

TEST(PageAlloc, ConcurrentAllocFreeFromFourThreadsNeverOverlaps) {
    constexpr uint64_t nr = 4096;
    constexpr size_t burst = 32;
    Machine m(nr);
    m.alloc.add_free_range(Mfn{0}, nr);
    const auto before = block_histogram(m.alloc);
    // One byte per frame: 1 while some thread holds it.
    auto held = std::make_unique<std::atomic<uint8_t>[]>(nr);
    std::atomic<uint64_t> overlaps{0};
    std::latch start(4); // all threads begin together, for maximal contention

    // Each round allocates a burst back to back (so that threads meet inside
    // the allocator), claims the frames, then frees the previous round's
    // burst in random order; two rounds live at a time mix the orders.
    auto worker = [&](uint32_t seed) {
        using Block = std::pair<Mfn, unsigned>;
        std::mt19937 rng(seed);
        std::vector<Block> prev, cur;
        auto release_all = [&](std::vector<Block>& blocks) {
            std::shuffle(blocks.begin(), blocks.end(), rng);
            for (auto [mfn, order] : blocks) {
                for (uint64_t f = raw(mfn); f < raw(mfn) + pages_in(order); ++f) {
                    if (held[f].exchange(0) != 1) ++overlaps;
                }
            }
            for (auto [mfn, order] : blocks)
                m.alloc.free(mfn, order);
            blocks.clear();
        };
        unsigned orders[burst];
        start.arrive_and_wait();
        for (int round = 0; round < 500; ++round) {
            for (unsigned& o : orders)
                o = rng() % 4;
            for (unsigned o : orders) {
                auto r = m.alloc.alloc(o);
                if (r.ok()) cur.emplace_back(*r, o);
            }
            for (auto [mfn, order] : cur) {
                if (raw(mfn) % pages_in(order) != 0) ++overlaps;
                for (uint64_t f = raw(mfn); f < raw(mfn) + pages_in(order); ++f) {
                    if (held[f].exchange(1) != 0) ++overlaps;
                }
            }
            release_all(prev);
            std::swap(prev, cur);
        }
        release_all(prev);
    };
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < 4; ++t)
        threads.emplace_back(worker, 100 + t);
    for (auto& t : threads)
        t.join();

    EXPECT_EQ(overlaps.load(), 0u);
    EXPECT_EQ(m.alloc.free_pages(), nr);
    EXPECT_EQ(block_histogram(m.alloc), before);
}

// ASSERT/BUG_ON abort in host tests; metadata corruption must not be silent.
TEST(PageAllocDeathTest, DoubleFreeDies) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    auto r = m.alloc.alloc(1);
    ASSERT_TRUE(r.ok());
    m.alloc.free(*r, 1);
    EXPECT_DEATH(m.alloc.free(*r, 1), "BUG_ON\\(head\\.state != PageState::allocated\\)");
}

TEST(PageAllocDeathTest, DoubleFreeAfterMergeDies) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    auto a = m.alloc.alloc(0);
    auto b = m.alloc.alloc(0);
    ASSERT_TRUE(a.ok() && b.ok());
    m.alloc.free(*b, 0); // merges with nothing yet
    m.alloc.free(*a, 0); // merges with b and upwards
    EXPECT_DEATH(m.alloc.free(*b, 0), "BUG_ON\\(head\\.state != PageState::allocated\\)");
}

TEST(PageAllocDeathTest, FreeingAFrameInsideABlockDies) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    auto r = m.alloc.alloc(2);
    ASSERT_TRUE(r.ok());
    EXPECT_DEATH(m.alloc.free(*r + 2, 1), "BUG_ON\\(head\\.order != order\\)");
    EXPECT_DEATH(m.alloc.free(*r + 1, 0), "BUG_ON\\(head\\.order != order\\)");
}

TEST(PageAllocDeathTest, FreeingWithTheWrongOrderDies) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    auto r = m.alloc.alloc(2);
    ASSERT_TRUE(r.ok());
    EXPECT_DEATH(m.alloc.free(*r, 1), "BUG_ON\\(head\\.order != order\\)");
    EXPECT_DEATH(m.alloc.free(*r, 3), "BUG_ON\\(head\\.order != order\\)");
}

TEST(PageAllocDeathTest, FreeingAReservedFrameDies) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{8}, 8);
    EXPECT_DEATH(m.alloc.free(Mfn{2}, 0), "BUG_ON\\(head\\.state != PageState::allocated\\)");
    EXPECT_DEATH(m.alloc.free(Mfn{16}, 0), "BUG_ON\\(idx >= nr_frames_");
}

TEST(PageAllocDeathTest, AddingAFrameTwiceDies) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 8);
    EXPECT_DEATH(m.alloc.add_free_range(Mfn{4}, 8),
                 "BUG_ON\\(frames_\\[i\\]\\.state != PageState::reserved\\)");
}

TEST(PageAllocDeathTest, AddingARangeBeyondTheFrameTableDies) {
    Machine m(16);
    EXPECT_DEATH(m.alloc.add_free_range(Mfn{8}, 9), "BUG_ON");
    EXPECT_DEATH(m.alloc.add_free_range(Mfn{17}, 0), "BUG_ON");
    EXPECT_DEATH(m.alloc.add_free_range(Mfn{1}, ~uint64_t{0}), "BUG_ON");
}

// ---- claims (Xen's outstanding_claims) ----

TEST(PageAllocClaims, ClaimedPagesAreUnavailableToOthersButNotToTheClaimant) {
    Machine m(64);
    m.alloc.add_free_range(Mfn{0}, 64);
    std::atomic<uint64_t> claim{0};
    ASSERT_TRUE(m.alloc.set_claim(claim, 60, 0, 100).ok());
    EXPECT_EQ(claim.load(), 60u);
    EXPECT_EQ(m.alloc.outstanding_pages(), 60u);
    // 4 unclaimed pages: an order-2 block for nobody fits, a fifth page does not.
    auto a = m.alloc.alloc(2);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(m.alloc.alloc(0).error(), Errno::XEN_ENOMEM);
    std::atomic<uint64_t> other{0};
    EXPECT_EQ(m.alloc.alloc(0, &other).error(), Errno::XEN_ENOMEM); // a domain without a claim
    // The claimant's claim covers it; alloc() itself does not draw it down.
    auto b = m.alloc.alloc(3, &claim);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(claim.load(), 60u);
    m.alloc.adjust_claim(claim, 8);
    EXPECT_EQ(claim.load(), 52u);
    EXPECT_EQ(m.alloc.outstanding_pages(), 52u);
    m.alloc.free(a.value(), 2);
    m.alloc.free(b.value(), 3);
}

TEST(PageAllocClaims, AClaimSmallerThanTheRequestDoesNotCoverIt) {
    Machine m(16);
    m.alloc.add_free_range(Mfn{0}, 16);
    std::atomic<uint64_t> claim{0};
    ASSERT_TRUE(m.alloc.set_claim(claim, 6, 0, 100).ok()); // 10 unclaimed
    std::atomic<uint64_t> small{0};
    ASSERT_TRUE(m.alloc.set_claim(small, 4, 0, 100).ok()); // 6 unclaimed
    // 8 pages: more than the 6 unclaimed and more than either claim: refused.
    // 4 pages fit the unclaimed 6 whoever asks.
    EXPECT_EQ(m.alloc.alloc(3, &small).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(m.alloc.alloc(3, &claim).error(), Errno::XEN_ENOMEM);
    auto a = m.alloc.alloc(2, &small);
    ASSERT_TRUE(a.ok());
    m.alloc.free(a.value(), 2);
    ASSERT_TRUE(m.alloc.set_claim(claim, 0, 0, 0).ok());
    ASSERT_TRUE(m.alloc.set_claim(small, 0, 0, 0).ok());
}

TEST(PageAllocClaims, SetClaimChecksAsXen) {
    Machine m(32);
    m.alloc.add_free_range(Mfn{0}, 32);
    std::atomic<uint64_t> claim{0};
    EXPECT_EQ(m.alloc.set_claim(claim, 5, 5, 100).error(), Errno::XEN_EINVAL);  // not above tot_pages
    EXPECT_EQ(m.alloc.set_claim(claim, 101, 5, 100).error(), Errno::XEN_EINVAL); // above max_pages
    EXPECT_EQ(m.alloc.set_claim(claim, 38, 5, 100).error(), Errno::XEN_ENOMEM); // 33 > 32 free
    ASSERT_TRUE(m.alloc.set_claim(claim, 37, 5, 100).ok());                     // 32 claimed
    EXPECT_EQ(claim.load(), 32u);
    EXPECT_EQ(m.alloc.set_claim(claim, 10, 5, 100).error(), Errno::XEN_EINVAL); // one at a time
    std::atomic<uint64_t> other{0};
    EXPECT_EQ(m.alloc.set_claim(other, 1, 0, 100).error(), Errno::XEN_ENOMEM); // nothing unclaimed is left
    ASSERT_TRUE(m.alloc.set_claim(claim, 0, 0, 0).ok());                        // cancel: no checks
    EXPECT_EQ(claim.load(), 0u);
    EXPECT_EQ(m.alloc.outstanding_pages(), 0u);
    ASSERT_TRUE(m.alloc.set_claim(other, 1, 0, 100).ok());
    ASSERT_TRUE(m.alloc.set_claim(other, 0, 0, 0).ok());
}

TEST(PageAllocClaims, AdjustNeverGoesBelowZeroAndGrowsOnlyAnExistingClaim) {
    Machine m(32);
    m.alloc.add_free_range(Mfn{0}, 32);
    std::atomic<uint64_t> claim{0};
    m.alloc.adjust_claim(claim, -4); // no claim: stays none
    EXPECT_EQ(claim.load(), 0u);
    ASSERT_TRUE(m.alloc.set_claim(claim, 10, 0, 100).ok());
    m.alloc.adjust_claim(claim, -2); // pages given back while claiming: the claim grows (Xen)
    EXPECT_EQ(claim.load(), 12u);
    EXPECT_EQ(m.alloc.outstanding_pages(), 12u);
    m.alloc.adjust_claim(claim, 20); // more than claimed: 0, not negative
    EXPECT_EQ(claim.load(), 0u);
    EXPECT_EQ(m.alloc.outstanding_pages(), 0u);
}
