#include "hypasis/core/json/pretty.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace hypasis::json {
namespace {

TEST(Pretty, IndentsNestedValues) {
    const boost::json::value v = boost::json::parse(R"({"a":[1,"x",{}],"b":{"c":null,"d":[]},"e":"q\"t"})");
    EXPECT_EQ(serialize_pretty(v),
              "{\n"
              "  \"a\": [\n"
              "    1,\n"
              "    \"x\",\n"
              "    {}\n"
              "  ],\n"
              "  \"b\": {\n"
              "    \"c\": null,\n"
              "    \"d\": []\n"
              "  },\n"
              "  \"e\": \"q\\\"t\"\n"
              "}");
}

TEST(Pretty, RoundTripsThroughTheParser) {
    const boost::json::value v =
        boost::json::parse(R"([{"k\u0001":"\u00e9","n":-1.5,"t":true,"big":18446744073709551615}, [], "s"])");
    EXPECT_EQ(boost::json::parse(serialize_pretty(v, 4)), v);
    EXPECT_EQ(serialize_pretty(boost::json::value(7)), "7");
}

}  // namespace
}  // namespace hypasis::json
