#include "common/console/com_options.hpp"

#include <gtest/gtest.h>

using cxen::ComOptions;
using cxen::parse_com_options;

TEST(ComOptions, BaudAndDpsAsXenDocuments) {
    ComOptions o;
    ASSERT_TRUE(parse_com_options("115200,8n1", o));
    EXPECT_EQ(o.baud, 115200u);
    EXPECT_EQ(o.data_bits, 8);
    EXPECT_EQ(o.parity, 'n');
    EXPECT_EQ(o.stop_bits, 1);
    EXPECT_EQ(o.io_base, 0);
    ASSERT_TRUE(parse_com_options("9600,7e2,0x2f8,3", o));
    EXPECT_EQ(o.baud, 9600u);
    EXPECT_EQ(o.data_bits, 7);
    EXPECT_EQ(o.parity, 'e');
    EXPECT_EQ(o.stop_bits, 2);
    EXPECT_EQ(o.io_base, 0x2f8);
}

TEST(ComOptions, AutoBaudAndSkippedFields) {
    ComOptions o;
    ASSERT_TRUE(parse_com_options("auto", o));
    EXPECT_EQ(o.baud, 0u);
    ASSERT_TRUE(parse_com_options("57600/1843200,,0x3e8", o));
    EXPECT_EQ(o.baud, 57600u);
    EXPECT_EQ(o.io_base, 0x3e8);
}

TEST(ComOptions, MalformedLeavesOptionsUnchanged) {
    ComOptions o;
    o.baud = 1234;
    for (const char* bad : {"", "fast", "115200,9n1", "115200,8x1", "115200,8n3", "115200,8n1,0",
                            "115200,8n1,0x10000", "115200 ", "0", "115200,8n1,0x3f8,x"}) {
        EXPECT_FALSE(parse_com_options(bad, o)) << bad;
        EXPECT_EQ(o.baud, 1234u) << bad;
    }
}
