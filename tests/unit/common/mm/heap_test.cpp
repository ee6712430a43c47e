#include "common/mm/heap.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <latch>
#include <random>
#include <thread>
#include <vector>

#include "common/mm/page_alloc.hpp"
#include "common/mm/xmalloc.hpp"

using cxen::Errno;
using cxen::Heap;
using cxen::Mfn;
using cxen::page_size;

namespace {

/// Pages from a buddy allocator over a host arena aligned to its own size,
/// so that blocks are naturally aligned as the PageSource contract asks.
class ArenaPageSource final : public cxen::PageSource {
  public:
    explicit ArenaPageSource(uint64_t nr_pages) : frames_(nr_pages), nr_pages_(nr_pages) {
        arena_bytes_ = std::bit_ceil(nr_pages * page_size);
        arena_ = static_cast<unsigned char*>(std::aligned_alloc(arena_bytes_, arena_bytes_));
        alloc_.init(frames_.data(), nr_pages);
        alloc_.add_free_range(Mfn{0}, nr_pages);
    }
    ~ArenaPageSource() { std::free(arena_); }

    cxen::Result<void*> alloc_pages(unsigned order) override {
        Mfn mfn = TRY(alloc_.alloc(order));
        return static_cast<void*>(arena_ + cxen::raw(mfn) * page_size);
    }
    void free_pages(void* va, unsigned order) override {
        const auto off = static_cast<uint64_t>(static_cast<unsigned char*>(va) - arena_);
        EXPECT_EQ(off % (page_size << order), 0u);
        alloc_.free(Mfn{off / page_size}, order);
    }

    /// Pages currently held by the heap.
    uint64_t pages_out() const { return nr_pages_ - alloc_.free_pages(); }
    bool contains(const void* p, size_t size) const {
        auto* b = static_cast<const unsigned char*>(p);
        return b >= arena_ && b + size <= arena_ + nr_pages_ * page_size;
    }

  private:
    std::vector<cxen::PageInfo> frames_;
    cxen::PageAllocator alloc_;
    uint64_t nr_pages_;
    uint64_t arena_bytes_;
    unsigned char* arena_;
};

void* must_alloc(Heap& h, size_t size, size_t align = 16) {
    auto r = h.alloc(size, align);
    EXPECT_TRUE(r.ok()) << "size " << size << " align " << align << " rc " << r.rc();
    return r.ok() ? *r : nullptr;
}

uint8_t pattern_byte(uint64_t tag, size_t i) {
    return static_cast<uint8_t>(tag * 131 + i * 7 + 1);
}

void fill(void* p, size_t size, uint64_t tag) {
    auto* b = static_cast<uint8_t*>(p);
    for (size_t i = 0; i < size; ++i)
        b[i] = pattern_byte(tag, i);
}

bool intact(const void* p, size_t size, uint64_t tag) {
    auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < size; ++i) {
        if (b[i] != pattern_byte(tag, i)) return false;
    }
    return true;
}

struct Live {
    void* p;
    size_t size;
    uint64_t tag;
};

} // namespace

TEST(Heap, EverySizeClassHandsOutDisjointWritableBlocks) {
    ArenaPageSource src(256);
    Heap heap(src);
    for (size_t cls_size = Heap::min_class_size; cls_size <= Heap::max_class_size; cls_size *= 2) {
        for (size_t size : {cls_size / 2 + 1, cls_size - 1, cls_size}) {
            SCOPED_TRACE(size);
            std::vector<Live> blocks;
            for (uint64_t i = 0; i < 20; ++i) {
                void* p = must_alloc(heap, size);
                ASSERT_NE(p, nullptr);
                EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
                EXPECT_TRUE(src.contains(p, size));
                fill(p, size, i);
                blocks.push_back({p, size, i});
            }
            std::sort(blocks.begin(), blocks.end(),
                      [](const Live& a, const Live& b) { return a.p < b.p; });
            for (size_t i = 0; i + 1 < blocks.size(); ++i) {
                EXPECT_LE(static_cast<char*>(blocks[i].p) + size, blocks[i + 1].p);
            }
            for (auto& b : blocks) {
                EXPECT_TRUE(intact(b.p, b.size, b.tag));
                heap.free(b.p);
            }
        }
    }
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_EQ(src.pages_out(), 0u);
}

TEST(Heap, SmallBlocksShareSlabPages) {
    ArenaPageSource src(64);
    Heap heap(src);
    std::vector<void*> tiny;
    for (int i = 0; i < 100; ++i)
        tiny.push_back(must_alloc(heap, 16));
    EXPECT_EQ(src.pages_out(), 1u); // 100 blocks of 32 bytes fit one page
    std::vector<void*> big;
    for (int i = 0; i < 7; ++i)
        big.push_back(must_alloc(heap, 2048));
    EXPECT_LE(src.pages_out(), 1u + 4u); // seven 2 KiB blocks in one slab of <= 4 pages
    EXPECT_EQ(heap.bytes_in_use(), 100u * 16 + 7u * 2048);
    for (void* p : tiny)
        heap.free(p);
    for (void* p : big)
        heap.free(p);
    EXPECT_EQ(src.pages_out(), 0u);
}

TEST(Heap, LargeAllocationTakesWholePagesAndGivesThemBack) {
    ArenaPageSource src(64);
    Heap heap(src);
    void* a = must_alloc(heap, 3000); // beyond the largest class: one page
    EXPECT_EQ(src.pages_out(), 1u);
    void* b = must_alloc(heap, 10000); // 10000 + header -> 3 pages -> order 2
    EXPECT_EQ(src.pages_out(), 5u);
    fill(a, 3000, 1);
    fill(b, 10000, 2);
    EXPECT_EQ(heap.bytes_in_use(), 13000u);
    EXPECT_TRUE(intact(a, 3000, 1));
    heap.free(a);
    EXPECT_EQ(src.pages_out(), 4u);
    EXPECT_TRUE(intact(b, 10000, 2));
    heap.free(b);
    EXPECT_EQ(src.pages_out(), 0u);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, AlignmentIsHonouredUpToAPage) {
    ArenaPageSource src(256);
    Heap heap(src);
    for (size_t align = 1; align <= page_size; align *= 2) {
        for (size_t size : {size_t{1}, size_t{24}, size_t{700}, size_t{3000}, size_t{9000}}) {
            SCOPED_TRACE(testing::Message() << "align " << align << " size " << size);
            std::vector<void*> ps;
            for (int i = 0; i < 3; ++i) {
                void* p = must_alloc(heap, size, align);
                ASSERT_NE(p, nullptr);
                EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % std::max<size_t>(align, 16), 0u);
                EXPECT_TRUE(src.contains(p, size));
                fill(p, size, i);
                ps.push_back(p);
            }
            for (int i = 0; i < 3; ++i) {
                EXPECT_TRUE(intact(ps[i], size, i));
                heap.free(ps[i]);
            }
        }
    }
    EXPECT_EQ(src.pages_out(), 0u);
}

TEST(Heap, BadSizeOrAlignmentIsEinval) {
    ArenaPageSource src(16);
    Heap heap(src);
    EXPECT_EQ(heap.alloc(0).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(heap.alloc(16, 0).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(heap.alloc(16, 3).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(heap.alloc(16, 48).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(heap.alloc(16, 2 * page_size).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(src.pages_out(), 0u);
}

TEST(Heap, HugeRequestIsEnomem) {
    ArenaPageSource src(16);
    Heap heap(src);
    EXPECT_EQ(heap.alloc(SIZE_MAX).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(heap.alloc(SIZE_MAX - 8, page_size).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(heap.alloc(size_t{1} << 40).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(heap.alloc(17 * page_size).error(), Errno::XEN_ENOMEM); // more than the source has
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, ExhaustedPageSourceGivesEnomemAndRecovers) {
    ArenaPageSource src(16);
    Heap heap(src);
    std::vector<void*> ps;
    for (;;) {
        auto r = heap.alloc(1000);
        if (!r.ok()) {
            EXPECT_EQ(r.error(), Errno::XEN_ENOMEM);
            break;
        }
        ps.push_back(*r);
        ASSERT_LT(ps.size(), 1000u) << "a 16-page source never runs out";
    }
    EXPECT_EQ(src.pages_out(), 16u);
    EXPECT_GE(ps.size(), 16u * 3);
    EXPECT_EQ(heap.alloc(5000).error(), Errno::XEN_ENOMEM);
    EXPECT_EQ(heap.bytes_in_use(), ps.size() * 1000);
    for (void* p : ps)
        heap.free(p);
    EXPECT_EQ(src.pages_out(), 0u);
    void* big = must_alloc(heap, 8 * page_size);
    heap.free(big);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(Heap, RandomAllocFreeKeepsContentsIntact) {
    for (uint32_t seed : {7u, 8u, 9u}) {
        SCOPED_TRACE(seed);
        ArenaPageSource src(2048);
        Heap heap(src);
        std::mt19937 rng(seed);
        std::vector<Live> live;
        size_t in_use = 0;
        uint64_t tag = 0;
        for (int op = 0; op < 4000; ++op) {
            if (live.empty() || rng() % 100 < 55) {
                // Log-uniform sizes: mostly small, some over several pages.
                const size_t size = 1 + rng() % (size_t{1} << (rng() % 15));
                const size_t align = size_t{1} << (rng() % 4 == 0 ? rng() % 13 : 0);
                auto r = heap.alloc(size, align);
                ASSERT_TRUE(r.ok()) << "size " << size << " align " << align;
                ASSERT_EQ(reinterpret_cast<uintptr_t>(*r) % std::max<size_t>(align, 16), 0u);
                fill(*r, size, ++tag);
                live.push_back({*r, size, tag});
                in_use += size;
            } else {
                const size_t i = rng() % live.size();
                ASSERT_TRUE(intact(live[i].p, live[i].size, live[i].tag)) << "tag " << live[i].tag;
                heap.free(live[i].p);
                in_use -= live[i].size;
                live[i] = live.back();
                live.pop_back();
            }
            ASSERT_EQ(heap.bytes_in_use(), in_use);
        }
        for (auto& l : live) {
            ASSERT_TRUE(intact(l.p, l.size, l.tag));
            heap.free(l.p);
        }
        EXPECT_EQ(heap.bytes_in_use(), 0u);
        EXPECT_EQ(src.pages_out(), 0u);
    }
}

TEST(Heap, ConcurrentAllocFreeFromFourThreadsKeepsContentsIntact) {
    ArenaPageSource src(4096);
    Heap heap(src);
    std::atomic<uint64_t> failures{0};
    std::latch start(4); // all threads begin together, for maximal contention
    auto worker = [&](uint32_t seed) {
        start.arrive_and_wait();
        std::mt19937 rng(seed);
        std::vector<Live> live;
        uint64_t tag = uint64_t{seed} << 32;
        auto release = [&](size_t i) {
            if (!intact(live[i].p, live[i].size, live[i].tag)) ++failures;
            heap.free(live[i].p);
            live[i] = live.back();
            live.pop_back();
        };
        for (int op = 0; op < 10000; ++op) {
            if (live.empty() || rng() % 2 == 0) {
                const size_t size = 1 + rng() % (size_t{1} << (rng() % 14));
                auto r = heap.alloc(size, rng() % 8 == 0 ? 256 : 16);
                if (!r.ok()) {
                    ++failures;
                    continue;
                }
                fill(*r, size, ++tag);
                live.push_back({*r, size, tag});
            } else {
                release(rng() % live.size());
            }
        }
        while (!live.empty())
            release(live.size() - 1);
    };
    std::vector<std::thread> threads;
    for (uint32_t t = 1; t <= 4; ++t)
        threads.emplace_back(worker, t);
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures.load(), 0u);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
    EXPECT_EQ(src.pages_out(), 0u);
}

TEST(Heap, FreeOfNullIsIgnored) {
    ArenaPageSource src(4);
    Heap heap(src);
    heap.free(nullptr);
    EXPECT_EQ(heap.bytes_in_use(), 0u);
}

TEST(HeapDeathTest, DoubleFreeOfSmallBlockDies) {
    ArenaPageSource src(16);
    Heap heap(src);
    void* keep = must_alloc(heap, 40); // keeps the slab alive
    void* p = must_alloc(heap, 40);
    heap.free(p);
    EXPECT_DEATH(heap.free(p), "BUG_ON\\(h->magic != live_magic\\)");
    heap.free(keep);
}

TEST(HeapDeathTest, DoubleFreeOfAlignedSmallBlockDies) {
    ArenaPageSource src(16);
    Heap heap(src);
    void* keep = must_alloc(heap, 40, 256); // keeps the slab alive
    void* p = must_alloc(heap, 40, 256);
    heap.free(p);
    EXPECT_DEATH(heap.free(p), "BUG_ON\\(h->magic != live_magic\\)");
    heap.free(keep);
}

TEST(HeapDeathTest, DoubleFreeOfLargeBlockDies) {
    ArenaPageSource src(16);
    Heap heap(src);
    void* p = must_alloc(heap, 3 * page_size);
    heap.free(p); // the pages stay in the arena, so the poisoned header is still readable
    EXPECT_DEATH(heap.free(p), "BUG_ON\\(h->magic != live_magic\\)");
}

TEST(HeapDeathTest, FreeOfPointerNotFromTheHeapDies) {
    ArenaPageSource src(16);
    Heap heap(src);
    alignas(16) static unsigned char not_heap[64] = {};
    EXPECT_DEATH(heap.free(not_heap + 16), "BUG_ON\\(h->magic != live_magic\\)");
    EXPECT_DEATH(heap.free(not_heap + 8), "BUG_ON");
}

TEST(HeapDeathTest, WriteAfterFreeIsCaughtWhenTheBlockIsReused) {
    ArenaPageSource src(16);
    Heap heap(src);
    void* keep = must_alloc(heap, 100);
    void* p = must_alloc(heap, 100);
    heap.free(p);
    // A stray write over the freed block's first word (its free-list magic).
    std::memset(static_cast<unsigned char*>(p) - Heap::header_size, 0, 4);
    EXPECT_DEATH((void)heap.alloc(100), "free list corrupted|fb->magic != dead_magic");
    heap.free(keep);
}

namespace {
struct Counted {
    explicit Counted(int v) : value(v) { ++constructed; }
    ~Counted() { ++destroyed; }
    int value;
    int untouched; // not set by the constructor: must come out zeroed
    static inline int constructed = 0;
    static inline int destroyed = 0;
};
struct alignas(128) Wide {
    unsigned char bytes[200];
};
} // namespace

TEST(HeapXmalloc, XnewConstructsInZeroedMemoryAndXdeleteDestroys) {
    ArenaPageSource src(16);
    cxen::heap_init(src);
    // Dirty a block first so that zeroing is visible.
    void* dirty = *cxen::xmalloc_bytes(sizeof(Counted));
    std::memset(dirty, 0xAB, sizeof(Counted));
    cxen::xfree(dirty);

    Counted::constructed = Counted::destroyed = 0;
    auto r = cxen::xnew<Counted>(42);
    ASSERT_TRUE(r.ok());
    Counted* c = *r;
    EXPECT_EQ(c, dirty); // same block reused
    EXPECT_EQ(c->value, 42);
    EXPECT_EQ(c->untouched, 0);
    EXPECT_EQ(Counted::constructed, 1);
    EXPECT_EQ(cxen::xmalloc_bytes_in_use(), sizeof(Counted));
    cxen::xdelete(c);
    EXPECT_EQ(Counted::destroyed, 1);
    cxen::xdelete(static_cast<Counted*>(nullptr));
    cxen::xfree(nullptr);
    EXPECT_EQ(cxen::xmalloc_bytes_in_use(), 0u);
    EXPECT_EQ(src.pages_out(), 0u);
}

TEST(HeapXmalloc, XnewHonoursTheTypesAlignment) {
    ArenaPageSource src(16);
    cxen::heap_init(src);
    std::vector<Wide*> ws;
    for (int i = 0; i < 5; ++i) {
        auto r = cxen::xnew<Wide>();
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(reinterpret_cast<uintptr_t>(*r) % alignof(Wide), 0u);
        ws.push_back(*r);
    }
    for (Wide* w : ws)
        cxen::xdelete(w);
    EXPECT_EQ(cxen::xmalloc_bytes_in_use(), 0u);
}

TEST(HeapXmalloc, XmallocReportsErrors) {
    ArenaPageSource src(4);
    cxen::heap_init(src);
    EXPECT_EQ(cxen::xmalloc_bytes(0).error(), Errno::XEN_EINVAL);
    EXPECT_EQ(cxen::xmalloc_bytes(64 * page_size).error(), Errno::XEN_ENOMEM);
    auto w = cxen::xnew<Wide>();
    ASSERT_TRUE(w.ok());
    cxen::xdelete(*w);
    EXPECT_EQ(cxen::xmalloc_bytes_in_use(), 0u);
}
