// The console history ring (common/console/console_history.hpp): indices run
// freely, the ring keeps the last `size` bytes, reads stop at the end of
// the buffer and clear_to() follows Xen's rule.
#include "common/console/console_history.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace cxen {
namespace {

std::string read_all(const ConsoleHistory& r, uint32_t c) {
    std::string out;
    const uint32_t p = r.producer();
    char buf[300];
    while (c != p) {
        const size_t n = r.copy_out(c, p, buf, sizeof(buf));
        out.append(buf, n);
        c += static_cast<uint32_t>(n);
    }
    return out;
}

TEST(ConsoleHistory, KeepsWhatWasPutInOrder) {
    auto r = std::make_unique<ConsoleHistory>();
    r->put("hello ", 6);
    r->put("world\n", 6);
    EXPECT_EQ(r->producer(), 12u);
    EXPECT_EQ(r->consumer(), 0u);
    EXPECT_EQ(read_all(*r, r->consumer()), "hello world\n");
}

TEST(ConsoleHistory, KeepsOnlyTheLastSizeBytesAcrossTheWrap) {
    auto r = std::make_unique<ConsoleHistory>();
    std::string all;
    for (unsigned i = 0; all.size() < ConsoleHistory::size + 5000; ++i) {
        const std::string line = "line " + std::to_string(i) + "\n";
        r->put(line.data(), line.size());
        all += line;
    }
    EXPECT_EQ(r->producer() - r->consumer(), ConsoleHistory::size); // the consumer was pulled forward
    EXPECT_EQ(read_all(*r, r->consumer()), all.substr(all.size() - ConsoleHistory::size));
    char buf[16];
    const uint32_t p = r->producer();
    const uint32_t near_end = p - (p & (ConsoleHistory::size - 1)) - 3; // 3 bytes before the buffer's end
    EXPECT_EQ(r->copy_out(near_end, p, buf, sizeof(buf)), 3u); // a read stops at the end of the buffer
}

TEST(ConsoleHistory, ClearMovesTheConsumerButNeverBehindWhatIsHeld) {
    auto r = std::make_unique<ConsoleHistory>();
    r->put("abcdef", 6);
    r->clear_to(4, r->producer());
    EXPECT_EQ(r->consumer(), 4u);
    EXPECT_EQ(read_all(*r, r->consumer()), "ef");
    const uint32_t p = 2 * ConsoleHistory::size + 10;
    r->clear_to(1, p); // c older than the ring's reach: p - size
    EXPECT_EQ(r->consumer(), p - ConsoleHistory::size);
}

} // namespace
} // namespace cxen
